// GenMC's error report as data (not installed, not API): what
// read_genmc_report() (genmc_report.cpp) takes from the text, before
// parse_genmc() (parse_genmc.cpp) turns it into a structured trace.
//
// The input (GenMC 0.11 run with -print-error-trace, as `vsem-verify --engine
// genmc` saves it in <run>.genmc.txt):
//
//   Error: Liveness violation!                       the result
//   Event (2, 57) in graph:                          the failing event, or
//   Event (2, 27) conflicts with event (1, 28) in graph:   a failing pair
//   <-1, 0> main:                                    a thread: <parent, id> function
//   \t(2, 31): URrlx (storage[216], 0) [(0, 40)] semaphore.hpp:253
//                                                    (id, index): label (location,
//                                                    value) [read from] file:line
//   Coherence:                                       per location, its writes in
//   storage[216]: [ (0, 40): Wna (G#(0, 216), 0) ... ]   coherence order
//   Trace to (2, 57):                                the steps to an event:
//   [function] file: line: source                    its last one names its place
//   Assertion violation: x at file:line              a failed VSEM_MODEL_ASSERT
//   vsem-verify: run NAME                            vsem-verify's trailer: the run
//   vsem-verify: file impl/vsem/semaphore.hpp in /src/vsem   and the source files
//
// GenMC names a file by its base name only; the trailer gives the paths back.
#pragma once

#include <compare>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vsem::trace::detail {

struct node_id {
  unsigned thread = 0;  // GenMC's thread id: 0 is main, k + 1 the model's thread k
  std::size_t index = 0;
  auto operator<=>(const node_id&) const = default;
};

// One event line of the graph.
struct graph_event {
  node_id id;
  std::string label;     // "URrlx", "Wna", "MALLOC", "BLOCK[spinloop]", ...
  std::string location;  // the symbol in parentheses, often empty
  std::optional<std::string> value;
  std::optional<node_id> reads_from;
  std::string file;  // base name as printed
  unsigned line = 0;
  std::string rest;  // anything else ("[thread 1]")
};

// An access label split: "URacq" -> {"UR", "acq"}; kind is empty for other labels.
struct access_label {
  std::string_view kind;   // "R", "W", "UR", "UW", "CR", "CW" or "F"
  std::string_view order;  // "na", "rlx", "acq", "rel", "ar", "acqrel" or "sc"
};
access_label split_label(std::string_view label);

struct genmc_report {
  std::string result;   // "Liveness violation" (without the '!')
  std::string message;  // "Assertion violation: ..." when GenMC printed one
  std::string run_name;
  std::optional<node_id> failing, conflict;
  std::vector<std::vector<graph_event>> threads;  // by GenMC thread id
  std::size_t event_count = 0;
  std::map<node_id, std::string> address;           // a write's address in the coherence list
  std::map<node_id, std::size_t> co_rank;           // its place in its location's coherence order
  std::map<std::string, std::string> name_address;  // a location's name -> its address
  std::map<std::string, std::string> paths;         // base name -> path ("" when two share it)
  std::map<node_id, std::pair<std::string, unsigned>> trace_end;  // "Trace to": last place

  const graph_event* find(node_id id) const;
  // The location g accesses, as a key: its address in the coherence list (its
  // own, or that of the write it reads from), else its name's, else its name.
  std::string location_key(const graph_event& g) const;
  // A base name as GenMC prints it -> the path from the trailer, when known.
  std::string resolve(const std::string& base) const;
  // The thread a THREAD_CREATE or THREAD_JOIN event names ("[thread 2]").
  static std::optional<unsigned> thread_named(const graph_event& g);
};

// Reads the report; throws parse_error (with the line) for a garbled graph,
// and for a text with no "Error: " line or no graph.
genmc_report read_genmc_report(std::string_view text);

}  // namespace vsem::trace::detail

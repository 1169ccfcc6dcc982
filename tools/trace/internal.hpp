// Declarations shared by the units of vsem_trace (not installed, not API):
//   names.cpp     enum names, function names, file paths, test names
//   object_names.cpp  object names from source lines (name_objects())
//   classify.cpp  what an event text is (classify()), Relacy's result names
//   parse.cpp     the text reader and parse() / parse_file() / parse_stream()
//   parse_json.cpp  the reader of to_json()'s output
//   parse_genmc.cpp  the reader of GenMC's error report
//   analyse.cpp   the failing event, conflicts, summary and story (analyse();
//                 analyser.hpp, analyse_results.cpp, analyse_deadlock.cpp)
//   json.cpp      to_json()
//   render_text.cpp, render_html.cpp  render_text(), render_html()
//                 (render_labels.hpp: their shared labels)
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "trace.hpp"

namespace vsem::trace::detail {

// Decimal digits only (no sign, no spaces), at most 20 of them, in range for T.
template <class T>
bool parse_decimal(std::string_view s, T& out) {
  if (s.empty() || s.size() > 20) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

// s without leading and trailing spaces.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "0x55a885829d70" or "55a885829d70" (at most 16 digits).
std::optional<std::uint64_t> parse_hex(std::string_view s);

// A file in Relacy's own headers.
bool is_relacy_file(std::string_view f);

// A Relacy result: "DEADLOCK (deadlock detected)" -> {deadlock, "DEADLOCK", "deadlock detected"}.
struct parsed_result {
  result_kind kind = result_kind::other;
  std::string_view name;
  std::string_view detail;
};
// "NAME" or "NAME (detail)" with a result name Relacy has.
std::optional<parsed_result> match_known_result(std::string_view s);

// Sets e.kind, e.op and the fields of that kind (object, value, order, ...)
// from Relacy's event text.
void classify(event& e, std::string_view text);

// Names the objects of a parsed trace from its source lines (sets each event's
// object_name; see parse_options). Never throws for a file it cannot read.
void name_objects(trace& t, const parse_options& options);

// Marks the value of the failing event as not recorded (value_recorded =
// false, value empty) when it is a plain-variable access Relacy logged without
// its value: the racing load or store of a DATA RACE, the load of an
// ACCESS TO UNINITIALIZED VARIABLE. Needs failing_event.
void mark_unrecorded_value(trace& t);

// Finds what went wrong in a parsed trace: sets failing_event, conflicts,
// blocked_threads, the threads' end states, leaks[].alloc_event, summary and story.
void analyse(trace& t);

// The reader of what to_json() writes; throws parse_error.
trace parse_json(std::string_view text);

// Whether text is a GenMC error report (parse_genmc.cpp): it has GenMC's
// banner and an "Error: " line.
bool is_genmc_report(std::string_view text);
// The reader of GenMC's error report (see parse_genmc.cpp); throws parse_error.
trace parse_genmc(std::string_view text);

}  // namespace vsem::trace::detail

// vsem-trace: reads the raw text trace that Relacy writes for a failing run
// (vsem-verify saves it as <out>/<run>.trace.txt) and turns it into a
// structured trace: the events, the failing event, the accesses that conflict
// with it, a one-sentence summary of what went wrong and the story of it. It
// also reads that structured trace back from its JSON (<run>.trace.json).
//
// The input format (Relacy's history output, see relacy/history.hpp):
//
//   <test type name>
//   RESULT (detail)                    e.g. "DEADLOCK (deadlock detected)"
//   iteration: N
//
//   execution history (n):
//   [idx] thread: <event text>, in <function>, <file>(<line>)      (n lines)
//
//   thread 0:
//   <the same event lines, those of thread 0 only>
//   ...
//   [memory allocations: / leaked atomics: blocks, for leaks]
//
// Parsing is strict about that structure (a truncated or garbled file is an
// error naming the line) and lenient about event texts it does not know (they
// become kind `message`). Input size, line length, event and thread counts are
// bounded (see the limits below), so no input makes it use unbounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vsem::trace {

// ---- limits ------------------------------------------------------------------
inline constexpr std::size_t max_input_bytes = std::size_t{64} << 20;  // 64 MiB
inline constexpr std::size_t max_line_bytes = std::size_t{64} << 10;   // 64 KiB
inline constexpr std::size_t max_events = 1'000'000;
inline constexpr unsigned max_threads = 4096;

// A malformed trace. line() is the 1-based input line, or 0 for the whole input
// (size limit, I/O error). what() starts with "line N: " when line() != 0.
class parse_error : public std::runtime_error {
 public:
  parse_error(std::size_t line, const std::string& message);
  std::size_t line() const noexcept { return line_; }

 private:
  std::size_t line_;
};

// The input is the output of passing runs only: Relacy printed each test's name,
// then "iterations: N", "total time: T", "throughput: X" and no failure, so
// there is no counterexample in it. what(): "no counterexample in this file:
// test handoff passed (848 iterations)".
class passing_run : public parse_error {
 public:
  struct run {
    std::string test;  // readable (readable_test_name())
    std::uint64_t iterations = 0;
  };
  explicit passing_run(std::vector<run> runs);
  const std::vector<run>& runs() const noexcept { return runs_; }

 private:
  std::vector<run> runs_;
};

// ---- the structured trace ----------------------------------------------------
enum class result_kind {
  data_race,
  deadlock,
  livelock,
  access_to_freed_memory,
  double_free,
  memory_leak,
  resource_leak,
  user_assert_failed,
  user_invariant_failed,
  uninitialized_access,
  other,  // any other Relacy result (mutex misuse, inconsistent test suite, ...)
};

enum class event_kind {
  atomic_load,   // <a> atomic load, value=V[ [NOT CURRENT]], order=O
  atomic_store,  // <a> atomic store, value=V, (prev value=P), order=O
  rmw,    // <a> fetch_add , prev=P, arg=A, new=N, order=O (also exchange, fetch_sub/and/or/xor)
  cas,    // <a> CAS succ|fail [SPURIOUSLY] [ABA] orig=.., cmp=.., xchg=.., order=O
  load,   // <a> load, value=V          (rl::var)
  store,  // <a> store, value=V         (rl::var)
  fence,  // [compiler ]O fence, system-wide fence
  futex_wait,    // futex_wait: ... (vsem model platform), <a> futex(FUTEX_WAIT, ...)
  futex_wake,    // futex_wake: ...
  block,         // blocking current thread[ [timed]]
  unblock,       // unblocking thread N
  yield,         // yield(N)
  alloc,         // memory allocation: addr=A, size=N
  free,          // memory deallocation: addr=A
  freed_access,  // <a> access to freed memory
  mutex,         // <a> mutex: ...
  condvar,       // <a> cond_var: ...
  sync,          // <a> event: ... / <a> semaphore: ... (Relacy's Win32-style objects)
  internal,      // [CTOR BEGIN], [THREAD FINISHED], ... (Relacy's markers)
  result,        // DATA RACE (data race detected), DEADLOCK (...), ...
  message,       // anything else (user messages)
};

std::string_view to_string(result_kind k) noexcept;
std::string_view to_string(event_kind k) noexcept;

struct event {
  std::size_t index = 0;  // position in trace::events, equal to Relacy's [idx]
  unsigned thread = 0;
  event_kind kind = event_kind::message;
  std::string text;  // the event text exactly as Relacy printed it
  std::string op;  // the operation: "atomic load", "fetch_add", "CAS", "futex_wait: sleeping", ...
  std::optional<std::uint64_t> object;  // the <0x...> object, or addr= of alloc/free
  std::optional<std::string> value;     // value read or written (new value of a RMW/CAS)
  // The object's name in the source ("slot_", "cells_[i].seq", "state_@2" when
  // two objects share a name), empty when unknown: see parse_options::read_sources.
  std::string object_name;
  // False for a plain-variable access whose value Relacy did not record (the
  // failing load or store of a data race, an uninitialized load): value is empty.
  bool value_recorded = true;
  std::optional<std::string> prev;        // previous value (store, RMW, CAS)
  std::optional<std::string> arg;         // RMW operand; CAS comparand
  std::string order;                      // memory order, empty if none
  bool stale = false;                     // atomic load marked [NOT CURRENT]
  bool failed = false;                    // CAS that failed
  bool timed = false;                     // blocking current thread [timed]
  std::optional<unsigned> target_thread;  // unblocking thread N
  std::optional<std::uint64_t> size;      // memory allocation size
  std::string function;                   // as printed (pretty function)
  std::string short_function;             // without return type and [with ...]
  std::string name;                       // bare name: "acquire_slow", "~counting_semaphore"
  std::string raw_file;                   // as printed
  std::string file;                       // relative to the checkout when under it (display_path)
  unsigned line = 0;
  std::size_t source_line = 0;  // 1-based line of the input where it was read
  bool internal = false;        // a Relacy marker or a frame in Relacy's own headers

  bool is_write() const noexcept;   // atomic store, RMW, successful CAS, var store
  bool is_read() const noexcept;    // atomic load, RMW, CAS, var load
  bool is_access() const noexcept;  // is_read() || is_write() || freed_access
};

enum class thread_state { idle, running, blocked, finished };
std::string_view to_string(thread_state s) noexcept;

struct thread_info {
  unsigned id = 0;
  std::vector<std::size_t> events;          // its events, in order
  thread_state state = thread_state::idle;  // at the end of the history
};

struct leaked_block {
  std::uint64_t address = 0;
  std::uint64_t size = 0;
  std::optional<std::size_t> alloc_event;
};

// One step of the story of a failure (see trace::story).
struct story_step {
  std::optional<std::size_t> event;  // the event the step is about; none for a conclusion
  std::string text;                  // one clause: "thread 0 in release at ...: fetch_add ..."
};

struct trace {
  std::string test;          // the test type name (first line)
  std::string test_display;  // readable_test_name(test): "handoff"
  result_kind result = result_kind::other;
  std::string result_text;  // "DEADLOCK", "DATA RACE", ...
  std::string detail;       // the text in parentheses, may be empty
  std::uint64_t iteration = 0;
  // The checker that wrote the input: "" for Relacy, "GenMC" for a GenMC
  // report (then iteration is 0: GenMC reports no count for the failing one).
  std::string engine;
  std::vector<thread_info> threads;
  std::vector<event> events;
  std::optional<std::size_t> result_event;   // the result line in the history, if any
  std::optional<std::size_t> failing_event;  // what went wrong (see trace.cpp, analyse())
  std::vector<std::size_t> conflicts;        // related accesses, ascending, never the failing one
  std::vector<unsigned> blocked_threads;     // threads blocked at the end (deadlock)
  std::vector<leaked_block> leaks;           // from "memory allocations:" (memory leak)
  std::string summary;                       // one sentence
  // The few events that explain the failure, in the order they tell it: for a
  // data race the two accesses and the operations that did not order them; for
  // a lost wakeup the sleeper and the write that issued no wake; for a freed
  // access the allocation, the free and the access; ... Empty when unknown.
  std::vector<story_step> story;
};

// Object names. With read_sources, parse() reads the source line of each access
// (the file as the trace names it, or under source_dir) and takes the receiver
// of the operation there: "slot_" in "slot_.store(item);", "cells_[i].seq" in
// "cells_[i].seq.load(acquire)", "state_" in "Platform::wait(state_, 0);" (the
// model platform's futex wait is a fetch_add(0) logged at its caller). A line
// with no receiver, or several, for the operation names nothing. An object takes
// the name most of its events give it (none on a tie); objects that share a name
// are told apart by their label, "state_@1", "state_@3" (the "@N" of the text
// output: objects numbered in order of first use). Names are used in the
// summary, the story, the lanes and the JSON ("object_name"); objects without
// one keep their address / "@N". A missing, unreadable or oversized file (more
// than max_source_bytes; max_input_bytes in all), or more than max_source_files
// files, just names nothing: reading sources never makes parse() fail.
inline constexpr std::size_t max_source_bytes = std::size_t{4} << 20;  // 4 MiB a file
inline constexpr std::size_t max_source_files = 256;
struct parse_options {
  bool read_sources = false;
  // Not empty: a file under the trace's checkout (event::file is relative) is
  // read as source_dir/event::file, not where the trace was made.
  std::string source_dir;
};

// Parses a whole trace: Relacy's text output (progress lines "3% (65536/2000000)"
// anywhere in it are skipped; passing runs before the failing one too), or the
// JSON that to_json() writes (input whose first non-blank byte is '{'; it keeps
// the object names it was written with). Throws parse_error, or passing_run when
// the text holds passing runs only.
trace parse(std::string_view text, const parse_options& options = {});
// Reads (at most max_input_bytes) and parses a file; throws parse_error (line 0
// for I/O errors).
trace parse_file(const std::string& path, const parse_options& options = {});
// The same for a stream read to its end (standard input); `name` names it in
// error messages.
trace parse_stream(std::istream& in, const std::string& name, const parse_options& options = {});

// ---- helpers (exposed for tests) --------------------------------------------
// The test name in the user's terms. Relacy prints typeid(test).name() without
// its leading digits; this demangles it and drops "(anonymous namespace)::":
// "N12_GLOBAL__N_17handoffE" -> "handoff", "8my_model" -> "my_model",
// "N4vsem5model7handoffE" -> "vsem::model::handoff". A name that is not a
// mangled one ("mutant/skip_wake@handoff", "condvar_test") is kept as it is.
std::string readable_test_name(std::string_view relacy_name);
// "vsem::detail::wait_status vsem::sem<N>::acquire_slow(tp) [with ...]" ->
// "vsem::sem<N>::acquire_slow(tp)"
std::string short_function(std::string_view pretty);
// -> "acquire_slow"
std::string function_name(std::string_view pretty);
// The checkout a trace was made in, from the file names of its events: the
// longest directory that all the files naming one of vsem's source
// directories (impl/, models/, tests/, examples/, bench/) have in common and
// continue from with that source directory. {"/src/v/impl/vsem/s.hpp",
// "/src/v/models/m.cpp"} -> "/src/v/"; "" when no file names one.
std::string source_root(const std::vector<std::string_view>& files);
// A file name as shown: relative to `root` when under it
// ("/src/v/tools/x.cpp", "/src/v/" -> "tools/x.cpp"), or else from the first
// of vsem's source directories in it ("/src/vsem/models/m.cpp" ->
// "models/m.cpp"), or else as it is.
std::string display_path(std::string_view file, std::string_view root = {});
// "file:line" of an event, with the display path ("?" when Relacy gave none).
std::string location(const event& e);
// The object an event of kind `kind` (operation `op` and operand `arg`, as in
// event::op and event::arg) acts on, named from its source line (see
// parse_options): the one receiver of the operation on the line, or nullopt
// when there is none or more than one. ("slot_.store(item);", store) -> "slot_";
// ("a.load() + b.load()", load) -> nullopt; ("P::wait(state_, 0);", rmw,
// "fetch_add", "0") -> "state_".
std::optional<std::string> source_object_name(std::string_view line, event_kind kind,
                                              std::string_view op = {}, std::string_view arg = {});

// ---- output -----------------------------------------------------------------
// The structured trace as one JSON object (valid UTF-8; invalid input bytes
// become U+FFFD).
std::string to_json(const trace& t);

inline constexpr unsigned min_text_width = 80;
inline constexpr unsigned max_text_width = 250;
struct text_options {
  bool show_internal = false;  // --all: do not fold Relacy-internal events
  unsigned width = 140;        // total width, clamped to min_text_width..max_text_width
};
// The summary sentence (one line, however long), then a swimlane table: one
// column per thread, one row per event; ">>" marks the failing event, "*" the
// conflicting accesses. Every line but the first fits in options.width: an
// event's text wraps inside its lane, nothing is cut. When the lanes would be
// narrower than 15 columns, one row per event instead ("T<n>" names the thread).
std::string render_text(const trace& t, const text_options& options = {});

// A self-contained HTML page (inline CSS and JS, no network): the summary, the
// story (id "story": trace::story, each step linking to its event), a legend,
// then one lane per thread (id "lane-<n>", class "lane") holding the events
// (id "ev-<i>", class "event", plus "failing" / "conflict"). The page opens
// scrolled to the failing event (else the last one shown), selected and
// focused; the script then sets <body data-focused="<i>">.
std::string render_html(const trace& t, std::string_view source_name = {});

}  // namespace vsem::trace

// vsem-trace: reads the raw text trace that Relacy writes for a failing run
// (vsem-verify saves it as <out>/<run>.trace.txt) and turns it into a
// structured trace: the events, the failing event, the accesses that conflict
// with it, and a one-sentence summary of what went wrong.
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
  std::optional<std::uint64_t> object;    // the <0x...> object, or addr= of alloc/free
  std::optional<std::string> value;       // value read or written (new value of a RMW/CAS)
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

struct trace {
  std::string test;          // the test type name (first line)
  std::string test_display;  // demangled when possible: "(anonymous namespace)::handoff"
  result_kind result = result_kind::other;
  std::string result_text;  // "DEADLOCK", "DATA RACE", ...
  std::string detail;       // the text in parentheses, may be empty
  std::uint64_t iteration = 0;
  std::vector<thread_info> threads;
  std::vector<event> events;
  std::optional<std::size_t> result_event;   // the result line in the history, if any
  std::optional<std::size_t> failing_event;  // what went wrong (see trace.cpp, analyse())
  std::vector<std::size_t> conflicts;        // related accesses, ascending, never the failing one
  std::vector<unsigned> blocked_threads;     // threads blocked at the end (deadlock)
  std::vector<leaked_block> leaks;           // from "memory allocations:" (memory leak)
  std::string summary;                       // one sentence
};

// Parses a whole trace; throws parse_error.
trace parse(std::string_view text);
// Reads (at most max_input_bytes) and parses a file; throws parse_error (line 0
// for I/O errors).
trace parse_file(const std::string& path);

// ---- helpers (exposed for tests) --------------------------------------------
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

// ---- output -----------------------------------------------------------------
// The structured trace as one JSON object (valid UTF-8; invalid input bytes
// become U+FFFD).
std::string to_json(const trace& t);

struct text_options {
  bool show_internal = false;  // --all: do not fold Relacy-internal events
  unsigned width = 140;        // total width, clamped to 100..160
};
// The summary sentence, then a swimlane table: one column per thread, one row
// per event; ">>" marks the failing event, "*" the conflicting accesses.
std::string render_text(const trace& t, const text_options& options = {});

// A self-contained HTML page (inline CSS and JS, no network): the summary,
// a legend, then one lane per thread (id "lane-<n>", class "lane") holding the
// events (class "event", plus "failing" / "conflict").
std::string render_html(const trace& t, std::string_view source_name = {});

}  // namespace vsem::trace

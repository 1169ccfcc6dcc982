// Parser and analysis of Relacy's raw text traces (see trace.hpp).
#include "trace.hpp"

#include <cxxabi.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "text_util.hpp"

namespace vsem::trace {

using detail::hex_address;
using detail::printable_ascii;

namespace {

std::string with_line(std::size_t line, const std::string& message) {
  return line == 0 ? message : "line " + std::to_string(line) + ": " + message;
}

}  // namespace

parse_error::parse_error(std::size_t line, const std::string& message)
    : std::runtime_error(with_line(line, message)), line_(line) {}

// ---- names -------------------------------------------------------------------
std::string_view to_string(result_kind k) noexcept {
  switch (k) {
    case result_kind::data_race:
      return "data_race";
    case result_kind::deadlock:
      return "deadlock";
    case result_kind::livelock:
      return "livelock";
    case result_kind::access_to_freed_memory:
      return "access_to_freed_memory";
    case result_kind::double_free:
      return "double_free";
    case result_kind::memory_leak:
      return "memory_leak";
    case result_kind::resource_leak:
      return "resource_leak";
    case result_kind::user_assert_failed:
      return "user_assert_failed";
    case result_kind::user_invariant_failed:
      return "user_invariant_failed";
    case result_kind::uninitialized_access:
      return "uninitialized_access";
    case result_kind::other:
      return "other";
  }
  return "other";
}

std::string_view to_string(event_kind k) noexcept {
  switch (k) {
    case event_kind::atomic_load:
      return "atomic_load";
    case event_kind::atomic_store:
      return "atomic_store";
    case event_kind::rmw:
      return "rmw";
    case event_kind::cas:
      return "cas";
    case event_kind::load:
      return "load";
    case event_kind::store:
      return "store";
    case event_kind::fence:
      return "fence";
    case event_kind::futex_wait:
      return "futex_wait";
    case event_kind::futex_wake:
      return "futex_wake";
    case event_kind::block:
      return "block";
    case event_kind::unblock:
      return "unblock";
    case event_kind::yield:
      return "yield";
    case event_kind::alloc:
      return "alloc";
    case event_kind::free:
      return "free";
    case event_kind::freed_access:
      return "freed_access";
    case event_kind::mutex:
      return "mutex";
    case event_kind::condvar:
      return "condvar";
    case event_kind::sync:
      return "sync";
    case event_kind::internal:
      return "internal";
    case event_kind::result:
      return "result";
    case event_kind::message:
      return "message";
  }
  return "message";
}

std::string_view to_string(thread_state s) noexcept {
  switch (s) {
    case thread_state::idle:
      return "idle";
    case thread_state::running:
      return "running";
    case thread_state::blocked:
      return "blocked";
    case thread_state::finished:
      return "finished";
  }
  return "idle";
}

bool event::is_write() const noexcept {
  switch (kind) {
    case event_kind::atomic_store:
    case event_kind::rmw:
    case event_kind::store:
      return true;
    case event_kind::cas:
      return !failed;
    default:
      return false;
  }
}

bool event::is_read() const noexcept {
  switch (kind) {
    case event_kind::atomic_load:
    case event_kind::rmw:
    case event_kind::cas:
    case event_kind::load:
      return true;
    default:
      return false;
  }
}

bool event::is_access() const noexcept {
  return is_read() || is_write() || kind == event_kind::freed_access;
}

// ---- helpers -----------------------------------------------------------------
namespace {

template <class T>
bool parse_decimal(std::string_view s, T& out) {
  if (s.empty() || s.size() > 20) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

std::optional<std::uint64_t> parse_hex(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_relacy_file(std::string_view f) {
  return f.find("/relacy/") != std::string_view::npos || f.starts_with("relacy/");
}

struct result_name {
  std::string_view text;
  result_kind kind;
};

constexpr result_name result_names[] = {
    {"DATA RACE", result_kind::data_race},
    {"DEADLOCK", result_kind::deadlock},
    {"LIVELOCK", result_kind::livelock},
    {"ACCESS TO FREED MEMORY", result_kind::access_to_freed_memory},
    {"DOUBLE FREE", result_kind::double_free},
    {"MEMORY LEAK", result_kind::memory_leak},
    {"RESOURCE LEAK", result_kind::resource_leak},
    {"USER ASSERT FAILED", result_kind::user_assert_failed},
    {"USER INVARIANT FAILED", result_kind::user_invariant_failed},
    {"ACCESS TO UNINITIALIZED VARIABLE", result_kind::uninitialized_access},
    {"UNTIL CONDITION HIT", result_kind::other},
    {"INCONSISTENT TEST SUITE", result_kind::other},
    {"RECURSION ON NON-RECURSIVE MUTEX", result_kind::other},
    {"UNLOCKING MUTEX W/O OWNERSHIP", result_kind::other},
    {"DESTROYING OWNED MUTEX", result_kind::other},
    {"DOUBLE INITIALIZATION OF MUTEX", result_kind::other},
    {"USAGE OF NON INITIALIZED MUTEX", result_kind::other},
    {"ATTEMPT TO UPGRADE EXCLUSIVE MUTEX OWNERSHIP TO SHARED", result_kind::other},
    {"ATTEMPT TO UPGRADE SHARED MUTEX OWNERSHIP TO EXCLUSIVE", result_kind::other},
    {"DOUBLE INITIALIZATION OF CONDITION VARIABLE", result_kind::other},
    {"USAGE OF NON INITIALIZED CONDITION VARIABLE", result_kind::other},
    {"DOUBLE INITIALIZATION OF SEMAPHORE", result_kind::other},
    {"USAGE OF NON INITIALIZED SEMAPHORE", result_kind::other},
    {"DOUBLE INITIALIZATION OF EVENT", result_kind::other},
    {"USAGE OF NON INITIALIZED EVENT", result_kind::other},
};

struct parsed_result {
  result_kind kind = result_kind::other;
  std::string_view name;
  std::string_view detail;
};

// "NAME" or "NAME (detail)" with a known Relacy result name.
std::optional<parsed_result> match_known_result(std::string_view s) {
  for (const auto& r : result_names) {
    if (!s.starts_with(r.text)) continue;
    const std::string_view rest = s.substr(r.text.size());
    if (rest.empty()) return parsed_result{r.kind, r.text, {}};
    if (rest.size() >= 3 && rest.starts_with(" (") && rest.back() == ')') {
      return parsed_result{r.kind, r.text, rest.substr(2, rest.size() - 3)};
    }
  }
  return std::nullopt;
}

// A result line on line 2: a known result, or an upper-case name that this
// version does not know (kind other).
std::optional<parsed_result> match_result_line(std::string_view s) {
  if (auto r = match_known_result(s)) return r;
  std::string_view name = s;
  std::string_view detail;
  const std::size_t paren = s.find(" (");
  if (paren != std::string_view::npos) {
    if (s.back() != ')') return std::nullopt;
    name = s.substr(0, paren);
    detail = s.substr(paren + 2, s.size() - paren - 3);
  }
  if (name.size() < 3) return std::nullopt;
  bool upper = false;
  for (const char c : name) {
    if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c != ' ' && c != '-' && c != '/' && c != '_') {
      return std::nullopt;
    }
  }
  if (!upper) return std::nullopt;
  return parsed_result{result_kind::other, name, detail};
}

// Splits "[idx] thread: rest".
bool split_event_prefix(std::string_view line, std::size_t& index, unsigned& thread,
                        std::string_view& rest) {
  if (line.size() < 6 || line[0] != '[') return false;
  const std::size_t close = line.find(']');
  if (close == std::string_view::npos || close > 21) return false;
  if (!parse_decimal(line.substr(1, close - 1), index)) return false;
  if (line.substr(close, 2) != "] ") return false;
  const std::size_t colon = line.find(':', close + 2);
  if (colon == std::string_view::npos || colon - (close + 2) > 10) return false;
  if (!parse_decimal(line.substr(close + 2, colon - close - 2), thread)) return false;
  if (line.substr(colon, 2) != ": ") return false;
  rest = line.substr(colon + 2);
  return true;
}

struct located {
  std::string_view text, function, file;
  unsigned line = 0;
};

// Splits "<event text>, in <function>, <file>(<line>)" from its end: event
// texts and function names may both contain ", " and parentheses.
std::optional<located> split_location(std::string_view rest) {
  if (rest.empty() || rest.back() != ')') return std::nullopt;
  const std::size_t lp = rest.rfind('(');
  if (lp == std::string_view::npos) return std::nullopt;
  located r;
  if (!parse_decimal(rest.substr(lp + 1, rest.size() - lp - 2), r.line)) return std::nullopt;
  const std::string_view before = rest.substr(0, lp);
  const std::size_t comma = before.rfind(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  r.file = before.substr(comma + 2);
  const std::string_view head = before.substr(0, comma);  // "<text>, in <function>"
  const std::size_t in = head.rfind(", in ");
  if (in == std::string_view::npos) return std::nullopt;
  r.text = head.substr(0, in);
  r.function = head.substr(in + 5);
  return r;
}

// Text between key and the next occurrence of end (or the end of s).
std::optional<std::string_view> field(std::string_view s, std::string_view key,
                                      std::string_view end = {}) {
  const std::size_t k = s.find(key);
  if (k == std::string_view::npos) return std::nullopt;
  const std::size_t from = k + key.size();
  if (end.empty()) return s.substr(from);
  const std::size_t e = s.find(end, from);
  if (e == std::string_view::npos) return std::nullopt;
  return s.substr(from, e - from);
}

constexpr std::string_view rmw_ops[] = {"exchange",  "fetch_add", "fetch_sub",
                                        "fetch_and", "fetch_or",  "fetch_xor"};

// Classifies "<0x...> body"; returns false when the body is not a known form
// (the caller then keeps it as a message on that object).
bool classify_object_event(event& e, std::string_view body) {
  if (body.starts_with("atomic load, value=")) {
    const std::size_t ord = body.rfind(", order=");
    if (ord == std::string_view::npos || ord < 19) return false;
    std::string_view v = body.substr(19, ord - 19);
    constexpr std::string_view nc = " [NOT CURRENT]";
    if (v.size() >= nc.size() && v.substr(v.size() - nc.size()) == nc) {
      e.stale = true;
      v.remove_suffix(nc.size());
    }
    e.kind = event_kind::atomic_load;
    e.op = "atomic load";
    e.value = std::string(v);
    e.order = std::string(body.substr(ord + 8));
    return true;
  }
  if (body.starts_with("atomic store, value=")) {
    const auto v = field(body, "atomic store, value=", ", (prev value=");
    const auto p = field(body, ", (prev value=", "), order=");
    const std::size_t ord = body.rfind("), order=");
    if (!v || !p || ord == std::string_view::npos) return false;
    e.kind = event_kind::atomic_store;
    e.op = "atomic store";
    e.value = std::string(*v);
    e.prev = std::string(*p);
    e.order = std::string(body.substr(ord + 9));
    return true;
  }
  if (body.starts_with("CAS ")) {
    std::string_view r = body.substr(4);
    bool ok = false;
    if (r.starts_with("succ ")) {
      ok = true;
    } else if (!r.starts_with("fail ")) {
      return false;
    }
    const auto orig = field(r, "orig=", ", cmp=");
    const auto cmp = field(r, ", cmp=", ", xchg=");
    const auto xchg = field(r, ", xchg=", ", order=");
    const std::size_t ord = r.rfind(", order=");
    if (!orig || !cmp || !xchg || ord == std::string_view::npos) return false;
    e.kind = event_kind::cas;
    e.op = "CAS";
    e.failed = !ok;
    e.prev = std::string(*orig);
    e.arg = std::string(*cmp);
    e.value = std::string(ok ? *xchg : *orig);
    e.order = std::string(r.substr(ord + 8));
    return true;
  }
  for (const std::string_view op : rmw_ops) {
    if (!body.starts_with(op) || !body.substr(op.size()).starts_with(" , prev=")) continue;
    const auto p = field(body, " , prev=", ", arg=");
    const auto a = field(body, ", arg=", ", new=");
    const auto n = field(body, ", new=", ", order=");
    const std::size_t ord = body.rfind(", order=");
    if (!p || !a || !n || ord == std::string_view::npos) return false;
    e.kind = event_kind::rmw;
    e.op = std::string(op);
    e.prev = std::string(*p);
    e.arg = std::string(*a);
    e.value = std::string(*n);
    e.order = std::string(body.substr(ord + 8));
    return true;
  }
  if (body.starts_with("load, value=")) {
    e.kind = event_kind::load;
    e.op = "load";
    e.value = std::string(body.substr(12));
    return true;
  }
  if (body.starts_with("store, value=")) {
    e.kind = event_kind::store;
    e.op = "store";
    e.value = std::string(body.substr(13));
    return true;
  }
  if (body == "access to freed memory") {
    e.kind = event_kind::freed_access;
    e.op = "access to freed memory";
    return true;
  }
  struct prefix_kind {
    std::string_view prefix;
    event_kind kind;
  };
  static constexpr prefix_kind prefixed[] = {
      {"mutex: ", event_kind::mutex},
      {"cond_var: ", event_kind::condvar},
      {"event: ", event_kind::sync},
      {"semaphore: ", event_kind::sync},
      {"futex(FUTEX_WAIT", event_kind::futex_wait},
      {"futex(FUTEX_WAKE", event_kind::futex_wake},
  };
  for (const auto& p : prefixed) {
    if (body.starts_with(p.prefix)) {
      e.kind = p.kind;
      e.op = std::string(body);
      return true;
    }
  }
  return false;
}

void classify(event& e, std::string_view text) {
  e.kind = event_kind::message;
  e.op = std::string(text);
  if (text.size() > 3 && text[0] == '<') {
    const std::size_t gt = text.find('>');
    if (gt != std::string_view::npos && gt + 1 < text.size() && text[gt + 1] == ' ') {
      if (const auto a = parse_hex(text.substr(1, gt - 1))) {
        e.object = *a;
        if (!classify_object_event(e, text.substr(gt + 2))) {
          e.kind = event_kind::message;
          e.op = std::string(text.substr(gt + 2));
        }
        return;
      }
    }
  }
  if (text == "blocking current thread" || text == "blocking current thread [timed]") {
    e.kind = event_kind::block;
    e.op = "blocking current thread";
    e.timed = text.size() > 23;
    return;
  }
  if (text.starts_with("unblocking thread ")) {
    unsigned t = 0;
    if (parse_decimal(text.substr(18), t)) {
      e.kind = event_kind::unblock;
      e.op = "unblocking thread";
      e.target_thread = t;
    }
    return;
  }
  if (text.starts_with("yield(") && text.back() == ')') {
    e.kind = event_kind::yield;
    e.op = "yield";
    e.value = std::string(text.substr(6, text.size() - 7));
    return;
  }
  if (text.starts_with("memory allocation: addr=")) {
    const auto a = field(text, "addr=", ", size=");
    const auto s = field(text, ", size=");
    std::uint64_t size = 0;
    if (a && s && parse_hex(*a) && parse_decimal(*s, size)) {
      e.kind = event_kind::alloc;
      e.op = "memory allocation";
      e.object = parse_hex(*a);
      e.size = size;
    }
    return;
  }
  if (text.starts_with("memory deallocation: addr=")) {
    if (const auto a = parse_hex(text.substr(26))) {
      e.kind = event_kind::free;
      e.op = "memory deallocation";
      e.object = *a;
    }
    return;
  }
  if (text == "system-wide fence") {
    e.kind = event_kind::fence;
    e.op = "system-wide fence";
    e.order = "seq_cst";
    return;
  }
  if (text.ends_with(" fence")) {
    // "<order> fence" or "compiler <order> fence"
    std::string_view order = text.substr(0, text.size() - 6);
    const bool compiler = order.starts_with("compiler ");
    if (compiler) order.remove_prefix(9);
    if (!order.empty() && order.find(' ') == std::string_view::npos) {
      e.kind = event_kind::fence;
      e.op = compiler ? "compiler fence" : "fence";
      e.order = std::string(order);
    }
    return;
  }
  if (text.starts_with("futex_wait")) {
    e.kind = event_kind::futex_wait;
    return;
  }
  if (text.starts_with("futex_wake")) {
    e.kind = event_kind::futex_wake;
    return;
  }
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    e.kind = event_kind::internal;
    return;
  }
  if (match_known_result(text)) {
    e.kind = event_kind::result;
    return;
  }
}

// ---- function names ------------------------------------------------------------

// Index of the '(' that opens the parameter list ending at close (a ')').
std::optional<std::size_t> matching_open_paren(std::string_view s, std::size_t close) {
  int depth = 0;
  for (std::size_t i = close + 1; i-- > 0;) {
    if (s[i] == ')') {
      ++depth;
    } else if (s[i] == '(') {
      if (--depth == 0) return i;
    }
  }
  return std::nullopt;
}

// Start of the (qualified) name that ends at end (exclusive), skipping back
// over template arguments, parentheses and operator names.
std::size_t name_start(std::string_view s, std::size_t end) {
  // operator<, operator<<, operator(), operator->, operator bool, ...
  const std::size_t op = s.substr(0, end).rfind("operator");
  if (op != std::string_view::npos) {
    const std::string_view tail = s.substr(op + 8, end - op - 8);
    bool symbolic = !tail.empty();
    for (const char c : tail) {
      if (std::string_view("<>()[]=!+-*/%^&|~,").find(c) == std::string_view::npos) {
        symbolic = false;
        break;
      }
    }
    const bool conversion = !tail.empty() && tail[0] == ' ';
    if (symbolic || conversion || tail.empty()) end = op;
  }
  int depth = 0;
  for (std::size_t i = end; i-- > 0;) {
    const char c = s[i];
    if (c == '>' || c == ')' || c == ']') {
      ++depth;
    } else if (c == '<' || c == '(' || c == '[') {
      if (depth > 0) --depth;
    } else if (c == ' ' && depth == 0) {
      return i + 1;
    }
  }
  return 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Removes a trailing " [with ...]" (g++) or " [T = ...]" (clang).
std::string_view strip_template_note(std::string_view s) {
  if (s.empty() || s.back() != ']') return s;
  int depth = 0;
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] == ']') {
      ++depth;
    } else if (s[i] == '[') {
      if (--depth == 0) {
        if (i > 0 && s[i - 1] == ' ') return trim(s.substr(0, i - 1));
        return s;
      }
    }
  }
  return s;
}

}  // namespace

std::string short_function(std::string_view pretty) {
  std::string_view s = strip_template_note(trim(pretty));
  if (s.empty()) return {};
  const std::size_t close = s.rfind(')');
  std::size_t name_end = s.size();
  if (close != std::string_view::npos) {
    if (const auto open = matching_open_paren(s, close)) name_end = *open;
  }
  return std::string(s.substr(name_start(s, name_end)));
}

std::string function_name(std::string_view pretty) {
  const std::string s = short_function(pretty);
  std::string_view v = s;
  // drop the parameter list and qualifiers
  const std::size_t close = v.rfind(')');
  if (close != std::string_view::npos) {
    if (const auto open = matching_open_paren(v, close)) {
      if (*open > 0) v = v.substr(0, *open);
    }
  }
  // last component after a "::" outside <> and ()
  int depth = 0;
  for (std::size_t i = v.size(); i-- > 0;) {
    const char c = v[i];
    if (c == '>' || c == ')') {
      ++depth;
    } else if (c == '<' || c == '(') {
      if (depth > 0) --depth;
    } else if (c == ':' && depth == 0 && i > 0 && v[i - 1] == ':') {
      v = v.substr(i + 1);
      break;
    }
  }
  // drop trailing template arguments ("f<int>"), keeping "operator<"
  if (!v.empty() && v.back() == '>' && !v.starts_with("operator") && v.front() != '<') {
    const std::size_t lt = v.find('<');
    if (lt != std::string_view::npos && lt > 0) v = v.substr(0, lt);
  }
  return std::string(v);
}

namespace {

// The top-level directories of vsem's source tree that model traces name.
constexpr std::string_view source_dirs[] = {"impl/", "models/", "tests/", "examples/", "bench/"};

bool starts_with_source_dir(std::string_view rest) {
  for (const auto d : source_dirs) {
    if (rest.starts_with(d)) return true;
  }
  return false;
}

// Does `file` have a component that is one of source_dirs?
bool names_source_dir(std::string_view file) {
  for (std::size_t p = 0;;) {
    if (starts_with_source_dir(file.substr(p))) return true;
    const std::size_t slash = file.find('/', p);
    if (slash == std::string_view::npos) return false;
    p = slash + 1;
  }
}

}  // namespace

std::string source_root(const std::vector<std::string_view>& files) {
  std::optional<std::string_view> common;  // longest common prefix, whole directories
  std::vector<std::string_view> sources;
  for (const auto f : files) {
    if (!names_source_dir(f)) continue;
    sources.push_back(f);
    const std::string_view dir = f.substr(0, f.rfind('/') + 1);
    if (!common) {
      common = dir;
      continue;
    }
    std::size_t n = 0;
    while (n < common->size() && n < dir.size() && (*common)[n] == dir[n]) ++n;
    common = common->substr(0, common->substr(0, n).rfind('/') + 1);
  }
  if (!common) return {};
  // Back up, a directory at a time, until every file continues with a source directory.
  for (std::string_view root = *common;;) {
    if (std::all_of(sources.begin(), sources.end(), [&](std::string_view f) {
          return starts_with_source_dir(f.substr(root.size()));
        })) {
      return std::string(root);
    }
    if (root.empty()) return {};
    root.remove_suffix(1);
    root = root.substr(0, root.rfind('/') + 1);
  }
}

std::string display_path(std::string_view file, std::string_view root) {
  if (!root.empty() && file.starts_with(root)) return std::string(file.substr(root.size()));
  std::size_t best = std::string_view::npos;
  for (const auto m : source_dirs) {
    for (std::size_t p = file.find(m); p != std::string_view::npos; p = file.find(m, p + 1)) {
      if (p == 0 || file[p - 1] == '/') {
        best = std::min(best, p);
        break;
      }
    }
  }
  return std::string(best == std::string_view::npos ? file : file.substr(best));
}

std::string location(const event& e) {
  if (e.file.empty()) return "?";
  return e.file + ":" + std::to_string(e.line);
}

// ---- the parser ----------------------------------------------------------------
namespace {

class line_reader {
 public:
  explicit line_reader(std::string_view text) : text_(text) {}

  // The next line (without "\n" or "\r\n"), or nullopt at the end.
  std::optional<std::string_view> next() {
    if (pos_ >= text_.size()) return std::nullopt;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view line = text_.substr(pos_, end - pos_);
    unterminated_ = end == text_.size();
    pos_ = end + 1;
    ++number_;
    if (line.size() > max_line_bytes) {
      throw parse_error(number_, "line is " + std::to_string(line.size()) +
                                     " bytes long; the limit is " + std::to_string(max_line_bytes) +
                                     " (not a Relacy trace?)");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  // The next non-empty line.
  std::optional<std::string_view> next_nonblank() {
    while (auto l = next()) {
      if (!l->empty()) return l;
    }
    return std::nullopt;
  }
  std::size_t number() const noexcept { return number_; }
  bool at_end() const noexcept { return pos_ >= text_.size(); }
  // The line last returned is the input's last and has no newline: the input
  // may have been cut in the middle of it.
  bool unterminated() const noexcept { return unterminated_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
  bool unterminated_ = false;
};

// Relacy prints typeid(test).name() without leading digits: "N12_GLOBAL__N_17handoffE".
std::string demangle_test_name(std::string_view name) {
  if (name.size() > 256) return std::string(name);
  for (const char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return std::string(name);
  }
  std::string result(name);
  if (name.size() >= 2 && name.front() == 'N' && name.back() == 'E') {
    int status = 0;
    char* d = abi::__cxa_demangle(result.c_str(), nullptr, nullptr, &status);
    if (d != nullptr) {
      if (status == 0) result = d;
      std::free(d);
    }
  }
  return result;
}

std::string quote(std::string_view s) {
  std::string q = "'";  // not "'" + string: g++ 12 -O3 -Wrestrict false positive
  q += printable_ascii(s, 60);
  q += '\'';
  return q;
}

struct function_names {
  std::string short_name, name;
};

class parser {
 public:
  explicit parser(std::string_view text) : in_(text) {}

  trace run() {
    header();
    history();
    thread_sections();
    relative_paths();
    return std::move(t_);
  }

 private:
  [[noreturn]] void fail(const std::string& m) const {
    if (in_.unterminated()) {
      throw parse_error(in_.number(), "truncated (the input ends inside this line?): " + m);
    }
    throw parse_error(in_.number(), m);
  }
  [[noreturn]] void fail_at_end(const std::string& m) const {
    throw parse_error(in_.number() + (in_.at_end() ? 1 : 0), m);
  }

  // File names relative to the checkout the trace was made in: the common
  // directory of its source files (see source_root()).
  void relative_paths() {
    std::vector<std::string_view> files;
    for (const event& e : t_.events) files.push_back(e.raw_file);
    const std::string root = source_root(files);
    for (event& e : t_.events) e.file = display_path(e.raw_file, root);
  }

  void header() {
    const auto name = in_.next();
    if (!name) throw parse_error(0, "empty input: expected a Relacy trace (test name first)");
    if (name->empty()) fail("expected the test name, found an empty line");
    std::size_t i = 0;
    unsigned th = 0;
    std::string_view rest;
    if (split_event_prefix(*name, i, th, rest)) {
      fail("expected the test name, found an event line (is the header missing?)");
    }
    t_.test = std::string(*name);
    t_.test_display = demangle_test_name(*name);

    const auto res = in_.next();
    if (!res)
      fail_at_end("truncated: expected the result line, e.g. 'DEADLOCK (deadlock detected)'");
    if (res->starts_with("iterations:")) {
      fail("this is the output of a passing run (no failure, no execution history)");
    }
    const auto r = match_result_line(*res);
    if (!r) {
      fail("expected the result line, e.g. 'DATA RACE (data race detected)', found " + quote(*res));
    }
    t_.result = r->kind;
    t_.result_text = std::string(r->name);
    t_.detail = std::string(r->detail);

    const auto it = in_.next();
    if (!it) fail_at_end("truncated: expected 'iteration: N'");
    if (!it->starts_with("iteration: ") || !parse_decimal(it->substr(11), t_.iteration)) {
      fail("expected 'iteration: N', found " + quote(*it));
    }
  }

  void history() {
    const auto h = in_.next_nonblank();
    if (!h) fail_at_end("truncated: expected 'execution history (N):'");
    constexpr std::string_view prefix = "execution history (";
    std::size_t n = 0;
    if (!h->starts_with(prefix) || h->size() < prefix.size() + 3 || !h->ends_with("):") ||
        !parse_decimal(h->substr(prefix.size(), h->size() - prefix.size() - 2), n)) {
      fail("expected 'execution history (N):', found " + quote(*h));
    }
    if (n > max_events) {
      fail("the history has " + std::to_string(n) + " events; the limit is " +
           std::to_string(max_events));
    }
    t_.events.reserve(std::min<std::size_t>(n, 4096));
    raw_.reserve(std::min<std::size_t>(n, 4096));
    for (std::size_t k = 0; k < n; ++k) {
      const auto l = in_.next();
      if (!l || l->empty()) {
        fail_at_end("truncated: 'execution history (" + std::to_string(n) + "):' but only " +
                    std::to_string(k) + " event lines follow");
      }
      event_line(*l, k);
    }
    const auto after = in_.next();
    if (after && !after->empty()) {
      fail("more event lines than the " + std::to_string(n) +
           " that 'execution history' announced, or a missing blank line: " + quote(*after));
    }
  }

  void event_line(std::string_view l, std::size_t expected_index) {
    event e;
    std::string_view rest;
    if (!split_event_prefix(l, e.index, e.thread, rest)) {
      fail("expected an event line '[index] thread: ...', found " + quote(l));
    }
    if (e.index != expected_index) {
      fail("event index [" + std::to_string(e.index) + "] out of sequence (expected [" +
           std::to_string(expected_index) + "])");
    }
    if (e.thread >= max_threads) {
      fail("thread " + std::to_string(e.thread) + " exceeds the limit of " +
           std::to_string(max_threads) + " threads");
    }
    const auto loc = split_location(rest);
    if (!loc) {
      fail("event line does not end in ', in <function>, <file>(<line>)': " + quote(l));
    }
    e.text = std::string(loc->text);
    e.function = std::string(loc->function);
    e.raw_file = std::string(loc->file);
    e.line = loc->line;
    e.source_line = in_.number();
    classify(e, loc->text);
    e.internal = e.kind == event_kind::internal || is_relacy_file(e.raw_file);
    auto [it, fresh] = names_.try_emplace(e.function);
    if (fresh) it->second = {short_function(e.function), function_name(e.function)};
    e.short_function = it->second.short_name;
    e.name = it->second.name;
    t_.events.push_back(std::move(e));
    raw_.push_back(l);
  }

  void thread_sections() {
    std::vector<bool> seen(t_.events.size(), false);
    std::size_t listed = 0;
    unsigned sections = 0;
    std::optional<std::string_view> l = in_.next_nonblank();
    while (l && l->starts_with("thread ") && l->ends_with(':')) {
      unsigned id = 0;
      if (!parse_decimal(l->substr(7, l->size() - 8), id)) {
        fail("expected 'thread N:', found " + quote(*l));
      }
      if (id != sections) {
        fail("thread section " + std::to_string(id) + " out of order (expected thread " +
             std::to_string(sections) + ")");
      }
      if (sections == max_threads) {
        fail("more than " + std::to_string(max_threads) + " thread sections");
      }
      ++sections;
      std::size_t last = 0;
      bool any = false;
      while ((l = in_.next()) && !l->empty()) {
        std::size_t index = 0;
        unsigned th = 0;
        std::string_view rest;
        if (!split_event_prefix(*l, index, th, rest)) {
          fail("expected an event line of thread " + std::to_string(id) + ", found " + quote(*l));
        }
        if (th != id) {
          fail("event [" + std::to_string(index) + "] of thread " + std::to_string(th) +
               " listed under thread " + std::to_string(id));
        }
        if (index >= t_.events.size() || raw_[index] != *l) {
          fail("event [" + std::to_string(index) +
               "] in the thread section does not match the execution history");
        }
        if (seen[index] || (any && index <= last)) {
          fail("event [" + std::to_string(index) + "] listed twice or out of order");
        }
        seen[index] = true;
        last = index;
        any = true;
        ++listed;
      }
      if (l) l = in_.next_nonblank();
    }
    if (sections == 0) {
      fail_at_end(l ? "expected 'thread 0:' after the execution history, found " + quote(*l)
                    : std::string("truncated: the per-thread sections are missing"));
    }
    if (listed != t_.events.size()) {
      fail_at_end("truncated: the per-thread sections list " + std::to_string(listed) + " of " +
                  std::to_string(t_.events.size()) + " events");
    }
    for (const auto& e : t_.events) {
      if (e.thread >= sections) {
        throw parse_error(e.source_line, "event of thread " + std::to_string(e.thread) +
                                             " but only " + std::to_string(sections) +
                                             " thread sections");
      }
    }
    t_.threads.resize(sections);
    for (unsigned i = 0; i < sections; ++i) t_.threads[i].id = i;
    for (const auto& e : t_.events) t_.threads[e.thread].events.push_back(e.index);
    trailer(l);
  }

  // "memory allocations:" / "leaked atomics:" blocks after the thread sections.
  void trailer(std::optional<std::string_view> l) {
    while (l) {
      if (*l == "memory allocations:") {
        while ((l = in_.next()) && !l->empty()) {
          // "0x55a885829d70 [16]"
          const std::size_t sp = l->find(" [");
          std::uint64_t size = 0;
          const auto a = sp == std::string_view::npos ? std::nullopt : parse_hex(l->substr(0, sp));
          if (!a || l->back() != ']' ||
              !parse_decimal(l->substr(sp + 2, l->size() - sp - 3), size)) {
            fail("expected '<address> [<size>]' in 'memory allocations:', found " + quote(*l));
          }
          if (t_.leaks.size() < max_events) t_.leaks.push_back({*a, size, std::nullopt});
        }
      } else if (*l == "leaked atomics:") {
        while ((l = in_.next()) && !l->empty()) {
        }
      } else {
        fail("unexpected text after the per-thread sections: " + quote(*l));
      }
      if (l) l = in_.next_nonblank();
    }
    if (t_.result == result_kind::memory_leak && t_.leaks.empty()) {
      fail_at_end("truncated: a MEMORY LEAK trace ends with the 'memory allocations:' list");
    }
  }

  line_reader in_;
  trace t_;
  std::vector<std::string_view> raw_;
  std::unordered_map<std::string, function_names> names_;
};

// ---- analysis --------------------------------------------------------------------

bool meaningful(const event& e) {
  return !e.internal && e.kind != event_kind::result;
}

bool release_like(std::string_view order) {
  return order == "release" || order == "acq_rel" || order == "seq_cst";
}

class analyser {
 public:
  explicit analyser(trace& t) : t_(t), ev_(t.events) {}

  void run() {
    thread_states();
    for (std::size_t i = ev_.size(); i-- > 0;) {
      if (ev_[i].kind == event_kind::result && ev_[i].text.starts_with(t_.result_text)) {
        t_.result_event = i;
        break;
      }
    }
    switch (t_.result) {
      case result_kind::data_race:
        data_race();
        break;
      case result_kind::deadlock:
        deadlock();
        break;
      case result_kind::access_to_freed_memory:
        freed_memory();
        break;
      case result_kind::double_free:
        double_free();
        break;
      case result_kind::memory_leak:
        memory_leak();
        break;
      case result_kind::livelock:
        livelock();
        break;
      case result_kind::user_assert_failed:
        user_assert();
        break;
      case result_kind::user_invariant_failed:
        invariant();
        break;
      case result_kind::uninitialized_access:
        uninitialized();
        break;
      default:
        generic();
    }
    if (t_.failing_event) {
      const std::size_t f = *t_.failing_event;
      conflicts_.erase(std::remove(conflicts_.begin(), conflicts_.end(), f), conflicts_.end());
    }
    std::sort(conflicts_.begin(), conflicts_.end());
    conflicts_.erase(std::unique(conflicts_.begin(), conflicts_.end()), conflicts_.end());
    t_.conflicts = std::move(conflicts_);
  }

 private:
  using index = std::size_t;
  static constexpr index none = static_cast<index>(-1);

  void thread_states() {
    auto& th = t_.threads;
    for (const auto& e : ev_) {
      thread_state& s = th[e.thread].state;
      if (e.kind == event_kind::internal && e.text == "[THREAD FINISHED]") {
        s = thread_state::finished;
      } else if (e.kind == event_kind::block) {
        s = thread_state::blocked;
      } else if (e.kind == event_kind::result) {
        // no change: Relacy reports the result from whichever thread runs
      } else if (s == thread_state::idle || (s == thread_state::blocked && meaningful(e))) {
        s = thread_state::running;
      }
      if (e.kind == event_kind::unblock && e.target_thread && *e.target_thread < th.size() &&
          th[*e.target_thread].state == thread_state::blocked) {
        th[*e.target_thread].state = thread_state::running;
      }
    }
    for (const auto& ti : th) {
      if (ti.state == thread_state::blocked) t_.blocked_threads.push_back(ti.id);
    }
  }

  // The thread Relacy reported the result from, or that of the last meaningful event.
  unsigned result_thread() const {
    if (t_.result_event) return ev_[*t_.result_event].thread;
    for (index i = ev_.size(); i-- > 0;) {
      if (meaningful(ev_[i])) return ev_[i].thread;
    }
    return 0;
  }
  index result_limit() const { return t_.result_event ? *t_.result_event : ev_.size(); }

  // Last event of thread th before `before` that satisfies pred.
  template <class Pred>
  index last_of(unsigned th, index before, Pred pred) const {
    if (th >= t_.threads.size()) return none;
    const auto& list = t_.threads[th].events;
    auto it = std::lower_bound(list.begin(), list.end(), before);
    while (it != list.begin()) {
      --it;
      if (pred(ev_[*it])) return *it;
    }
    return none;
  }
  index last_meaningful(unsigned th, index before) const {
    return last_of(th, before, [](const event& e) { return meaningful(e); });
  }

  // Earlier accesses by other threads to e's object that conflict with it (at
  // least one of the two writes).
  std::vector<index> conflicting_accesses(const event& f) const {
    std::vector<index> out;
    if (!f.object) return out;
    const bool fw = f.is_write() || f.kind == event_kind::freed_access;
    for (index i = 0; i < f.index; ++i) {
      const event& e = ev_[i];
      if (e.thread != f.thread && e.object == f.object && e.is_access() && (fw || e.is_write())) {
        out.push_back(i);
      }
    }
    return out;
  }

  // "at impl/vsem/semaphore.hpp:135", or "at :135" when in the same file as ref.
  static std::string at(const event& e, const event* ref = nullptr) {
    if (e.file.empty()) return "at an unknown location";
    if (ref && ref->file == e.file) return "at :" + std::to_string(e.line);
    return "at " + location(e);
  }
  static bool hook_name(std::string_view n) {
    return n.empty() || n == "thread" || n == "before" || n == "after" || n == "invariant" ||
           n == "fiber_proc_impl";
  }
  // "release" (the function), or the operation when the function says nothing.
  static std::string what(const event& e) {
    if (!hook_name(e.name)) return e.name;
    return op_noun(e);
  }
  static std::string op_noun(const event& e) {
    switch (e.kind) {
      case event_kind::atomic_load:
        return "atomic load";
      case event_kind::atomic_store:
        return "atomic store";
      case event_kind::load:
        return "read";
      case event_kind::store:
        return "write";
      case event_kind::rmw:
      case event_kind::cas:
        return e.op;
      case event_kind::mutex:
      case event_kind::condvar:
      case event_kind::sync:
        return e.op;
      default:
        return std::string(to_string(e.kind));
    }
  }
  // "in acquire_slow " (nothing for a test's own thread(), before(), ...)
  static std::string in_function(const event& e) {
    return hook_name(e.name) ? std::string() : "in " + e.name + " ";
  }
  static std::string obj(const event& e) { return e.object ? hex_address(*e.object) : "?"; }
  // "its fetch_sub on 0x.. (1 -> 0)"
  static std::string effect(const event& e) {
    const std::string o = obj(e);
    switch (e.kind) {
      case event_kind::atomic_load:
        return "atomic load of " + o + " returned " + e.value.value_or("?") +
               (e.stale ? " (a stale value)" : "");
      case event_kind::atomic_store:
        return "atomic store of " + e.value.value_or("?") + " to " + o;
      case event_kind::rmw:
        return e.op + " on " + o + " (" + e.prev.value_or("?") + " -> " + e.value.value_or("?") +
               ")";
      case event_kind::cas:
        if (e.failed) return "failed CAS on " + o + " (saw " + e.prev.value_or("?") + ")";
        return "CAS on " + o + " (" + e.prev.value_or("?") + " -> " + e.value.value_or("?") + ")";
      case event_kind::load:
        return "read of " + o + " returned " + e.value.value_or("?");
      case event_kind::store:
        return "write of " + e.value.value_or("?") + " to " + o;
      default:
        return e.op.empty() ? std::string(to_string(e.kind)) : e.op;
    }
  }
  static std::string assertion_text(std::string_view detail) {
    constexpr std::string_view a = "assertion: ";
    if (detail.starts_with(a)) return "`" + std::string(detail.substr(a.size())) + "`";
    return {};
  }

  // ---- per result kind ----
  void generic() {
    const unsigned th = result_thread();
    index f = last_meaningful(th, result_limit());
    if (f == none && t_.result_event && !ev_[*t_.result_event].internal) f = *t_.result_event;
    std::string s = t_.result_text;
    if (!t_.detail.empty()) s += " (" + t_.detail + ")";
    if (f != none) {
      t_.failing_event = f;
      s += " in thread " + std::to_string(ev_[f].thread) + " " + in_function(ev_[f]) + at(ev_[f]);
      conflicts_ = conflicting_accesses(ev_[f]);
    }
    t_.summary = s;
  }

  void data_race() {
    const unsigned th = result_thread();
    index f = last_of(th, result_limit(), [](const event& e) {
      return !e.internal && e.object && (e.kind == event_kind::load || e.kind == event_kind::store);
    });
    if (f == none) f = last_meaningful(th, result_limit());
    if (f == none) return generic();
    t_.failing_event = f;
    const event& e = ev_[f];
    conflicts_ = conflicting_accesses(e);
    index culprit = none;
    for (auto it = conflicts_.rbegin(); it != conflicts_.rend(); ++it) {
      if (e.is_write() || ev_[*it].is_write()) {
        culprit = *it;
        break;
      }
    }
    const std::string verb = e.is_write() ? "wrote" : "read";
    std::string s =
        "data race: thread " + std::to_string(e.thread) + " " + verb + " " + obj(e) + " " + at(e);
    if (culprit != none) {
      const event& c = ev_[culprit];
      s += " while thread " + std::to_string(c.thread) + "'s " + (c.is_write() ? "write" : "read") +
           " " + at(c, &e) + " is not ordered before it";
    } else {
      s += ", and no earlier access by another thread is in the history";
    }
    t_.summary = s;
  }

  void freed_memory() {
    const unsigned th = result_thread();
    index f = last_of(th, result_limit(),
                      [](const event& e) { return e.kind == event_kind::freed_access; });
    if (f == none) f = last_meaningful(th, result_limit());
    if (f == none || !ev_[f].object) return generic();
    t_.failing_event = f;
    const event& e = ev_[f];
    const std::uint64_t addr = *e.object;
    // The deallocation: the closest block start at or below the address.
    index fr = none;
    for (index i = 0; i < f; ++i) {
      const event& d = ev_[i];
      if (d.kind == event_kind::free && d.object && *d.object <= addr &&
          (fr == none || *d.object >= *ev_[fr].object)) {
        fr = i;
      }
    }
    std::string s =
        "thread " + std::to_string(e.thread) + " accessed freed memory " + in_function(e) + at(e);
    if (fr == none) {
      s += " (the deallocation is not in the history)";
      conflicts_ = conflicting_accesses(e);
      t_.summary = s;
      return;
    }
    const event& d = ev_[fr];
    std::uint64_t lo = *d.object;
    std::uint64_t hi = addr;  // inclusive
    for (index i = 0; i < fr; ++i) {
      const event& a = ev_[i];
      if (a.kind == event_kind::alloc && a.object == d.object && a.size && *a.size > 0) {
        hi = std::max(hi, lo + *a.size - 1);
        conflicts_.push_back(i);
      }
    }
    conflicts_.push_back(fr);
    for (index i = 0; i < f; ++i) {
      const event& a = ev_[i];
      if (a.is_access() && a.object && *a.object >= lo && *a.object <= hi) conflicts_.push_back(i);
    }
    if (d.thread == e.thread) {
      s += " after freeing it itself";
    } else {
      s += " after thread " + std::to_string(d.thread) + " freed it";
    }
    if (!d.file.empty() && d.line != 0) {
      s += " " + at(d, &e);
    } else {
      const index before = last_meaningful(d.thread, fr);
      if (before != none) {
        const event& b = ev_[before];
        if (!hook_name(b.name)) s += " in " + b.name;
        s += " (its last access " + at(b, &e) + ")";
      }
    }
    t_.summary = s;
  }

  void double_free() {
    const unsigned th = result_thread();
    index f =
        last_of(th, result_limit(), [](const event& e) { return e.kind == event_kind::free; });
    if (f == none || !ev_[f].object) return generic();
    t_.failing_event = f;
    const event& e = ev_[f];
    index first = none;
    for (index i = 0; i < f; ++i) {
      const event& d = ev_[i];
      if (d.object == e.object && (d.kind == event_kind::free || d.kind == event_kind::alloc)) {
        conflicts_.push_back(i);
        if (d.kind == event_kind::free) first = i;
      }
    }
    std::string s =
        "thread " + std::to_string(e.thread) + " freed " + obj(e) + " " + in_function(e) + at(e);
    if (first != none) {
      s += " although thread " + std::to_string(ev_[first].thread) + " had already freed it " +
           at(ev_[first], &e);
    } else {
      s += ", an address that is not allocated";
    }
    t_.summary = s;
  }

  void memory_leak() {
    std::map<std::uint64_t, index> last_alloc;
    for (const auto& e : ev_) {
      if (e.kind == event_kind::alloc && e.object) last_alloc[*e.object] = e.index;
    }
    for (auto& b : t_.leaks) {
      if (const auto it = last_alloc.find(b.address); it != last_alloc.end()) {
        b.alloc_event = it->second;
        if (!t_.failing_event) {
          t_.failing_event = it->second;
        } else {
          conflicts_.push_back(it->second);
        }
      }
    }
    const std::size_t n = t_.leaks.size();
    if (n == 0) {
      t_.summary = "memory leak: memory allocated during the run was never freed";
      return;
    }
    const leaked_block& b = t_.leaks.front();
    std::string s = "memory leak: " + std::to_string(n) + (n == 1 ? " block" : " blocks") +
                    " never freed" + (n == 1 ? ": " : ", the first ") + std::to_string(b.size) +
                    " bytes at " + hex_address(b.address);
    if (b.alloc_event) {
      const event& a = ev_[*b.alloc_event];
      s += " allocated by thread " + std::to_string(a.thread) + " " + in_function(a) + at(a);
    }
    t_.summary = s;
  }

  void livelock() {
    const unsigned th = result_thread();
    const index f = last_meaningful(th, result_limit());
    if (f == none) return generic();
    t_.failing_event = f;
    const event& e = ev_[f];
    // How often the thread repeated this location at the end of the history.
    std::size_t repeats = 0;
    for (auto it = t_.threads[th].events.rbegin(); it != t_.threads[th].events.rend(); ++it) {
      const event& x = ev_[*it];
      if (!meaningful(x)) continue;
      if (x.file != e.file || x.line != e.line) break;
      ++repeats;
    }
    std::string s = "livelock: thread " + std::to_string(th) + " repeated its " + op_noun(e);
    if (e.object) s += " of " + obj(e);
    s += " " + at(e) + " " + std::to_string(repeats) + " times in a row";
    if (e.value) s += " (last value " + *e.value + ")";
    s += " until the execution depth limit";
    if (e.object) {
      bool changed = false;
      for (index i = 0; i < ev_.size(); ++i) {
        const event& x = ev_[i];
        if (x.thread != th && x.object == e.object && x.is_write()) {
          conflicts_.push_back(i);
          changed = true;
        }
      }
      if (!changed) s += ", and no other thread wrote it";
    }
    t_.summary = s;
  }

  void uninitialized() {
    const unsigned th = result_thread();
    index f = last_of(th, result_limit(), [](const event& e) { return e.is_access(); });
    if (f == none) return generic();
    t_.failing_event = f;
    const event& e = ev_[f];
    t_.summary = "thread " + std::to_string(th) + " " + (e.is_write() ? "wrote" : "read") +
                 " the uninitialized variable " + obj(e) + " " + in_function(e) + at(e);
    conflicts_ = conflicting_accesses(e);
  }

  void user_assert() {
    const unsigned th = result_thread();
    index f = none;
    if (t_.result_event && !ev_[*t_.result_event].internal) {
      f = *t_.result_event;
    } else {
      f = last_meaningful(th, result_limit());
    }
    if (f == none) return generic();
    t_.failing_event = f;
    const event& e = ev_[f];
    const std::string expr = assertion_text(t_.detail);
    std::string s = "thread " + std::to_string(th) +
                    (expr.empty() ? " failed a check" : "'s assertion " + expr + " failed") + " " +
                    in_function(e) + at(e);
    if (expr.empty() && !t_.detail.empty()) s += ": " + t_.detail;
    const index acc = last_of(th, f, [](const event& x) { return !x.internal && x.is_access(); });
    if (acc != none) {
      s += ", after its " + effect(ev_[acc]) + " " + at(ev_[acc], &e);
      conflicts_ = conflicting_accesses(ev_[acc]);
      conflicts_.push_back(acc);
    }
    t_.summary = s;
  }

  void invariant() {
    index f = none;
    for (index i = result_limit(); i-- > 0;) {
      if (meaningful(ev_[i])) {
        f = i;
        break;
      }
    }
    const std::string expr = assertion_text(t_.detail);
    std::string s = "invariant " + (expr.empty() ? "(" + t_.detail + ")" : expr) + " failed";
    if (f == none) {
      t_.summary = s;
      return;
    }
    t_.failing_event = f;
    const event& e = ev_[f];
    s += " after thread " + std::to_string(e.thread) + "'s " + effect(e) + " " + in_function(e) +
         at(e);
    conflicts_ = conflicting_accesses(e);
    if (e.object) {
      const index stale = last_of(e.thread, f, [&](const event& x) {
        return x.kind == event_kind::atomic_load && x.object == e.object;
      });
      if (stale != none && ev_[stale].stale) {
        s += ", which acted on a stale load " + at(ev_[stale], &e);
        conflicts_.push_back(stale);
      }
    }
    t_.summary = s;
  }

  // ---- deadlock ----
  enum class wait_kind { futex, mutex, condvar, unknown };
  struct wait_info {
    wait_kind kind = wait_kind::unknown;
    std::optional<std::uint64_t> object;
  };

  // What thread th waits for in its block event b.
  wait_info waited(unsigned th, index b) const {
    wait_info w;
    const auto& list = t_.threads[th].events;
    auto it = std::lower_bound(list.begin(), list.end(), b);
    int looked = 0;
    bool saw_futex_wait = false;
    while (it != list.begin() && looked < 12) {
      --it;
      const event& e = ev_[*it];
      if (e.kind == event_kind::block && *it != b) break;  // an earlier wait
      ++looked;
      if (e.kind == event_kind::condvar && e.object) return {wait_kind::condvar, e.object};
      if (e.kind == event_kind::mutex && e.object && e.op.ends_with(": blocking")) {
        return {wait_kind::mutex, e.object};
      }
      if (e.kind == event_kind::futex_wait) saw_futex_wait = true;
      if ((e.is_read() || e.is_write()) && e.object && w.kind == wait_kind::unknown) {
        w = {wait_kind::futex, e.object};
        if (saw_futex_wait) return w;
      }
    }
    return w;
  }

  static bool wakes(const event& e) {
    return e.kind == event_kind::unblock || e.kind == event_kind::futex_wake ||
           (e.kind == event_kind::condvar && e.op.find("notify") != std::string::npos) ||
           (e.kind == event_kind::mutex && e.op.ends_with(" unlock"));
  }

  struct culprit {
    index write = none;
    enum { no_wake, woke_nobody, woke_other, woke } how = no_wake;
    unsigned woken = 0;
  };

  // The last write to w by another thread after thread th blocked at b, and
  // whether it was followed by a wake (before that thread's next write to w).
  culprit find_culprit(unsigned th, index b, std::uint64_t w) const {
    std::vector<index> pending_unblock(t_.threads.size(), none);
    std::vector<index> pending_wake(t_.threads.size(), none);
    culprit best[4];
    const auto rank = [](const event& e, int how) {
      // lower is better: a wake-less release first
      if (how == culprit::no_wake) return release_like(e.order) ? 0 : 1;
      if (how == culprit::woke_nobody) return 2;
      return 3;
    };
    for (index i = ev_.size(); i-- > b + 1;) {
      const event& e = ev_[i];
      if (e.thread == th) continue;
      if (e.kind == event_kind::unblock) pending_unblock[e.thread] = i;
      if (e.kind == event_kind::futex_wake) pending_wake[e.thread] = i;
      if (e.object == w && e.is_write()) {
        culprit c;
        c.write = i;
        if (pending_unblock[e.thread] != none) {
          const auto target = ev_[pending_unblock[e.thread]].target_thread.value_or(0);
          c.how = target == th ? culprit::woke : culprit::woke_other;
          c.woken = target;
        } else if (pending_wake[e.thread] != none) {
          c.how = culprit::woke_nobody;
        }
        const int r = rank(e, c.how);
        if (best[r].write == none) best[r] = c;  // the last one of its rank
        pending_unblock[e.thread] = none;
        pending_wake[e.thread] = none;
      }
    }
    for (const auto& c : best) {
      if (c.write != none) return c;
    }
    return {};
  }

  std::string describe_wait(unsigned th, index b, bool main) {
    const event& e = ev_[b];
    const wait_info w = waited(th, b);
    std::string s = "thread " + std::to_string(th) + " blocked forever " + in_function(e) + at(e);
    if (!main) s = "thread " + std::to_string(th) + " " + at(e, &ev_[*t_.failing_event]);
    switch (w.kind) {
      case wait_kind::mutex: {
        int owner = -1;
        index locked = none;
        for (index i = 0; i < b; ++i) {
          const event& x = ev_[i];
          if (x.kind != event_kind::mutex || x.object != w.object) continue;
          if (x.op.ends_with(" unlock")) {
            owner = -1;
          } else if (x.op.ends_with(" lock") && x.op.find("try") == std::string::npos) {
            owner = static_cast<int>(x.thread);
            locked = i;
          }
        }
        s += " waiting for mutex " + hex_address(*w.object);
        if (owner >= 0) {
          s += " held by thread " + std::to_string(owner) + " (locked " + at(ev_[locked], &e) + ")";
          conflicts_.push_back(locked);
        }
        return s;
      }
      case wait_kind::condvar: {
        index notify = none;
        for (index i = b + 1; i < ev_.size(); ++i) {
          const event& x = ev_[i];
          if (x.kind == event_kind::condvar && x.object == w.object &&
              x.op.find("notify") != std::string::npos) {
            notify = i;
          }
        }
        s += " waiting on condition variable " + hex_address(*w.object);
        if (notify == none) {
          s += " that no thread notified after it began to wait";
        } else {
          s += "; thread " + std::to_string(ev_[notify].thread) + "'s notify " +
               at(ev_[notify], &e) + " did not wake it";
          conflicts_.push_back(notify);
        }
        return s;
      }
      case wait_kind::futex: {
        const culprit c = find_culprit(th, b, *w.object);
        if (c.write == none) {
          s += ", and no other thread wrote " + hex_address(*w.object) + " after it went to sleep";
          return s;
        }
        const event& x = ev_[c.write];
        conflicts_.push_back(c.write);
        s += " after thread " + std::to_string(x.thread) + "'s " + what(x) + " " + at(x, &e);
        switch (c.how) {
          case culprit::no_wake:
            s += " issued no wake";
            break;
          case culprit::woke_nobody:
            s += " woke no sleeper";
            break;
          case culprit::woke_other:
            s += " woke thread " + std::to_string(c.woken) + " instead";
            break;
          case culprit::woke:
            s += " (its wake did not stick)";
            break;
        }
        return s;
      }
      case wait_kind::unknown:
        break;
    }
    return s + ", and no thread woke it";
  }

  void deadlock() {
    if (t_.blocked_threads.empty()) return generic();
    std::vector<index> blocks;
    for (const unsigned th : t_.blocked_threads) {
      blocks.push_back(
          last_of(th, ev_.size(), [](const event& e) { return e.kind == event_kind::block; }));
    }
    t_.failing_event = blocks.front();
    std::vector<std::uint64_t> waited_objects;
    std::string s;
    std::string others;
    const std::size_t detailed = std::min<std::size_t>(blocks.size(), 16);
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      const unsigned th = t_.blocked_threads[k];
      const index b = blocks[k];
      if (b == none) continue;
      // its last events
      int n = 0;
      for (index i = b + 1; i-- > 0 && n < 4;) {
        if (ev_[i].thread == th && meaningful(ev_[i])) {
          conflicts_.push_back(i);
          ++n;
        }
      }
      if (k < detailed) {
        if (const auto w = waited(th, b).object) waited_objects.push_back(*w);
      }
      if (k == 0) {
        s = describe_wait(th, b, true);
      } else if (k < detailed) {
        others += (others.empty() ? "" : ", ") + describe_wait(th, b, false);
      }
    }
    if (blocks.size() > detailed) others += ", ...";
    if (!others.empty()) {
      s += "; also blocked: " + others;
    }
    // the last wake-related operation of each other thread
    for (const auto& ti : t_.threads) {
      if (std::find(t_.blocked_threads.begin(), t_.blocked_threads.end(), ti.id) !=
          t_.blocked_threads.end()) {
        continue;
      }
      const index last = last_of(ti.id, ev_.size(), [&](const event& e) {
        if (wakes(e)) return true;
        return e.is_write() && e.object &&
               std::find(waited_objects.begin(), waited_objects.end(), *e.object) !=
                   waited_objects.end();
      });
      if (last != none) conflicts_.push_back(last);
    }
    t_.summary = s;
  }

  trace& t_;
  const std::vector<event>& ev_;
  std::vector<index> conflicts_;
};

}  // namespace

trace parse(std::string_view text) {
  if (text.size() > max_input_bytes) {
    throw parse_error(0, "input is " + std::to_string(text.size()) + " bytes; the limit is " +
                             std::to_string(max_input_bytes));
  }
  trace t = parser(text).run();
  analyser(t).run();
  return t;
}

trace parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw parse_error(0, "cannot open " + path);
  std::string text;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > max_input_bytes) {
      throw parse_error(
          0, path + " is larger than the limit of " + std::to_string(max_input_bytes) + " bytes");
    }
    text.append(buf, got);
  }
  if (in.bad()) throw parse_error(0, "cannot read " + path);
  return parse(text);
}

// ---- JSON ----------------------------------------------------------------------
namespace {

void json_opt(std::string& out, const std::optional<std::string>& v) {
  if (v) {
    detail::append_json_string(out, *v);
  } else {
    out += "null";
  }
}

}  // namespace

std::string to_json(const trace& t) {
  using detail::append_json_string;
  std::string o;
  o.reserve(256 + t.events.size() * 320);
  o += "{\n  \"test\": ";
  append_json_string(o, t.test);
  o += ",\n  \"test_name\": ";
  append_json_string(o, t.test_display);
  o += ",\n  \"result\": ";
  append_json_string(o, t.result_text);
  o += ",\n  \"result_kind\": ";
  append_json_string(o, to_string(t.result));
  o += ",\n  \"detail\": ";
  append_json_string(o, t.detail);
  o += ",\n  \"iteration\": " + std::to_string(t.iteration);
  o += ",\n  \"summary\": ";
  append_json_string(o, t.summary);
  o += ",\n  \"threads\": [";
  for (std::size_t i = 0; i < t.threads.size(); ++i) {
    const auto& th = t.threads[i];
    o += i ? ",\n    " : "\n    ";
    o += "{\"id\": " + std::to_string(th.id) + ", \"state\": ";
    append_json_string(o, to_string(th.state));
    o += ", \"events\": [";
    for (std::size_t k = 0; k < th.events.size(); ++k) {
      if (k) o += ", ";
      o += std::to_string(th.events[k]);
    }
    o += "]}";
  }
  o += t.threads.empty() ? "]" : "\n  ]";
  o += ",\n  \"events\": [";
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const event& e = t.events[i];
    o += i ? ",\n    " : "\n    ";
    o += "{\"index\": " + std::to_string(e.index) + ", \"thread\": " + std::to_string(e.thread) +
         ", \"kind\": ";
    append_json_string(o, to_string(e.kind));
    o += ", \"op\": ";
    append_json_string(o, e.op);
    o += ", \"object\": ";
    if (e.object) {
      append_json_string(o, hex_address(*e.object));
    } else {
      o += "null";
    }
    o += ", \"value\": ";
    json_opt(o, e.value);
    o += ", \"prev\": ";
    json_opt(o, e.prev);
    o += ", \"order\": ";
    json_opt(o, e.order.empty() ? std::nullopt : std::optional<std::string>(e.order));
    if (e.stale) o += ", \"stale\": true";
    if (e.kind == event_kind::cas) o += e.failed ? ", \"success\": false" : ", \"success\": true";
    if (e.target_thread) o += ", \"target_thread\": " + std::to_string(*e.target_thread);
    if (e.size) o += ", \"size\": " + std::to_string(*e.size);
    o += ", \"function\": ";
    append_json_string(o, e.short_function);
    o += ", \"name\": ";
    append_json_string(o, e.name);
    o += ", \"file\": ";
    append_json_string(o, e.file);
    o += ", \"line\": " + std::to_string(e.line);
    o += ", \"internal\": ";
    o += e.internal ? "true" : "false";
    o += ", \"text\": ";
    append_json_string(o, e.text);
    o += "}";
  }
  o += t.events.empty() ? "]" : "\n  ]";
  o += ",\n  \"failing_event\": ";
  o += t.failing_event ? std::to_string(*t.failing_event) : "null";
  o += ",\n  \"conflicts\": [";
  for (std::size_t i = 0; i < t.conflicts.size(); ++i) {
    if (i) o += ", ";
    o += std::to_string(t.conflicts[i]);
  }
  o += "],\n  \"blocked_threads\": [";
  for (std::size_t i = 0; i < t.blocked_threads.size(); ++i) {
    if (i) o += ", ";
    o += std::to_string(t.blocked_threads[i]);
  }
  o += "],\n  \"leaks\": [";
  for (std::size_t i = 0; i < t.leaks.size(); ++i) {
    const auto& b = t.leaks[i];
    if (i) o += ", ";
    o += "{\"address\": ";
    append_json_string(o, hex_address(b.address));
    o += ", \"size\": " + std::to_string(b.size) + ", \"alloc_event\": ";
    o += b.alloc_event ? std::to_string(*b.alloc_event) : "null";
    o += "}";
  }
  o += "]\n}\n";
  return o;
}

}  // namespace vsem::trace

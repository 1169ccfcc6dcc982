// Names: of the enums, of functions (short_function(), function_name()), of
// files (source_root(), display_path(), location()) and of tests
// (readable_test_name()). See trace.hpp; the names of objects are in
// object_names.cpp.
#include <cxxabi.h>
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "internal.hpp"

namespace vsem::trace {

using detail::trim;

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

namespace {

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

// ---- test names ------------------------------------------------------------------
namespace {

// abi::__cxa_demangle of a mangled type name, or nullopt.
std::optional<std::string> demangle_type(const std::string& mangled) {
  int status = 0;
  char* d = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  std::optional<std::string> r;
  if (d != nullptr && status == 0) r = std::string(d);
  std::free(d);
  return r;
}

}  // namespace

std::string readable_test_name(std::string_view relacy_name) {
  const std::string name(relacy_name);
  if (name.empty() || name.size() > 256) return name;
  for (const char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return name;
  }
  std::optional<std::string> d;
  if (std::isdigit(static_cast<unsigned char>(name.front())) ||
      (name.front() == 'N' && name.back() == 'E')) {
    d = demangle_type(name);  // "8my_model", "N12_GLOBAL__N_17handoffE"
  }
  // Relacy drops the leading digits of typeid(...).name(), the length of the
  // first identifier: "handoffILi2EE" was "7handoffILi2EE".
  // The shortest length that makes the whole a type name is the one.
  for (std::size_t n = 1; !d && n <= name.size(); ++n) d = demangle_type(std::to_string(n) + name);
  if (!d) return name;
  std::string r = std::move(*d);
  constexpr std::string_view anon = "(anonymous namespace)::";
  for (std::size_t p = r.find(anon); p != std::string::npos; p = r.find(anon, p)) {
    r.erase(p, anon.size());
  }
  return r.empty() ? name : r;
}

}  // namespace vsem::trace

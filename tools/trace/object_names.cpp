// Names of objects: source_object_name() and detail::name_objects(), which
// names the objects of a parsed trace from its source lines. See trace.hpp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal.hpp"

namespace vsem::trace {

using detail::trim;

// ---- object names ------------------------------------------------------------------
namespace {

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The code of a source line: string and character literals and comments ("//"
// to the end of the line, "/* */" on it) blanked, so that nothing in them
// looks like an operation.
std::string code_of(std::string_view line) {
  std::string s(line);
  enum class in { code, string, character, comment } st = in::code;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    switch (st) {
      case in::code:
        if (c == '/' && next == '/') {
          s.resize(i);
          return s;
        }
        if (c == '/' && next == '*') {
          st = in::comment;
          s[i] = s[i + 1] = ' ';
          ++i;
        } else if (c == '"') {
          st = in::string;
        } else if (c == '\'' && !(i > 0 && ident_char(s[i - 1]))) {  // not 1'000
          st = in::character;
        }
        break;
      case in::string:
      case in::character:
        if (c == (st == in::string ? '"' : '\'')) {
          st = in::code;
        } else {
          s[i] = ' ';
          if (c == '\\' && i + 1 < s.size()) s[++i] = ' ';
        }
        break;
      case in::comment:
        if (c == '*' && next == '/') {
          s[i + 1] = ' ';
          ++i;
          st = in::code;
        }
        s[i] = ' ';
        break;
    }
  }
  return s;
}

constexpr std::size_t no_receiver = std::string_view::npos;

// Start of the receiver that ends at `end` (exclusive) in code: an identifier,
// after any "x.", "x->", "x::" and with subscripts ("cells_[i].seq") and
// Relacy's "($)" ("a($)"); no_receiver when what ends there is not one
// ("f().x", "*p", "1").
std::size_t receiver_start(std::string_view code, std::size_t end) {
  std::size_t p = end;
  for (;;) {
    if (p >= 3 && code.substr(p - 3, 3) == "($)") p -= 3;
    while (p > 0 && code[p - 1] == ']') {
      int depth = 0;
      std::size_t q = p;
      while (q > 0) {
        const char c = code[--q];
        if (c == ']') {
          ++depth;
        } else if (c == '[' && --depth == 0) {
          break;
        } else if (c == ';' || c == '{' || c == '}') {
          return no_receiver;
        }
      }
      if (depth != 0) return no_receiver;
      p = q;
    }
    std::size_t q = p;
    while (q > 0 && ident_char(code[q - 1])) --q;
    if (q == p || (code[q] >= '0' && code[q] <= '9')) return no_receiver;
    p = q;
    if (p >= 1 && code[p - 1] == '.') {
      p -= 1;
    } else if (p >= 2 && (code.substr(p - 2, 2) == "->" || code.substr(p - 2, 2) == "::")) {
      p -= 2;
    } else {
      return p;
    }
  }
}

// The receiver as a name: without "($)" and a leading "this->"; nullopt when
// too long to be one.
std::optional<std::string> receiver_name(std::string_view r) {
  std::string n;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.substr(i, 3) == "($)") {
      i += 2;
    } else {
      n += r[i];
    }
  }
  if (std::string_view(n).starts_with("this->")) n.erase(0, 6);
  if (n.empty() || n.size() > 96) return std::nullopt;
  return n;
}

// Adds the receiver ending at `end` to `names`; false when there is none.
bool add_receiver(std::string_view code, std::size_t end, std::vector<std::string>& names) {
  const std::size_t start = receiver_start(code, end);
  if (start == no_receiver) return false;
  const auto n = receiver_name(code.substr(start, end - start));
  if (!n) return false;
  if (std::find(names.begin(), names.end(), *n) == names.end()) names.push_back(*n);
  return true;
}

// Position of the '(' after `word` at pos (spaces between), or npos.
std::size_t call_paren(std::string_view code, std::size_t pos, std::size_t word) {
  std::size_t p = pos + word;
  while (p < code.size() && code[p] == ' ') ++p;
  return p < code.size() && code[p] == '(' ? p : std::string_view::npos;
}

// The first argument of the call whose '(' is at open, trimmed, without a leading '&'.
std::string_view first_argument(std::string_view code, std::size_t open) {
  int depth = 0;
  std::size_t p = open + 1;
  for (; p < code.size(); ++p) {
    const char c = code[p];
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if ((c == ',' || c == ')') && depth == 0) {
      break;
    }
  }
  std::string_view a = trim(code.substr(open + 1, p - open - 1));
  if (a.starts_with('&')) a = trim(a.substr(1));
  return a;
}

// The kinds of occurrence a source line may name an object by.
enum class occurrence {
  method,     // x.load(, x->fetch_add(, ...: the receiver
  wait_call,  // wait(x, ...), P::wake(&x, ...): the first argument
  relacy,     // x($): Relacy's accessor
};

// The names `code` gives by one kind of occurrence of `words`; false when one
// occurrence has no name.
bool occurrences(std::string_view code, occurrence how, const std::vector<std::string_view>& words,
                 std::vector<std::string>& names, bool& found) {
  if (how == occurrence::relacy) {
    for (std::size_t p = code.find("($)"); p != std::string_view::npos;
         p = code.find("($)", p + 3)) {
      found = true;
      if (!add_receiver(code, p, names)) return false;
    }
    return true;
  }
  for (const std::string_view w : words) {
    for (std::size_t p = code.find(w); p != std::string_view::npos; p = code.find(w, p + 1)) {
      const std::size_t open = call_paren(code, p, w.size());
      if (open == std::string_view::npos) continue;
      if (how == occurrence::method) {
        std::size_t end = 0;
        if (p >= 1 && code[p - 1] == '.') {
          end = p - 1;
        } else if (p >= 2 && code.substr(p - 2, 2) == "->") {
          end = p - 2;
        } else {
          continue;
        }
        found = true;
        if (!add_receiver(code, end, names)) return false;
      } else {
        if (p > 0 && ident_char(code[p - 1])) continue;  // futex_wait( is not wait(
        found = true;
        const std::string_view a = first_argument(code, open);
        if (a.empty() || receiver_start(a, a.size()) != 0) return false;
        const auto n = receiver_name(a);
        if (!n) return false;
        if (std::find(names.begin(), names.end(), *n) == names.end()) names.push_back(*n);
      }
    }
  }
  return true;
}

// The kinds of event source_object_name() names an object for.
bool nameable(event_kind k) {
  return k == event_kind::atomic_load || k == event_kind::atomic_store || k == event_kind::rmw ||
         k == event_kind::cas || k == event_kind::load || k == event_kind::store ||
         k == event_kind::futex_wait || k == event_kind::futex_wake;
}

bool rmw_op(std::string_view op) {
  return op == "exchange" || op == "fetch_add" || op == "fetch_sub" || op == "fetch_and" ||
         op == "fetch_or" || op == "fetch_xor";
}

}  // namespace

std::optional<std::string> source_object_name(std::string_view line, event_kind kind,
                                              std::string_view op, std::string_view arg) {
  if (line.size() > max_line_bytes) return std::nullopt;
  static const std::vector<std::string_view> waits = {"wait", "wait_until", "futex_wait"};
  static const std::vector<std::string_view> wakes = {"wake", "futex_wake"};
  std::vector<std::string_view> methods;
  const std::vector<std::string_view>* calls = nullptr;  // that take the word first
  bool relacy = true;
  switch (kind) {
    case event_kind::atomic_load:
    case event_kind::load:
      methods = {"load"};
      break;
    case event_kind::atomic_store:
    case event_kind::store:
      methods = {"store"};
      break;
    case event_kind::rmw:
      if (!rmw_op(op)) return std::nullopt;
      methods = {op};
      // The model platform's futex wait reads the word with a fetch_add(0),
      // logged at the line of its caller: "Platform::wait(state_, 0);".
      if (op == "fetch_add" && arg == "0") calls = &waits;
      break;
    case event_kind::cas:
      methods = {"compare_exchange_strong", "compare_exchange_weak"};
      break;
    case event_kind::futex_wait:
      calls = &waits;
      relacy = false;
      break;
    case event_kind::futex_wake:
      calls = &wakes;
      relacy = false;
      break;
    default:
      return std::nullopt;
  }
  const std::string code = code_of(line);
  // The first kind of occurrence the line has decides.
  const std::pair<occurrence, const std::vector<std::string_view>*> order[] = {
      {occurrence::method, methods.empty() ? nullptr : &methods},
      {occurrence::wait_call, calls},
      {occurrence::relacy, relacy ? &methods : nullptr}};
  for (const auto& [how, words] : order) {
    if (words == nullptr) continue;
    std::vector<std::string> names;
    bool found = false;
    const bool named = occurrences(code, how, *words, names, found);
    if (!found) continue;
    if (!named || names.size() != 1) return std::nullopt;
    return names.front();
  }
  return std::nullopt;
}

namespace {

// Reads a regular file of at most max_source_bytes and `budget` bytes (which
// it then lowers) into out; false when it cannot. Opened non-blocking: a FIFO
// or a device named in a trace never blocks.
bool read_source(const std::string& path, std::string& out, std::size_t& budget) {
  if (path.empty() || path.find('\0') != std::string::npos) return false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return false;
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } const close_it{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) return false;
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size > max_source_bytes || size > budget) return false;
  out.assign(size, '\0');
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, out.data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  budget -= size;
  return true;
}

// Where the source of e is read: under options.source_dir when its display
// path is relative, else where the trace says; empty when nowhere.
std::string source_path(const event& e, const parse_options& options) {
  if (!options.source_dir.empty() && !e.file.empty() && e.file.front() != '/') {
    std::string p = options.source_dir;
    if (p.back() != '/') p += '/';
    return p + e.file;
  }
  if (!e.raw_file.empty() && e.raw_file.front() == '/') return e.raw_file;
  return {};
}

}  // namespace

void detail::name_objects(trace& t, const parse_options& options) {
  if (!options.read_sources) return;
  // Labels @1, @2, ... in order of first use, as the text output numbers them.
  std::map<std::uint64_t, std::size_t> label;
  for (const event& e : t.events) {
    if (e.object) label.try_emplace(*e.object, label.size() + 1);
  }
  // The events to look up, by file.
  std::map<std::string, std::vector<std::size_t>> by_file;
  for (const event& e : t.events) {
    if (!e.object || e.internal || e.line == 0 || !nameable(e.kind) || is_relacy_file(e.raw_file)) {
      continue;
    }
    std::string path = source_path(e, options);
    if (path.empty()) continue;
    const auto it = by_file.find(path);
    if (it != by_file.end()) {
      it->second.push_back(e.index);
    } else if (by_file.size() < max_source_files) {
      by_file.emplace(std::move(path), std::vector<std::size_t>{e.index});
    }
  }
  // Each event's vote for a name of its object.
  std::map<std::uint64_t, std::map<std::string, std::size_t>> votes;
  std::size_t budget = max_input_bytes;
  std::string text;
  for (auto& [path, events] : by_file) {
    if (!read_source(path, text, budget)) continue;
    std::stable_sort(events.begin(), events.end(), [&t](std::size_t a, std::size_t b) {
      return t.events[a].line < t.events[b].line;
    });
    unsigned line = 1;
    std::size_t pos = 0;  // start of line `line`
    for (const std::size_t i : events) {
      const event& e = t.events[i];
      while (line < e.line && pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        pos = nl == std::string::npos ? text.size() : nl + 1;
        ++line;
      }
      if (line != e.line || pos >= text.size()) break;  // the file is shorter
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      if (const auto n = source_object_name(std::string_view(text).substr(pos, end - pos), e.kind,
                                            e.op, e.arg.value_or(""))) {
        ++votes[*e.object][*n];
      }
    }
  }
  // The name most events give; objects that share one get their labels.
  std::map<std::uint64_t, std::string> names;
  std::map<std::string, std::vector<std::uint64_t>> owners;
  for (const auto& [object, counts] : votes) {
    const std::string* best = nullptr;
    std::size_t most = 0;
    bool tie = false;
    for (const auto& [n, c] : counts) {
      if (c > most) {
        best = &n;
        most = c;
        tie = false;
      } else if (c == most) {
        tie = true;
      }
    }
    if (best == nullptr || tie) continue;
    names[object] = *best;
    owners[*best].push_back(object);
  }
  for (const auto& [n, objects] : owners) {
    if (objects.size() < 2) continue;
    for (const std::uint64_t o : objects) names[o] = n + "@" + std::to_string(label[o]);
  }
  for (event& e : t.events) {
    if (!e.object) continue;
    if (const auto it = names.find(*e.object); it != names.end()) e.object_name = it->second;
  }
}

}  // namespace vsem::trace

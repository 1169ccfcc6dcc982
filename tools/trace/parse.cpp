// The reader of Relacy's raw text traces, and the entry points parse(),
// parse_file(), parse_stream() (see trace.hpp for the format).
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "internal.hpp"
#include "text_util.hpp"

namespace vsem::trace {

using detail::is_relacy_file;
using detail::match_known_result;
using detail::parse_decimal;
using detail::parse_hex;
using detail::parsed_result;
using detail::printable_ascii;

namespace {

std::string with_line(std::size_t line, const std::string& message) {
  return line == 0 ? message : "line " + std::to_string(line) + ": " + message;
}

}  // namespace

parse_error::parse_error(std::size_t line, const std::string& message)
    : std::runtime_error(with_line(line, message)), line_(line) {}

namespace {

std::string passed_message(const std::vector<passing_run::run>& runs) {
  std::string m = "no counterexample in this file: ";
  m += runs.size() == 1 ? "test " : "tests ";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (i > 0) m += i + 1 == runs.size() ? " and " : ", ";
    m += printable_ascii(runs[i].test) + " (" + std::to_string(runs[i].iterations) +
         (runs[i].iterations == 1 ? " iteration)" : " iterations)");
  }
  return m + " passed";
}

}  // namespace

passing_run::passing_run(std::vector<run> runs)
    : parse_error(0, passed_message(runs)), runs_(std::move(runs)) {}

namespace {

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

}  // namespace

// ---- the parser ----------------------------------------------------------------
namespace {

// "3% (65536/2000000)": Relacy's progress output, which a program may send to
// the stream the trace goes to.
bool is_progress_line(std::string_view l) {
  const auto digits = [&l]() {
    std::size_t n = 0;
    while (n < l.size() && n < 20 && l[n] >= '0' && l[n] <= '9') ++n;
    l.remove_prefix(n);
    return n > 0;
  };
  const auto literal = [&l](std::string_view w) {
    if (!l.starts_with(w)) return false;
    l.remove_prefix(w.size());
    return true;
  };
  return digits() && literal("% (") && digits() && literal("/") && digits() && literal(")") &&
         l.empty();
}

class line_reader {
 public:
  explicit line_reader(std::string_view text) : text_(text) {}

  // The next line (without "\n" or "\r\n"), or nullopt at the end. Relacy's
  // progress lines are skipped.
  std::optional<std::string_view> next() {
    for (;;) {
      if (pos_ >= text_.size()) return std::nullopt;
      std::size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos_, end - pos_);
      unterminated_ = end == text_.size();
      pos_ = end + 1;
      ++number_;
      if (line.size() > max_line_bytes) {
        throw parse_error(number_, "line is " + std::to_string(line.size()) +
                                       " bytes long; the limit is " +
                                       std::to_string(max_line_bytes) + " (not a Relacy trace?)");
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!is_progress_line(line)) return line;
    }
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
    auto name = in_.next();
    if (!name) throw parse_error(0, "empty input: expected a Relacy trace (test name first)");
    std::vector<passing_run::run> passed;
    std::optional<std::string_view> res;
    for (;;) {
      if (name->empty()) fail("expected the test name, found an empty line");
      std::size_t i = 0;
      unsigned th = 0;
      std::string_view rest;
      if (split_event_prefix(*name, i, th, rest)) {
        fail("expected the test name, found an event line (is the header missing?)");
      }
      t_.test = std::string(*name);
      t_.test_display = readable_test_name(*name);
      res = in_.next();
      if (!res) {
        fail_at_end("truncated: expected the result line, e.g. 'DEADLOCK (deadlock detected)'");
      }
      if (!res->starts_with("iterations:")) break;
      // A passing run: "iterations: N", "total time: T", "throughput: X".
      passed.push_back({t_.test_display, number_after(*res, "iterations: ")});
      (void)number_after(next_or_fail("'total time: T'"), "total time: ");
      (void)number_after(next_or_fail("'throughput: X'"), "throughput: ");
      name = in_.next_nonblank();
      if (!name) throw passing_run(std::move(passed));
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
    detail::classify(e, loc->text);
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

  std::string_view next_or_fail(const std::string& expected) {
    const auto l = in_.next();
    if (!l) fail_at_end("truncated: expected " + expected);
    return *l;
  }
  // The number after `prefix` in line l (all of the rest of it).
  std::uint64_t number_after(std::string_view l, std::string_view prefix) const {
    std::uint64_t n = 0;
    if (!l.starts_with(prefix) || !parse_decimal(l.substr(prefix.size()), n)) {
      fail("expected '" + std::string(prefix) + "N', found " + quote(l));
    }
    return n;
  }

  line_reader in_;
  trace t_;
  std::vector<std::string_view> raw_;
  std::unordered_map<std::string, function_names> names_;
};

}  // namespace

trace parse(std::string_view text, const parse_options& options) {
  if (text.size() > max_input_bytes) {
    throw parse_error(0, "input is " + std::to_string(text.size()) + " bytes; the limit is " +
                             std::to_string(max_input_bytes));
  }
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return detail::parse_json(text);
  trace t = detail::is_genmc_report(text) ? detail::parse_genmc(text) : parser(text).run();
  detail::name_objects(t, options);
  detail::analyse(t);
  return t;
}

trace parse_stream(std::istream& in, const std::string& name, const parse_options& options) {
  std::string text;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > max_input_bytes) {
      throw parse_error(
          0, name + " is larger than the limit of " + std::to_string(max_input_bytes) + " bytes");
    }
    text.append(buf, got);
  }
  if (in.bad()) throw parse_error(0, "cannot read " + name);
  return parse(text, options);
}

trace parse_file(const std::string& path, const parse_options& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw parse_error(0, "cannot open " + path);
  return parse_stream(in, path, options);
}

}  // namespace vsem::trace

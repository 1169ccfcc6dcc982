// Helpers of the vsem-trace tests (trace_*_test.cpp, one test binary):
// testdata paths, a JSON syntax checker, the invariants of a parsed trace and
// a small good trace with its error helpers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "trace.hpp"

namespace vt = vsem::trace;
using vt::event_kind;
using vt::result_kind;

namespace trace_test {

inline std::string testdata(const std::string& name) {
  return std::string(VSEM_TRACE_TESTDATA) + "/" + name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- a minimal JSON syntax checker, enough to catch broken output -------------
class json_checker {
 public:
  explicit json_checker(std::string_view s) : s_(s) {}
  bool valid() {
    ws();
    if (!value(0)) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  void ws() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) {
      ++i_;
    }
  }
  bool lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool string() {
    if (!lit("\"")) return false;
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        const char e = s_[i_++];
        if (e == 'u') {
          for (int k = 0; k < 4; ++k) {
            if (i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_++]))) {
              return false;
            }
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
      }
    }
    return false;
  }
  bool number() {
    const std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ > start;
  }
  bool value(int depth) {
    if (depth > 64 || i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      ws();
      if (lit(std::string(1, close))) return true;
      for (;;) {
        ws();
        if (c == '{') {
          if (!string()) return false;
          ws();
          if (!lit(":")) return false;
          ws();
        }
        if (!value(depth + 1)) return false;
        ws();
        if (lit(std::string(1, close))) return true;
        if (!lit(",")) return false;
      }
    }
    if (c == '"') return string();
    if (lit("true") || lit("false") || lit("null")) return true;
    return number();
  }
  std::string_view s_;
  std::size_t i_ = 0;
};

inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Structural invariants every parsed trace satisfies.
inline void check_invariants(const vt::trace& t) {
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    ASSERT_EQ(t.events[i].index, i);
    ASSERT_LT(t.events[i].thread, t.threads.size());
  }
  std::size_t listed = 0;
  for (const auto& th : t.threads) {
    ASSERT_TRUE(std::is_sorted(th.events.begin(), th.events.end()));
    for (const auto i : th.events) ASSERT_EQ(t.events.at(i).thread, th.id);
    listed += th.events.size();
  }
  ASSERT_EQ(listed, t.events.size());
  if (t.failing_event) {
    ASSERT_LT(*t.failing_event, t.events.size());
  }
  ASSERT_TRUE(std::is_sorted(t.conflicts.begin(), t.conflicts.end()));
  ASSERT_EQ(std::adjacent_find(t.conflicts.begin(), t.conflicts.end()), t.conflicts.end());
  for (const auto c : t.conflicts) {
    ASSERT_LT(c, t.events.size());
    ASSERT_NE(std::optional<std::size_t>(c), t.failing_event);
  }
  ASSERT_FALSE(t.summary.empty());
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// ---- malformed input -------------------------------------------------------------
inline std::size_t error_line(std::string_view text) {
  try {
    (void)vt::parse(text);
  } catch (const vt::parse_error& e) {
    return e.line();
  }
  ADD_FAILURE() << "no error for:\n" << text.substr(0, 400);
  return static_cast<std::size_t>(-1);
}

inline std::string error_text(std::string_view text) {
  try {
    (void)vt::parse(text);
  } catch (const vt::parse_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text.substr(0, 400);
  return {};
}

inline const std::string good =
    "handoff\n"
    "DATA RACE (data race detected)\n"
    "iteration: 1\n"
    "\n"
    "execution history (3):\n"
    "[0] 0: <0x10> store, value=1, in f, /src/vsem/models/m.cpp(5)\n"
    "[1] 1: <0x10> load, value=0, in g, /src/vsem/models/m.cpp(9)\n"
    "[2] 1: DATA RACE (data race detected), in g, /src/vsem/models/m.cpp(9)\n"
    "\n"
    "thread 0:\n"
    "[0] 0: <0x10> store, value=1, in f, /src/vsem/models/m.cpp(5)\n"
    "\n"
    "thread 1:\n"
    "[1] 1: <0x10> load, value=0, in g, /src/vsem/models/m.cpp(9)\n"
    "[2] 1: DATA RACE (data race detected), in g, /src/vsem/models/m.cpp(9)\n"
    "\n";

// Replaces the first occurrence (in the execution history).
inline std::string replace(std::string s, std::string_view from, std::string_view to) {
  const std::size_t p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

// Replaces every occurrence (history and thread sections).
inline std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  std::size_t n = 0;
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
    ++n;
  }
  EXPECT_GT(n, 0u) << from;
  return s;
}

}  // namespace trace_test

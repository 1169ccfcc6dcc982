// Tests of the trace parser (label unit): every testdata trace, the outputs,
// and malformed inputs (empty, truncated, garbage, huge lines, mutations).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "trace.hpp"

namespace vt = vsem::trace;
using vt::event_kind;
using vt::result_kind;

namespace {

std::string testdata(const std::string& name) {
  return std::string(VSEM_TRACE_TESTDATA) + "/" + name;
}

std::string slurp(const std::string& path) {
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

bool valid_utf8(std::string_view s) {
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
void check_invariants(const vt::trace& t) {
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

// ---- every testdata trace --------------------------------------------------------
struct expectation {
  const char* file;
  result_kind kind;
  std::size_t threads;
  std::size_t failing;           // index of the failing event
  const char* failing_location;  // its file:line
  std::vector<std::string> summary_mentions;
  std::vector<std::size_t> conflicts_include;
  std::vector<unsigned> blocked;
};

void PrintTo(const expectation& e, std::ostream* os) {
  *os << e.file;
}

const std::vector<expectation>& expectations() {
  static const std::vector<expectation> all = {
      {"mutant_channel_close_no_wake_channel_close_wakes_consumer.trace.txt",
       result_kind::deadlock,
       2,
       16,
       "impl/vsem/semaphore.hpp:321",
       {"thread 0 blocked forever in acquire_slow at impl/vsem/semaphore.hpp:321",
        "thread 1's close at :248 issued no wake"},
       {13, 14, 15, 23},
       {0}},
      {"mutant_check_then_act_permits_conserved_try.trace.txt",
       result_kind::user_invariant_failed,
       2,
       9,
       "impl/vsem/semaphore.hpp:172",
       {"invariant `s.waiters <= threads` failed", "thread 1's fetch_sub",
        "in try_acquire at impl/vsem/semaphore.hpp:172", "stale load at :168"},
       {6, 8},
       {}},
      {"mutant_relaxed_release_handoff.trace.txt",
       result_kind::data_race,
       2,
       10,
       "models/handoff_model.cpp:26",
       {"data race: thread 1 read 0x55a88587bbf0 at models/handoff_model.cpp:26 while thread 0's "
        "write at :22 is not ordered before it"},
       {5},
       {}},
      {"mutant_skip_wake_handoff.trace.txt",
       result_kind::deadlock,
       2,
       11,
       "impl/vsem/semaphore.hpp:321",
       {"thread 1 blocked forever in acquire_slow at impl/vsem/semaphore.hpp:321 after thread 0's "
        "release at :135 issued no wake"},
       {12},
       {1}},
      {"mutant_touch_after_release_destruction.trace.txt",
       result_kind::access_to_freed_memory,
       2,
       11,
       "impl/vsem/semaphore.hpp:141",
       {"thread 0 accessed freed memory in release at impl/vsem/semaphore.hpp:141",
        "after thread 1 freed it in ~counting_semaphore"},
       {9, 8, 5},
       {}},
      {"mutant_wake_only_from_zero_libcxx_46357_two_waiters.trace.txt",
       result_kind::deadlock,
       3,
       16,
       "impl/vsem/semaphore.hpp:321",
       {"thread 2 blocked forever in acquire_slow at impl/vsem/semaphore.hpp:321",
        "thread 0's release at :135 issued no wake"},
       {20, 15},
       {2}},
      {"relacy_condvar_deadlock.trace.txt",
       result_kind::deadlock,
       2,
       9,
       "gen.cpp:41",
       {"thread 0 blocked forever at gen.cpp:41 waiting on condition variable",
        "no thread notified"},
       {7},
       {0}},
      {"relacy_double_free.trace.txt",
       result_kind::double_free,
       2,
       6,
       "gen.cpp:28",
       {"thread 0 freed 0x", "already freed it at :28"},
       {5},
       {}},
      {"relacy_fence_data_race.trace.txt",
       result_kind::data_race,
       3,
       10,
       "gen.cpp:50",
       {"data race: thread 1 wrote 0x", "at gen.cpp:50 while thread 0's write at :49"},
       {5},
       {}},
      {"relacy_livelock.trace.txt",
       result_kind::livelock,
       2,
       34,
       "gen.cpp:21",
       {"livelock: thread 0 repeated its atomic load", "at gen.cpp:21 30 times"},
       {},
       {}},
      {"relacy_memory_leak.trace.txt",
       result_kind::memory_leak,
       2,
       5,
       "gen.cpp:16",
       {"memory leak: 1 block never freed: 4 bytes", "allocated by thread 1 at gen.cpp:16"},
       {},
       {}},
      {"relacy_mutex_deadlock.trace.txt",
       result_kind::deadlock,
       2,
       7,
       "gen.cpp:33",
       {"thread 0 blocked forever at gen.cpp:33 waiting for mutex",
        "held by thread 1 (locked at :34)", "also blocked: thread 1"},
       {5, 9},
       {0, 1}},
      {"relacy_uninitialized.trace.txt",
       result_kind::uninitialized_access,
       2,
       4,
       "gen.cpp:25",
       {"thread 0 read the uninitialized variable 0x", "at gen.cpp:25"},
       {},
       {}},
      {"relacy_user_assert.trace.txt",
       result_kind::user_assert_failed,
       2,
       8,
       "gen.cpp:12",
       {"thread 1's assertion `v == 0 || v == 2` failed at gen.cpp:12",
        "atomic load of 0x55b01b348100 returned 1"},
       {5, 7},
       {}},
  };
  return all;
}

class TestdataTrace : public ::testing::TestWithParam<expectation> {};

TEST_P(TestdataTrace, ParsesAndExplains) {
  const expectation& x = GetParam();
  const vt::trace t = vt::parse_file(testdata(x.file));
  check_invariants(t);
  EXPECT_EQ(t.result, x.kind);
  EXPECT_EQ(t.threads.size(), x.threads);
  ASSERT_TRUE(t.failing_event.has_value());
  EXPECT_EQ(*t.failing_event, x.failing);
  EXPECT_EQ(vt::location(t.events[*t.failing_event]), x.failing_location);
  for (const auto& m : x.summary_mentions) {
    EXPECT_NE(t.summary.find(m), std::string::npos) << "summary: " << t.summary << "\nlacks: " << m;
  }
  for (const auto c : x.conflicts_include) {
    EXPECT_TRUE(std::binary_search(t.conflicts.begin(), t.conflicts.end(), c))
        << "conflicts lack [" << c << "]";
  }
  EXPECT_EQ(t.blocked_threads, x.blocked);
  // The summary is one sentence on one line.
  EXPECT_EQ(t.summary.find('\n'), std::string::npos);
}

TEST_P(TestdataTrace, JsonIsValidAndComplete) {
  const vt::trace t = vt::parse_file(testdata(GetParam().file));
  const std::string j = vt::to_json(t);
  EXPECT_TRUE(json_checker(j).valid()) << j.substr(0, 2000);
  EXPECT_TRUE(valid_utf8(j));
  EXPECT_NE(j.find("\"failing_event\": " + std::to_string(*t.failing_event)), std::string::npos);
  EXPECT_NE(j.find("\"summary\": "), std::string::npos);
  EXPECT_NE(j.find("\"conflicts\": ["), std::string::npos);
  std::size_t events = 0;
  for (std::size_t p = j.find("{\"index\": "); p != std::string::npos;
       p = j.find("{\"index\": ", p + 1)) {
    ++events;
  }
  EXPECT_EQ(events, t.events.size());
  // Function names are shortened: no "[with" left, no return type.
  EXPECT_EQ(j.find("[with "), std::string::npos);
}

TEST_P(TestdataTrace, TextSwimlaneFitsAndMarks) {
  const vt::trace t = vt::parse_file(testdata(GetParam().file));
  for (const unsigned width : {80u, 100u, 140u, 160u, 250u}) {
    vt::text_options o;
    o.width = width;
    const std::string text = vt::render_text(t, o);
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, t.summary);
    bool failing_row = false;
    std::size_t n = 1;
    while (std::getline(lines, line)) {
      ++n;
      EXPECT_LE(line.size(), width) << "line " << n << ": " << line;
      if (line.rfind(">> ", 0) == 0) {
        failing_row = true;
        // (not " " + std::string: g++ 12 -O3 reports a false -Wrestrict there)
        std::string needle(" ");
        needle += std::to_string(*t.failing_event);
        needle += ' ';
        EXPECT_NE(line.find(needle), std::string::npos);
      }
    }
    EXPECT_TRUE(failing_row) << text;
    for (const auto& th : t.threads) {
      EXPECT_NE(text.find("thread " + std::to_string(th.id)), std::string::npos);
    }
  }
  // --all shows the Relacy-internal events, which are folded away by default.
  vt::text_options all;
  all.show_internal = true;
  EXPECT_NE(vt::render_text(t, all).find("[CTOR BEGIN]"), std::string::npos);
  EXPECT_EQ(vt::render_text(t).find("[CTOR BEGIN]"), std::string::npos);
}

// A Relacy trace of one event per (thread, text), the last one a USER ASSERT.
std::string make_trace(const std::vector<std::pair<unsigned, std::string>>& events) {
  std::vector<std::string> lines;
  unsigned threads = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::string l(1, '[');  // appended piece by piece: see the -Wrestrict note below
    l += std::to_string(i);
    l += "] ";
    l += std::to_string(events[i].first);
    l += ": ";
    l += events[i].second;
    l += ", in thread, /src/vsem/models/m.cpp(";
    l += std::to_string(10 + i);
    l += ')';
    lines.push_back(std::move(l));
    threads = std::max(threads, events[i].first + 1);
  }
  std::string t = "N12_GLOBAL__N_14wideE\nUSER ASSERT FAILED (assertion: x)\niteration: 1\n\n";
  t += "execution history (" + std::to_string(lines.size()) + "):\n";
  for (const auto& l : lines) t += l + "\n";
  for (unsigned th = 0; th < threads; ++th) {
    t += "\nthread " + std::to_string(th) + ":\n";
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].first == th) t += lines[i] + "\n";
    }
  }
  return t + "\n";
}

// The text of lane `lane` (0-based) of a swimlane rendering, its lines joined.
std::string lane_text(const std::string& text, std::size_t lane) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    for (std::size_t p = line.find("| "); p != std::string::npos; p = line.find("| ", p + 1)) {
      const std::size_t e = line.find(" |", p + 1);
      cells.push_back(line.substr(p + 2, e == std::string::npos ? std::string::npos : e - p - 2));
      if (e == std::string::npos) break;
      p = e;
    }
    if (lane < cells.size()) out += cells[lane] + " ";
  }
  return out;
}

std::string without_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

// Event texts wider than a lane wrap inside it: nothing is cut, every line fits.
TEST(Text, LongEventTextsWrapInsideTheirLane) {
  const std::string words =
      "a user message that is much longer than any lane, with "
      "an_unbreakable_identifier_that_is_longer_than_a_whole_lane_of_any_width_here and "
      "more words after it";
  for (const unsigned threads : {3u, 4u}) {
    std::vector<std::pair<unsigned, std::string>> ev;
    for (unsigned th = 0; th < threads; ++th) ev.emplace_back(th, "thread " + std::to_string(th));
    ev.emplace_back(threads - 1, words);
    ev.emplace_back(threads - 1, "USER ASSERT FAILED (assertion: x)");
    const vt::trace t = vt::parse(make_trace(ev));
    EXPECT_EQ(t.test_display, "wide");
    for (const unsigned width : {80u, 100u, 140u}) {
      vt::text_options o;
      o.width = width;
      const std::string text = vt::render_text(t, o);
      std::istringstream lines(text);
      std::string line;
      std::getline(lines, line);  // the summary
      while (std::getline(lines, line)) EXPECT_LE(line.size(), width) << line;
      EXPECT_NE(text.find("| thread " + std::to_string(threads - 1)), std::string::npos)
          << "no lanes at width " << width << ":\n"
          << text;
      const std::string lane = without_spaces(lane_text(text, threads - 1));
      EXPECT_NE(lane.find(without_spaces(words) + "m.cpp:" + std::to_string(10 + threads)),
                std::string::npos)
          << threads << " threads, width " << width << ":\n"
          << text;
      EXPECT_EQ(text.find('~'), std::string::npos) << text;
    }
  }
}

// Too many threads for lanes: one row per event, still wrapped, not cut.
TEST(Text, ManyThreadsOneRowPerEvent) {
  std::vector<std::pair<unsigned, std::string>> ev;
  for (unsigned th = 0; th < 8; ++th) ev.emplace_back(th, "thread " + std::to_string(th));
  ev.emplace_back(7, std::string(150, 'w'));
  ev.emplace_back(7, "USER ASSERT FAILED (assertion: x)");
  const vt::trace t = vt::parse(make_trace(ev));
  vt::text_options o;
  o.width = 80;
  const std::string text = vt::render_text(t, o);
  EXPECT_NE(text.find("8 threads do not fit side by side"), std::string::npos) << text;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  std::size_t ws = 0;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 80u) << line;
    ws += static_cast<std::size_t>(std::count(line.begin(), line.end(), 'w'));
  }
  EXPECT_GE(ws, 150u);
  // Out-of-range widths are clamped.
  o.width = 10;
  EXPECT_EQ(vt::render_text(t, o), text);
  o.width = 100000;
  vt::text_options widest;
  widest.width = vt::max_text_width;
  EXPECT_EQ(vt::render_text(t, o), vt::render_text(t, widest));
}

// The story: the events that explain the failure, the failing one among them.
TEST_P(TestdataTrace, StoryTellsTheFailure) {
  const vt::trace t = vt::parse_file(testdata(GetParam().file));
  ASSERT_FALSE(t.story.empty());
  EXPECT_LE(t.story.size(), 6u);
  bool failing = false;
  for (const auto& st : t.story) {
    EXPECT_FALSE(st.text.empty());
    EXPECT_EQ(st.text.find('\n'), std::string::npos);
    if (st.event) {
      EXPECT_LT(*st.event, t.events.size());
      failing = failing || st.event == t.failing_event;
    }
  }
  EXPECT_TRUE(failing || t.result == result_kind::memory_leak) << GetParam().file;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// What the story says for each kind of failure.
TEST(Story, SaysWhatExplainsTheFailure) {
  const auto story = [](const char* file) {
    std::string s;
    for (const auto& st : vt::parse_file(testdata(file)).story) {
      if (st.event) {  // appended piece by piece: see the -Wrestrict note above
        s += '[';
        s += std::to_string(*st.event);
        s += "] ";
      } else {
        s += "- ";
      }
      s += st.text;
      s += '\n';
    }
    return s;
  };
  // data race: the two accesses and the pair that did not order them
  const std::string race = story("mutant_relaxed_release_handoff.trace.txt");
  EXPECT_PRED2(contains, race,
               "[5] the earlier access: thread 0 at models/handoff_model.cpp:22: write of "
               "653");
  EXPECT_PRED2(contains, race,
               "[6] then thread 0 in release at impl/vsem/semaphore.hpp:135: fetch_add");
  EXPECT_PRED2(contains, race, "[9] read by thread 1 in try_acquire");
  // a release fence before the relaxed store counts as release
  const std::string fence = story("relacy_fence_data_race.trace.txt");
  EXPECT_PRED2(contains, fence,
               "- thread 1's atomic load is relaxed, not acquire: the access at "
               "gen.cpp:49 is not ordered before the one at gen.cpp:50");
  EXPECT_PRED2(contains, race,
               "- thread 0's fetch_add is relaxed, not release: the access at "
               "models/handoff_model.cpp:22 is not ordered before the one at "
               "models/handoff_model.cpp:26");
  EXPECT_PRED2(contains, race, "[10] the racing access: thread 1");
  // lost wakeup: the sleeper and the release that issued no wake
  const std::string lost = story("mutant_skip_wake_handoff.trace.txt");
  EXPECT_PRED2(contains, lost, "[11] goes to sleep: thread 1 in acquire_slow");
  EXPECT_PRED2(contains, lost,
               "[12] the release that should wake it: thread 0 in release at "
               "impl/vsem/semaphore.hpp:135: fetch_add");
  EXPECT_PRED2(contains, lost, "- that release issued no wake, so thread 1 sleeps forever");
  // use after free: the free and the later access
  const std::string uaf = story("mutant_touch_after_release_destruction.trace.txt");
  EXPECT_PRED2(contains, uaf, "[9] freed: thread 1");
  EXPECT_PRED2(contains, uaf,
               "[11] then accessed: thread 0 in release at impl/vsem/semaphore.hpp:141");
  // mutex deadlock: the holder and the waiter
  const std::string mutex = story("relacy_mutex_deadlock.trace.txt");
  EXPECT_PRED2(contains, mutex, "holds the mutex: thread");
  EXPECT_PRED2(contains, mutex, "waits for it forever: thread");
}

TEST_P(TestdataTrace, HtmlHasLanesFailingEventAndSummary) {
  const vt::trace t = vt::parse_file(testdata(GetParam().file));
  const std::string h = vt::render_html(t, GetParam().file);
  EXPECT_TRUE(valid_utf8(h));
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  for (const auto& th : t.threads) {
    EXPECT_NE(h.find("<div class=\"lane\" id=\"lane-" + std::to_string(th.id) + "\""),
              std::string::npos);
  }
  EXPECT_NE(h.find(" failing\" id=\"ev-" + std::to_string(*t.failing_event) + "\" tabindex=\"0\""),
            std::string::npos);
  // The story box above the lanes links the events that explain the failure.
  const std::size_t story = h.find("<section id=\"story\"");
  ASSERT_NE(story, std::string::npos);
  EXPECT_LT(story, h.find("<div class=\"lanes\""));
  for (const auto& st : t.story) {
    if (!st.event) continue;
    const std::string i = std::to_string(*st.event);
    EXPECT_NE(h.find("<a href=\"#ev-" + i + "\" data-goto=\"" + i + "\">", story),
              std::string::npos);
    EXPECT_NE(h.find(" id=\"ev-" + i + "\""), std::string::npos);
  }
  EXPECT_NE(h.find("id=\"summary\""), std::string::npos);
  // self-contained: no external resources
  EXPECT_EQ(h.find("http://"), std::string::npos);
  EXPECT_EQ(h.find("https://"), std::string::npos);
  EXPECT_EQ(h.find("<link"), std::string::npos);
  EXPECT_EQ(h.find(" src="), std::string::npos);
}

// Every prefix of a trace that stops before its last event line is an error
// naming a line, never a crash or a silently shorter trace.
TEST_P(TestdataTrace, TruncatedPrefixesAreErrors) {
  const std::string text = slurp(testdata(GetParam().file));
  const vt::trace full = vt::parse(text);
  // end of the last event line (the trailer, if any, is checked separately)
  std::size_t last_event_end = 0;
  for (std::size_t p = 0; p < text.size();) {
    std::size_t e = text.find('\n', p);
    if (e == std::string::npos) e = text.size();
    if (e > p && text[p] == '[') last_event_end = e;
    p = e + 1;
  }
  std::vector<std::size_t> cuts;
  for (std::size_t p = 0; p < text.size(); ++p) {
    if (text[p] == '\n' || p % 53 == 0) cuts.push_back(p);
  }
  for (const std::size_t cut : cuts) {
    const std::string prefix = text.substr(0, cut);
    try {
      const vt::trace t = vt::parse(prefix);
      EXPECT_GE(cut, last_event_end) << "a prefix of " << cut << " bytes parsed";
      EXPECT_EQ(t.events.size(), full.events.size());
    } catch (const vt::parse_error& e) {
      EXPECT_NE(std::string(e.what()), "");
      if (cut > 0) {
        EXPECT_GT(e.line(), 0u) << e.what();
      }
    }
  }
}

// Random single-byte changes: an error or a trace, never a crash.
TEST_P(TestdataTrace, MutationsNeverCrash) {
  const std::string text = slurp(testdata(GetParam().file));
  std::mt19937 rng(12345);
  for (int k = 0; k < 300; ++k) {
    std::string m = text;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          m.erase(at, 1 + rng() % 8);
          break;
        default:
          m.insert(at, 1, "\n[]():, <>0x9"[rng() % 13]);
      }
      if (m.empty()) m.push_back('x');
    }
    try {
      const vt::trace t = vt::parse(m);
      check_invariants(t);
      (void)vt::to_json(t);
      (void)vt::render_text(t);
      (void)vt::render_html(t);
    } catch (const vt::parse_error&) {
    }
  }
}

std::string test_name(const ::testing::TestParamInfo<expectation>& info) {
  std::string n = info.param.file;
  n = n.substr(0, n.find(".trace.txt"));
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Testdata, TestdataTrace, ::testing::ValuesIn(expectations()), test_name);

TEST(Testdata, EveryFileHasAnExpectation) {
  std::set<std::string> expected;
  for (const auto& x : expectations()) expected.insert(x.file);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VSEM_TRACE_TESTDATA)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 10 || name.substr(name.size() - 10) != ".trace.txt") continue;
    ++files;
    EXPECT_TRUE(expected.count(name)) << name << " has no expectation in trace_test.cpp";
  }
  EXPECT_EQ(files, expected.size());
}

// ---- malformed input -------------------------------------------------------------
std::size_t error_line(std::string_view text) {
  try {
    (void)vt::parse(text);
  } catch (const vt::parse_error& e) {
    return e.line();
  }
  ADD_FAILURE() << "no error for:\n" << text.substr(0, 400);
  return static_cast<std::size_t>(-1);
}

std::string error_text(std::string_view text) {
  try {
    (void)vt::parse(text);
  } catch (const vt::parse_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text.substr(0, 400);
  return {};
}

const std::string good =
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
std::string replace(std::string s, std::string_view from, std::string_view to) {
  const std::size_t p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

// Replaces every occurrence (history and thread sections).
std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  std::size_t n = 0;
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
    ++n;
  }
  EXPECT_GT(n, 0u) << from;
  return s;
}

TEST(Malformed, TheSmallGoodTraceParses) {
  const vt::trace t = vt::parse(good);
  EXPECT_EQ(t.result, result_kind::data_race);
  EXPECT_EQ(t.failing_event, 1u);
  EXPECT_EQ(t.conflicts, std::vector<std::size_t>{0});
  EXPECT_EQ(t.summary,
            "data race: thread 1 read 0x10 at models/m.cpp:9 while thread 0's write at :5 is not "
            "ordered before it");
  // Windows line endings are fine too.
  std::string crlf;
  for (const char c : good) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  EXPECT_EQ(vt::parse(crlf).summary, t.summary);
}

TEST(Malformed, Empty) {
  EXPECT_EQ(error_line(""), 0u);
  EXPECT_NE(error_text("").find("empty"), std::string::npos);
  EXPECT_EQ(error_line("\n"), 1u);
  EXPECT_EQ(error_line("\n\n\n"), 1u);
}

TEST(Malformed, Garbage) {
  EXPECT_EQ(error_line("hello\nworld\n"), 2u);
  EXPECT_NE(error_text("{\"json\": true}\n").find("JSON trace: test: missing"), std::string::npos);
  EXPECT_EQ(error_line("[0] 0: <0x1> load, value=0, in f, a.cpp(1)\n"), 1u);
  EXPECT_EQ(error_line("t\nDEADLOCK (deadlock detected)\niteration: x\n"), 3u);
  EXPECT_EQ(error_line("t\nDEADLOCK\niteration: 1\n\nhistory\n"), 5u);
  std::mt19937 rng(7);
  for (int k = 0; k < 200; ++k) {
    std::string g(1 + rng() % 4096, '\0');
    for (char& c : g) c = static_cast<char>(rng() % 256);
    EXPECT_THROW((void)vt::parse(g), vt::parse_error);
  }
}

// ---- inputs: passing runs, progress lines, JSON, streams ----------------------------
TEST(Input, OutputOfAPassingRunIsNoCounterexample) {
  try {
    (void)vt::parse("t\niterations: 848\ntotal time: 3\nthroughput: 282666\n\n");
    ADD_FAILURE() << "no passing_run";
  } catch (const vt::passing_run& e) {
    EXPECT_STREQ(e.what(), "no counterexample in this file: test t (848 iterations) passed");
    ASSERT_EQ(e.runs().size(), 1u);
    EXPECT_EQ(e.runs()[0].test, "t");
    EXPECT_EQ(e.runs()[0].iterations, 848u);
  }
  // What Relacy wrote for a passing run, its progress lines included.
  try {
    (void)vt::parse_file(testdata("inputs/passing_run.txt"));
    ADD_FAILURE() << "no passing_run";
  } catch (const vt::passing_run& e) {
    EXPECT_STREQ(e.what(),
                 "no counterexample in this file: test handoff (200000 iterations) passed");
  }
  try {
    (void)vt::parse(
        "a\niterations: 1\ntotal time: 3\nthroughput: 2\n\n"
        "N1a1bE\niterations: 2\ntotal time: 3\nthroughput: 2\n\n"
        "c\niterations: 3\ntotal time: 3\nthroughput: 2\n");
    ADD_FAILURE() << "no passing_run";
  } catch (const vt::passing_run& e) {
    EXPECT_STREQ(e.what(),
                 "no counterexample in this file: tests a (1 iteration), a::b (2 iterations) and "
                 "c (3 iterations) passed");
  }
  // A broken passing block is an error naming the line, not a pass.
  EXPECT_EQ(error_line("t\niterations: 848\ntotal time: 3\n"), 4u);
  EXPECT_EQ(error_line("t\niterations: 848\nthroughput: 3\n"), 3u);
  EXPECT_EQ(error_line("t\niterations: x\ntotal time: 3\nthroughput: 282666\n"), 2u);
  EXPECT_FALSE(dynamic_cast<const vt::passing_run*>(
      &static_cast<const vt::parse_error&>(vt::parse_error(1, "x"))));
}

TEST(Input, PassingRunsBeforeTheFailingOneAreSkipped) {
  // Relacy's own output: a passing test (with progress lines), then a failing one.
  const vt::trace t = vt::parse_file(testdata("inputs/passed_then_failed_with_progress.trace.txt"));
  check_invariants(t);
  EXPECT_EQ(t.test, "assert_test");
  EXPECT_EQ(t.result, result_kind::user_assert_failed);
  EXPECT_EQ(t.summary.rfind("thread 1's assertion `v == 0 || v == 2` failed at gen.cpp:", 0), 0u)
      << t.summary;
}

// "3% (65536/2000000)" lines are skipped wherever they are; line numbers in
// errors still count them.
TEST(Input, ProgressLinesAreSkipped) {
  const vt::trace plain = vt::parse(good);
  std::string with;
  std::size_t n = 0;
  for (std::size_t p = 0; p < good.size();) {
    const std::size_t e = good.find('\n', p);
    with += good.substr(p, e + 1 - p);
    if (n++ % 2 == 0) with += std::to_string(n) + "% (" + std::to_string(65536 * n) + "/2000000)\n";
    p = e + 1;
  }
  with += "100% (2000000/2000000)";  // the last line, without a newline
  const vt::trace t = vt::parse(with);
  EXPECT_EQ(t.summary, plain.summary);
  EXPECT_EQ(vt::to_json(t), vt::to_json(plain));
  EXPECT_EQ(t.events[1].source_line, plain.events[1].source_line + 3);
  EXPECT_EQ(error_line(replace(with, "iteration: 1", "iteration: x")), 4u);
  // Only the exact form is a progress line.
  for (const char* near : {"3% (65536/2000000", "3 % (65536/2000000)", "% (1/2)", "3% (65536/)",
                           "3% (65536/2000000) ", "x3% (65536/2000000)"}) {
    EXPECT_THROW((void)vt::parse(
                     replace(good, "iteration: 1\n", "iteration: 1\n" + std::string(near) + "\n")),
                 vt::parse_error)
        << near;
  }
}

TEST(Input, Stream) {
  std::istringstream in(good);
  EXPECT_EQ(vt::parse_stream(in, "<stdin>").summary, vt::parse(good).summary);
  std::istringstream json(vt::to_json(vt::parse(good)));
  EXPECT_EQ(vt::parse_stream(json, "<stdin>").summary, vt::parse(good).summary);
}

// A .trace.json file as vsem-verify writes it next to the .trace.txt.
TEST(Json, TheRunnersJsonFileReads) {
  const vt::trace j = vt::parse_file(testdata("inputs/relacy_fence_data_race.trace.json"));
  const vt::trace t = vt::parse_file(testdata("relacy_fence_data_race.trace.txt"));
  check_invariants(j);
  EXPECT_EQ(j.summary, t.summary);
  EXPECT_EQ(j.failing_event, t.failing_event);
  EXPECT_EQ(j.conflicts, t.conflicts);
  EXPECT_EQ(vt::render_text(j), vt::render_text(t));
}

TEST(Json, MalformedJsonIsAnErrorNamingTheLine) {
  const std::string j = vt::to_json(vt::parse(good));
  EXPECT_EQ(error_line(j.substr(0, j.size() / 2)),
            1u + static_cast<std::size_t>(std::count(j.begin(), j.begin() + j.size() / 2, '\n')));
  EXPECT_NE(error_text("{\n\"test\": x}").find("line 2: not valid JSON"), std::string::npos)
      << error_text("{\n\"test\": x}");
  EXPECT_NE(error_text("  {").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_text(std::string(100, '{')).find("nested more than"), std::string::npos);
  EXPECT_NE(error_text("{\"a\": " + std::string(100, '[') + std::string(100, ']') + "}")
                .find("nested more than"),
            std::string::npos);
  EXPECT_NE(error_text("{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[\"}").find("test: missing"),
            std::string::npos);  // brackets in strings do not count
}

TEST(Json, InconsistentTracesAreErrors) {
  const std::string j = vt::to_json(vt::parse(good));
  const auto msg = [&](std::string_view from, std::string_view to) {
    return error_text(replace(j, from, to));
  };
  EXPECT_NE(msg("\"failing_event\": 1", "\"failing_event\": 3").find("failing_event: event 3 of 3"),
            std::string::npos);
  EXPECT_NE(msg("\"conflicts\": [0]", "\"conflicts\": [1]").find("conflicts[0]: the failing"),
            std::string::npos);
  EXPECT_NE(msg("\"conflicts\": [0]", "\"conflicts\": [2, 0]").find("ascending"),
            std::string::npos);
  EXPECT_NE(msg("{\"index\": 1, \"thread\": 1", "{\"index\": 1, \"thread\": 7")
                .find("events[1].thread: thread 7 of 2"),
            std::string::npos);
  EXPECT_NE(msg("{\"index\": 1,", "{\"index\": 2,").find("events[1].index: expected 1"),
            std::string::npos);
  EXPECT_NE(msg("\"events\": [1, 2]", "\"events\": [2, 1]").find("threads[1].events"),
            std::string::npos);
  EXPECT_NE(msg("\"state\": \"running\"", "\"state\": \"gone\"").find("unknown thread state"),
            std::string::npos);
  EXPECT_NE(msg("\"summary\": \"", "\"summary\": 7, \"x\": \"").find("summary: expected a string"),
            std::string::npos);
  EXPECT_NE(msg("\"result_kind\": \"data_race\"", "\"result_kind\": \"oops\"").find("unknown kind"),
            std::string::npos);
  EXPECT_NE(msg("\"iteration\": 1", "\"iteration\": -1").find("iteration: expected a number"),
            std::string::npos);
  EXPECT_NE(msg("\"line\": 5", "\"line\": 5.5").find("events[0].line"), std::string::npos);
  EXPECT_EQ(error_text("[]").find("JSON"), std::string::npos);  // not '{': read as a text trace
  EXPECT_NE(error_text("{}").find("JSON trace: test: missing"), std::string::npos);
}

// What to_json() writes reads back as the same trace.
TEST_P(TestdataTrace, JsonRoundTrip) {
  const vt::trace t = vt::parse_file(testdata(GetParam().file));
  const std::string j = vt::to_json(t);
  const vt::trace r = vt::parse(j);
  check_invariants(r);
  EXPECT_EQ(r.summary, t.summary);
  EXPECT_EQ(r.test, t.test);
  EXPECT_EQ(r.test_display, t.test_display);
  EXPECT_EQ(r.result, t.result);
  EXPECT_EQ(r.result_text, t.result_text);
  EXPECT_EQ(r.detail, t.detail);
  EXPECT_EQ(r.iteration, t.iteration);
  EXPECT_EQ(r.failing_event, t.failing_event);
  EXPECT_EQ(r.conflicts, t.conflicts);
  EXPECT_EQ(r.blocked_threads, t.blocked_threads);
  ASSERT_EQ(r.threads.size(), t.threads.size());
  for (std::size_t i = 0; i < t.threads.size(); ++i) {
    EXPECT_EQ(r.threads[i].events, t.threads[i].events);
    EXPECT_EQ(r.threads[i].state, t.threads[i].state);
  }
  ASSERT_EQ(r.leaks.size(), t.leaks.size());
  for (std::size_t i = 0; i < t.leaks.size(); ++i) {
    EXPECT_EQ(r.leaks[i].address, t.leaks[i].address);
    EXPECT_EQ(r.leaks[i].size, t.leaks[i].size);
    EXPECT_EQ(r.leaks[i].alloc_event, t.leaks[i].alloc_event);
  }
  ASSERT_EQ(r.events.size(), t.events.size());
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const vt::event& a = t.events[i];
    const vt::event& b = r.events[i];
    EXPECT_EQ(b.thread, a.thread);
    EXPECT_EQ(b.kind, a.kind) << i;
    EXPECT_EQ(b.text, a.text);
    EXPECT_EQ(b.op, a.op);
    EXPECT_EQ(b.object, a.object);
    EXPECT_EQ(b.value, a.value);
    EXPECT_EQ(b.prev, a.prev);
    EXPECT_EQ(b.arg, a.arg);
    EXPECT_EQ(b.order, a.order);
    EXPECT_EQ(b.stale, a.stale);
    EXPECT_EQ(b.failed, a.failed);
    EXPECT_EQ(b.timed, a.timed);
    EXPECT_EQ(b.target_thread, a.target_thread);
    EXPECT_EQ(b.size, a.size);
    EXPECT_EQ(b.short_function, a.short_function);
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.file, a.file);
    EXPECT_EQ(b.line, a.line);
    EXPECT_EQ(b.internal, a.internal);
  }
  EXPECT_EQ(vt::to_json(r), j);
  EXPECT_EQ(vt::render_text(r), vt::render_text(t));
}

TEST(Names, ReadableTestName) {
  EXPECT_EQ(vt::readable_test_name("N12_GLOBAL__N_17handoffE"), "handoff");
  EXPECT_EQ(vt::readable_test_name("8my_model"), "my_model");
  EXPECT_EQ(vt::readable_test_name("my_model"), "my_model");
  EXPECT_EQ(vt::readable_test_name("N4vsem5model7handoffE"), "vsem::model::handoff");
  EXPECT_EQ(vt::readable_test_name("N12_GLOBAL__N_17handoffILi2EEE"), "handoff<2>");
  EXPECT_EQ(vt::readable_test_name("handoffILi2EE"), "handoff<2>");  // Relacy drops the "7"
  EXPECT_EQ(vt::readable_test_name("i"), "i");                       // not "int"
  EXPECT_EQ(vt::readable_test_name("mutant/skip_wake@handoff"), "mutant/skip_wake@handoff");
  EXPECT_EQ(vt::readable_test_name("condvar_test"), "condvar_test");
  EXPECT_EQ(vt::readable_test_name("N12_GLOBAL__N_1"), "N12_GLOBAL__N_1");
  EXPECT_EQ(vt::readable_test_name(""), "");
  const std::string long_name(300, 'a');
  EXPECT_EQ(vt::readable_test_name(long_name), long_name);
  // The runner's readable first line is kept in the trace as it is.
  const vt::trace t = vt::parse(replace(good, "handoff\n", "mutant/skip_wake@handoff\n"));
  EXPECT_EQ(t.test_display, "mutant/skip_wake@handoff");
  EXPECT_NE(vt::render_text(t).find("test mutant/skip_wake@handoff |"), std::string::npos);
  EXPECT_EQ(vt::parse_file(testdata("mutant_skip_wake_handoff.trace.txt")).test_display, "handoff");
}

TEST(Malformed, Truncated) {
  const std::string msg = error_text(good.substr(0, good.find("[2] 1:")));
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(error_text(good.substr(0, good.find("thread 0:"))).find("truncated"),
            std::string::npos);
  EXPECT_NE(error_text(good.substr(0, good.find("thread 1:"))).find("truncated"),
            std::string::npos);
  // cut in the middle of a line
  const std::size_t mid = good.find("load, value=0, in g", good.find("thread 1:"));
  EXPECT_EQ(error_line(good.substr(0, mid)), 14u);
}

TEST(Malformed, HugeLine) {
  const std::string huge(vt::max_line_bytes + 1, 'x');
  EXPECT_EQ(error_line(huge), 1u);
  EXPECT_EQ(error_line(huge + "\n"), 1u);
  // a huge function name in an event line
  const std::string g = replace(good, "in g, /src", "in " + std::string(70000, 'g') + ", /src");
  EXPECT_EQ(error_line(g), 7u);
  EXPECT_NE(error_text(g).find("bytes long"), std::string::npos);
}

TEST(Malformed, InputLargerThanTheLimit) {
  const std::string big(vt::max_input_bytes + 1, '\n');
  EXPECT_EQ(error_line(big), 0u);
  EXPECT_NE(error_text(big).find("limit"), std::string::npos);
}

TEST(Malformed, HugeCountsAreRejectedWithoutAllocating) {
  EXPECT_EQ(error_line(replace(good, "history (3)", "history (99999999999)")), 5u);
  EXPECT_EQ(error_line(replace(good, "history (3)", "history (999999999999999999999999)")), 5u);
  EXPECT_EQ(error_line(replace(good, "[1] 1: <0x10> load", "[1] 9999: <0x10> load")), 7u);
  EXPECT_EQ(error_line(replace(good, "[1] 1: <0x10> load", "[1] 99999999999: <0x10> load")), 7u);
  EXPECT_EQ(error_line(replace(good, "m.cpp(5)", "m.cpp(99999999999999)")), 6u);
}

TEST(Malformed, StructureErrorsNameTheLine) {
  EXPECT_EQ(error_line(replace(good, "DATA RACE (data race detected)\n", "data race\n")), 2u);
  EXPECT_EQ(error_line(replace(good, "iteration: 1", "iteration 1")), 3u);
  EXPECT_EQ(error_line(replace(good, "execution history (3):", "execution history (4):")), 9u);
  EXPECT_EQ(error_line(replace(good, "execution history (3):", "execution history (2):")), 8u);
  EXPECT_EQ(error_line(replace(good, "[1] 1: <0x10> load", "[5] 1: <0x10> load")), 7u);
  EXPECT_EQ(error_line(replace(good, "in f, /src/vsem/models/m.cpp(5)\n",
                               "in f /src/vsem/models/m.cpp(5)\n")),
            6u);
  EXPECT_EQ(error_line(replace(good, "m.cpp(5)\n", "m.cpp(5\n")), 6u);
  // thread sections
  EXPECT_EQ(error_line(replace(good, "thread 1:\n", "thread 2:\n")), 13u);
  EXPECT_EQ(error_line(replace(good, "thread 0:\n[0] 0:", "thread 0:\n[0] 1:")), 11u);
  const std::string mismatch = replace(good, "\n\nthread 1:\n[1] 1: <0x10> load, value=0",
                                       "\n\nthread 1:\n[1] 1: <0x10> load, value=7");
  EXPECT_EQ(error_line(mismatch), 14u);
  EXPECT_NE(error_text(good + "garbage\n").find("unexpected text"), std::string::npos);
  EXPECT_EQ(error_line(good + "garbage\n"), 17u);
  // a MEMORY LEAK trace must end with its allocation list
  const std::string leak =
      replace(good, "DATA RACE (data race detected)\n", "MEMORY LEAK (memory leak detected)\n");
  EXPECT_NE(error_text(leak).find("memory allocations"), std::string::npos);
  EXPECT_EQ(vt::parse(leak + "memory allocations:\n0x10 [4]\n\n").leaks.size(), 1u);
  EXPECT_EQ(error_line(leak + "memory allocations:\n0x10 4\n"), 18u);
}

TEST(Malformed, UnknownEventTextsAreMessagesNotErrors) {
  const vt::trace t =
      vt::parse(replace_all(good, "<0x10> store, value=1", "something new, with (parens), in it"));
  EXPECT_EQ(t.events[0].kind, event_kind::message);
  EXPECT_EQ(t.events[0].text, "something new, with (parens), in it");
  EXPECT_EQ(t.events[0].function, "f");
}

// ---- event classification -----------------------------------------------------------
TEST(Events, Kinds) {
  const std::string text =
      slurp(testdata("mutant_wake_only_from_zero_libcxx_46357_two_waiters.trace.txt"));
  const vt::trace t = vt::parse(text);
  const auto& e = t.events;
  EXPECT_EQ(e[0].kind, event_kind::internal);
  EXPECT_TRUE(e[0].internal);
  EXPECT_EQ(e[1].kind, event_kind::atomic_store);
  EXPECT_EQ(e[1].order, "relaxed");
  EXPECT_EQ(e[1].object, 0x55a885852c28u);
  EXPECT_EQ(
      e[1].short_function,
      "vsem::counting_semaphore<LeastMaxValue, Platform>::counting_semaphore(std::ptrdiff_t)");
  EXPECT_EQ(e[1].name, "counting_semaphore");
  EXPECT_FALSE(e[1].internal);
  EXPECT_EQ(e[5].kind, event_kind::atomic_load);
  EXPECT_EQ(e[7].kind, event_kind::rmw);
  EXPECT_EQ(e[7].op, "fetch_add");
  EXPECT_EQ(e[7].prev, "0");
  EXPECT_EQ(e[7].arg, "4294967296");
  EXPECT_EQ(e[7].value, "4294967296");
  EXPECT_EQ(e[9].kind, event_kind::futex_wait);
  EXPECT_EQ(e[10].kind, event_kind::block);
  EXPECT_EQ(e[18].kind, event_kind::unblock);
  EXPECT_EQ(e[18].target_thread, 1u);
  EXPECT_EQ(e[19].kind, event_kind::futex_wake);
  EXPECT_EQ(e[23].kind, event_kind::cas);
  EXPECT_FALSE(e[23].failed);
  EXPECT_EQ(e[23].value, "4294967297");
  EXPECT_EQ(e[23].order, "acquire");
  EXPECT_EQ(e[25].kind, event_kind::result);
  EXPECT_TRUE(e[25].internal);
  EXPECT_EQ(e[23].file, "impl/vsem/semaphore.hpp");
  EXPECT_EQ(e[23].line, 291u);
  EXPECT_TRUE(e[23].raw_file.ends_with("/impl/vsem/semaphore.hpp"));  // as recorded
  EXPECT_EQ(t.threads[0].state, vt::thread_state::finished);
  EXPECT_EQ(t.threads[2].state, vt::thread_state::blocked);
  EXPECT_EQ(t.test, "N12_GLOBAL__N_124libcxx_46357_two_waitersE");
  EXPECT_EQ(t.test_display, "libcxx_46357_two_waiters");
  EXPECT_EQ(t.iteration, 759u);
}

TEST(Events, StaleLoadsFreesAndFences) {
  const vt::trace a =
      vt::parse_file(testdata("mutant_check_then_act_permits_conserved_try.trace.txt"));
  EXPECT_TRUE(a.events[8].stale);
  EXPECT_EQ(a.events[8].value, "1");
  const vt::trace b = vt::parse_file(testdata("mutant_touch_after_release_destruction.trace.txt"));
  EXPECT_EQ(b.events[9].kind, event_kind::free);
  EXPECT_EQ(b.events[9].object, 0x55a885829d70u);
  EXPECT_EQ(b.events[9].function, "");
  EXPECT_EQ(b.events[9].file, "");
  EXPECT_EQ(b.events[9].line, 0u);
  EXPECT_EQ(b.events[11].kind, event_kind::freed_access);
  const vt::trace c = vt::parse_file(testdata("relacy_fence_data_race.trace.txt"));
  EXPECT_EQ(c.events[6].kind, event_kind::fence);
  EXPECT_EQ(c.events[6].order, "release");
  EXPECT_EQ(c.threads[2].state, vt::thread_state::idle);
  const vt::trace d = vt::parse_file(testdata("relacy_memory_leak.trace.txt"));
  ASSERT_EQ(d.leaks.size(), 1u);
  EXPECT_EQ(d.leaks[0].size, 4u);
  EXPECT_EQ(d.leaks[0].alloc_event, 5u);
  EXPECT_EQ(d.events[5].kind, event_kind::alloc);
  EXPECT_EQ(d.events[5].size, 4u);
}

// ---- helpers -----------------------------------------------------------------------------
TEST(Helpers, ShortFunction) {
  EXPECT_EQ(vt::short_function(
                "vsem::detail::wait_status vsem::counting_semaphore<LeastMaxValue, "
                "Platform>::acquire_slow(typename Platform::clock::time_point) [with bool Timed = "
                "false; long int LeastMaxValue = 2; Platform = vsem::model::platform]"),
            "vsem::counting_semaphore<LeastMaxValue, Platform>::acquire_slow(typename "
            "Platform::clock::time_point)");
  EXPECT_EQ(vt::short_function("vsem::counting_semaphore<LeastMaxValue, Platform>::snapshot "
                               "vsem::counting_semaphore<LeastMaxValue, "
                               "Platform>::debug_snapshot() const [with long int L = 2]"),
            "vsem::counting_semaphore<LeastMaxValue, Platform>::debug_snapshot() const");
  EXPECT_EQ(vt::short_function("void (anonymous namespace)::handoff::thread(unsigned int)"),
            "(anonymous namespace)::handoff::thread(unsigned int)");
  EXPECT_EQ(vt::short_function("void vsem::counting_semaphore<2>::release(std::ptrdiff_t) "
                               "[LeastMaxValue = 2, Platform = vsem::model::platform]"),
            "vsem::counting_semaphore<2>::release(std::ptrdiff_t)");
  EXPECT_EQ(vt::short_function("bool operator<(const a&, const b&)"),
            "operator<(const a&, const b&)");
  EXPECT_EQ(vt::short_function("fiber_proc_impl"), "fiber_proc_impl");
  EXPECT_EQ(vt::short_function(""), "");
  EXPECT_EQ(vt::short_function("))(((<<>>]] [["), vt::short_function("))(((<<>>]] [["));
}

TEST(Helpers, FunctionName) {
  EXPECT_EQ(vt::function_name("void vsem::counting_semaphore<LeastMaxValue, "
                              "Platform>::release(std::ptrdiff_t) [with long int L = 1]"),
            "release");
  EXPECT_EQ(vt::function_name("vsem::counting_semaphore<L, P>::~counting_semaphore() [with L = 1]"),
            "~counting_semaphore");
  EXPECT_EQ(vt::function_name("vsem::foo::operator bool() const"), "operator bool");
  EXPECT_EQ(vt::function_name("bool operator<(const a&, const b&)"), "operator<");
  EXPECT_EQ(vt::function_name("void f<int>(int)"), "f");
  EXPECT_EQ(vt::function_name("thread"), "thread");
  EXPECT_EQ(vt::function_name(""), "");
}

TEST(Helpers, DisplayPath) {
  EXPECT_EQ(vt::display_path("/src/vsem/impl/vsem/semaphore.hpp"), "impl/vsem/semaphore.hpp");
  EXPECT_EQ(vt::display_path("/src/v/tools/trace/x.cpp", "/src/v/"), "tools/trace/x.cpp");
  EXPECT_EQ(vt::display_path("/src/v/tools/trace/x.cpp"), "/src/v/tools/trace/x.cpp");
  EXPECT_EQ(vt::display_path("/src/u/impl/v/impl/vsem/s.hpp", "/src/u/impl/v/"), "impl/vsem/s.hpp");
  EXPECT_EQ(vt::display_path("/usr/include/relacy/context.hpp", "/src/v/"),
            "/usr/include/relacy/context.hpp");
  EXPECT_EQ(vt::display_path("/src/u/src/vsem/models/handoff_model.cpp"),
            "models/handoff_model.cpp");
  EXPECT_EQ(vt::display_path("/builds/x/tests/unit/a.cpp"), "tests/unit/a.cpp");
  EXPECT_EQ(vt::display_path("/ci/examples/handoff.cpp"), "examples/handoff.cpp");
  EXPECT_EQ(vt::display_path("/usr/include/relacy/context.hpp"), "/usr/include/relacy/context.hpp");
  EXPECT_EQ(vt::display_path("gen.cpp"), "gen.cpp");
  EXPECT_EQ(vt::display_path("/opt/reimpl/x.cpp"), "/opt/reimpl/x.cpp");
  EXPECT_EQ(vt::display_path(""), "");
}

TEST(Helpers, SourceRoot) {
  using files = std::vector<std::string_view>;
  EXPECT_EQ(vt::source_root(files{"/src/v/impl/vsem/semaphore.hpp", "/src/v/models/m.cpp",
                                  "/usr/include/relacy/context.hpp"}),
            "/src/v/");
  // One source directory only: backs up to where it starts.
  EXPECT_EQ(vt::source_root(files{"/src/v/impl/vsem/a.hpp", "/src/v/impl/vsem/b.hpp"}), "/src/v/");
  // A checkout inside a directory that is itself called impl/.
  EXPECT_EQ(vt::source_root(files{"/src/u/impl/v/impl/vsem/s.hpp", "/src/u/impl/v/models/m.cpp"}),
            "/src/u/impl/v/");
  EXPECT_EQ(vt::source_root(files{"/src/u/impl/v/impl/vsem/s.hpp"}), "/src/u/impl/v/");
  EXPECT_EQ(vt::source_root(files{"impl/vsem/s.hpp", "models/m.cpp"}), "");
  EXPECT_EQ(vt::source_root(files{"/usr/include/relacy/context.hpp", "gen.cpp"}), "");
  EXPECT_EQ(vt::source_root(files{}), "");
  // Two checkouts: no common root continues with a source directory in both.
  EXPECT_EQ(vt::source_root(files{"/a/impl/x.hpp", "/b/models/y.cpp"}), "");
}

// File names are shown relative to the checkout the trace was made in, whatever
// its path, files outside vsem's source directories included.
TEST(Parse, PathsRelativeToTheTracesCheckout) {
  const std::string t = replace_all(
      replace_all(good, "/src/vsem/models/m.cpp(5)", "/ci/job 7/src/tools/helper.hpp(5)"),
      "/src/vsem/", "/ci/job 7/src/");
  const vt::trace p = vt::parse(t);
  ASSERT_GE(p.events.size(), 2u);
  EXPECT_EQ(p.events[0].file, "tools/helper.hpp");
  EXPECT_EQ(p.events[0].raw_file, "/ci/job 7/src/tools/helper.hpp");
  EXPECT_EQ(p.events[1].file, "models/m.cpp");
}

// ---- object names from the source ------------------------------------------------
TEST(ObjectNames, TheReceiverOfTheOperationOnTheLine) {
  const auto name = [](std::string_view line, event_kind k, std::string_view op = {},
                       std::string_view arg = {}) {
    return vt::source_object_name(line, k, op, arg).value_or("<none>");
  };
  EXPECT_EQ(name("    slot_.store(item);", event_kind::store), "slot_");
  EXPECT_EQ(name("    return slot_.load();  // a data race", event_kind::load), "slot_");
  EXPECT_EQ(name("  if (c.turn.load(std::memory_order_acquire) == me) {", event_kind::atomic_load),
            "c.turn");
  EXPECT_EQ(name("  auto s = cells_[i].seq.load(acquire);", event_kind::atomic_load),
            "cells_[i].seq");
  EXPECT_EQ(name("  this->state_.fetch_add(1, o);", event_kind::rmw, "fetch_add", "1"), "state_");
  EXPECT_EQ(name("  p->next.exchange(nullptr);", event_kind::rmw, "exchange"), "p->next");
  EXPECT_EQ(name("  n->next->store(x);", event_kind::atomic_store), "n->next");
  EXPECT_EQ(name("  while (!state_.compare_exchange_weak(s, s - 1)) {", event_kind::cas), "state_");
  EXPECT_EQ(name("  x.load() + x.load()", event_kind::atomic_load), "x");  // one receiver
  // The model platform's futex wait: a fetch_add(0) at the caller's line.
  EXPECT_EQ(name("    Platform::wait(state_, 0);", event_kind::rmw, "fetch_add", "0"), "state_");
  EXPECT_EQ(name("  P::wake(&state_, 1);", event_kind::futex_wake), "state_");
  EXPECT_EQ(name("  futex_wait(&w_, 0);", event_kind::futex_wait), "w_");
  // Relacy's accessor.
  EXPECT_EQ(name("  d($) = 7;", event_kind::store), "d");
  EXPECT_EQ(name("  a($).store(1, rl::mo_release);", event_kind::atomic_store), "a");
  // Conservative: no name for none, several or unnamable receivers.
  EXPECT_EQ(name("  a.load() + b.load()", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  x($) = y($);", event_kind::store), "<none>");
  EXPECT_EQ(name("  get().load();", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  (*p).load();", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  a.load() + get().load()", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  int x = 0;", event_kind::load), "<none>");
  // The operation must be the event's: a line edited since the trace names nothing.
  EXPECT_EQ(name("    slot_.store(item);", event_kind::load), "<none>");
  EXPECT_EQ(name("  a.compare_exchange_strong(e, 1);", event_kind::rmw, "exchange"), "<none>");
  EXPECT_EQ(name("  a.fetch_sub(1); b.fetch_add(1);", event_kind::rmw, "fetch_add", "1"), "b");
  EXPECT_EQ(name("    Platform::wait(state_, 0);", event_kind::rmw, "fetch_add", "1"), "<none>");
  EXPECT_EQ(name("  Platform::wake(self, n);", event_kind::rmw, "fetch_add", "0"), "<none>");
  EXPECT_EQ(name("  x.load();", event_kind::fence), "<none>");
  // Comments and literals do not count.
  EXPECT_EQ(name("  // slot_.store(1)", event_kind::store), "<none>");
  EXPECT_EQ(name("  log(\"x.store(\"); /* z.store( */ y.store(1);", event_kind::store), "y");
  EXPECT_EQ(name("  y.store('(' + 1'000);", event_kind::store), "y");
  EXPECT_EQ(name(std::string(vt::max_line_bytes + 1, ' ') + "y.store(1);", event_kind::store),
            "<none>");
}

// inputs/slot_queue_v1_named.trace.txt: examples/model_check's slot_queue_v1 as
// vsem-verify caught it, its paths moved to /ci/vsem/ (which does not exist);
// testdata/sources/ holds the lines it names.
const std::string named_trace = "inputs/slot_queue_v1_named.trace.txt";

vt::parse_options sources_in(const std::string& dir) {
  vt::parse_options o;
  o.read_sources = true;
  o.source_dir = dir;
  return o;
}

TEST(ObjectNames, InTheSentenceTheStoryTheLanesTheJsonAndTheHtml) {
  const vt::trace t = vt::parse_file(testdata(named_trace), sources_in(testdata("sources")));
  check_invariants(t);
  EXPECT_EQ(t.summary,
            "data race: thread 0 wrote slot_ at examples/model_check/slot_queue.hpp:18 while "
            "thread 1's read at :24 is not ordered before it");
  // Two semaphores' state_, told apart by their labels; slot_ is @3.
  EXPECT_EQ(t.events[1].object_name, "state_@1");  // its constructor's line names nothing
  EXPECT_EQ(t.events[2].object_name, "state_@2");
  EXPECT_EQ(t.events[8].object_name, "slot_");
  EXPECT_EQ(t.events[13].object_name, "state_@2");  // Platform::wait(state_, 0)
  for (const auto& e : t.events) {
    if (!e.object) {
      EXPECT_EQ(e.object_name, "");
    }
  }
  // The racing store: Relacy logged "value=0" for a store of 2.
  const vt::event& f = t.events.at(30);
  EXPECT_EQ(t.failing_event, 30u);
  EXPECT_NE(f.text.find("store, value=0"), std::string::npos);
  EXPECT_FALSE(f.value_recorded);
  EXPECT_FALSE(f.value.has_value());
  EXPECT_TRUE(t.events[8].value_recorded);
  std::string story;
  for (const auto& st : t.story) story += st.text + "\n";
  EXPECT_PRED2(contains, story,
               "the racing access: thread 0 in put at examples/model_check/slot_queue.hpp:18: "
               "write to slot_ (value not recorded)\n");
  EXPECT_PRED2(contains, story,
               "the earlier access: thread 1 in take at examples/model_check/slot_queue.hpp:24: "
               "read of slot_ returned 1\n");

  vt::text_options o;
  o.width = 140;
  const std::string text = vt::render_text(t, o);
  EXPECT_PRED2(contains, text, "| slot_ write 1 ");
  EXPECT_PRED2(contains, text, "| slot_ read 1 ");
  EXPECT_PRED2(contains, text, "| slot_ write ? ");
  EXPECT_PRED2(contains, text, "| state_@1 fetch_add 0->1 rel ");
  EXPECT_PRED2(contains, text, "| state_@2 load 1 rlx ");
  EXPECT_PRED2(contains, text,
               "objects: state_@1=0x561f4eb47828 (atomic), state_@2=0x561f4eb47860 (atomic), "
               "slot_=0x561f4eb47898 (var)");
  EXPECT_EQ(text.find("@3"), std::string::npos) << text;

  const std::string j = vt::to_json(t);
  EXPECT_TRUE(json_checker(j).valid());
  EXPECT_PRED2(contains, j,
               "{\"index\": 30, \"thread\": 0, \"kind\": \"store\", \"op\": \"store\", \"object\": "
               "\"0x561f4eb47898\", \"object_name\": \"slot_\", \"value\": null, "
               "\"value_recorded\": false,");
  EXPECT_PRED2(contains, j, "\"object\": \"0x561f4eb47828\", \"object_name\": \"state_@1\"");
  const vt::trace r = vt::parse(j);  // the JSON keeps the names
  EXPECT_EQ(r.events[30].object_name, "slot_");
  EXPECT_FALSE(r.events[30].value_recorded);
  EXPECT_EQ(vt::to_json(r), j);
  EXPECT_EQ(vt::render_text(r, o), text);

  const std::string h = vt::render_html(t);
  EXPECT_PRED2(contains, h, "<span class=\"mark\">&gt;&gt;</span>slot_ write ?</div>");
  EXPECT_PRED2(contains, h,
               "id=\"ev-30\" tabindex=\"0\" data-i=\"30\" data-kind=\"store\" "
               "data-obj=\"@3\"");
  EXPECT_PRED2(contains, h, "<tr><td>@3</td><td><code>slot_</code></td>");
  EXPECT_PRED2(contains, h, "value not recorded");
}

TEST(ObjectNames, WithoutTheSourcesObjectsKeepTheirAddresses) {
  const std::string address_summary =
      "data race: thread 0 wrote 0x561f4eb47898 at examples/model_check/slot_queue.hpp:18 while "
      "thread 1's read at :24 is not ordered before it";
  const vt::trace plain = vt::parse_file(testdata(named_trace));  // sources not read
  EXPECT_EQ(plain.summary, address_summary);
  for (const auto& e : plain.events) EXPECT_EQ(e.object_name, "");
  const std::string text = vt::render_text(plain);
  EXPECT_PRED2(contains, text, "| @3 write ? ");  // not recorded, names or not
  EXPECT_PRED2(contains, text, "| @1 fetch_add 0->1 rel ");
  EXPECT_PRED2(contains, vt::to_json(plain), "\"object_name\": null");
  // Where the trace says the sources are, there are none (/ci/vsem/): the same.
  vt::parse_options o;
  o.read_sources = true;
  EXPECT_EQ(vt::to_json(vt::parse_file(testdata(named_trace), o)), vt::to_json(plain));
  // A directory without them, or with something else under their names: the same.
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "vsem-trace-sources";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "impl/vsem/semaphore.hpp");  // a directory
  EXPECT_EQ(vt::to_json(vt::parse_file(testdata(named_trace), sources_in(dir.string()))),
            vt::to_json(plain));
  // Only slot_queue.hpp: slot_ named, the semaphores not.
  std::filesystem::create_directories(dir / "examples/model_check");
  std::filesystem::copy_file(testdata("sources/examples/model_check/slot_queue.hpp"),
                             dir / "examples/model_check/slot_queue.hpp");
  const vt::trace part = vt::parse_file(testdata(named_trace), sources_in(dir.string()));
  EXPECT_EQ(part.summary.substr(0, 32), "data race: thread 0 wrote slot_ ");
  EXPECT_EQ(part.events[1].object_name, "");
  EXPECT_PRED2(contains, vt::render_text(part), "| @1 fetch_add 0->1 rel ");
  // Too large a file names nothing; a short one names what it has.
  std::filesystem::resize_file(dir / "examples/model_check/slot_queue.hpp",
                               vt::max_source_bytes + 1);
  EXPECT_EQ(vt::parse_file(testdata(named_trace), sources_in(dir.string())).summary,
            address_summary);
  std::ofstream(dir / "examples/model_check/slot_queue.hpp", std::ios::trunc)
      << std::string(17, '\n') << "slot_.store(1);\n";
  EXPECT_EQ(vt::parse_file(testdata(named_trace), sources_in(dir.string())).summary.substr(0, 32),
            "data race: thread 0 wrote slot_ ");
  std::filesystem::remove_all(dir);
}

// An object takes the name most of its events give it; none on a tie.
TEST(ObjectNames, TheNameMostEventsGive) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "vsem-trace-m";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "models");
  const auto summary = [&](const std::string& source, const std::string& trace) {
    std::ofstream(dir / "models/m.cpp", std::ios::trunc) << source;
    return vt::parse(trace, sources_in(dir.string())).summary;
  };
  std::string lines(4, '\n');
  lines += "x.store(1);\n";                       // line 5
  lines += std::string(3, '\n') + "x.load();\n";  // line 9
  EXPECT_EQ(summary(lines, good),
            "data race: thread 1 read x at models/m.cpp:9 while thread 0's write at :5 is not "
            "ordered before it");
  std::string tie(4, '\n');
  tie += "x.store(1);\n" + std::string(3, '\n') + "y.load();\n";
  EXPECT_EQ(summary(tie, good), vt::parse(good).summary);
  // Two events say y, one x.
  const std::string three =
      replace_all(replace_all(good, "(3):", "(4):"),
                  "[2] 1: DATA RACE (data race detected), in g, /src/vsem/models/m.cpp(9)",
                  "[2] 1: <0x10> load, value=0, in g, /src/vsem/models/m.cpp(10)\n[3] 1: DATA RACE "
                  "(data race detected), in g, /src/vsem/models/m.cpp(10)");
  EXPECT_EQ(summary(tie + "y.load();\n", three).substr(0, 28), "data race: thread 1 read y a");
  std::filesystem::remove_all(dir);
}

TEST(Helpers, InvalidUtf8BecomesReplacementCharacters) {
  const std::string bad = replace_all(good, "in f,", "in f\xff\xfe,");
  const vt::trace t = vt::parse(bad);
  const std::string j = vt::to_json(t);
  EXPECT_TRUE(json_checker(j).valid());
  EXPECT_TRUE(valid_utf8(j));
  EXPECT_NE(j.find("\\ufffd"), std::string::npos);
  EXPECT_TRUE(valid_utf8(vt::render_html(t)));
  EXPECT_TRUE(valid_utf8(vt::render_text(t)));
}

}  // namespace

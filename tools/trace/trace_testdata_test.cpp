// Tests of vsem-trace over every testdata trace (label tool): parse, analysis,
// JSON, text and HTML, truncations and mutations, the JSON round trip.
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
#include <utility>
#include <vector>

#include "trace.hpp"
#include "trace_test_util.hpp"

namespace {

using namespace trace_test;

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

// The vsem mutants vsem-verify caught (mutant_*.trace.txt).
std::vector<expectation> mutant_expectations() {
  return {
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
  };
}

// Relacy's own kinds of failure (relacy_*.trace.txt).
std::vector<expectation> relacy_expectations() {
  return {
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
}

const std::vector<expectation>& expectations() {
  static const std::vector<expectation> all = [] {
    std::vector<expectation> v = mutant_expectations();
    for (auto& x : relacy_expectations()) v.push_back(std::move(x));
    return v;
  }();
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
    EXPECT_TRUE(expected.count(name)) << name << " has no expectation in trace_testdata_test.cpp";
  }
  EXPECT_EQ(files, expected.size());
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

}  // namespace

// Tests of the trace reader (label tool): malformed inputs (empty, truncated,
// garbage, huge lines, structure errors), passing runs, progress lines, JSON,
// streams, and the classification of event texts.
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
#include "trace_test_util.hpp"

namespace {

using namespace trace_test;

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

}  // namespace

// Tests of vsem-trace over GenMC error reports (testdata/genmc/, written by
// `vsem-verify --engine genmc --mutants`): each report becomes a structured
// trace whose summary and failing event name the lines in impl/ and models/
// that Relacy's trace of the same bug names; the JSON round trip keeps the
// engine; a report without its graph is an error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "trace.hpp"
#include "trace_test_util.hpp"

namespace {

using namespace trace_test;

struct genmc_case {
  const char* file;
  result_kind kind;
  std::size_t threads;
  const char* failing_location;
  std::vector<std::string> summary_mentions;
};

void PrintTo(const genmc_case& c, std::ostream* os) {
  *os << c.file;
}

std::vector<genmc_case> cases() {
  return {
      {"mutant_channel_close_no_wake_channel_close_wakes_consumer.genmc.txt",
       result_kind::deadlock,
       2,
       "impl/vsem/channel_wait.hpp:56",
       {"thread 0 blocked forever at impl/vsem/channel_wait.hpp:56",
        "after thread 1's fetch_add at impl/vsem/channel.hpp:319 issued no wake"}},
      {"mutant_skip_wake_handoff.genmc.txt",
       result_kind::deadlock,
       2,
       "impl/vsem/semaphore.hpp:283",
       {"thread 1 blocked forever at impl/vsem/semaphore.hpp:283",
        "after thread 0's fetch_add at :133 issued no wake"}},
      {"mutant_touch_after_release_destruction_contended_2_releasers.genmc.txt",
       result_kind::access_to_freed_memory,
       3,
       "impl/vsem/semaphore.hpp:305",
       {"thread 0 accessed freed memory at impl/vsem/semaphore.hpp:305",
        "after thread 2 freed it at models/destruction_contended_model.cpp:40"}},
      {"mutant_check_then_act_permits_conserved_try.genmc.txt",
       result_kind::user_assert_failed,
       2,
       "models/permits_conserved_model.cpp:32",
       {"thread 0's assertion `s.count <= supply` failed at models/permits_conserved_model.cpp:32",
        "after its atomic load of 0x1000 returned -1 at impl/vsem/semaphore.hpp:204"}},
      {"mutant_relaxed_release_binary_semaphore_lock_2x1.genmc.txt",
       result_kind::data_race,
       2,
       "models/binary_semaphore_model.cpp:31",
       {"data race: thread 1 read 0x1100 at models/binary_semaphore_model.cpp:31",
        "thread 0's write at :35 is not ordered before it"}},
  };
}

class GenmcReport : public ::testing::TestWithParam<genmc_case> {};

// Parsed without sources: the reports' line numbers are those of the checkout
// they were made in, so the objects keep their numbers.
vt::trace parse_report(const std::string& file) {
  return vt::parse_file(testdata("genmc/" + file));
}

TEST_P(GenmcReport, NamesTheLinesOfTheBug) {
  const genmc_case& c = GetParam();
  const vt::trace t = parse_report(c.file);
  EXPECT_EQ(t.engine, "GenMC");
  EXPECT_EQ(t.result, c.kind);
  EXPECT_EQ(t.threads.size(), c.threads);
  ASSERT_TRUE(t.failing_event.has_value());
  EXPECT_EQ(vt::location(t.events[*t.failing_event]), c.failing_location);
  for (const auto& m : c.summary_mentions) {
    EXPECT_NE(t.summary.find(m), std::string::npos)
        << "summary: " << t.summary << "\nmissing: " << m;
  }
  // Every event shown is at a line of vsem or of the model, never <atomic> or
  // the GenMC platform's own code.
  for (const auto& e : t.events) {
    if (e.internal || e.kind == event_kind::result) continue;
    EXPECT_TRUE(e.file.starts_with("impl/vsem/") || e.file.starts_with("models/"))
        << e.index << ": " << e.text << " at " << vt::location(e);
    EXPECT_EQ(e.file.find("genmc/platform.hpp"), std::string::npos) << e.text;
  }
}

TEST_P(GenmcReport, RendersAndRoundTripsThroughJson) {
  const vt::trace t = parse_report(GetParam().file);
  const std::string text = vt::render_text(t, {.show_internal = false, .width = 250});
  EXPECT_NE(text.find("GenMC counterexample"), std::string::npos);
  EXPECT_NE(text.find("GenMC-internal events folded away"), std::string::npos);
  EXPECT_NE(text.find(">>"), std::string::npos);
  const vt::trace back = vt::parse(vt::to_json(t));
  EXPECT_EQ(back.engine, "GenMC");
  EXPECT_EQ(back.summary, t.summary);
  EXPECT_EQ(back.events.size(), t.events.size());
}

INSTANTIATE_TEST_SUITE_P(Mutants, GenmcReport, ::testing::ValuesIn(cases()));

TEST(GenmcReport, WithoutAGraphIsAnError) {
  const std::string report =
      "GenMC v0.11.0 (LLVM 16.0.6)\n*** Compilation complete.\nError: Safety violation!\n";
  EXPECT_THROW((void)vt::parse(report), vt::parse_error);
}

// GenMC reports a warning (unfreed memory, say) with its own graph and goes on:
// only the error's graph is the counterexample.
TEST(GenmcReport, AWarningsGraphIsNotTheErrors) {
  const std::string report =
      "GenMC v0.11.0 (LLVM 16.0.6)\n"
      "Warning: Unfreed memory!\nEvent (1, 2) in graph:\n<-1, 0> main:\n"
      "\t(0, 1): THREAD_CREATE [thread 1]\n<0, 1> f:\n"
      "\t(1, 1): Wrlx (g, 7) m.cpp:3\n\t(1, 2): Wrlx (g, 8) m.cpp:4\n"
      "Error: Safety violation!\nEvent (1, 1) in graph:\n<-1, 0> main:\n"
      "\t(0, 1): THREAD_CREATE [thread 1]\n<0, 1> f:\n"
      "\t(1, 1): Wrlx (g, 5) m.cpp:9\n"
      "Assertion violation: x == 1 at m.cpp:10\n";
  const vt::trace t = vt::parse(report);
  EXPECT_EQ(t.result, result_kind::user_assert_failed);
  std::size_t stores = 0;
  for (const auto& e : t.events) {
    if (e.kind != event_kind::atomic_store) continue;
    ++stores;
    EXPECT_EQ(e.value, "5");
    EXPECT_EQ(e.line, 9u);
  }
  EXPECT_EQ(stores, 1u);
  EXPECT_NE(t.summary.find("`x == 1` failed at m.cpp:10"), std::string::npos) << t.summary;
}

TEST(GenmcReport, GarbledEventLineNamesItsLine) {
  const std::string report =
      "GenMC v0.11.0 (LLVM 16.0.6)\nError: Safety violation!\nEvent (1, 2) in graph:\n"
      "<-1, 0> main:\n\t(0, 1): MALLOC \n\tnot an event\n";
  try {
    (void)vt::parse(report);
    FAIL() << "parsed a garbled report";
  } catch (const vt::parse_error& e) {
    EXPECT_EQ(e.line(), 6u) << e.what();
  }
}

}  // namespace

// Tests of the analysis (label tool): what the story says for each kind of
// failure.
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

}  // namespace

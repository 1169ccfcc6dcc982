// Model: no lost wakeup (no_lost_wakeup).
//
// Property: whenever the permits released suffice for every blocked acquire(),
// every blocked acquire() returns; a release never leaves a permit in the
// count while a waiter that could take it sleeps. Waits are untimed, so Relacy
// reports any stranded waiter as a DEADLOCK. Configurations:
//   * 2 waiters, one release(2) (the wake_one_for_many mutant strands one);
//   * 3 waiters, three separate release(1);
//   * 3 waiters, one release(3);
//   * 2 waiters, two releasers with one release(1) each;
//   * 2 waiters and a racing try_acquire, release(1) then release(2): the
//     try_acquire may take a permit or not; either way the three permits
//     cover both waiters, who must return;
//   * 2 waiters, 1 releaser with two release(1), and a barging thread that
//     takes a permit with try_acquire() and gives it back with release(): a
//     woken waiter that has not run yet is still registered while the count
//     covers it, so releases skip the wake (see release()); the barger makes
//     that count drop again under the woken waiter's feet.
// The wake-skip rule (wake only waiters the old count does not cover) is
// checked by every configuration above; the covered_counts_own_permits mutant
// (a release that counts its own permits as covering) strands a waiter.
// The two-waiters, two-release(1) shape of libc++ issue 46357 is
// two_waiters_model.cpp. At the end the count holds exactly the permits nobody
// took and no waiter is registered.
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using semaphore = vsem::counting_semaphore<3, P>;

// Thread 0 releases, following `Plan` (amounts of successive release calls);
// threads 1..Waiters block in acquire().
template <int Waiters, int... Plan>
struct waiters_one_releaser
    : vsem::engine::test<waiters_one_releaser<Waiters, Plan...>, 1 + Waiters> {
  static constexpr int released = (Plan + ...);
  static_assert(released == Waiters, "every waiter can be satisfied, no permit is left");
  static constexpr vsem::symmetric_threads symmetric{1, Waiters};  // the waiters
  semaphore sem{0};

  void thread(unsigned index) {
    if (index == 0) {
      (sem.release(Plan), ...);
    } else {
      sem.acquire();
    }
  }

  void after() {
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(s.count == 0);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

using two_waiters_release_2 = waiters_one_releaser<2, 2>;
using three_waiters_release_1_1_1 = waiters_one_releaser<3, 1, 1, 1>;
using three_waiters_release_3 = waiters_one_releaser<3, 3>;

// Threads 0 and 1 release one permit each; threads 2 and 3 block in acquire().
struct two_waiters_two_releasers : vsem::engine::test<two_waiters_two_releasers, 4> {
  static constexpr vsem::symmetric_threads symmetric{2, 3};  // the waiters
  semaphore sem{0};

  void thread(unsigned index) {
    if (index < 2) {
      sem.release(1);
    } else {
      sem.acquire();
    }
  }

  void after() {
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(s.count == 0);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

// Thread 0: release(1), then release(2). Threads 1 and 2 block in acquire().
// Thread 3 calls try_acquire() once, racing them.
struct waiters_and_try : vsem::engine::test<waiters_and_try, 4> {
  static constexpr vsem::symmetric_threads symmetric{1, 2};  // the waiters
  semaphore sem{0};
  P::var<int> tried;  // 1 if the try_acquire took a permit

  void thread(unsigned index) {
    if (index == 0) {
      sem.release(1);
      sem.release(2);
    } else if (index < 3) {
      sem.acquire();
    } else {
      tried.store(sem.try_acquire() ? 1 : 0);
    }
  }

  void after() {
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(static_cast<int>(s.count) == 3 - 2 - tried.load());
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

// Thread 0: release(1) twice. Threads 1 and 2 block in acquire(). Thread 3
// barges: try_acquire(), and release() what it took.
struct waiters_and_barger : vsem::engine::test<waiters_and_barger, 4> {
  static constexpr vsem::symmetric_threads symmetric{1, 2};  // the waiters
  semaphore sem{0};

  void thread(unsigned index) {
    if (index == 0) {
      sem.release(1);
      sem.release(1);
    } else if (index < 3) {
      sem.acquire();
    } else if (sem.try_acquire()) {
      sem.release(1);
    }
  }

  void after() {
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(s.count == 0);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

using namespace vsem::verify;
constexpr const char* property =
    "no_lost_wakeup: every blocked acquire returns when permits suffice";

VSEM_REGISTER_RUNS(
    model_run<two_waiters_release_2>("no_lost_wakeup/2_waiters_release_2", property,
                                     "2 waiters, 1 releaser: release(2), count 0", full_search()),
    model_run<two_waiters_release_2>("no_lost_wakeup/2_waiters_release_2/random",
                                     "no_lost_wakeup, spurious futex wakeups on",
                                     "2 waiters, 1 releaser: release(2), count 0",
                                     with_spurious(random_search(500000))),
    model_run<three_waiters_release_1_1_1>("no_lost_wakeup/3_waiters_release_1_1_1", property,
                                           "3 waiters, 1 releaser: 3 x release(1), count 0",
                                           context_bound(2)),
    model_run<three_waiters_release_1_1_1>("no_lost_wakeup/3_waiters_release_1_1_1/deep", property,
                                           "3 waiters, 1 releaser: 3 x release(1), count 0",
                                           context_bound(3), tier::deep),
    model_run<three_waiters_release_1_1_1>("no_lost_wakeup/3_waiters_release_1_1_1/random",
                                           "no_lost_wakeup, spurious futex wakeups on",
                                           "3 waiters, 1 releaser: 3 x release(1), count 0",
                                           with_spurious(random_search(500000))),
    model_run<three_waiters_release_3>("no_lost_wakeup/3_waiters_release_3", property,
                                       "3 waiters, 1 releaser: release(3), count 0",
                                       context_bound(2)),
    model_run<three_waiters_release_3>("no_lost_wakeup/3_waiters_release_3/deep", property,
                                       "3 waiters, 1 releaser: release(3), count 0",
                                       context_bound(3), tier::deep),
    model_run<three_waiters_release_3>("no_lost_wakeup/3_waiters_release_3/random",
                                       "no_lost_wakeup, spurious futex wakeups on",
                                       "3 waiters, 1 releaser: release(3), count 0",
                                       with_spurious(random_search(500000))),
    model_run<two_waiters_two_releasers>("no_lost_wakeup/2_waiters_2_releasers", property,
                                         "2 waiters, 2 releasers: release(1) each, count 0",
                                         context_bound(4)),
    model_run<two_waiters_two_releasers>("no_lost_wakeup/2_waiters_2_releasers/deep", property,
                                         "2 waiters, 2 releasers: release(1) each, count 0",
                                         context_bound(5), tier::deep),
    model_run<two_waiters_two_releasers>("no_lost_wakeup/2_waiters_2_releasers/random",
                                         "no_lost_wakeup, spurious futex wakeups on",
                                         "2 waiters, 2 releasers: release(1) each, count 0",
                                         with_spurious(random_search(500000))),
    model_run<waiters_and_try>("no_lost_wakeup/waiters_and_try", property,
                               "2 waiters, 1 try_acquire, 1 releaser: release(1), release(2)",
                               context_bound(3)),
    model_run<waiters_and_try>("no_lost_wakeup/waiters_and_try/deep", property,
                               "2 waiters, 1 try_acquire, 1 releaser: release(1), release(2)",
                               context_bound(4), tier::deep),
    model_run<waiters_and_try>("no_lost_wakeup/waiters_and_try/random",
                               "no_lost_wakeup, spurious futex wakeups on",
                               "2 waiters, 1 try_acquire, 1 releaser: release(1), release(2)",
                               with_spurious(random_search(500000))),
    model_run<waiters_and_barger>("no_lost_wakeup/waiters_and_barger", property,
                                  "2 waiters, 1 barger (try_acquire + release), 1 releaser: "
                                  "2 x release(1)",
                                  context_bound(3)),
    model_run<waiters_and_barger>("no_lost_wakeup/waiters_and_barger/deep", property,
                                  "2 waiters, 1 barger (try_acquire + release), 1 releaser: "
                                  "2 x release(1)",
                                  context_bound(4), tier::deep),
    model_run<waiters_and_barger>("no_lost_wakeup/waiters_and_barger/random",
                                  "no_lost_wakeup, spurious futex wakeups on",
                                  "2 waiters, 1 barger (try_acquire + release), 1 releaser: "
                                  "2 x release(1)",
                                  with_spurious(random_search(500000))),
    mutant_run<two_waiters_release_2>(
        vsem::mutation::covered_counts_own_permits, "no_lost_wakeup/2_waiters_release_2",
        "release(2) that counts its own permits as covering both waiters wakes none: deadlock",
        full_search(), rl::test_result_deadlock, "semaphore.hpp",
        "state_.fetch_add(static_cast<state_t>(update), release_order())"),
    mutant_run<two_waiters_release_2>(
        vsem::mutation::wake_one_for_many, "no_lost_wakeup/2_waiters_release_2",
        "release(2) that wakes one waiter strands the other: deadlock", full_search(),
        rl::test_result_deadlock, "semaphore.hpp", "Platform::wake(handed, n);"))

}  // namespace

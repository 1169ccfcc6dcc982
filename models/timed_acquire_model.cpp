// Model: timed acquire (timed_acquire): try_acquire_for / try_acquire_until.
//
// Property, in three parts:
//   (a) timeout_leaves_nothing: a timed acquire that times out returns false
//       and leaves nothing behind (no registered waiter, no claim on a wake)
//       that could swallow a later release: an untimed waiter that needs that
//       release still returns. Relacy never reports a thread in a timed wait
//       as deadlocked, so the victim is an untimed acquire(), which it does
//       report. A timed acquirer that gets the permit gives it back, so the
//       untimed waiter can always be satisfied.
//   (b) no_lost_permit: a timeout racing a release loses no permit: when all
//       threads have finished, permits taken + count left == permits released
//       + initial count, and no waiter is registered.
//   (c) deadline_passed: a deadline already passed (try_acquire_until(now()),
//       try_acquire_for(0ns) or a negative duration) behaves as try_acquire():
//       fails when the count is 0, succeeds when it is 1, and never blocks
//       (the logical model clock, which moves only when a blocked timed wait
//       times out, does not move).
// Timed waits use the model clock (impl/vsem/model/platform.hpp, "The model
// clock"): time starts at 0 and jumps to a wait's deadline when the scheduler
// chooses to time it out.
#include <chrono>

#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using semaphore = vsem::counting_semaphore<2, P>;
using namespace std::chrono_literals;

inline void check_idle(const semaphore& sem, std::uint32_t count) {
  const auto s = sem.debug_snapshot();
  VSEM_MODEL_ASSERT(s.count == count);
  VSEM_MODEL_ASSERT(s.waiters == 0);
}

// (a), two threads. Thread 0: a timed acquire (returns the permit if it got
// it). Thread 1: release(), then an untimed acquire() that needs that permit.
struct timeout_leaves_nothing_2 : vsem::engine::test<timeout_leaves_nothing_2, 2> {
  semaphore sem{0};

  void thread(unsigned index) {
    if (index == 0) {
      if (sem.try_acquire_for(1ms)) sem.release();
    } else {
      sem.release();
      sem.acquire();
    }
  }

  void after() { check_idle(sem, 0); }
};

// (a), three threads. Thread 0: a timed acquire (returns the permit if it got
// it, with try_acquire_until). Thread 1: an untimed acquire(). Thread 2:
// release().
struct timeout_leaves_nothing_3 : vsem::engine::test<timeout_leaves_nothing_3, 3> {
  semaphore sem{0};

  void thread(unsigned index) {
    if (index == 0) {
      if (sem.try_acquire_until(P::clock::now() + 1ms)) sem.release();
    } else if (index == 1) {
      sem.acquire();
    } else {
      sem.release();
    }
  }

  void after() { check_idle(sem, 0); }
};

// (b): Timed threads each make one timed acquire; the last thread releases
// `Released` permits in one call.
template <int Timed, int Released>
struct no_lost_permit : vsem::engine::test<no_lost_permit<Timed, Released>, Timed + 1> {
  semaphore sem{0};
  P::var<int> taken[Timed];

  void thread(unsigned index) {
    if (index < Timed) {
      const bool ok =
          index % 2 == 0 ? sem.try_acquire_for(1ms) : sem.try_acquire_until(P::clock::now() + 2ms);
      taken[index].store(ok ? 1 : 0);
    } else {
      sem.release(Released);
    }
  }

  void after() {
    int total = 0;
    for (auto& t : taken) total += t.load();
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(total + static_cast<int>(s.count) == Released);  // initial count 0
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

using no_lost_permit_1 = no_lost_permit<1, 1>;
using no_lost_permit_2 = no_lost_permit<2, 1>;

// (c): thread 0 makes timed acquires whose deadline has already passed; thread
// 1 releases a separate semaphore that thread 0 also tries with a passed
// deadline, racing it.
struct deadline_passed : vsem::engine::test<deadline_passed, 2> {
  semaphore empty{0}, one{1}, raced{0};
  P::var<int> raced_taken;

  void thread(unsigned index) {
    if (index == 0) {
      const auto start = P::clock::now();
      // Count 0: all fail at once.
      VSEM_MODEL_ASSERT(!empty.try_acquire_until(start));
      VSEM_MODEL_ASSERT(!empty.try_acquire_for(0ns));
      VSEM_MODEL_ASSERT(!empty.try_acquire_for(-1ms));
      // Count 1: succeeds like try_acquire, then fails on the empty count.
      VSEM_MODEL_ASSERT(one.try_acquire_until(start));
      VSEM_MODEL_ASSERT(!one.try_acquire_for(0ns));
      one.release();
      VSEM_MODEL_ASSERT(one.try_acquire_for(0ns));
      // Racing a release: either outcome, but no block (checked in after()).
      raced_taken.store(raced.try_acquire_until(start) ? 1 : 0);
      VSEM_MODEL_ASSERT(P::clock::now() == start);  // no wait timed out: none blocked
      // A real timeout moves the clock to its deadline; that deadline is then
      // passed, and a try_acquire_until on it must not block again.
      VSEM_MODEL_ASSERT(!empty.try_acquire_for(1ms));
      const auto later = P::clock::now();
      VSEM_MODEL_ASSERT(later >= start + 1ms);
      VSEM_MODEL_ASSERT(!empty.try_acquire_until(start + 1ms));
      VSEM_MODEL_ASSERT(P::clock::now() == later);
    } else {
      raced.release();
    }
  }

  void after() {
    check_idle(empty, 0);
    check_idle(one, 0);
    check_idle(raced, static_cast<std::uint32_t>(1 - raced_taken.load()));
  }
};

using namespace vsem::verify;
constexpr const char* leaves_nothing =
    "timed_acquire (a): a timeout returns false and leaves nothing that swallows a later release";
constexpr const char* lost_permit =
    "timed_acquire (b): a timeout racing a release loses no permit (taken + left == released)";
constexpr const char* passed =
    "timed_acquire (c): a deadline already passed behaves as try_acquire and never blocks";
constexpr const char* register_waiter = "state_.fetch_add(one_waiter";

VSEM_REGISTER_RUNS(
    model_run<timeout_leaves_nothing_2>(
        "timed_acquire/timeout_leaves_nothing_2", leaves_nothing,
        "timed acquire (gives back); release + untimed acquire, count 0", full_search()),
    model_run<timeout_leaves_nothing_3>(
        "timed_acquire/timeout_leaves_nothing_3", leaves_nothing,
        "timed acquire (gives back), untimed acquire, release; count 0", context_bound(4)),
    model_run<timeout_leaves_nothing_3>(
        "timed_acquire/timeout_leaves_nothing_3/deep", leaves_nothing,
        "timed acquire (gives back), untimed acquire, release; count 0", context_bound(6),
        tier::deep),
    model_run<timeout_leaves_nothing_3>(
        "timed_acquire/timeout_leaves_nothing_3/random", "timed_acquire (a), spurious wakeups on",
        "timed acquire (gives back), untimed acquire, release; count 0",
        with_spurious(random_search(500000))),
    model_run<no_lost_permit_1>("timed_acquire/no_lost_permit_1", lost_permit,
                                "1 timed acquire, release(1), count 0", full_search()),
    model_run<no_lost_permit_1>("timed_acquire/no_lost_permit_1/spurious",
                                "timed_acquire (b), spurious wakeups on",
                                "1 timed acquire, release(1), count 0",
                                with_spurious(full_search())),
    model_run<no_lost_permit_2>("timed_acquire/no_lost_permit_2", lost_permit,
                                "2 timed acquires, release(1), count 0", context_bound(3)),
    model_run<no_lost_permit_2>("timed_acquire/no_lost_permit_2/deep", lost_permit,
                                "2 timed acquires, release(1), count 0", context_bound(5),
                                tier::deep),
    model_run<no_lost_permit_2>("timed_acquire/no_lost_permit_2/random",
                                "timed_acquire (b), spurious wakeups on",
                                "2 timed acquires, release(1), count 0",
                                with_spurious(random_search(500000))),
    model_run<deadline_passed>("timed_acquire/deadline_passed", passed,
                               "passed deadlines on counts 0 and 1; one racing a release",
                               full_search()),
    mutant_run<timeout_leaves_nothing_2>(
        vsem::mutation::timeout_keeps_waiter, "timed_acquire/timeout_leaves_nothing_2",
        "a timed-out acquire that stays registered leaves a phantom waiter", full_search(),
        rl::test_result_user_assert_failed, "semaphore.hpp", register_waiter),
    mutant_run<no_lost_permit_1>(
        vsem::mutation::timeout_keeps_waiter, "timed_acquire/no_lost_permit_1",
        "a timed-out acquire that stays registered leaves a phantom waiter", full_search(),
        rl::test_result_user_assert_failed, "semaphore.hpp", register_waiter))

}  // namespace

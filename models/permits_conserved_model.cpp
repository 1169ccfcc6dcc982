// Model: permits are conserved (permits_conserved).
//
// Property: a semaphore created with k permits that receives r permits through
// release() hands out at most k + r permits: acquire() and successful
// try_acquire() calls together succeed at most k + r times, and when every
// thread has finished, successes + the count left == k + r exactly (no permit
// is created, duplicated or lost). The internal count never leaves 0..max()
// (checked inside the threads after each operation, and by the invariant at
// every scheduling point), and the waiter count returns to 0 once every thread
// has returned.
//
// The threads ask for more permits than exist (try_acquire may fail), while
// the demand of the blocking acquire() can always be met, so every
// interleaving ends and the check is not vacuous.
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
// LeastMaxValue 2 gives max() == 2^31 - 1 (see "Limits" in semaphore.hpp):
// a count that goes negative shows up as a value above max().
using semaphore = vsem::counting_semaphore<2, P>;

// Checks the semaphore's internal state: the count within 0..max() and never
// above the `supply` of permits that exist (initial + released), at most
// `threads` waiters registered.
inline void check_state(const semaphore& sem, unsigned threads, std::uint32_t supply) {
  const auto s = sem.debug_snapshot();
  VSEM_MODEL_ASSERT(static_cast<std::ptrdiff_t>(s.count) <= semaphore::max());
  VSEM_MODEL_ASSERT(s.count <= supply);
  VSEM_MODEL_ASSERT(s.waiters <= threads);
}

// Two threads, all try_acquire: k = 1, r = 1, three attempts for two permits.
struct permits_conserved_try : vsem::engine::test<permits_conserved_try, 2> {
  static constexpr int initial = 1, released = 1;
  semaphore sem{initial};
  P::var<int> successes[2];

  void thread(unsigned index) {
    int got = 0;
    if (index == 0) {
      got += sem.try_acquire() ? 1 : 0;
      check_state(sem, 2, initial + released);
      sem.release();
      check_state(sem, 2, initial + released);
    } else {
      got += sem.try_acquire() ? 1 : 0;
      check_state(sem, 2, initial + released);
      got += sem.try_acquire() ? 1 : 0;
      check_state(sem, 2, initial + released);
    }
    successes[index].store(got);
  }

  void invariant() { check_state(sem, 2, initial + released); }

  void after() {
    const int taken = successes[0].load() + successes[1].load();
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(taken <= initial + released);
    VSEM_MODEL_ASSERT(taken + static_cast<int>(s.count) == initial + released);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

// Three threads, blocking and non-blocking: k = 1, r = 2 (two release(1)).
// Thread 1 blocks in acquire() (always satisfiable: thread 2 can take at most
// two of the three permits) and then tries once more; thread 2 tries twice.
// Four attempts for three permits.
struct permits_conserved_mixed : vsem::engine::test<permits_conserved_mixed, 3> {
  static constexpr int initial = 1, released = 2;
  semaphore sem{initial};
  P::var<int> successes[3];

  void thread(unsigned index) {
    int got = 0;
    if (index == 0) {  // the releaser
      sem.release();
      check_state(sem, 3, initial + released);
      sem.release();
      check_state(sem, 3, initial + released);
    } else if (index == 1) {  // a blocking acquirer, then one try
      sem.acquire();
      ++got;
      check_state(sem, 3, initial + released);
      got += sem.try_acquire() ? 1 : 0;
      check_state(sem, 3, initial + released);
    } else {  // two tries
      got += sem.try_acquire() ? 1 : 0;
      check_state(sem, 3, initial + released);
      got += sem.try_acquire() ? 1 : 0;
      check_state(sem, 3, initial + released);
    }
    successes[index].store(got);
  }

  void invariant() { check_state(sem, 3, initial + released); }

  void after() {
    const int taken = successes[0].load() + successes[1].load() + successes[2].load();
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(taken <= initial + released);
    VSEM_MODEL_ASSERT(taken + static_cast<int>(s.count) == initial + released);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

using namespace vsem::verify;

VSEM_REGISTER_RUNS(
    model_run<permits_conserved_try>(
        "permits_conserved/try",
        "permits_conserved: at most k + r successes, count in 0..max(), waiters back to 0",
        "2 threads, k = 1, r = 1, 3 try_acquire", full_search()),
    model_run<permits_conserved_mixed>(
        "permits_conserved/mixed",
        "permits_conserved: at most k + r successes, count in 0..max(), waiters back to 0",
        "3 threads: 2 x release(1); acquire + try_acquire; 2 x try_acquire; k = 1",
        context_bound(4)),
    model_run<permits_conserved_mixed>(
        "permits_conserved/mixed/deep",
        "permits_conserved: at most k + r successes, count in 0..max(), waiters back to 0",
        "3 threads: 2 x release(1); acquire + try_acquire; 2 x try_acquire; k = 1",
        context_bound(7), tier::deep),
    model_run<permits_conserved_mixed>("permits_conserved/mixed/random",
                                       "permits_conserved, spurious futex wakeups on",
                                       "3 threads: 2 x release(1); acquire + try_acquire; "
                                       "2 x try_acquire; k = 1",
                                       with_spurious(random_search(500000))),
    mutant_run<permits_conserved_try>(
        vsem::mutation::check_then_act, "permits_conserved/try",
        "check-then-act try_acquire takes a permit that is gone: more taken than released",
        full_search(), rl::test_result_user_assert_failed, "semaphore.hpp",
        "state_.fetch_sub(1, std::memory_order_acquire)"),
    mutant_run<permits_conserved_mixed>(
        vsem::mutation::waiter_count_off_by_one, "permits_conserved/mixed",
        "a waiter that takes a permit without deregistering leaves waiters above 0",
        context_bound(3), rl::test_result_user_assert_failed, "semaphore.hpp",
        "t - 1 - deregister(one_sleeper)"))

}  // namespace

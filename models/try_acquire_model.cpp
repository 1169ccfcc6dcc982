// Model: try_acquire never blocks and fails only on an observed count of zero
// (try_acquire).
//
// Property: try_acquire() never blocks: threads that only call try_acquire()
// finish in every interleaving even though nobody ever releases (a blocking
// try would leave its thread asleep with nobody to wake it: DEADLOCK). It
// returns false only when it observed a count of zero during the call:
//   * contention alone never makes it fail: with k permits and more than k
//     racing tries and no release, exactly k tries succeed;
//   * a release that happens-before the call is always seen: thread A calls
//     release() and then sets a flag (release store); thread B reads the flag
//     (acquire load) and, if it is set, try_acquire() must succeed. With
//     release(2) and two such observers, both must succeed.
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using semaphore = vsem::counting_semaphore<2, P>;

// Each of Threads threads calls try_acquire() Tries times; the semaphore starts
// with Permits permits and nobody releases.
template <int Threads, int Tries, int Permits>
struct contended_tries : vsem::engine::test<contended_tries<Threads, Tries, Permits>, Threads> {
  static_assert(Threads * Tries > Permits, "more tries than permits");
  semaphore sem{Permits};
  P::var<int> successes[Threads];

  void thread(unsigned index) {
    int got = 0;
    for (int i = 0; i < Tries; ++i) got += sem.try_acquire() ? 1 : 0;
    successes[index].store(got);
  }

  void after() {
    int taken = 0;
    for (auto& s : successes) taken += s.load();
    VSEM_MODEL_ASSERT(taken == Permits);  // not more (conservation), not fewer (no false failure)
    const auto s = sem.debug_snapshot();
    VSEM_MODEL_ASSERT(s.count == 0);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

using two_threads_two_tries_one_permit = contended_tries<2, 2, 1>;
using three_threads_one_try_two_permits = contended_tries<3, 1, 2>;
using three_threads_two_tries_two_permits = contended_tries<3, 2, 2>;

// Thread 0 releases `Released` permits in one call, then sets a flag; each of
// the Observers other threads that sees the flag must get a permit from
// try_acquire().
template <int Observers>
struct sees_prior_release : vsem::engine::test<sees_prior_release<Observers>, 1 + Observers> {
  semaphore sem{0};
  P::atomic<int> released{0};

  void thread(unsigned index) {
    if (index == 0) {
      sem.release(Observers);
      released.store(1, std::memory_order_release);
    } else if (released.load(std::memory_order_acquire) == 1) {
      // The release happens-before this call: its permits must be seen.
      VSEM_MODEL_ASSERT(sem.try_acquire());
    }
  }

  void after() { VSEM_MODEL_ASSERT(sem.debug_snapshot().waiters == 0); }
};

using namespace vsem::verify;
constexpr const char* contention_property =
    "try_acquire: never blocks; contention alone never makes it fail (exactly k of the tries "
    "succeed)";
constexpr const char* release_property =
    "try_acquire: a release that happens-before the call is always seen";

VSEM_REGISTER_RUNS(
    model_run<two_threads_two_tries_one_permit>("try_acquire/contended_2x2", contention_property,
                                                "2 threads x 2 try_acquire, k = 1, no release",
                                                full_search()),
    model_run<three_threads_one_try_two_permits>("try_acquire/contended_3x1", contention_property,
                                                 "3 threads x 1 try_acquire, k = 2, no release",
                                                 full_search()),
    model_run<three_threads_two_tries_two_permits>("try_acquire/contended_3x2", contention_property,
                                                   "3 threads x 2 try_acquire, k = 2, no release",
                                                   full_search()),
    model_run<sees_prior_release<1>>("try_acquire/sees_prior_release", release_property,
                                     "release(1) then flag; 1 observer tries, count 0",
                                     full_search()),
    model_run<sees_prior_release<2>>("try_acquire/sees_prior_release_2", release_property,
                                     "release(2) then flag; 2 observers try, count 0",
                                     full_search()),
    model_run<sees_prior_release<3>>("try_acquire/sees_prior_release_3", release_property,
                                     "release(3) then flag; 3 observers try, count 0",
                                     full_search()),
    mutant_run<three_threads_one_try_two_permits>(
        vsem::mutation::check_then_act, "try_acquire/contended_3x1",
        "check-then-act try_acquire: three tries take two permits", full_search(),
        rl::test_result_user_assert_failed, "semaphore.hpp",
        "state_.fetch_sub(1, std::memory_order_acquire)"))

}  // namespace

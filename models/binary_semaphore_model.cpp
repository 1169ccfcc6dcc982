// Model: binary_semaphore (vsem::counting_semaphore<1, P>) as a lock
// (binary_semaphore).
//
// Property: a binary semaphore has max() == 1 and its count never leaves 0..1;
// used as a lock (initial count 1, acquire() to enter, release() to leave) by
// two or three threads it makes a critical section on plain data race-free: a
// read-modify-write of a P::var counter inside the section is never reported
// as a DATA RACE, and the counter ends at the number of increments. Nobody
// stays blocked: every thread returns.
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using lock_type = vsem::basic_binary_semaphore<P>;
static_assert(std::is_same_v<lock_type, vsem::counting_semaphore<1, P>>);
static_assert(lock_type::max() == 1, "a binary semaphore holds at most one permit");

template <int Threads, int Rounds>
struct binary_lock : vsem::engine::test<binary_lock<Threads, Rounds>, Threads> {
  lock_type lock{1};
  static constexpr vsem::symmetric_threads symmetric{0, Threads - 1};  // all alike
  P::var<int> counter{0};
  P::var<int> inside{0};  // threads in the critical section

  void thread(unsigned) {
    for (int r = 0; r < Rounds; ++r) {
      lock.acquire();
      inside.store(inside.load() + 1);
      VSEM_MODEL_ASSERT(inside.load() == 1);
      VSEM_MODEL_ASSERT(lock.debug_snapshot().count == 0);  // the one permit is ours
      counter.store(counter.load() + 1);
      inside.store(inside.load() - 1);
      lock.release();
    }
  }

  void invariant() { VSEM_MODEL_ASSERT(lock.debug_snapshot().count <= 1); }

  void after() {
    VSEM_MODEL_ASSERT(counter.load() == Threads * Rounds);
    const auto s = lock.debug_snapshot();
    VSEM_MODEL_ASSERT(s.count == 1);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

using two_threads_one_round = binary_lock<2, 1>;
using two_threads_two_rounds = binary_lock<2, 2>;
using three_threads_one_round = binary_lock<3, 1>;

using namespace vsem::verify;
constexpr const char* property =
    "binary_semaphore: max() == 1; as a lock it makes a critical section race-free";

VSEM_REGISTER_RUNS(
    model_run<two_threads_one_round>("binary_semaphore/lock_2x1", property,
                                     "2 threads x 1 critical section, count 1", full_search()),
    model_run<two_threads_two_rounds>("binary_semaphore/lock_2x2", property,
                                      "2 threads x 2 critical sections, count 1", context_bound(7)),
    model_run<two_threads_two_rounds>("binary_semaphore/lock_2x2/deep", property,
                                      "2 threads x 2 critical sections, count 1", context_bound(10),
                                      tier::deep),
    model_run<two_threads_two_rounds>("binary_semaphore/lock_2x2/random",
                                      "binary_semaphore, spurious futex wakeups on",
                                      "2 threads x 2 critical sections, count 1",
                                      with_spurious(random_search(500000))),
    model_run<three_threads_one_round>("binary_semaphore/lock_3x1", property,
                                       "3 threads x 1 critical section, count 1", context_bound(4)),
    model_run<three_threads_one_round>("binary_semaphore/lock_3x1/deep", property,
                                       "3 threads x 1 critical section, count 1", context_bound(6),
                                       tier::deep),
    model_run<three_threads_one_round>("binary_semaphore/lock_3x1/random",
                                       "binary_semaphore, spurious futex wakeups on",
                                       "3 threads x 1 critical section, count 1",
                                       with_spurious(random_search(500000))),
    mutant_run<two_threads_one_round>(
        vsem::mutation::relaxed_acquire, "binary_semaphore/lock_2x1",
        "a relaxed permit-taking acquire lets two critical sections race", full_search(),
        rl::test_result_data_race, "semaphore.hpp", "state_.fetch_sub(1, acquire_order())"),
    mutant_run<two_threads_one_round>(
        vsem::mutation::relaxed_release, "binary_semaphore/lock_2x1",
        "a relaxed release lets two critical sections race", full_search(),
        rl::test_result_data_race, "semaphore.hpp",
        "state_.fetch_add(static_cast<state_t>(update), release_order())"),
    mutant_run<two_threads_one_round>(
        vsem::mutation::claim_at_zero_takes, "binary_semaphore/lock_2x1",
        "an acquire that takes a permit at count 0 lets two critical sections race", full_search(),
        rl::test_result_data_race, "semaphore.hpp", "state_.fetch_sub(1, acquire_order())"))

}  // namespace

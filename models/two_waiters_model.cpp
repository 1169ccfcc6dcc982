// Model: two blocked waiters woken by two separate release(1) calls, the
// scenario of libc++ issue 46357 (release woke only on a 0 -> 1 transition, so
// a second release(1) before the first woken waiter ran woke nobody).
//
// Property: both waiters return (no lost wakeup), with untimed waits so that
// Relacy reports any stranded waiter as a deadlock.
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;

struct libcxx_46357_two_waiters : vsem::engine::test<libcxx_46357_two_waiters, 3> {
  vsem::counting_semaphore<2, P> sem{0};
  static constexpr vsem::symmetric_threads symmetric{1, 2};  // the two waiters

  void thread(unsigned index) {
    if (index == 0) {  // the releaser: two separate release(1)
      sem.release(1);
      sem.release(1);
    } else {  // two waiters
      sem.acquire();
    }
  }

  void after() { VSEM_MODEL_ASSERT(sem.debug_snapshot().count == 0); }
};

using namespace vsem::verify;

VSEM_REGISTER_RUNS(
    model_run<libcxx_46357_two_waiters>("libcxx_46357_two_waiters",
                                        "two waiters, two separate release(1): both return",
                                        "2 waiters, 1 releaser, count 0", context_bound(6)),
    model_run<libcxx_46357_two_waiters>("libcxx_46357_two_waiters/random",
                                        "as libcxx_46357_two_waiters, spurious wakeups on",
                                        "2 waiters, 1 releaser, count 0",
                                        with_spurious(random_search(1000000))),
    mutant_run<libcxx_46357_two_waiters>(
        vsem::mutation::wake_only_from_zero, "libcxx_46357_two_waiters",
        "libc++ 46357's release (wake only on 0 -> 1) strands the second waiter: deadlock",
        context_bound(2), rl::test_result_deadlock, "semaphore.hpp",
        "state_.fetch_add(static_cast<state_t>(update), release_order())"))

}  // namespace

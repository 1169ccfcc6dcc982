// Model: handoff_once, the designated killer of two semaphore mutants, so that
// `vsem-verify --mutants` kills every mutation with a known model and a trace
// naming the affected line of impl/ (no open-ended scan of the suite).
//
// Property: after one release and one acquire through a semaphore at 0, the
// acquirer returned and every waiter deregistered (the waiter half of the
// state word is back to 0).
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;

struct handoff_once : vsem::engine::test<handoff_once, 2> {
  vsem::counting_semaphore<1, P> ready{0};
  void thread(unsigned index) {
    if (index == 0) {
      ready.release();
    } else {
      ready.acquire();
    }
  }
  // Every waiter deregistered: the state word's waiter half is back to 0.
  void after() { VSEM_MODEL_ASSERT(ready.debug_snapshot().waiters == 0); }
};

using namespace vsem::verify;

VSEM_REGISTER_RUNS(
    model_run<handoff_once>("handoff_once", "a waiter that took its permit has deregistered",
                            "1 releaser, 1 acquirer, count 0", full_search()),
    mutant_run<handoff_once>(vsem::mutation::wake_before_publish, "handoff_once",
                             "a wake before the permit is visible finds nothing to take and the "
                             "waiter sleeps again: deadlock",
                             full_search(), rl::test_result_deadlock, "semaphore.hpp",
                             "state_.fetch_add(static_cast<state_t>(update), release_order())"),
    mutant_run<handoff_once>(vsem::mutation::waiter_count_off_by_one, "handoff_once",
                             "a waiter that never deregisters leaves the waiter count high",
                             full_search(), rl::test_result_user_assert_failed, "semaphore.hpp",
                             "tokens_.compare_exchange_strong(t, t - 1 - deregister(one_sleeper)"))

}  // namespace

// A model that breaks the checker, for vsem-verify's own tests (not part of
// the suite): two threads blocked in timed waits that nobody ends, while the
// others finish. Relacy's fair full-search and context-bound schedulers leave
// their invariants here: with RL_DO_ASSERT=1 they stop at an internal
// assertion; without it they run a finished thread's body a second time
// (vsem::model::checked reports that). vsem-verify must report CHECKER ERROR
// for these runs (never PASS or FAIL), keep going, and still write its reports;
// the random scheduler handles the same model.
#include <vsem/semaphore.hpp>

#include <chrono>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::model::platform;
using semaphore = vsem::counting_semaphore<1, P>;

struct two_timed_waiters_left : vsem::model::test<two_timed_waiters_left, 4> {
  semaphore a{0}, b{0}, c{0};
  void thread(unsigned index) {
    if (index == 0) (void)a.try_acquire_for(std::chrono::seconds(1));  // times out
    if (index == 1) (void)b.try_acquire_for(std::chrono::seconds(1));  // times out
    if (index == 2) c.acquire();
    if (index == 3) c.release();
  }
};

using namespace vsem::verify;

VSEM_REGISTER_RUNS(
    model_run<two_timed_waiters_left>("selftest/checker_error_full",
                                      "the runner reports a broken checker as CHECKER ERROR",
                                      "2 timed waiters left blocked, 2 threads that finish",
                                      full_search()),
    model_run<two_timed_waiters_left>("selftest/random_handles_it",
                                      "the random scheduler runs the same model",
                                      "2 timed waiters left blocked, 2 threads that finish",
                                      random_search(2000)))

}  // namespace

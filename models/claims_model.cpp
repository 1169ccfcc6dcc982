// Model: claims and tokens (claims).
//
// Property: an acquire() that finds no permit leaves a claim, and a release()
// hands claimed permits over as tokens, one per claim it covers, before any
// permit is left in the count. With an untimed claimant, a timed acquire and
// a release(2) racing, the claimant always returns, every permit is taken
// exactly once or left in the count (taken + left == released), and at the
// end no claim, token or registration is left: the count is then 0 or 1 and
// nobody waits. Configurations:
//   * one release(2) against a claimant and a timed acquire;
//   * two release(1) from two threads against a claimant and a timed acquire.
// The timed acquire does not claim (it takes only permits left in the count),
// so the claimant is always served first by a release that finds its claim.
#include <chrono>

#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using semaphore = vsem::counting_semaphore<2, P>;
using namespace std::chrono_literals;

// Thread 0 calls release(2), or release(1) with thread 3 calling the other
// release(1) when SplitReleasers; thread 1 claims with acquire(); thread 2
// tries a timed acquire.
template <bool SplitReleasers>
struct claimant_and_timed
    : vsem::engine::test<claimant_and_timed<SplitReleasers>, SplitReleasers ? 4 : 3> {
  semaphore sem{0};
  P::atomic<int> timed_got{0};

  void thread(unsigned index) {
    if (index == 0) {
      sem.release(SplitReleasers ? 1 : 2);
    } else if (index == 1) {
      sem.acquire();
    } else if (index == 2) {
      // relaxed: read in after(), when every thread has finished.
      if (sem.try_acquire_for(1ms)) timed_got.store(1, std::memory_order_relaxed);
    } else {
      sem.release(1);
    }
  }

  void after() {
    const auto s = sem.debug_snapshot();
    // relaxed: every thread has finished.
    const int taken = 1 + timed_got.load(std::memory_order_relaxed);
    VSEM_MODEL_ASSERT(taken + static_cast<int>(s.count) == 2);
    VSEM_MODEL_ASSERT(s.waiters == 0);
  }
};

using one_releaser = claimant_and_timed<false>;
using two_releasers = claimant_and_timed<true>;

using namespace vsem::verify;
constexpr const char* property =
    "claims: released permits go to claims first, one token per claim; nothing is lost or left";

VSEM_REGISTER_RUNS(
    model_run<one_releaser>("claims/claimant_and_timed", property,
                            "acquire(), try_acquire_for, one release(2); count 0",
                            context_bound(4)),
    model_run<one_releaser>("claims/claimant_and_timed/deep", property,
                            "acquire(), try_acquire_for, one release(2); count 0", context_bound(6),
                            tier::deep),
    model_run<one_releaser>("claims/claimant_and_timed/random", "claims, spurious futex wakeups on",
                            "acquire(), try_acquire_for, one release(2); count 0",
                            with_spurious(random_search(500000))),
    model_run<two_releasers>("claims/claimant_and_timed_2_releasers", property,
                             "acquire(), try_acquire_for, two threads release(1); count 0",
                             context_bound(2)),
    model_run<two_releasers>("claims/claimant_and_timed_2_releasers/deep", property,
                             "acquire(), try_acquire_for, two threads release(1); count 0",
                             context_bound(3), tier::deep),
    mutant_run<one_releaser>(vsem::mutation::token_for_every_permit, "claims/claimant_and_timed",
                             "a release that hands a token per permit leaves a token nobody "
                             "claimed: a permit counted twice",
                             context_bound(2), rl::test_result_user_assert_failed, "semaphore.hpp",
                             "tokens_.fetch_add(owed, release_order())"),
    mutant_run<one_releaser>(vsem::mutation::release_ignores_claims, "claims/claimant_and_timed",
                             "a release that owes claimants nothing leaves the claimant asleep: "
                             "deadlock",
                             context_bound(2), rl::test_result_deadlock, "semaphore.hpp",
                             "state_.fetch_add(static_cast<state_t>(update), release_order())"))

}  // namespace

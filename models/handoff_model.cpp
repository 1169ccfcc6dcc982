// Model: the seed's handoff (../shared/seed: Python threading.Semaphore(0)).
//
// Property: a producer writes an item into plain shared data and then calls
// release() on a semaphore initialised to 0; the consumer calls acquire() and
// then reads the item. In every interleaving the read is race-free (release
// happens-before acquire), sees the produced value, and the consumer returns
// (no lost wakeup: a sleeping consumer is always woken).
//
// handoff/timed: the same with a timed consumer (try_acquire_for), which takes
// the permit either at once (try_acquire) or after waiting on the count: when
// it reports success, its read of the item is race-free and sees the value.
#include <chrono>

#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;

struct handoff : vsem::engine::test<handoff, 2> {
  vsem::counting_semaphore<1, P> ready{0};
  P::var<int> item;

  void thread(unsigned index) {
    if (index == 0) {  // producer
      item.store(653);
      ready.release();
    } else {  // consumer
      ready.acquire();
      VSEM_MODEL_ASSERT(item.load() == 653);
    }
  }
};

struct timed_handoff : vsem::engine::test<timed_handoff, 2> {
  vsem::counting_semaphore<1, P> ready{0};
  P::var<int> item;

  void thread(unsigned index) {
    if (index == 0) {  // producer
      item.store(653);
      ready.release();
    } else if (ready.try_acquire_for(std::chrono::milliseconds(1))) {  // consumer
      VSEM_MODEL_ASSERT(item.load() == 653);
    }
  }
};

using namespace vsem::verify;
constexpr const char* release_publish =
    "state_.fetch_add(static_cast<state_t>(update), release_order())";

VSEM_REGISTER_RUNS(
    model_run<handoff>("handoff", "release happens-before acquire; the consumer always returns",
                       "1 producer, 1 consumer, 1 item, count 0", full_search()),
    model_run<handoff>("handoff/spurious", "as handoff, with spurious futex wakeups",
                       "1 producer, 1 consumer, 1 item, count 0", with_spurious(full_search())),
    model_run<timed_handoff>("handoff/timed",
                             "release happens-before a timed acquire that takes the permit",
                             "1 producer, 1 timed consumer (try_acquire_for), 1 item, count 0",
                             full_search()),
    mutant_run<handoff>(vsem::mutation::relaxed_release, "handoff",
                        "a relaxed release gives the consumer no happens-before: data race",
                        full_search(), rl::test_result_data_race, "semaphore.hpp", release_publish),
    mutant_run<handoff>(vsem::mutation::skip_wake, "handoff",
                        "a release that never wakes leaves the consumer asleep: deadlock",
                        full_search(), rl::test_result_deadlock, "semaphore.hpp", release_publish))

}  // namespace

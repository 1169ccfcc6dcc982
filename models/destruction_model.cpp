// Model: destruction right after acquire (the "completion on the stack"
// pattern; glibc bug 12674 was this bug in sem_post).
//
// Property: the acquirer deletes the semaphore as soon as acquire() returns,
// while the releaser may still be inside release(). In every interleaving
// release() touches no freed memory: after its permit is visible it only hands
// the futex word's address to the (model) kernel, whose wait queues live
// outside the object. The model binary is built with -fno-lifetime-dse, so a
// read of the freed object is reported (the touch_after_release mutant proves
// it is).
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using semaphore = vsem::counting_semaphore<1, P>;

struct destroy_after_acquire : vsem::engine::test<destroy_after_acquire, 2> {
  semaphore* done = nullptr;

  void before() { done = new semaphore(0); }

  void thread(unsigned index) {
    if (index == 0) {  // the worker signals completion
      done->release();
    } else {  // the owner waits for completion, then frees the semaphore
      done->acquire();
      delete done;
    }
  }
};

using namespace vsem::verify;

VSEM_REGISTER_RUNS(model_run<destroy_after_acquire>(
                       "destruction",
                       "release touches no freed memory when the acquirer deletes the semaphore",
                       "1 releaser, 1 acquirer that deletes, count 0", full_search()),
                   model_run<destroy_after_acquire>("destruction/spurious",
                                                    "as destruction, with spurious futex wakeups",
                                                    "1 releaser, 1 acquirer that deletes, count 0",
                                                    with_spurious(full_search())),
                   mutant_run<destroy_after_acquire>(
                       vsem::mutation::touch_after_release, "destruction",
                       "release reading the object after publishing its permit reads freed memory",
                       full_search(), rl::test_result_access_to_freed_memory, "semaphore.hpp",
                       "(void)self->load(std::memory_order_relaxed);  // the bug"))

}  // namespace

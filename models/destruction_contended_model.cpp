// Model: destruction under contention (destruction_contended).
//
// Property: with several releasers, the acquirer may delete the semaphore as
// soon as its last acquire() returns, while the releasers may still be inside
// release(); in every interleaving no thread touches freed memory (Relacy:
// ACCESS TO FREED MEMORY), the destructor finds no registered waiter (its
// contract check), and nothing leaks. Configurations: two (three) releasers
// with one release(1) each and an acquirer that acquires twice (three times);
// and a release(1) racing a release(2) with an acquirer that acquires three
// times. Every release is needed by some acquire, as the "completion on the
// stack" contract requires: the acquirer deletes only after it has taken every
// permit, so no release can still be about to publish one.
// The model binary is built with -fno-lifetime-dse, so reads of freed objects
// are reported (destruction_model.cpp's touch_after_release mutant proves it;
// it is repeated here with two releasers).
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using semaphore = vsem::counting_semaphore<2, P>;

// Threads 0..Releasers-1 release one permit each; the last thread acquires
// Releasers times, then deletes the semaphore.
template <int Releasers>
struct destroy_after_last_acquire
    : vsem::engine::test<destroy_after_last_acquire<Releasers>, Releasers + 1> {
  semaphore* done = nullptr;

  void before() { done = new semaphore(0); }

  void thread(unsigned index) {
    if (static_cast<int>(index) < Releasers) {  // a worker signals its completion
      done->release();
    } else {  // the owner waits for every completion, then frees the semaphore
      for (int i = 0; i < Releasers; ++i) done->acquire();
      VSEM_MODEL_ASSERT(done->debug_snapshot().count == 0);
      delete done;
    }
  }
};

using two_releasers = destroy_after_last_acquire<2>;
using three_releasers = destroy_after_last_acquire<3>;

// Thread 0: release(1); thread 1: release(2) (e.g. a worker finishing two
// tasks); thread 2 acquires three times, then deletes.
struct destroy_after_mixed_releases : vsem::engine::test<destroy_after_mixed_releases, 3> {
  semaphore* done = nullptr;

  void before() { done = new semaphore(0); }

  void thread(unsigned index) {
    if (index == 0) {
      done->release(1);
    } else if (index == 1) {
      done->release(2);
    } else {
      for (int i = 0; i < 3; ++i) done->acquire();
      delete done;
    }
  }
};

using namespace vsem::verify;
constexpr const char* property =
    "destruction_contended: the last acquirer deletes the semaphore while releasers may still "
    "be in release(); no access to freed memory";

VSEM_REGISTER_RUNS(
    model_run<two_releasers>("destruction_contended/2_releasers", property,
                             "2 releasers x release(1), 1 acquirer x 2 that deletes",
                             full_search()),
    model_run<two_releasers>("destruction_contended/2_releasers/random",
                             "destruction_contended, spurious futex wakeups on",
                             "2 releasers x release(1), 1 acquirer x 2 that deletes",
                             with_spurious(random_search(500000))),
    model_run<destroy_after_mixed_releases>(
        "destruction_contended/release_1_and_2", property,
        "release(1) and release(2) in 2 threads, 1 acquirer x 3 that deletes", full_search()),
    model_run<destroy_after_mixed_releases>(
        "destruction_contended/release_1_and_2/spurious",
        "destruction_contended, spurious futex wakeups on",
        "release(1) and release(2) in 2 threads, 1 acquirer x 3 that deletes",
        with_spurious(context_bound(3))),
    model_run<three_releasers>("destruction_contended/3_releasers", property,
                               "3 releasers x release(1), 1 acquirer x 3 that deletes",
                               context_bound(4)),
    model_run<three_releasers>("destruction_contended/3_releasers/deep", property,
                               "3 releasers x release(1), 1 acquirer x 3 that deletes",
                               context_bound(7), tier::deep),
    mutant_run<two_releasers>(
        vsem::mutation::touch_after_release, "destruction_contended/2_releasers",
        "release reading the object after publishing its permit reads freed memory", full_search(),
        rl::test_result_access_to_freed_memory, "semaphore.hpp",
        "(void)self->load(std::memory_order_relaxed);  // the bug"))

}  // namespace

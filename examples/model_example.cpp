// Model-check your own code built on vsem (docs/verify-your-code.md's example).
//
// A user's "work queue with one slot": the producer fills the slot and
// signals `full`; the consumer waits for `full`, takes the item, and signals
// `empty`. The same vsem::counting_semaphore source that ships in the real
// build runs here on vsem::model::platform, and Relacy explores every
// interleaving (full search), checking for data races on the slot, lost
// wakeups (a thread blocked forever) and the asserted values.
#include <vsem/model/platform.hpp>
#include <vsem/semaphore.hpp>

#include <cstdio>
#include <fstream>

using P = vsem::model::platform;

struct one_slot_queue : vsem::model::test<one_slot_queue, 2> {  // 2 threads
  vsem::counting_semaphore<1, P> full{0};
  vsem::counting_semaphore<1, P> empty{1};
  P::var<int> slot;  // plain data: Relacy reports unsynchronised access

  void thread(unsigned index) {
    for (int i = 1; i <= 2; ++i) {
      if (index == 0) {  // producer
        empty.acquire();
        slot.store(i);
        full.release();
      } else {  // consumer
        full.acquire();
        VSEM_MODEL_ASSERT(slot.load() == i);
        empty.release();
      }
    }
  }
};

int main() {
  rl::test_params params;
  params.search_type = rl::fair_full_search_scheduler_type;  // every interleaving
  std::ofstream trace("model_example.trace.txt");            // the counterexample, if any
  params.output_stream = &trace;  // (Relacy's progress lines then go to stderr)
  const bool ok = vsem::model::simulate<one_slot_queue>(params);  // rl::simulate, checked
  std::printf("one_slot_queue: %s after %llu iterations%s\n", ok ? "passed" : "FAILED",
              static_cast<unsigned long long>(params.stop_iteration),
              ok ? "" : " (see model_example.trace.txt)");
  return ok ? 0 : 1;
}

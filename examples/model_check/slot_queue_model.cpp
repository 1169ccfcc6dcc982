// slot_queue_model.cpp: the models of slot_queue.hpp, one source for both
// versions. A model is a vsem::model::test with one thread() body per thread;
// each registered run says how to search it and what it must produce.
#include <vsem/model/platform.hpp>
#include <vsem/verify/registry.hpp>

#include "slot_queue.hpp"

namespace {

using P = vsem::model::platform;

// One producer puts 1 and 2; one consumer must take 1 then 2.
template <class Queue>
struct one_producer_one_consumer : vsem::model::test<one_producer_one_consumer<Queue>, 2> {
  Queue queue;
  void thread(unsigned index) {
    for (int i = 1; i <= 2; ++i) {
      if (index == 0) {
        queue.put(i);
      } else {
        VSEM_MODEL_ASSERT(queue.take() == i);
      }
    }
  }
};

using namespace vsem::verify;
VSEM_REGISTER_RUNS(
    // The fix must pass: no race, no lost wakeup, items in order.
    model_run<one_producer_one_consumer<slot_queue<P>>>(
        "slot_queue", "each item is taken once, in order, without a race",
        "1 producer, 1 consumer, 2 items", full_search()),
    // The first version must fail, with a data race on the slot read of take():
    // kept as a test, so the models keep proving they can see this bug.
    model_run<one_producer_one_consumer<slot_queue_v1<P>>>(
        "slot_queue_v1", "take() hands the slot back before reading it",
        "1 producer, 1 consumer, 2 items", full_search())
        .expect(rl::test_result_data_race)
        .at("slot_queue.hpp", "return slot_.load();"))

}  // namespace

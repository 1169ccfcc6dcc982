// Model: many roles, 2 producers x 2 consumers through a bounded buffer
// (many_roles).
//
// Property: semaphores used in the classic bounded-buffer pattern — `empty`
// counts free slots (initial = capacity), `full` counts filled slots (initial
// 0), and a binary semaphore used as a lock guards the slot array and its two
// positions — pass every item from two producers to two consumers exactly
// once: no DATA RACE on the slots or the positions, no deadlock (every
// producer and consumer returns), every produced item is consumed by exactly
// one consumer (the consumers' sets of items are disjoint and together hold
// all of them), a consumer never reads an emptied slot, and at the end
// `empty` == capacity, `full` == 0 and no waiter is registered.
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;

template <int Capacity, int ItemsPerProducer>
struct bounded_buffer : vsem::engine::test<bounded_buffer<Capacity, ItemsPerProducer>, 4> {
  static constexpr int producers = 2, consumers = 2;
  static constexpr int items = producers * ItemsPerProducer;
  static_assert(items % consumers == 0, "each consumer takes the same number of items");
  static constexpr int empty_slot = 0;

  vsem::counting_semaphore<Capacity, P> empty{Capacity}, full{0};
  vsem::basic_binary_semaphore<P> lock{1};
  P::var<int> slot[Capacity];
  P::var<int> write_pos{0}, read_pos{0};  // guarded by `lock`
  P::var<int> consumed[consumers];        // bit i: item i + 1 was consumed here

  void thread(unsigned index) {
    if (index < producers) {
      for (int i = 0; i < ItemsPerProducer; ++i) {
        const int item = 1 + static_cast<int>(index) * ItemsPerProducer + i;  // 1..items
        empty.acquire();
        lock.acquire();
        const int w = write_pos.load();
        slot[w % Capacity].store(item);
        write_pos.store(w + 1);
        lock.release();
        full.release();
      }
    } else {
      int mine = 0;
      for (int i = 0; i < items / consumers; ++i) {
        full.acquire();
        lock.acquire();
        const int r = read_pos.load();
        const int item = slot[r % Capacity].load();
        slot[r % Capacity].store(empty_slot);
        read_pos.store(r + 1);
        lock.release();
        empty.release();
        VSEM_MODEL_ASSERT(item >= 1 && item <= items);  // never an emptied slot
        VSEM_MODEL_ASSERT((mine & (1 << (item - 1))) == 0);
        mine |= 1 << (item - 1);
      }
      consumed[index - producers].store(mine);
    }
  }

  void before() {
    for (auto& s : slot) s.store(empty_slot);
  }

  void after() {
    const int a = consumed[0].load(), b = consumed[1].load();
    VSEM_MODEL_ASSERT((a & b) == 0);                 // nobody consumed an item twice
    VSEM_MODEL_ASSERT((a | b) == (1 << items) - 1);  // every item was consumed
    VSEM_MODEL_ASSERT(empty.debug_snapshot().count == Capacity);
    VSEM_MODEL_ASSERT(full.debug_snapshot().count == 0);
    VSEM_MODEL_ASSERT(lock.debug_snapshot().count == 1);
    VSEM_MODEL_ASSERT(empty.debug_snapshot().waiters == 0);
    VSEM_MODEL_ASSERT(full.debug_snapshot().waiters == 0);
    VSEM_MODEL_ASSERT(lock.debug_snapshot().waiters == 0);
  }
};

using capacity_1_one_item_each = bounded_buffer<1, 1>;
using capacity_2_one_item_each = bounded_buffer<2, 1>;
using capacity_2_two_items_each = bounded_buffer<2, 2>;

using namespace vsem::verify;
constexpr const char* property =
    "many_roles: 2 producers x 2 consumers through a bounded buffer; race-free, every item "
    "consumed exactly once";

VSEM_REGISTER_RUNS(
    model_run<capacity_1_one_item_each>("many_roles/cap1_1each", property,
                                        "2P x 2C, capacity 1, 1 item per producer",
                                        context_bound(2)),
    model_run<capacity_1_one_item_each>("many_roles/cap1_1each/deep", property,
                                        "2P x 2C, capacity 1, 1 item per producer",
                                        context_bound(3), tier::deep),
    model_run<capacity_1_one_item_each>("many_roles/cap1_1each/random",
                                        "many_roles, spurious futex wakeups on",
                                        "2P x 2C, capacity 1, 1 item per producer",
                                        with_spurious(random_search(300000))),
    model_run<capacity_2_one_item_each>("many_roles/cap2_1each", property,
                                        "2P x 2C, capacity 2, 1 item per producer",
                                        context_bound(1)),
    model_run<capacity_2_one_item_each>("many_roles/cap2_1each/deep", property,
                                        "2P x 2C, capacity 2, 1 item per producer",
                                        context_bound(2), tier::deep),
    model_run<capacity_2_two_items_each>("many_roles/cap2_2each/random",
                                         "many_roles, spurious futex wakeups on",
                                         "2P x 2C, capacity 2, 2 items per producer",
                                         with_spurious(random_search(200000))),
    model_run<capacity_2_two_items_each>("many_roles/cap2_2each", property,
                                         "2P x 2C, capacity 2, 2 items per producer",
                                         context_bound(1), tier::deep),
    mutant_run<capacity_1_one_item_each>(
        vsem::mutation::relaxed_acquire, "many_roles/cap1_1each",
        "a relaxed permit-taking acquire: the buffer is accessed without happens-before",
        context_bound(2), rl::test_result_data_race, "semaphore.hpp",
        "state_.fetch_sub(1, acquire_order())"))

}  // namespace

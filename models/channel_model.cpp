// Models of vsem::channel (impl/vsem/channel.hpp), named channel_*.
//
// Properties, per configuration (producers x consumers, capacity): every
// item is delivered exactly once; each consumer sees every producer's sequence
// numbers increase; no race on payloads (the ring's slots are race-checked
// plain data); close() wakes every blocked thread; nothing leaks (Relacy
// reports a leak if an item or the ring is not freed).
#include <vsem/channel.hpp>

#include "registry.hpp"

namespace {

using P = vsem::model::platform;

// An item: producer id and sequence number, packed so that it is a plain int.
constexpr int item(int producer, int seq) {
  return producer * 100 + seq;
}

// Producers push `Items` items each, then (thread 0 last) consumers pop until
// every item arrived; the counts are checked in after().
template <int Producers, int Consumers, int Capacity, int Items>
struct delivery
    : vsem::model::test<delivery<Producers, Consumers, Capacity, Items>, Producers + Consumers> {
  vsem::basic_channel<int, P> ch{Capacity};
  P::var<int> received[Producers * Items];  // per item: times received
  P::var<int> popped_total;
  vsem::model::atomic<int> pops_left{Producers * Items};

  void before() {
    for (auto& r : received) r.store(0);
    popped_total.store(0);
  }

  void thread(unsigned index) {
    if (index < Producers) {
      for (int s = 0; s < Items; ++s) {
        VSEM_MODEL_ASSERT(ch.push(item(int(index), s)) == vsem::channel_status::done);
      }
      return;
    }
    int last_seq[Producers];
    for (int& l : last_seq) l = -1;
    // relaxed: only shares out how many pops remain; the channel synchronises.
    while (pops_left.fetch_sub(1, std::memory_order_relaxed) > 0) {
      auto r = ch.pop();
      VSEM_MODEL_ASSERT(r.status == vsem::channel_status::done);
      const int producer = *r.value / 100, seq = *r.value % 100;
      VSEM_MODEL_ASSERT(seq > last_seq[producer]);  // per-producer order
      last_seq[producer] = seq;
      received[producer * Items + seq].store(received[producer * Items + seq].load() + 1);
    }
  }

  void after() {
    for (auto& r : received) VSEM_MODEL_ASSERT(r.load() == 1);  // exactly once
    VSEM_MODEL_ASSERT(ch.try_pop().status == vsem::channel_status::empty);
  }
};

// close() wakes a consumer blocked on an empty channel and a producer blocked
// on a full one; items pushed before close are still delivered.
struct close_wakes_all : vsem::model::test<close_wakes_all, 3> {
  vsem::basic_channel<int, P> ch{1};
  P::var<int> delivered;

  void before() {
    delivered.store(0);
    VSEM_MODEL_ASSERT(ch.try_push(7) == vsem::channel_status::done);  // now full
  }

  void thread(unsigned index) {
    if (index == 0) {  // producer: blocks while full, or finds the channel closed
      const auto s = ch.push(8);
      VSEM_MODEL_ASSERT(s == vsem::channel_status::done || s == vsem::channel_status::closed);
    } else if (index == 1) {  // consumer: drains, then must see closed
      int n = 0;
      for (;;) {
        auto r = ch.pop();
        if (r.status == vsem::channel_status::closed) break;
        ++n;
      }
      delivered.store(n);
    } else {  // closer
      ch.close();
    }
  }

  void after() {
    const int n = delivered.load();
    VSEM_MODEL_ASSERT(n == 1 || n == 2);
    VSEM_MODEL_ASSERT(ch.try_pop().status == vsem::channel_status::closed);
  }
};

// A consumer blocked on an empty channel is woken by close() alone.
struct close_wakes_consumer : vsem::model::test<close_wakes_consumer, 2> {
  vsem::basic_channel<int, P> ch{1};
  void thread(unsigned index) {
    if (index == 0) {
      VSEM_MODEL_ASSERT(ch.pop().status == vsem::channel_status::closed);
    } else {
      ch.close();
    }
  }
};

using namespace vsem::verify;

VSEM_REGISTER_RUNS(
    model_run<delivery<1, 1, 1, 2>>("channel_1p1c_cap1",
                                    "exactly once, per-producer order, no race",
                                    "1 producer, 1 consumer, capacity 1, 2 items",
                                    context_bound(3)),
    model_run<close_wakes_consumer>("channel_close_wakes_consumer",
                                    "close() wakes a consumer blocked on an empty channel",
                                    "1 consumer, 1 closer, capacity 1", full_search()),
    model_run<close_wakes_all>("channel_close_wakes_all",
                               "close() wakes blocked producer and consumer; items drain first",
                               "1 producer, 1 consumer, 1 closer, capacity 1 (full)",
                               context_bound(2)),
    mutant_run<close_wakes_consumer>(
        vsem::mutation::channel_close_no_wake, "channel_close_wakes_consumer",
        "a close() that wakes nobody leaves a blocked consumer asleep: deadlock", full_search(),
        rl::test_result_deadlock, "semaphore.hpp",
        "const state_t old = state_.fetch_or(closed_bit, std::memory_order_release);"))

}  // namespace

// Models of vsem::channel (impl/vsem/channel.hpp), named channel_*.
//
// Properties, per configuration (producers x consumers, capacity): every
// item is delivered exactly once; each consumer sees every producer's sequence
// numbers increase; no race on payloads (the ring's slots are race-checked
// plain data, and each item carries a heap payload that its producer writes
// before the push and its consumer reads after the pop); close() wakes every
// blocked thread; nothing leaks (each item owns its heap payload, so Relacy
// reports a MEMORY LEAK if an item is lost, never destroyed, or if the ring is
// not freed, and a DOUBLE FREE if an item is destroyed twice).
//
// Search costs (iterations, seconds) of every run are in docs/verification.md's
// model table, generated from `vsem-verify --json` by tools/readme_gen.py.
#include <vsem/channel.hpp>

#include <chrono>
#include <string>
#include <utility>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using vsem::channel_status;

// The value a producer writes into an item's payload.
constexpr int value_of(int producer, int seq) {
  return 1000 + producer * 100 + seq;
}

// The heap payload of an item: written by its producer before the push, read
// by its consumer after the pop (race-checked).
struct payload {
  P::var<int> value;
};

// The item of the models that need no payload. Not int: a pop_result<int> is
// 12 bytes, which clang returns in registers as a 64-bit and a 32-bit piece, and
// GenMC rejects a program that reads a location with two sizes; pop_result<long>
// is returned in memory, so GenMC checks these models too.
using item = long;

// An item: producer id, sequence number and an owned heap payload. Move-only,
// with a noexcept move; destroying it frees the payload.
struct msg {
  int producer;
  int seq;
  payload* data;

  // Makes item `seq` of `producer`, writing its payload.
  msg(int p, int s) : producer(p), seq(s), data(new payload) { data->value.store(value_of(p, s)); }
  msg(msg&& o) noexcept : producer(o.producer), seq(o.seq), data(std::exchange(o.data, nullptr)) {}
  msg(const msg&) = delete;
  msg& operator=(const msg&) = delete;
  msg& operator=(msg&&) = delete;
  ~msg() { delete data; }

  // Reads the payload (race-checked) and says whether it is the one produced.
  bool intact() const { return data != nullptr && data->value.load() == value_of(producer, seq); }
};

// Producer 0 pushes `Items` items and every other producer `OtherItems`
// (default: as many); consumers pop until every item arrived (they share out
// the number of pops). Checks in every interleaving: each item arrives exactly
// once and intact, in each producer's order as seen by each consumer;
// afterwards the channel is empty and nothing leaks.
template <int Producers, int Consumers, int Capacity, int Items, int OtherItems = Items>
struct delivery : vsem::engine::test<delivery<Producers, Consumers, Capacity, Items, OtherItems>,
                                     Producers + Consumers> {
  static constexpr int total = Items + (Producers - 1) * OtherItems;
  static constexpr int max_items = Items > OtherItems ? Items : OtherItems;

  vsem::basic_channel<msg, P> ch{Capacity};
  P::var<int> received[Producers * max_items];  // per item: times received
  vsem::engine::platform::atomic<int> pops_left{total};

  void before() {
    for (auto& r : received) r.store(0);
  }

  static constexpr int items_of(int producer) { return producer == 0 ? Items : OtherItems; }

  void thread(unsigned index) {
    if (index < Producers) {
      for (int s = 0; s < items_of(int(index)); ++s) {
        VSEM_MODEL_ASSERT(ch.push(msg(int(index), s)) == channel_status::done);
      }
      return;
    }
    int last_seq[Producers];
    for (int& l : last_seq) l = -1;
    // relaxed: only shares out how many pops remain; the channel synchronises.
    while (pops_left.fetch_sub(1, std::memory_order_relaxed) > 0) {
      auto r = ch.pop();
      VSEM_MODEL_ASSERT(r.status == channel_status::done);
      VSEM_MODEL_ASSERT(r.value.has_value() && r.value->intact());  // no payload race
      const int producer = r.value->producer, seq = r.value->seq;
      VSEM_MODEL_ASSERT(seq > last_seq[producer]);  // per-producer order
      last_seq[producer] = seq;
      received[producer * max_items + seq].store(received[producer * max_items + seq].load() + 1);
    }
  }

  void after() {
    for (int p = 0; p < Producers; ++p) {
      for (int s = 0; s < max_items; ++s) {
        const int expected = s < items_of(p) ? 1 : 0;
        VSEM_MODEL_ASSERT(received[p * max_items + s].load() == expected);  // exactly once
      }
    }
    VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::empty);
  }
};

// close() wakes a consumer blocked on an empty channel and a producer blocked
// on a full one; items pushed before close are still delivered.
struct close_wakes_all : vsem::engine::test<close_wakes_all, 3> {
  vsem::basic_channel<item, P> ch{1};
  P::var<int> delivered;

  void before() {
    delivered.store(0);
    VSEM_MODEL_ASSERT(ch.try_push(7) == channel_status::done);  // now full
  }

  void thread(unsigned index) {
    if (index == 0) {  // producer: blocks while full, or finds the channel closed
      const auto s = ch.push(8);
      VSEM_MODEL_ASSERT(s == channel_status::done || s == channel_status::closed);
    } else if (index == 1) {  // consumer: drains, then must see closed
      int n = 0;
      for (;;) {
        auto r = ch.pop();
        if (r.status == channel_status::closed) break;
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
    VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::closed);
  }
};

// A consumer blocked on an empty channel is woken by close() alone.
struct close_wakes_consumer : vsem::engine::test<close_wakes_consumer, 2> {
  vsem::basic_channel<item, P> ch{1};
  void thread(unsigned index) {
    if (index == 0) {
      VSEM_MODEL_ASSERT(ch.pop().status == channel_status::closed);
    } else {
      ch.close();
    }
  }
};

// A producer blocked on a full channel is woken by close(); its push returns
// closed and leaves the item (and its payload) with the caller; the item
// inside is destroyed with the channel (a leak or double free fails the run).
struct close_keeps_rejected_item : vsem::engine::test<close_keeps_rejected_item, 2> {
  vsem::basic_channel<msg, P> ch{1};

  void before() { VSEM_MODEL_ASSERT(ch.try_push(msg(0, 0)) == channel_status::done); }

  void thread(unsigned index) {
    if (index == 0) {
      msg m(0, 1);
      VSEM_MODEL_ASSERT(ch.push(std::move(m)) == channel_status::closed);
      VSEM_MODEL_ASSERT(m.intact());  // still the caller's
    } else {
      ch.close();
    }
  }
};

// Close under load: a producer pushes until its push returns closed, a
// consumer pops until closed, a third thread closes. Every push that returned
// done is popped exactly once and in order; every rejected item stays with its
// producer; the channel ends closed and drained.
struct close_under_load : vsem::engine::test<close_under_load, 3> {
  static constexpr int max_items = 3;
  vsem::basic_channel<msg, P> ch{1};
  P::var<int> pushed;  // pushes that returned done
  P::var<int> popped;  // pops that returned done

  void before() {
    pushed.store(0);
    popped.store(0);
  }

  void thread(unsigned index) {
    if (index == 0) {
      int s = 0;
      for (; s < max_items; ++s) {
        msg m(0, s);
        const auto st = ch.push(std::move(m));
        if (st == channel_status::closed) {
          VSEM_MODEL_ASSERT(m.intact());
          break;
        }
        VSEM_MODEL_ASSERT(st == channel_status::done);
      }
      pushed.store(s);
    } else if (index == 1) {
      int n = 0;
      for (;;) {
        auto r = ch.pop();
        if (r.status == channel_status::closed) break;
        VSEM_MODEL_ASSERT(r.status == channel_status::done && r.value->intact());
        VSEM_MODEL_ASSERT(r.value->seq == n);  // in order, none skipped or repeated
        ++n;
      }
      popped.store(n);
    } else {
      ch.close();
    }
  }

  void after() {
    VSEM_MODEL_ASSERT(popped.load() == pushed.load());
    VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::closed);
  }
};

// Once a pop has returned closed, the channel is closed and drained for good:
// no later pop may return an item. A consumer that polls with try_pop()
// while a producer pushes one item and then closes must never see `closed`
// and then find the item still there. (Regression: an early channel read the
// closed flag after, not together with, its failed try_acquire, so the push
// and the close could both land between the two reads.)
// Poll is try_pop(), or try_pop_for(0) (a zero wait: the passed-deadline path).
template <bool ZeroWait>
struct try_pop_closed_means_drained
    : vsem::engine::test<try_pop_closed_means_drained<ZeroWait>, 2> {
  vsem::basic_channel<item, P> ch{1};
  P::var<int> saw_closed;

  void before() { saw_closed.store(0); }

  channel_status poll() {
    if constexpr (ZeroWait) {
      return ch.try_pop_for(std::chrono::nanoseconds(0)).status;
    } else {
      return ch.try_pop().status;
    }
  }

  void thread(unsigned index) {
    if (index == 0) {  // polls twice, stops at `closed`
      for (int k = 0; k < 2; ++k) {
        const channel_status st = poll();
        VSEM_MODEL_ASSERT(st != channel_status::full);
        if (st == channel_status::closed) {
          saw_closed.store(1);
          break;
        }
      }
    } else {
      VSEM_MODEL_ASSERT(ch.push(1) == channel_status::done);
      ch.close();
    }
  }

  void after() {
    // If the consumer stopped at `closed`, the item must have been popped before.
    if (saw_closed.load() == 1) VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::closed);
  }
};

// A result of `closed` is final and agrees with is_closed(): once any push or
// pop has returned closed, is_closed() is true, and every later push returns
// closed. A producer pushes (blocking, then non-blocking), a consumer pops
// until closed, a third thread closes; capacity 1.
struct closed_is_final : vsem::engine::test<closed_is_final, 3> {
  vsem::basic_channel<item, P> ch{1};

  void thread(unsigned index) {
    if (index == 0) {  // producer
      bool closed = false;
      for (int k = 0; k < 2; ++k) {
        const channel_status st = k == 0 ? ch.push(k) : ch.try_push(k);
        if (closed) VSEM_MODEL_ASSERT(st == channel_status::closed);  // final
        if (st == channel_status::closed) {
          VSEM_MODEL_ASSERT(ch.is_closed());
          closed = true;
        }
      }
    } else if (index == 1) {  // consumer
      while (ch.pop().status != channel_status::closed) {
      }
      VSEM_MODEL_ASSERT(ch.is_closed());
      VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::closed);
    } else {
      ch.close();
      VSEM_MODEL_ASSERT(ch.is_closed());
    }
  }
};

// Moves head and tail to `n` (single-threaded, in before()), so that the
// tickets of the model's own pushes wrap around the ring.
template <class Ch>
void advance(Ch& ch, int n) {
  for (int i = 0; i < n; ++i) {
    VSEM_MODEL_ASSERT(ch.try_push(msg(9, i)) == channel_status::done);
    VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::done);
  }
}

// Two producers (push + try_push, and try_push_for(0) + push), one consumer
// polling with try_pop / try_pop_for(0) / pop until closed, one closer.
// Capacity 3 (a lap of 4 tickets), tickets start at 3 (the ring wraps).
// Every push that returned done is popped exactly once, in per-producer order;
// rejected items stay with the producer; closed is final; nothing leaks.
template <int Start>
struct close_race_cap3 : vsem::engine::test<close_race_cap3<Start>, 4> {
  vsem::basic_channel<msg, P> ch{3};
  P::var<int> pushed[2];
  P::var<int> received[2][2];

  void before() {
    advance(ch, Start);
    for (auto& p : pushed) p.store(0);
    for (auto& r : received)
      for (auto& x : r) x.store(0);
  }

  void thread(unsigned index) {
    if (index < 2) {
      const int p = int(index);
      int done = 0;
      for (int s = 0; s < 2; ++s) {
        msg m(p, s);
        channel_status st;
        if (p == 0)
          st = s == 0 ? ch.push(std::move(m)) : ch.try_push(std::move(m));
        else
          st = s == 0 ? ch.try_push_for(std::move(m), std::chrono::nanoseconds(0))
                      : ch.push(std::move(m));
        if (st == channel_status::done) {
          VSEM_MODEL_ASSERT(done == s);  // no done after closed
          ++done;
        } else {
          VSEM_MODEL_ASSERT(st == channel_status::closed || st == channel_status::full ||
                            st == channel_status::timed_out);
          VSEM_MODEL_ASSERT(m.intact());
          if (st == channel_status::closed) {
            VSEM_MODEL_ASSERT(ch.is_closed());
            break;
          }
          break;  // keep per-producer order simple: stop at the first failure
        }
      }
      pushed[p].store(done);
    } else if (index == 2) {
      int last[2];
      for (int& l : last) l = -1;  // element by element: GenMC rejects one 64-bit store read as int
      for (int k = 0;; ++k) {
        auto r = k % 3 == 0   ? ch.try_pop()
                 : k % 3 == 1 ? ch.try_pop_for(std::chrono::nanoseconds(0))
                              : ch.pop();
        if (r.status == channel_status::closed) {
          VSEM_MODEL_ASSERT(ch.is_closed());
          VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::closed);
          break;
        }
        if (r.status != channel_status::done) {
          VSEM_MODEL_ASSERT(r.status == channel_status::empty ||
                            r.status == channel_status::timed_out);
          continue;
        }
        VSEM_MODEL_ASSERT(r.value->intact());
        const int p = r.value->producer, s = r.value->seq;
        VSEM_MODEL_ASSERT(p == 0 || p == 1);
        VSEM_MODEL_ASSERT(s > last[p]);
        last[p] = s;
        received[p][s].store(received[p][s].load() + 1);
      }
    } else {
      ch.close();
    }
  }

  void after() {
    for (int p = 0; p < 2; ++p)
      for (int s = 0; s < 2; ++s)
        VSEM_MODEL_ASSERT(received[p][s].load() == (s < pushed[p].load() ? 1 : 0));
    VSEM_MODEL_ASSERT(ch.try_pop().status == channel_status::closed);
  }
};

// No consumer: producers fill a capacity-3 channel (tickets from Start) while
// a closer closes; later pushes are rejected (and claim nothing). The destructor
// must destroy exactly the stored items: a leak or double free fails the run.
template <int Start>
struct destroy_after_close_cap3 : vsem::engine::test<destroy_after_close_cap3<Start>, 3> {
  vsem::basic_channel<msg, P> ch{3};
  void before() { advance(ch, Start); }
  void thread(unsigned index) {
    if (index < 2) {
      for (int s = 0; s < 2; ++s) {
        msg m(int(index), s);
        const auto st = index == 0 ? ch.try_push(std::move(m))
                                   : ch.try_push_for(std::move(m), std::chrono::nanoseconds(0));
        if (st != channel_status::done) VSEM_MODEL_ASSERT(m.intact());
      }
    } else {
      ch.close();
    }
  }
};

using namespace vsem::verify;

constexpr const char* delivered_once = "exactly once, per-producer order, no payload race, no leak";

VSEM_REGISTER_RUNS(
    // 1 producer, 1 consumer.
    model_run<delivery<1, 1, 1, 2>>("channel_1p1c_cap1", delivered_once,
                                    "1 producer, 1 consumer, capacity 1, 2 items",
                                    context_bound(3)),
    model_run<delivery<1, 1, 1, 1>>("channel_1p1c_cap1/one_item", delivered_once,
                                    "1 producer, 1 consumer, capacity 1, 1 item", context_bound(4)),
    model_run<delivery<1, 1, 1, 2>>("channel_1p1c_cap1/deep", delivered_once,
                                    "1 producer, 1 consumer, capacity 1, 2 items", context_bound(4),
                                    tier::deep),
    model_run<delivery<1, 1, 2, 3>>("channel_1p1c_cap2", delivered_once,
                                    "1 producer, 1 consumer, capacity 2, 3 items (ring wraps)",
                                    context_bound(2)),
    model_run<delivery<1, 1, 2, 3>>("channel_1p1c_cap2/deep", delivered_once,
                                    "1 producer, 1 consumer, capacity 2, 3 items (ring wraps)",
                                    context_bound(3), tier::deep),
    // 2 producers, 1 consumer.
    model_run<delivery<2, 1, 1, 1>>("channel_2p1c_cap1", delivered_once,
                                    "2 producers, 1 consumer, capacity 1, 1 item each",
                                    context_bound(2)),
    model_run<delivery<2, 1, 1, 2>>("channel_2p1c_cap1/random_spurious", delivered_once,
                                    "2 producers, 1 consumer, capacity 1, 2 items each",
                                    with_spurious(random_search(500000))),
    model_run<delivery<2, 1, 1, 2, 1>>("channel_2p1c_cap1/order", delivered_once,
                                       "2 producers, 1 consumer, capacity 1, 2 + 1 items",
                                       context_bound(1)),
    model_run<delivery<2, 1, 1, 2>>("channel_2p1c_cap1/deep_random", delivered_once,
                                    "2 producers, 1 consumer, capacity 1, 2 items each",
                                    with_spurious(random_search(5000000)), tier::deep),
    model_run<delivery<2, 1, 2, 2, 1>>("channel_2p1c_cap2", delivered_once,
                                       "2 producers, 1 consumer, capacity 2, 2 + 1 items",
                                       context_bound(1)),
    // 1 producer, 2 consumers.
    model_run<delivery<1, 2, 1, 2>>("channel_1p2c_cap1", delivered_once,
                                    "1 producer, 2 consumers, capacity 1, 2 items",
                                    context_bound(2)),
    model_run<delivery<1, 2, 2, 2>>("channel_1p2c_cap2", delivered_once,
                                    "1 producer, 2 consumers, capacity 2, 2 items",
                                    context_bound(2)),
    model_run<delivery<1, 2, 2, 3>>("channel_1p2c_cap2/random_spurious", delivered_once,
                                    "1 producer, 2 consumers, capacity 2, 3 items (ring wraps)",
                                    with_spurious(random_search(500000))),
    model_run<delivery<1, 2, 2, 3>>("channel_1p2c_cap2/deep", delivered_once,
                                    "1 producer, 2 consumers, capacity 2, 3 items (ring wraps)",
                                    context_bound(1), tier::deep),
    // 2 producers, 2 consumers.
    model_run<delivery<2, 2, 1, 1>>("channel_2p2c_cap1", delivered_once,
                                    "2 producers, 2 consumers, capacity 1, 1 item each",
                                    context_bound(1)),
    model_run<delivery<2, 2, 1, 2>>("channel_2p2c_cap1/random_spurious", delivered_once,
                                    "2 producers, 2 consumers, capacity 1, 2 items each",
                                    with_spurious(random_search(500000))),
    model_run<delivery<2, 2, 2, 1>>("channel_2p2c_cap2", delivered_once,
                                    "2 producers, 2 consumers, capacity 2, 1 item each",
                                    context_bound(1)),
    model_run<delivery<2, 2, 2, 2>>("channel_2p2c_cap2/deep_random", delivered_once,
                                    "2 producers, 2 consumers, capacity 2, 2 items each",
                                    with_spurious(random_search(5000000)), tier::deep),
    // close().
    model_run<close_wakes_consumer>("channel_close_wakes_consumer",
                                    "close() wakes a consumer blocked on an empty channel",
                                    "1 consumer, 1 closer, capacity 1", full_search()),
    model_run<close_wakes_all>("channel_close_wakes_all",
                               "close() wakes blocked producer and consumer; items drain first",
                               "1 producer, 1 consumer, 1 closer, capacity 1 (full)",
                               context_bound(3)),
    model_run<close_wakes_all>("channel_close_wakes_all/deep",
                               "close() wakes blocked producer and consumer; items drain first",
                               "1 producer, 1 consumer, 1 closer, capacity 1 (full)",
                               context_bound(4), tier::deep),
    model_run<close_keeps_rejected_item>(
        "channel_close_keeps_rejected_item",
        "close() wakes a producer blocked on a full channel; the rejected item stays with it",
        "1 producer, 1 closer, capacity 1 (full)", full_search()),
    model_run<close_under_load>(
        "channel_close_under_load",
        "every push that returned done is popped once, in order; rejected items stay put",
        "1 producer (up to 3 items), 1 consumer, 1 closer, capacity 1", context_bound(1)),
    model_run<close_under_load>(
        "channel_close_under_load/random_spurious",
        "every push that returned done is popped once, in order; rejected items stay put",
        "1 producer (up to 3 items), 1 consumer, 1 closer, capacity 1",
        with_spurious(random_search(500000))),
    model_run<close_under_load>(
        "channel_close_under_load/deep",
        "every push that returned done is popped once, in order; rejected items stay put",
        "1 producer (up to 3 items), 1 consumer, 1 closer, capacity 1", context_bound(2),
        tier::deep),
    model_run<closed_is_final>(
        "channel_closed_is_final",
        "closed is final: after a push or pop returns closed, is_closed() holds and pushes fail",
        "1 producer (push, then try_push), 1 consumer (pop until closed), 1 closer, capacity 1",
        context_bound(2)),
    model_run<closed_is_final>(
        "channel_closed_is_final/random_spurious",
        "closed is final: after a push or pop returns closed, is_closed() holds and pushes fail",
        "1 producer (push, then try_push), 1 consumer (pop until closed), 1 closer, capacity 1",
        with_spurious(random_search(500000))),
    // close() racing in-flight pushes on a ring larger than the capacity.
    model_run<close_race_cap3<3>>(
        "channel_close_race_cap3", "close() vs pushes in flight: " + std::string(delivered_once),
        "2 producers (push/try_push/try_push_for(0)), 1 consumer (try_pop/try_pop_for(0)/pop), "
        "1 closer, capacity 3, tickets from 3 (wraps)",
        with_spurious(random_search(300000))),
    model_run<close_race_cap3<2>>("channel_close_race_cap3/start2",
                                  "close() vs pushes in flight: " + std::string(delivered_once),
                                  "2 producers, 1 consumer, 1 closer, capacity 3, tickets from 2",
                                  with_spurious(random_search(300000))),
    model_run<close_race_cap3<3>>(
        "channel_close_race_cap3/deep",
        "close() vs pushes in flight: " + std::string(delivered_once),
        "2 producers, 1 consumer, 1 closer, capacity 3, tickets from 3 (wraps)", context_bound(1),
        tier::deep),
    model_run<destroy_after_close_cap3<2>>(
        "channel_destroy_after_close_cap3", "destruction frees exactly the stored items",
        "2 producers (try_push, try_push_for(0)), 1 closer, capacity 3, tickets from 2",
        context_bound(2)),
    model_run<destroy_after_close_cap3<3>>(
        "channel_destroy_after_close_cap3/deep", "destruction frees exactly the stored items",
        "2 producers, 1 closer, capacity 3, tickets from 3 (wraps)", context_bound(3), tier::deep),
    model_run<try_pop_closed_means_drained<false>>(
        "channel_try_pop_closed_means_drained",
        "try_pop returns closed only once the channel is closed and drained",
        "1 consumer polling try_pop, 1 producer that pushes one item then closes, capacity 1",
        context_bound(6)),
    model_run<try_pop_closed_means_drained<false>>(
        "channel_try_pop_closed_means_drained/full",
        "try_pop returns closed only once the channel is closed and drained",
        "1 consumer polling try_pop, 1 producer that pushes one item then closes, capacity 1",
        full_search(), tier::deep),
    model_run<try_pop_closed_means_drained<true>>(
        "channel_try_pop_closed_means_drained/zero_wait",
        "try_pop_for(0) returns closed only once the channel is closed and drained",
        "1 consumer polling try_pop_for(0), 1 producer that pushes one item then closes, "
        "capacity 1",
        context_bound(3)),
    mutant_run<close_wakes_consumer>(
        vsem::mutation::channel_close_no_wake, "channel_close_wakes_consumer",
        "a close() that wakes nobody leaves a blocked consumer asleep: deadlock", full_search(),
        rl::test_result_deadlock, "channel.hpp",
        "pop_waiters_.fetch_or(finished_bit, std::memory_order_seq_cst);"),
    mutant_run<close_keeps_rejected_item>(
        vsem::mutation::channel_close_skips_producers, "channel_close_keeps_rejected_item",
        "a close() that forgets blocked producers leaves one asleep: deadlock", full_search(),
        rl::test_result_deadlock, "channel.hpp",
        "tail_.fetch_or(closed_bit, std::memory_order_seq_cst);"),
    mutant_run<delivery<1, 2, 2, 3>>(
        vsem::mutation::channel_early_publish, "channel_1p2c_cap2/random_spurious",
        "passing the cell on before moving the item out races with the producer refilling it",
        with_spurious(random_search(500000)), rl::test_result_data_race, "channel.hpp",
        "full.store(false);"),
    mutant_run<close_under_load>(
        vsem::mutation::channel_close_ignores_in_flight, "channel_close_under_load",
        "a pop that reports closed while a push that claimed before close() is still storing "
        "stops before the item arrives",
        context_bound(1), rl::test_result_user_assert_failed, "channel.hpp",
        "tail_.fetch_or(closed_bit, std::memory_order_seq_cst);"),
    mutant_run<destroy_after_close_cap3<2>>(
        vsem::mutation::channel_claim_when_full, "channel_destroy_after_close_cap3",
        "a try_push that claims a ticket while the channel is full waits for a consumer "
        "instead of reporting full: deadlock",
        context_bound(2), rl::test_result_deadlock, "channel.hpp",
        "const auto head = static_cast<ticket>(head_.load(std::memory_order_seq_cst));"),
    mutant_run<delivery<1, 2, 1, 2>>(
        vsem::mutation::channel_wake_one_counted_out, "channel_1p2c_cap1",
        "a wake that counts both sleeping consumers out but wakes one leaves the other asleep "
        "and uncounted, so no later push wakes it: deadlock",
        context_bound(2), rl::test_result_deadlock, "channel_wait.hpp",
        "Platform::wake(&place, one ? 1 : INT_MAX);"))

}  // namespace

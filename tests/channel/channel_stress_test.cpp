// tests/channel/channel_stress_test.cpp: many producers and consumers moving
// items through one vsem::channel. Nothing may be lost or duplicated, each
// consumer must see each producer's items in order, the payload a producer
// wrote before a push must be visible to the consumer after the pop (zero
// ThreadSanitizer reports in the tsan preset), and close() under load must
// account for every push that returned done.
//
// Item counts scale with the environment variable VSEM_STRESS_SCALE (default 1:
// just over 10^6 items in all through capacities 1, 64 and 1024 on the OS
// platform). The fault-injecting platform (vsem/fault/platform.hpp) runs the
// same tests with fewer items.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <vsem/channel.hpp>
#include <vsem/fault/platform.hpp>

#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using vsem::channel_status;
using vsem_test::scaled;
using vsem_test::thread_group;

using steady = std::chrono::steady_clock;

// A stress test on a correct build ends in seconds; this bounds a broken one.
constexpr std::chrono::milliseconds stress_timeout = 240s;

constexpr int producers = 8;
constexpr int consumers = 8;

// Items per test on each platform, before VSEM_STRESS_SCALE: the OS platform
// moves 340,000 items through each of the three capacities (1.02 * 10^6 in
// all); the fault platform, which sleeps now and then around atomics, moves
// 1/17 of that.
template <class P>
struct budget {
  static constexpr long items = 340'000;
  static constexpr long close_under_load_items = 200'000;
};
template <>
struct budget<vsem::fault::platform> {
  static constexpr long items = 20'000;
  static constexpr long close_under_load_items = 20'000;
};

template <class P>
class channel_stress : public ::testing::Test {};
using platforms = ::testing::Types<vsem::os_platform, vsem::fault::platform>;
TYPED_TEST_SUITE(channel_stress, platforms);

// What a producer writes into an item's payload before pushing it.
constexpr std::uint64_t payload_of(std::uint64_t id) {
  return id * 0x9E3779B97F4A7C15ull + 1;
}

// What one consumer saw.
struct consumer_log {
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  std::uint64_t xor_all = 0;
  long out_of_order = 0;      // an item of producer p older than one already seen
  long bad_payload = 0;       // payload not the one written before the push
  long item_after_close = 0;  // an item popped after a pop had returned closed
};

// Pushes `id` by one of four kinds of push, chosen by `how`; retries a push
// that reports full or timed_out. Returns false if the channel said closed.
template <class Channel>
bool push_somehow(Channel& ch, std::uint64_t id, unsigned how) {
  for (;;) {
    channel_status st = channel_status::full;
    switch (how % 8) {
      case 0:
      case 1:
      case 2:
      case 3:
        st = ch.push(id);
        break;
      case 4:
      case 5:
        st = ch.try_push(id);
        if (st == channel_status::full) std::this_thread::yield();
        break;
      case 6:
        st = ch.try_push_for(id, 1ms);
        break;
      default:
        st = ch.try_push_until(id, steady::now() + 1ms);
        break;
    }
    if (st == channel_status::done) return true;
    if (st == channel_status::closed) return false;
    ++how;  // full or timed_out: try again, perhaps another way
  }
}

// Pops by one of four kinds of pop, chosen by `how`; retries empty and
// timed_out. Returns the item, or closed.
template <class Channel>
auto pop_somehow(Channel& ch, unsigned how) {
  for (;;) {
    vsem::pop_result<std::uint64_t> r{channel_status::empty, std::nullopt};
    switch (how % 8) {
      case 0:
      case 1:
      case 2:
      case 3:
        r = ch.pop();
        break;
      case 4:
      case 5:
        r = ch.try_pop();
        if (r.status == channel_status::empty) std::this_thread::yield();
        break;
      case 6:
        r = ch.try_pop_for(1ms);
        break;
      default:
        r = ch.try_pop_until(steady::now() + 1ms);
        break;
    }
    if (r.status == channel_status::done || r.status == channel_status::closed) return r;
    ++how;
  }
}

// 8 producers push the ids 0..n-1 (producer p: ids p, p+8, p+16, ...) after
// writing each id's payload; 8 consumers pop until closed; main closes the
// channel once every producer is done. Checks: count, sum and xor of the ids
// received; each id received exactly once (a bitmap); per-producer order at
// each consumer; every payload intact; the channel ends closed and drained.
// One consumer of mpmc_exactly_once: pops until closed, then checks that
// nothing more comes out; logs what it saw of the n ids and their payloads.
template <class Channel>
consumer_log consume_until_closed(Channel& ch, int c, std::uint64_t n,
                                  const std::vector<std::uint64_t>& payload,
                                  std::atomic<std::uint8_t>* seen) {
  consumer_log log;
  std::int64_t last_seq[producers];
  std::fill(std::begin(last_seq), std::end(last_seq), -1);
  auto take = [&](std::uint64_t id) {
    ++log.count;
    log.sum += id;
    log.xor_all ^= id;
    if (id >= n) return;  // counted as a checksum mismatch below
    const int p = static_cast<int>(id % producers);
    const auto seq = static_cast<std::int64_t>(id / producers);
    if (seq <= last_seq[p]) ++log.out_of_order;
    last_seq[p] = seq;
    if (payload[id] != payload_of(id)) ++log.bad_payload;
    // relaxed: a counter per id; ordering comes from the channel.
    seen[id].fetch_add(1, std::memory_order_relaxed);
  };
  for (unsigned i = static_cast<unsigned>(c);; ++i) {
    auto r = pop_somehow(ch, i);
    if (r.status == channel_status::closed) break;
    take(*r.value);
  }
  // Closed and drained: nothing may come out any more.
  for (auto r = ch.try_pop(); r; r = ch.try_pop()) {
    ++log.item_after_close;
    take(*r.value);
  }
  return log;
}

// The checks of mpmc_exactly_once on what the consumers logged: count, sum
// and xor of the ids; each id exactly once; per-producer order; payloads.
void check_mpmc_logs(const std::vector<consumer_log>& logs, std::uint64_t n,
                     const std::atomic<std::uint8_t>* seen, std::string& per_consumer) {
  consumer_log all;
  for (const auto& l : logs) {
    all.count += l.count;
    all.sum += l.sum;
    all.xor_all ^= l.xor_all;
    all.out_of_order += l.out_of_order;
    all.bad_payload += l.bad_payload;
    all.item_after_close += l.item_after_close;
    per_consumer += ' ';  // (not " " + ...: g++ 12 -O3 warns falsely, -Wrestrict)
    per_consumer += std::to_string(l.count);
  }
  std::uint64_t expected_xor = 0;
  for (std::uint64_t i = 0; i < n; ++i) expected_xor ^= i;
  long lost = 0, duplicated = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto k = seen[i].load(std::memory_order_relaxed);
    if (k == 0) ++lost;
    if (k > 1) ++duplicated;
  }
  EXPECT_EQ(all.count, n);
  EXPECT_EQ(all.sum, n * (n - 1) / 2);
  EXPECT_EQ(all.xor_all, expected_xor);
  EXPECT_EQ(lost, 0) << "items lost";
  EXPECT_EQ(duplicated, 0) << "items delivered twice";
  EXPECT_EQ(all.out_of_order, 0) << "a consumer saw a producer's items out of order";
  EXPECT_EQ(all.bad_payload, 0) << "a consumer saw a payload not written before the push";
  EXPECT_EQ(all.item_after_close, 0) << "a pop returned closed while items were still inside";
}

template <class P>
void mpmc_exactly_once(std::size_t capacity, long requested_items) {
  const long per_producer = std::max<long>(1, requested_items / producers);
  const std::uint64_t n = static_cast<std::uint64_t>(per_producer) * producers;
  vsem::basic_channel<std::uint64_t, P> ch(capacity);
  std::vector<std::uint64_t> payload(n, 0);  // written before push, read after pop
  std::unique_ptr<std::atomic<std::uint8_t>[]> seen(new std::atomic<std::uint8_t>[n]);
  for (std::uint64_t i = 0; i < n; ++i) seen[i].store(0, std::memory_order_relaxed);
  std::vector<consumer_log> logs(consumers);
  std::atomic<long> rejected{0};

  vsem_test::start_gate gate;
  const auto start = steady::now();
  {
    thread_group consumer_group;
    for (int c = 0; c < consumers; ++c) {
      consumer_group.spawn([&, c] {
        gate.wait();
        logs[static_cast<std::size_t>(c)] = consume_until_closed(ch, c, n, payload, seen.get());
      });
    }
    {
      thread_group producer_group;
      for (int p = 0; p < producers; ++p) {
        producer_group.spawn([&, p] {
          gate.wait();
          for (long s = 0; s < per_producer; ++s) {
            const std::uint64_t id = static_cast<std::uint64_t>(s) * producers + p;
            payload[id] = payload_of(id);
            if (!push_somehow(ch, id, static_cast<unsigned>(s + p))) ++rejected;
          }
        });
      }
      gate.open();
      const bool finished = producer_group.wait_all(stress_timeout);
      ASSERT_TRUE(finished) << "producers blocked while consumers were popping (lost wakeup)";
    }
    ch.close();
    const bool finished = consumer_group.wait_all(stress_timeout);
    ASSERT_TRUE(finished) << "consumers still blocked after close()";
  }
  const double seconds = std::chrono::duration<double>(steady::now() - start).count();

  EXPECT_EQ(rejected.load(), 0) << "a push before close() returned closed";
  std::string per_consumer;
  check_mpmc_logs(logs, n, seen.get(), per_consumer);
  EXPECT_EQ(ch.try_pop().status, channel_status::closed);
  if constexpr (std::is_same_v<P, vsem::fault::platform>) {
    const auto& st = vsem::fault::stats();
    const auto injected = st.early_wait_returns.load() + st.yields.load() + st.sleeps.load();
    if (vsem::fault::detail::config().rate_percent != 0) {
      EXPECT_GT(injected, 0u) << "the fault platform injected nothing";
    }
  }
  ::testing::Test::RecordProperty("items", std::to_string(n));
  ::testing::Test::RecordProperty("seconds", std::to_string(seconds));
  std::printf("capacity %zu: %llu items in %.2f s (%.0f items/s); per consumer:%s\n", capacity,
              static_cast<unsigned long long>(n), seconds, static_cast<double>(n) / seconds,
              per_consumer.c_str());
}

// Capacity 1: every push waits for a pop, so most operations sleep and wake.
TYPED_TEST(channel_stress, mpmc_capacity_1_exactly_once_in_order) {
  mpmc_exactly_once<TypeParam>(1, scaled(budget<TypeParam>::items, producers));
}

// Capacity 64: the channel is sometimes full, sometimes empty.
TYPED_TEST(channel_stress, mpmc_capacity_64_exactly_once_in_order) {
  mpmc_exactly_once<TypeParam>(64, scaled(budget<TypeParam>::items, producers));
}

// Capacity 1024: producers rarely block; consumers race each other.
TYPED_TEST(channel_stress, mpmc_capacity_1024_exactly_once_in_order) {
  mpmc_exactly_once<TypeParam>(1024, scaled(budget<TypeParam>::items, producers));
}

// close_under_load: an owned item (std::unique_ptr) and its id's layout.
using owned_item = std::unique_ptr<std::uint64_t>;
constexpr int seq_bits = 40;

// Producer p of close_under_load: pushes owned items by one of three kinds of
// push until a push returns closed; counts the pushes that returned done, and
// whether the rejected push left its item with the producer.
template <class Channel>
void push_owned_until_closed(Channel& ch, int p, long& done_pushes, int& kept_rejected) {
  for (std::uint64_t s = 0;; ++s) {
    const std::uint64_t id = (std::uint64_t(p) << seq_bits) | s;
    owned_item it = std::make_unique<std::uint64_t>(id);
    channel_status st = channel_status::full;
    do {
      switch ((s + std::uint64_t(p)) % 3) {
        case 0:
          st = ch.push(std::move(it));
          break;
        case 1:
          st = ch.try_push(std::move(it));
          if (st == channel_status::full) std::this_thread::yield();
          break;
        default:
          st = ch.try_push_for(std::move(it), 1ms);
          break;
      }
    } while (st == channel_status::full || st == channel_status::timed_out);
    if (st == channel_status::closed) {
      if (it != nullptr && *it == id) ++kept_rejected;
      return;
    }
    ++done_pushes;
  }
}

// The checks of close_under_load: each producer's rejected push kept its
// item; every item whose push returned done was popped exactly once, and no
// other item was popped. Sets the totals of done pushes and pops.
void check_every_push_accounted(const std::vector<long>& done_pushes,
                                const std::vector<int>& kept_rejected,
                                const std::vector<std::vector<std::uint64_t>>& popped,
                                long& total_done, long& total_popped) {
  long duplicated = 0, never_pushed = 0, lost = 0;
  std::vector<std::vector<std::uint8_t>> seen(producers);
  for (int p = 0; p < producers; ++p) {
    total_done += done_pushes[static_cast<std::size_t>(p)];
    seen[static_cast<std::size_t>(p)].assign(
        static_cast<std::size_t>(done_pushes[static_cast<std::size_t>(p)]), 0);
    EXPECT_EQ(kept_rejected[static_cast<std::size_t>(p)], 1)
        << "producer " << p << ": the push that returned closed lost its item";
  }
  for (const auto& v : popped) {
    for (std::uint64_t id : v) {
      ++total_popped;
      const auto p = static_cast<std::size_t>(id >> seq_bits);
      const auto s = static_cast<std::size_t>(id & ((std::uint64_t{1} << seq_bits) - 1));
      if (p >= seen.size() || s >= seen[p].size()) {
        ++never_pushed;  // popped, but its push did not return done
      } else if (++seen[p][s] > 1) {
        ++duplicated;
      }
    }
  }
  for (const auto& v : seen) lost += std::count(v.begin(), v.end(), std::uint8_t{0});
  EXPECT_EQ(never_pushed, 0) << "items popped whose push did not return done";
  EXPECT_EQ(duplicated, 0) << "items popped twice";
  EXPECT_EQ(lost, 0) << "items pushed (done) but never popped";
}

// Close under load: 8 producers push owned items (std::unique_ptr) until a
// push returns closed, 8 consumers pop until closed, and main closes the
// channel while both sides are busy. Every push that returned done is popped
// exactly once; every push that returned closed left its item with the
// producer; no item whose push was rejected is ever popped.
TYPED_TEST(channel_stress, close_under_load_accounts_for_every_push) {
  using item = owned_item;
  const long close_after = scaled(budget<TypeParam>::close_under_load_items, 1);
  vsem::basic_channel<item, TypeParam> ch(16);
  std::vector<long> done_pushes(producers, 0);
  std::vector<int> kept_rejected(producers, 0);  // closed pushes that kept their item
  std::vector<std::vector<std::uint64_t>> popped(consumers);
  std::atomic<long> popped_so_far{0};

  vsem_test::start_gate gate;
  {
    thread_group consumer_group;
    for (int c = 0; c < consumers; ++c) {
      consumer_group.spawn([&, c] {
        auto& mine = popped[static_cast<std::size_t>(c)];
        gate.wait();
        for (unsigned i = static_cast<unsigned>(c);; ++i) {
          vsem::pop_result<item> r = i % 2 == 0 ? ch.pop() : ch.try_pop_for(1ms);
          if (r.status == channel_status::closed) break;
          if (r.status != channel_status::done) continue;
          mine.push_back(**r.value);
          // relaxed: progress counter only.
          popped_so_far.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    thread_group producer_group;
    for (int p = 0; p < producers; ++p) {
      producer_group.spawn([&, p] {
        gate.wait();
        push_owned_until_closed(ch, p, done_pushes[static_cast<std::size_t>(p)],
                                kept_rejected[static_cast<std::size_t>(p)]);
      });
    }
    gate.open();
    const bool loaded = vsem_test::eventually(
        [&] { return popped_so_far.load(std::memory_order_relaxed) >= close_after; },
        stress_timeout);
    EXPECT_TRUE(loaded) << "consumers made no progress";
    ch.close();
    EXPECT_TRUE(producer_group.wait_all(stress_timeout)) << "close() left a producer blocked";
    EXPECT_TRUE(consumer_group.wait_all(stress_timeout)) << "close() left a consumer blocked";
  }

  long total_done = 0, total_popped = 0;
  check_every_push_accounted(done_pushes, kept_rejected, popped, total_done, total_popped);
  EXPECT_GE(total_popped, close_after);
  EXPECT_EQ(total_popped, total_done);
  EXPECT_EQ(ch.try_pop().status, channel_status::closed);
  std::printf("close under load: %ld pushes done, %ld popped\n", total_done, total_popped);
}

}  // namespace

// tests/lin/lin_stress_test.cpp: the linearizability checker on recorded real
// runs: a multi-threaded channel run (producers and consumers with every
// kind of push and pop, is_closed() probes, close() under load) and a
// semaphore run (acquire, try_acquire, timed acquires, release(n)) on the OS
// platform must pass; the same histories with one violation seeded in must be
// flagged with the rule it breaks; and a channel with one of vsem's mutants
// (a close() bug) on the fault platform must be caught. Sizes scale with
// VSEM_STRESS_SCALE.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <utility>
#include <vector>

#include <vsem/channel.hpp>
#include <vsem/fault/platform.hpp>
#include <vsem/mutation.hpp>
#include <vsem/semaphore.hpp>

#include "lin/checker.hpp"
#include "lin/recorder.hpp"
#include "lin/spec.hpp"
#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using vsem_lin::channel_history;
using vsem_lin::event;
using vsem_lin::op;
using vsem_lin::result;
using vsem_lin::rule;
using vsem_lin::semaphore_history;

// A small per-thread generator (xorshift64).
struct rng {
  std::uint64_t s;
  explicit rng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull | 1) {}
  std::uint64_t below(std::uint64_t n) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s % n;
  }
};

void print_rate(const char* what, const vsem_lin::report& rep) {
  std::printf("[ info     ] %s: %zu calls checked in %.3f s, %.2f M calls/s\n", what, rep.ops,
              rep.seconds, rep.ops_per_second() / 1e6);
}

// One producer: pushes its items (distinct: producer number in the high bits)
// by push, try_push or try_push_for, until done or closed each.
void produce(vsem::channel<std::uint64_t>& ch, vsem_lin::thread_log* log, std::uint64_t p,
             long items) {
  rng r(p + 1);
  for (long seq = 0; seq < items; ++seq) {
    const std::uint64_t item = p << 40 | static_cast<std::uint64_t>(seq);
    vsem::channel_status s = vsem::channel_status::full;
    while (s == vsem::channel_status::full || s == vsem::channel_status::timed_out) {
      const auto how = r.below(8);
      if (how == 0) (void)vsem_lin::record(log, op::is_closed, 0, [&] { return ch.is_closed(); });
      if (how < 4) {
        s = vsem_lin::record(log, op::push, item, [&] { return ch.push(item); });
      } else if (how < 6) {
        s = vsem_lin::record(log, op::try_push, item, [&] { return ch.try_push(item); });
      } else {
        const auto t = std::chrono::nanoseconds(r.below(50'000));
        s = vsem_lin::record(log, op::push_for, item, [&] { return ch.try_push_for(item, t); });
      }
    }
    if (s == vsem::channel_status::closed) return;
  }
}

// One consumer: pops by pop, try_pop or try_pop_for until closed; counts items.
void consume(vsem::channel<std::uint64_t>& ch, vsem_lin::thread_log* log, std::uint64_t c,
             std::atomic<long>& popped) {
  rng r(1000 + c);
  for (;;) {
    const auto how = r.below(8);
    vsem::pop_result<std::uint64_t> res{vsem::channel_status::empty, {}};
    if (how < 3) {
      res = vsem_lin::record(log, op::pop, 0, [&] { return ch.pop(); });
    } else if (how < 6) {
      res = vsem_lin::record(log, op::try_pop, 0, [&] { return ch.try_pop(); });
      if (res.status == vsem::channel_status::empty) std::this_thread::yield();
    } else {
      const auto t = std::chrono::nanoseconds(r.below(50'000));
      res = vsem_lin::record(log, op::pop_for, 0, [&] { return ch.try_pop_for(t); });
    }
    if (res.status == vsem::channel_status::closed) return;
    // relaxed: progress for the closing thread only.
    if (res.status == vsem::channel_status::done) popped.fetch_add(1, std::memory_order_relaxed);
  }
}

// A recorded run: 3 producers, 3 consumers, `items` per producer; the main
// thread closes the channel once half of all items were popped.
channel_history record_channel_run(std::size_t capacity, long items) {
  constexpr int producers = 3;
  constexpr int consumers = 3;
  vsem::channel<std::uint64_t> ch(capacity);
  vsem_lin::recorder rec(producers + consumers + 1, static_cast<std::size_t>(2 * items));
  std::atomic<long> popped{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] { produce(ch, rec.log(p), static_cast<std::uint64_t>(p), items); });
  }
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back(
        [&, c] { consume(ch, rec.log(producers + c), static_cast<std::uint64_t>(c), popped); });
  }
  vsem_lin::thread_log* main_log = rec.log(producers + consumers);
  // relaxed: a progress count; the channel orders the items.
  while (popped.load(std::memory_order_relaxed) < producers * items / 2) {
    std::this_thread::sleep_for(100us);
  }
  vsem_lin::record(main_log, op::close, 0, [&] { ch.close(); });
  for (auto& t : threads) t.join();
  return channel_history{capacity, rec.take()};
}

// A recorded semaphore run: 4 threads take permits (blocking only while they
// hold none) and give them back by release(n) with n the permits they hold;
// then the main thread drains the permits left with try_acquire.
semaphore_history record_semaphore_run(std::int64_t initial, long rounds) {
  constexpr int threads_n = 4;
  vsem::counting_semaphore<> sem(initial);
  vsem_lin::recorder rec(threads_n + 1, static_cast<std::size_t>(3 * rounds));
  std::vector<std::thread> threads;
  for (int i = 0; i < threads_n; ++i) {
    threads.emplace_back([&, i] {
      rng r(50 + static_cast<std::uint64_t>(i));
      vsem_lin::thread_log* log = rec.log(i);
      std::uint64_t held = 0;
      for (long k = 0; k < rounds; ++k) {
        const auto how = r.below(4);
        bool got = false;
        if (held == 0 && how == 0) {
          vsem_lin::record(log, op::acquire, 0, [&] { sem.acquire(); });
          got = true;
        } else if (how <= 1) {
          got = vsem_lin::record(log, op::try_acquire, 0, [&] { return sem.try_acquire(); });
        } else {
          const auto t = std::chrono::nanoseconds(r.below(20'000));
          got = vsem_lin::record(log, op::acquire_for, 0, [&] { return sem.try_acquire_for(t); });
        }
        if (got) ++held;
        if (held > 0 && (held == 2 || r.below(2) == 0)) {
          vsem_lin::record(log, op::release, held,
                           [&] { sem.release(static_cast<std::ptrdiff_t>(held)); });
          held = 0;
        }
      }
      if (held > 0) {
        vsem_lin::record(log, op::release, held,
                         [&] { sem.release(static_cast<std::ptrdiff_t>(held)); });
      }
    });
  }
  for (auto& t : threads) t.join();
  vsem_lin::thread_log* main_log = rec.log(threads_n);
  while (vsem_lin::record(main_log, op::try_acquire, 0, [&] { return sem.try_acquire(); })) {
  }
  return semaphore_history{initial, rec.take()};
}

long channel_items() {
  return vsem_test::scaled(60'000, 1000);
}
long semaphore_rounds() {
  return vsem_test::scaled(60'000, 1000);
}

TEST(lin_stress, recorded_channel_runs_are_linearizable) {
  for (const std::size_t capacity : {1, 64}) {
    const auto h = record_channel_run(capacity, channel_items());
    const auto rep = vsem_lin::check(h);
    EXPECT_TRUE(rep.ok()) << rep.text();
    print_rate(capacity == 1 ? "channel, capacity 1" : "channel, capacity 64", rep);
  }
}

TEST(lin_stress, recorded_semaphore_runs_are_linearizable) {
  for (const std::int64_t initial : {1, 3}) {
    const auto h = record_semaphore_run(initial, semaphore_rounds());
    const auto rep = vsem_lin::check(h);
    EXPECT_TRUE(rep.ok()) << rep.text();
    print_rate(initial == 1 ? "semaphore, 1 permit" : "semaphore, 3 permits", rep);
  }
}

// ---- seeded violations: one changed call in a recorded history --------------

// An independent count for the seeded tests: inserts `e` (kind and result set
// by the caller) into `h` at the first moment, before stamp `before`, at which
// a count is at least 1, and returns true (false if there is none). The count
// is `base`, plus the permits (release) or 1 (anything else) from the response
// of each call with `up`, minus 1 from the invocation of each call with
// `down`. All stamps are multiplied by 4 to make room: `e` lies in the gap
// after some stamp s, as [4s + 1, 4s + 2]. Nothing else changes, so no other
// rule can break.
template <class Up, class Down>
bool insert_where_certain(std::vector<event>& h, std::int64_t base, Up up, Down down,
                          std::uint64_t before, event e) {
  std::vector<std::pair<std::uint64_t, std::int64_t>> steps;  // (stamp, delta), every stamp
  for (const event& c : h) {
    const std::int64_t n = c.kind == op::release ? static_cast<std::int64_t>(c.value) : 1;
    steps.push_back({c.inv, down(c) ? -1 : 0});
    steps.push_back({c.resp, up(c) ? n : 0});
  }
  std::sort(steps.begin(), steps.end());
  std::int64_t count = base;
  for (std::size_t k = 0; k + 1 < steps.size() && steps[k + 1].first < before; ++k) {
    count += steps[k].second;
    if (count < 1) continue;
    for (event& c : h) {
      c.inv *= 4;
      c.resp *= 4;
    }
    e.inv = 4 * steps[k].first + 1;
    e.resp = 4 * steps[k].first + 2;
    h.push_back(e);
    return true;
  }
  return false;
}

// Expects `rep` to flag exactly one violation, of `r`, by the call `seeded`.
void expect_only(const vsem_lin::report& rep, rule r, const event& seeded) {
  ASSERT_EQ(rep.found, 1u) << rep.text();
  EXPECT_EQ(rep.violations[0].broken, r) << rep.text();
  EXPECT_EQ(rep.violations[0].ops.front().inv, seeded.inv) << rep.text();
}

// The first close() to begin (or never).
std::uint64_t first_close(const std::vector<event>& h) {
  std::uint64_t at = ~std::uint64_t{0};
  for (const event& e : h) {
    if (e.kind == op::close) at = std::min(at, e.inv);
  }
  return at;
}

bool done_push(const event& e) {
  return vsem_lin::is_push(e.kind) && e.res == result::done;
}
bool done_pop(const event& e) {
  return vsem_lin::is_pop(e.kind) && e.res == result::done;
}

// Two popped items swapped: a is the item popped first, b one pushed after a's
// push returned and popped after a's pop returned; now a's pop returns b.
TEST(lin_stress, a_seeded_fifo_violation_is_flagged) {
  auto h = record_channel_run(64, channel_items());
  std::vector<event*> pops;
  for (auto& e : h.events) {
    if (done_pop(e)) pops.push_back(&e);
  }
  ASSERT_GE(pops.size(), 2u);
  std::sort(pops.begin(), pops.end(),
            [](const event* x, const event* y) { return x->resp < y->resp; });
  const auto push_of = [&](std::uint64_t item) {
    return *std::find_if(h.events.begin(), h.events.end(),
                         [&](const event& e) { return done_push(e) && e.value == item; });
  };
  event* pop_a = pops.front();
  const event push_a = push_of(pop_a->value);
  event* pop_b = nullptr;
  for (event* p : pops) {
    if (p->inv > pop_a->resp && push_of(p->value).inv > push_a.resp) {
      pop_b = p;
      break;
    }
  }
  ASSERT_NE(pop_b, nullptr) << "no pair of items ordered in real time";
  std::swap(pop_a->value, pop_b->value);
  const auto rep = vsem_lin::check(h);
  EXPECT_TRUE(rep.flags(rule::fifo_order)) << rep.text();
  std::printf("[ info     ] the seeded violation's report:\n%s", rep.text(2).c_str());
}

// A try_pop that reports empty, inserted at a moment when items were
// certainly inside (pushes returned done minus pops begun >= 1).
TEST(lin_stress, a_seeded_empty_while_items_were_inside_is_flagged) {
  auto h = record_channel_run(64, channel_items());
  event e;
  e.thread = 99;
  e.kind = op::try_pop;
  e.res = result::empty;
  ASSERT_TRUE(insert_where_certain(h.events, 0, done_push, done_pop, first_close(h.events), e))
      << "no moment with items certainly inside before close()";
  e = h.events.back();
  expect_only(vsem_lin::check(h), rule::empty_while_nonempty, e);
}

// The semaphore history checked as if it had started with one permit fewer.
TEST(lin_stress, a_seeded_overdraw_is_flagged) {
  auto h = record_semaphore_run(2, semaphore_rounds());
  h.initial = 1;
  const auto rep = vsem_lin::check(h);
  EXPECT_TRUE(rep.flags(rule::overdraw)) << rep.text();
}

// A try_acquire that fails, inserted at a moment when permits were certainly
// available (initial, plus releases returned, minus acquires begun >= 1).
TEST(lin_stress, a_seeded_failure_while_permits_were_available_is_flagged) {
  auto h = record_semaphore_run(3, semaphore_rounds());
  const auto taken = [](const event& c) {
    return vsem_lin::is_acquire(c.kind) && c.res == result::done;
  };
  const auto release = [](const event& c) { return c.kind == op::release; };
  event e;
  e.thread = 99;
  e.kind = op::try_acquire;
  e.res = result::empty;
  ASSERT_TRUE(insert_where_certain(h.events, h.initial, release, taken, ~std::uint64_t{0}, e))
      << "no moment with permits certainly available";
  e = h.events.back();
  expect_only(vsem_lin::check(h), rule::failed_while_available, e);
}

// ---- a real bug in a real run ------------------------------------------------

// The fault platform (random sleeps around atomics) with one of vsem's own
// mutants switched on: channel_close_ignores_in_flight, a close() that lets
// consumers see `closed` while pushes that took their ticket before it are
// still storing (an order vsem once had).
struct close_ignores_in_flight : vsem::fault::platform {
  static constexpr bool mutated(vsem::mutation m) noexcept {
    return m == vsem::mutation::channel_close_ignores_in_flight;
  }
};

// One short run on the mutant: 3 producers push until closed, 3 consumers pop
// until closed, the main thread closes under load. Returns the report.
vsem_lin::report run_mutant_once() {
  vsem::basic_channel<std::uint64_t, close_ignores_in_flight> ch(64);
  vsem_lin::recorder rec(7);
  std::atomic<long> popped{0};
  std::vector<std::thread> threads;
  for (std::uint64_t p = 0; p < 3; ++p) {
    threads.emplace_back([&, p] {
      for (std::uint64_t seq = 0;; ++seq) {
        const std::uint64_t item = p << 40 | seq;
        if (vsem_lin::record(rec.log(static_cast<int>(p)), op::push, item,
                             [&] { return ch.push(item); }) != vsem::channel_status::done) {
          return;
        }
      }
    });
  }
  for (int c = 0; c < 3; ++c) {
    threads.emplace_back([&, c] {
      while (vsem_lin::record(rec.log(3 + c), op::pop, 0, [&] { return ch.pop(); })) {
        popped.fetch_add(1, std::memory_order_relaxed);  // relaxed: progress only
      }
    });
  }
  // relaxed: progress only; the channel orders the items.
  while (popped.load(std::memory_order_relaxed) < 2000) std::this_thread::sleep_for(100us);
  vsem_lin::record(rec.log(6), op::close, 0, [&] { ch.close(); });
  for (auto& t : threads) t.join();
  return vsem_lin::check(channel_history{64, rec.take()});
}

// The checker catches the mutant in a real run: some consumer sees `closed`
// while an item pushed (done) is popped only later or never. The window is a
// few fault-platform sleeps wide, so the run repeats until it is hit (about
// one run in three).
TEST(lin_stress, a_real_close_bug_is_caught) {
  for (int run = 1; run <= 60; ++run) {
    const auto rep = run_mutant_once();
    if (rep.ok()) continue;
    EXPECT_TRUE(rep.flags(rule::closed_before_drained)) << rep.text();
    std::printf("[ info     ] caught in run %d:\n%s", run, rep.text(2).c_str());
    return;
  }
  ADD_FAILURE() << "60 runs of the mutant passed the checker";
}

}  // namespace

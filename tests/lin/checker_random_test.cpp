// tests/lin/checker_random_test.cpp: the linearizability checker against
// random histories.
//   - Soundness by construction: calls run one at a time on the sequential
//     specification (spec.hpp), then each call's interval is widened around
//     its moment; such a history is linearizable, so it must pass.
//   - Soundness against the exhaustive search (brute_force.hpp): on small
//     histories with random results, every history the checker flags must
//     have no linearization. (How many non-linearizable ones it passes, its
//     incompleteness, is printed, not asserted.)
//   - Completeness where it is claimed (checker.hpp): on histories of pushes
//     and pops that all return done, with room to spare, the checker flags a
//     history exactly when it has no linearization.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <type_traits>
#include <utility>
#include <vector>

#include "lin/brute_force.hpp"
#include "lin/checker.hpp"
#include "lin/spec.hpp"

namespace {

using vsem_lin::channel_history;
using vsem_lin::event;
using vsem_lin::op;
using vsem_lin::result;
using vsem_lin::semaphore_history;
using vsem_lin_test::linearizable;
using rng_t = std::mt19937_64;

std::uint64_t below(rng_t& rng, std::uint64_t n) {
  return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
}

// Gives the calls distinct stamps from real times: call k's interval is
// [inv, resp] of `times[k]`, ranked among all of them.
void stamp(std::vector<event>& calls, const std::vector<std::pair<double, double>>& times) {
  std::vector<std::pair<double, std::size_t>> all;  // (time, 2k or 2k + 1)
  for (std::size_t k = 0; k < times.size(); ++k) {
    all.push_back({times[k].first, 2 * k});
    all.push_back({times[k].second, 2 * k + 1});
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size(); ++i) {
    event& e = calls[all[i].second / 2];
    (all[i].second % 2 == 0 ? e.inv : e.resp) = i + 1;
  }
}

// Sets `e`'s result (and a pop's item) to what `s` gives, and applies it;
// false when `e` is not enabled in `s` (a blocking call that would wait).
template <class Spec>
bool settle(Spec& s, event& e) {
  for (const result r : {result::done, result::full, result::empty, result::timed_out,
                         result::closed, result::open}) {
    if (!vsem_lin::possible(e.kind, r)) continue;
    Spec next = s;
    e.res = r;
    if constexpr (std::is_same_v<Spec, vsem_lin::channel_spec>) {
      if (vsem_lin::is_pop(e.kind)) e.value = next.items.empty() ? 0 : next.items.front();
    }
    if (next.apply(e)) {
      s = std::move(next);
      return true;
    }
  }
  return false;
}

// n calls applied one at a time to `s`, call k at moment k + 0.5, each
// widened by up to `width` on either side. Kinds from `kinds`.
template <class Spec>
std::vector<event> sequential_run(Spec s, const std::vector<op>& kinds, std::size_t n, double width,
                                  rng_t& rng) {
  std::vector<event> calls;
  std::vector<std::pair<double, double>> times;
  std::uniform_real_distribution<double> spread(0.01, width);
  std::uint64_t next_item = 1;
  while (calls.size() < n) {
    event e;
    e.kind = kinds[below(rng, kinds.size())];
    e.thread = static_cast<std::uint32_t>(calls.size());
    if (vsem_lin::is_push(e.kind)) e.value = next_item++;
    if (e.kind == op::release) e.value = 1 + below(rng, 3);
    if (!settle(s, e)) continue;
    const double at = static_cast<double>(calls.size()) + 0.5;
    calls.push_back(e);
    times.push_back({at - spread(rng), at + spread(rng)});
  }
  stamp(calls, times);
  return calls;
}

const std::vector<op> channel_ops = {op::push,    op::try_push, op::push_for,  op::pop,
                                     op::try_pop, op::pop_for,  op::push,      op::pop,
                                     op::try_pop, op::try_push, op::is_closed, op::close};
const std::vector<op> semaphore_ops = {op::acquire, op::try_acquire, op::acquire_for,
                                       op::release, op::release,     op::try_acquire};

TEST(lin_random, linearizable_channel_histories_pass) {
  rng_t rng(1);
  for (int round = 0; round < 2000; ++round) {
    vsem_lin::channel_spec s;
    s.capacity = 1 + below(rng, 4);
    const double width = round % 2 == 0 ? 2.0 : 12.0;
    channel_history h{s.capacity, sequential_run(s, channel_ops, 60, width, rng)};
    const auto rep = vsem_lin::check(h);
    ASSERT_TRUE(rep.ok()) << "round " << round << ":\n" << rep.text();
  }
}

TEST(lin_random, linearizable_semaphore_histories_pass) {
  rng_t rng(2);
  for (int round = 0; round < 2000; ++round) {
    vsem_lin::semaphore_spec s;
    s.count = static_cast<std::int64_t>(below(rng, 3));
    const double width = round % 2 == 0 ? 2.0 : 12.0;
    semaphore_history h{s.count, sequential_run(s, semaphore_ops, 60, width, rng)};
    const auto rep = vsem_lin::check(h);
    ASSERT_TRUE(rep.ok()) << "round " << round << ":\n" << rep.text();
  }
}

// A small history of `n` calls of kinds from `kinds` with random results
// (any the operation can return), items and intervals.
std::vector<event> random_calls(const std::vector<op>& kinds, std::size_t n, rng_t& rng) {
  constexpr result results[] = {result::done,      result::full,   result::empty,
                                result::timed_out, result::closed, result::open};
  std::vector<event> calls;
  std::vector<std::pair<double, double>> times;
  std::uniform_real_distribution<double> when(0.0, 1.0);
  while (calls.size() < n) {
    event e;
    e.kind = kinds[below(rng, kinds.size())];
    e.res = results[below(rng, 6)];
    if (!vsem_lin::possible(e.kind, e.res)) continue;
    if (vsem_lin::is_push(e.kind)) e.value = calls.size() + 1;  // distinct items
    if (vsem_lin::is_pop(e.kind) && e.res == result::done) e.value = 1 + below(rng, n);
    if (e.kind == op::release) e.value = 1 + below(rng, 2);
    e.thread = static_cast<std::uint32_t>(calls.size());
    double a = when(rng);
    double b = when(rng);
    if (a > b) std::swap(a, b);
    calls.push_back(e);
    times.push_back({a, b});
  }
  stamp(calls, times);
  return calls;
}

// A legal history of n calls (sequential_run) with one call's result changed
// at random (and a done pop's item, to any item of the history): histories
// at the edge of linearizability.
template <class Spec>
std::vector<event> near_miss(const Spec& s, const std::vector<op>& kinds, std::size_t n,
                             rng_t& rng) {
  constexpr result results[] = {result::done,      result::full,   result::empty,
                                result::timed_out, result::closed, result::open};
  auto calls = sequential_run(s, kinds, n, 1.0 + static_cast<double>(below(rng, 3)), rng);
  event& e = calls[below(rng, calls.size())];
  do {
    e.res = results[below(rng, 6)];
  } while (!vsem_lin::possible(e.kind, e.res));
  if (vsem_lin::is_pop(e.kind) && e.res == result::done) e.value = 1 + below(rng, n);
  return calls;
}

// Checks `rounds` random histories made by `make`: a flagged one must not be
// linearizable. Prints how many non-linearizable ones were flagged.
template <class Make>
void compare_with_search(const char* what, int rounds, Make make) {
  int not_linearizable = 0;
  int flagged = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto h = make();
    const bool lin = linearizable(h);
    const auto rep = vsem_lin::check(h);
    ASSERT_FALSE(!rep.ok() && lin) << what << " round " << round << ": flagged, but linearizable:\n"
                                   << rep.text();
    if (!lin) ++not_linearizable;
    if (!rep.ok()) ++flagged;
  }
  std::printf("[ info     ] %s: %d of %d random histories not linearizable, %d of them flagged\n",
              what, not_linearizable, rounds, flagged);
}

TEST(lin_random, flagged_channel_histories_are_not_linearizable) {
  rng_t rng(3);
  compare_with_search("channel, random results", 6000, [&] {
    return channel_history{1 + below(rng, 2), random_calls(channel_ops, 2 + below(rng, 5), rng)};
  });
  compare_with_search("channel, one result changed", 6000, [&] {
    vsem_lin::channel_spec s;
    s.capacity = 1 + below(rng, 2);
    return channel_history{s.capacity, near_miss(s, channel_ops, 3 + below(rng, 4), rng)};
  });
}

TEST(lin_random, flagged_semaphore_histories_are_not_linearizable) {
  rng_t rng(4);
  compare_with_search("semaphore, random results", 6000, [&] {
    return semaphore_history{static_cast<std::int64_t>(below(rng, 2)),
                             random_calls(semaphore_ops, 2 + below(rng, 5), rng)};
  });
  compare_with_search("semaphore, one result changed", 6000, [&] {
    vsem_lin::semaphore_spec s;
    s.count = static_cast<std::int64_t>(below(rng, 2));
    return semaphore_history{s.count, near_miss(s, semaphore_ops, 3 + below(rng, 4), rng)};
  });
}

// Pushes and pops that all return done, room to spare: the checker's item
// rules are the FIFO characterisation, so flagged == not linearizable.
TEST(lin_random, done_only_queue_histories_are_judged_exactly) {
  rng_t rng(5);
  int not_linearizable = 0;
  for (int round = 0; round < 6000; ++round) {
    const std::size_t n = 2 + below(rng, 6);
    auto calls = random_calls({op::push, op::pop}, n, rng);
    for (auto& e : calls) {
      e.res = result::done;
      if (e.kind == op::pop && e.value == 0) e.value = 1 + below(rng, n);
    }
    const channel_history h{n, calls};
    const bool lin = linearizable(h);
    const auto rep = vsem_lin::check(h);
    ASSERT_EQ(rep.ok(), lin) << "round " << round << ": the search says "
                             << (lin ? "linearizable" : "not linearizable") << "; the checker:\n"
                             << rep.text();
    if (!lin) ++not_linearizable;
  }
  EXPECT_GT(not_linearizable, 100);  // the test does see violations
}

}  // namespace

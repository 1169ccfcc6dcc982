// vsem-bench's channel benchmarks: the channel family, its queues and the
// diag_* diagnostics (see vsem_bench.cpp).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "bench_common.hpp"
#include "channel_peers.hpp"
#include "semaphore_peers.hpp"

namespace vsem_bench {

namespace {

// P producers and C consumers move channel_items items through one Queue per
// iteration. The threads are started once; each iteration bumps `round` to
// start them all and waits until `busy` falls back to 0.
template <class Queue>
void bm_channel(benchmark::State& state, int producers, int consumers, std::size_t capacity) {
  const std::int64_t items = channel_items;
  const auto expected =
      static_cast<std::uint64_t>(items) * static_cast<std::uint64_t>(items + 1) / 2;
  Queue q(capacity);
  std::atomic<std::uint32_t> round{0};
  std::atomic<int> busy{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> refused{false};   // a push or pop returned false
  std::atomic<std::uint64_t> sum{0};  // of the items consumed this round

  // Runs `body` once per round until stopped.
  auto worker = [&](auto body) {
    return std::thread([&round, &busy, &stop, body] {
      std::uint32_t seen = 0;
      for (;;) {
        round.wait(seen, std::memory_order_acquire);
        seen = round.load(std::memory_order_acquire);
        if (stop.load(std::memory_order_relaxed)) return;
        body();
        if (busy.fetch_sub(1, std::memory_order_acq_rel) == 1) busy.notify_one();
      }
    });
  };
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.push_back(worker([&q, &refused, p, producers, items] {
      bool ok = true;
      for (std::int64_t i = p; i < items; i += producers) ok &= q.push(static_cast<int>(i + 1));
      if (!ok) refused.store(true, std::memory_order_relaxed);
    }));
  }
  for (int c = 0; c < consumers; ++c) {
    // Consumer c pops its share: items / consumers, plus one of the remainder.
    const std::int64_t share = items / consumers + (c < items % consumers ? 1 : 0);
    threads.push_back(worker([&q, &refused, &sum, share] {
      bool ok = true;
      std::uint64_t local = 0;
      for (std::int64_t i = 0; i < share; ++i) {
        int v = 0;
        ok &= q.pop(v);
        local += static_cast<std::uint64_t>(v);
      }
      if (!ok) refused.store(true, std::memory_order_relaxed);
      sum.fetch_add(local, std::memory_order_relaxed);
    }));
  }

  for (auto _ : state) {
    sum.store(0, std::memory_order_relaxed);
    busy.store(producers + consumers, std::memory_order_relaxed);
    // release: the workers' acquire load of `round` sees `busy` and `sum` reset.
    round.fetch_add(1, std::memory_order_release);
    round.notify_all();
    for (int b; (b = busy.load(std::memory_order_acquire)) != 0;) {
      busy.wait(b, std::memory_order_acquire);
    }
    if (refused.load(std::memory_order_relaxed)) {
      state.SkipWithError("a push or pop was refused");
      break;
    }
    if (const std::uint64_t got = sum.load(std::memory_order_relaxed); got != expected) {
      static thread_local char message[160];
      std::snprintf(
          message, sizeof message, "checksum mismatch: consumed items sum to %llu, expected %llu",
          static_cast<unsigned long long>(got), static_cast<unsigned long long>(expected));
      state.SkipWithError(message);
      break;
    }
  }

  stop.store(true, std::memory_order_relaxed);  // ordered by the release on `round`
  round.fetch_add(1, std::memory_order_release);
  round.notify_all();
  for (auto& t : threads) t.join();
  state.SetItemsProcessed(state.iterations() * items);
}

}  // namespace

// The channel family: for each shape and capacity, every queue back to back.
void register_channel(bool diagnostics) {
  using all = peers<vsem_channel_queue, two_semaphore_ring<std_semaphore>, moodycamel_bounded_queue,
#if VSEM_BENCH_HAVE_RWCB
                    moodycamel_rwcb_queue,
#endif
                    tbb_bounded_queue, mutex_cv_queue, moodycamel_unbounded_queue>;
  static const char* const ids[] = {
    "vsem",
    "std_ring",
    "moodycamel_bounded",
#if VSEM_BENCH_HAVE_RWCB
    "moodycamel_rwcb",
#endif
    "tbb",
    "mutex_cv",
    "moodycamel_unbounded"
  };
  // Diagnostic (--vsem_channel_diag): vsem::channel's design rebuilt from parts.
  using diag = peers<two_semaphore_ring<vsem_semaphore, vsem_binary_lock, true>,
                     two_semaphore_ring<vsem_semaphore, vsem_binary_lock, false>,
                     two_semaphore_ring<vsem_semaphore, std::mutex, false>>;
  static const char* const diag_ids[] = {"diag_vsem_binsem_inside", "diag_vsem_binsem",
                                         "diag_vsem_mutex"};
  const struct {
    const char* name;
    int producers;
    int consumers;
  } shapes[] = {{"1p1c", 1, 1}, {"2p2c", 2, 2}};
  for (const auto& shape : shapes) {
    for (const std::size_t capacity : {1, 64, 1024}) {
      auto reg = [&shape, capacity]<class Queue>(const std::string& id) {
        if (Queue::spsc && (shape.producers > 1 || shape.consumers > 1)) return;
        const std::string name =
            "channel/" + id + "/" + shape.name + "/cap:" + std::to_string(capacity);
        benchmark::RegisterBenchmark(name.c_str(), &bm_channel<Queue>, shape.producers,
                                     shape.consumers, capacity)
            ->UseRealTime();
      };
      all::each(ids, reg);
      if (diagnostics) diag::each(diag_ids, reg);
    }
  }
}

}  // namespace vsem_bench

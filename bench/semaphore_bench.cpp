// vsem-bench's semaphore benchmarks: the uncontended, handoff and contended
// families and the spin_sweep diagnostic (see vsem_bench.cpp).
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
#include "semaphore_peers.hpp"

namespace vsem_bench {

namespace {

template <class Sem>
void bm_uncontended(benchmark::State& state) {
  Sem s(state.range(0));
  for (auto _ : state) {
    if constexpr (std::is_same_v<Sem, raw_atomic_semaphore>) {
      s.take_unchecked();  // fetch_sub
    } else {
      s.acquire();
    }
    s.release();
  }
  state.SetItemsProcessed(state.iterations());
}

template <class Sem>
void bm_handoff(benchmark::State& state, placement where) {
  const int main_cpu = where == placement::unpinned ? -1 : 0;
  const int partner_cpu =
      where == placement::unpinned ? -1 : (where == placement::cross_cpu ? 1 : 0);
  if ((main_cpu >= 0 && !cpu_allowed(main_cpu)) ||
      (partner_cpu >= 0 && !cpu_allowed(partner_cpu))) {
    state.SkipWithError("CPU 0 or 1 is not available to this process");
    for (auto _ : state) {
    }
    return;
  }
  pin_guard pin(main_cpu);
  if (!pin.ok()) {
    state.SkipWithError("pthread_setaffinity_np failed");
    for (auto _ : state) {
    }
    return;
  }

  Sem ping(0);
  Sem pong(0);
  std::atomic<bool> stop{false};
  std::atomic<int> partner_state{0};  // 0 starting, 1 ready, -1 could not pin
  std::thread partner([&] {
    const bool pinned = partner_cpu < 0 || pin_self(partner_cpu);
    partner_state.store(pinned ? 1 : -1, std::memory_order_release);
    for (;;) {
      ping.acquire();
      if (stop.load(std::memory_order_relaxed)) return;
      pong.release();
    }
  });
  while (partner_state.load(std::memory_order_acquire) == 0) std::this_thread::yield();

  if (partner_state.load(std::memory_order_relaxed) < 0) {
    state.SkipWithError("pthread_setaffinity_np failed for the partner thread");
  }
  for (auto _ : state) {
    for (std::int64_t i = 0; i < kRoundTrips; ++i) {
      ping.release();
      pong.acquire();
    }
  }

  stop.store(true, std::memory_order_relaxed);  // ordered by ping's release/acquire
  ping.release();
  partner.join();
  state.SetItemsProcessed(state.iterations() * kRoundTrips);
}

// One semaphore per peer type, shared by the threads of one run. Thread 0
// creates it before the timed loop and destroys it after; Google Benchmark's
// start and stop barriers order those against the other threads' loops.
template <class Sem>
std::unique_ptr<Sem>& contended_semaphore() {
  static std::unique_ptr<Sem> s;
  return s;
}

template <class Sem>
void bm_contended(benchmark::State& state) {
  auto& s = contended_semaphore<Sem>();
  if (state.thread_index() == 0) s = std::make_unique<Sem>(1);
  for (auto _ : state) {
    s->acquire();
    s->release();
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) s.reset();
}

}  // namespace

void register_all() {
  using all = peers<raw_atomic_semaphore, vsem_semaphore, std_semaphore, posix_semaphore,
                    moodycamel_semaphore, mutex_cv_semaphore>;
  static const char* const ids[] = {"raw_atomic", "vsem", "std", "posix", "moodycamel", "mutex_cv"};

  all::each(ids, []<class Sem>(const std::string& id) {
    benchmark::RegisterBenchmark(("uncontended/" + id).c_str(), &bm_uncontended<Sem>)
        ->ArgName("count")
        ->Arg(1)
        ->Arg(2);
  });
  benchmark::RegisterBenchmark("uncontended/raw_cas", &bm_uncontended<raw_cas_semaphore>)
      ->ArgName("count")
      ->Arg(1)
      ->Arg(2);
  const struct {
    const char* name;
    placement where;
  } placements[] = {{"unpinned", placement::unpinned},
                    {"cross_cpu", placement::cross_cpu},
                    {"same_cpu", placement::same_cpu}};
  for (const auto& p : placements) {
    all::each(ids, [&p]<class Sem>(const std::string& id) {
      benchmark::RegisterBenchmark(("handoff/" + id + "/" + p.name).c_str(), &bm_handoff<Sem>,
                                   p.where)
          ->UseRealTime();
    });
  }
  for (const int threads : {2, 4}) {
    all::each(ids, [threads]<class Sem>(const std::string& id) {
      benchmark::RegisterBenchmark(("contended/" + id).c_str(), &bm_contended<Sem>)
          ->Threads(threads)
          ->UseRealTime();
    });
  }
}

// Diagnostic (--vsem_spin_sweep): vsem's handoff at other spin limits.
void register_spin_sweep() {
  const struct {
    const char* name;
    placement where;
  } placements[] = {{"unpinned", placement::unpinned},
                    {"cross_cpu", placement::cross_cpu},
                    {"same_cpu", placement::same_cpu}};
  for (const auto& p : placements) {
    using sweep = peers<vsem_spin_semaphore<0>, vsem_spin_semaphore<64>, vsem_spin_semaphore<256>,
                        vsem_spin_semaphore<1024>, vsem_spin_semaphore<4096>>;
    static const char* const ids[] = {"spin:0", "spin:64", "spin:256", "spin:1024", "spin:4096"};
    sweep::each(ids, [&p]<class Sem>(const std::string& id) {
      benchmark::RegisterBenchmark(("spin_sweep/" + id + "/" + p.name).c_str(), &bm_handoff<Sem>,
                                   p.where)
          ->UseRealTime();
    });
  }
}

}  // namespace vsem_bench

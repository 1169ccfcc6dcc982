// Shared by the parts of vsem-bench (vsem_bench.cpp: main; semaphore_bench.cpp,
// channel_bench.cpp: the benchmarks): the sizes of an iteration, CPU
// placement, and the registration of one family for every peer.
#pragma once

#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace vsem_bench {

constexpr std::int64_t kRoundTrips = 1000;  // round trips per handoff iteration

// Items moved per channel iteration; --vsem_channel_items=N changes it.
constexpr std::int64_t kChannelItems = 100000;
inline std::int64_t channel_items = kChannelItems;

// ---- CPU placement ---------------------------------------------------------

enum class placement { unpinned, cross_cpu, same_cpu };

inline bool cpu_allowed(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0) return false;
  return CPU_ISSET(cpu, &set);
}

inline bool pin_self(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

// Pins the calling thread to `cpu` (or leaves it alone for cpu < 0) and
// restores its previous affinity on destruction: the benchmark's own thread is
// the program's main thread and must not stay pinned for the next benchmark.
class pin_guard {
 public:
  explicit pin_guard(int cpu) {
    if (cpu < 0) return;
    CPU_ZERO(&saved_);
    saved_ok_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
    ok_ = pin_self(cpu);
  }
  ~pin_guard() {
    if (saved_ok_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }
  pin_guard(const pin_guard&) = delete;
  pin_guard& operator=(const pin_guard&) = delete;
  bool ok() const { return ok_; }

 private:
  cpu_set_t saved_{};
  bool saved_ok_ = false;
  bool ok_ = true;
};

// Registers one family for every peer, in this order, so that the peers of a
// family run back to back (on a noisy machine, close in time is fairer).
template <class... Sems>
struct peers {
  template <class Register>
  static void each(const char* const (&ids)[sizeof...(Sems)], Register reg) {
    std::size_t i = 0;
    (reg.template operator()<Sems>(std::string(ids[i++])), ...);
  }
};

// semaphore_bench.cpp: the uncontended, handoff and contended families; the
// spin_sweep family (--vsem_spin_sweep).
void register_all();
void register_spin_sweep();
// channel_bench.cpp: the channel family (diagnostics: --vsem_channel_diag).
void register_channel(bool diagnostics);

}  // namespace vsem_bench

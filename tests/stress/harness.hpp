// tests/stress/harness.hpp: the harness under vsem-stress's scenarios and the
// GoogleTest stress tests that run them: what a scenario run gets (context)
// and reports (outcome), the watchdog that turns a blocked call into a FAIL
// line and exit status 3 instead of a hang, per-thread random numbers, the
// failure log, and threads that start together (crew).
//
// The harness never synchronises through vsem itself: threads start, meet and
// stop through std::barrier, std::mutex, std::thread::join and plain atomics,
// so that a bug in vsem cannot hide behind it.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <vsem/channel.hpp>
#include <vsem/platform.hpp>
#include <vsem/semaphore.hpp>

#include "support/format.hpp"
#include "support/test_support.hpp"

namespace vsem_lin {
class session;  // lin/session.hpp: the linearizability checks of a run
}  // namespace vsem_lin

namespace vsem_stress {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using nanos = std::chrono::nanoseconds;

constexpr std::ptrdiff_t count_limit = std::numeric_limits<std::int32_t>::max();

template <class P>
using counting = vsem::counting_semaphore<count_limit, P>;
template <class P>
using binary = vsem::basic_binary_semaphore<P>;
template <class P>
using channel_of = vsem::basic_channel<std::uint64_t, P>;
static_assert(std::is_same_v<channel_of<vsem::os_platform>, vsem::channel<std::uint64_t>>);

// How long a blocking call may take before the watchdog declares it lost.
constexpr nanos blocked_limit = 10s;

// ---- small helpers -----------------------------------------------------------

using vsem_test::format;

// A duration for humans: 850ns, 12.3us, 4.56ms, 1.20s.
inline std::string human(nanos d) {
  const double ns = static_cast<double>(d.count());
  if (ns < 1e3) return format("%.0fns", ns);
  if (ns < 1e6) return format("%.1fus", ns / 1e3);
  if (ns < 1e9) return format("%.2fms", ns / 1e6);
  return format("%.2fs", ns / 1e9);
}

inline double seconds_of(nanos d) {
  return std::chrono::duration<double>(d).count();
}

inline std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A small per-thread generator: xorshift64 seeded from --seed and a stream
// number (scenario and thread), so a seed reproduces each thread's choices.
class rng {
 public:
  rng(std::uint64_t seed, std::uint64_t stream) : s_(splitmix(seed ^ splitmix(stream)) | 1) {}
  std::uint64_t next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool one_in(std::uint64_t n) { return below(n) == 0; }

 private:
  std::uint64_t s_;
};

// The first failure reported by any thread, and how many there were.
class failure_log {
 public:
  void add(const std::string& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (count_++ == 0) first_ = why;
    // relaxed: a hint for loops that stop early; the mutex orders the text.
    any_.store(true, std::memory_order_relaxed);
  }
  bool any() const noexcept { return any_.load(std::memory_order_relaxed); }
  std::string summary() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (count_ <= 1) return first_;
    return first_ + format(" (and %ld more)", count_ - 1);
  }

 private:
  mutable std::mutex mutex_;
  std::string first_;
  long count_ = 0;
  std::atomic<bool> any_{false};
};

// The longest blocking call of a scenario, merged from per-thread maxima.
class longest_wait {
 public:
  void merge(nanos d) noexcept {
    // relaxed: a maximum of numbers; read after the threads are joined.
    std::int64_t cur = max_.load(std::memory_order_relaxed);
    while (cur < d.count() &&
           !max_.compare_exchange_weak(cur, d.count(), std::memory_order_relaxed)) {
    }
  }
  nanos get() const noexcept { return nanos(max_.load(std::memory_order_relaxed)); }

 private:
  std::atomic<std::int64_t> max_{0};
};

// ---- the watchdog ------------------------------------------------------------

// One thread's blocking call in flight, for the watchdog: when it started
// (steady_clock ticks, 0 when idle) and what it is.
struct alignas(64) watch_slot {
  std::atomic<std::int64_t> since{0};
  std::atomic<const char*> what{""};

  void begin(steady::time_point t, const char* call) noexcept {
    // relaxed: read only by the watchdog, which needs no ordering with the call.
    what.store(call, std::memory_order_relaxed);
    since.store(std::max<std::int64_t>(1, t.time_since_epoch().count()), std::memory_order_relaxed);
  }
  void end() noexcept { since.store(0, std::memory_order_relaxed); }
};

// Watches the blocking calls of one scenario run, and its time budget. A
// thread polls every 20 ms: once `deadline` has passed it raises the stop flag
// (the scenario winds down), and when a call has been blocked for more than
// `limit` it prints a FAIL line with describe() (the state of the objects
// involved) and exits the process with status 3: a lost wakeup fails the run
// instead of hanging it. Declare it after everything describe() reads, and
// join every watched thread before it is destroyed.
class watchdog {
 public:
  watchdog(std::string label, int slots, nanos limit, steady::time_point deadline,
           std::function<std::string()> describe)
      : label_(std::move(label)),
        slots_(std::make_unique<watch_slot[]>(static_cast<std::size_t>(slots))),
        count_(slots),
        limit_(limit),
        deadline_(deadline),
        describe_(std::move(describe)),
        thread_([this] { run(); }) {}

  ~watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;

  watch_slot& slot(int i) noexcept { return slots_[static_cast<std::size_t>(i)]; }

  // True once the scenario's time budget is spent.
  bool stop_requested() const noexcept { return stop_.load(std::memory_order_relaxed); }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!cv_.wait_for(lock, 20ms, [&] { return quit_; })) {
      const auto now = steady::now();
      // relaxed: a flag polled by the workers; nothing is published with it.
      if (now >= deadline_) stop_.store(true, std::memory_order_relaxed);
      for (int i = 0; i < count_; ++i) {
        const std::int64_t since = slot(i).since.load(std::memory_order_relaxed);
        if (since == 0) continue;
        const nanos blocked = now.time_since_epoch() - steady::duration(since);
        if (blocked > limit_) fire(i, blocked);
      }
    }
  }

  [[noreturn]] void fire(int i, nanos blocked) {
    const std::string state = describe_ ? describe_() : std::string();
    std::printf(
        "%s ops=? FAIL: watchdog: %s in watched thread %d has been blocked for %s "
        "(limit %s); %s\n",
        label_.c_str(), slot(i).what.load(std::memory_order_relaxed), i, human(blocked).c_str(),
        human(limit_).c_str(), state.c_str());
    std::printf("vsem-stress: exiting with status 3 instead of hanging\n");
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(3);
  }

  const std::string label_;
  std::unique_ptr<watch_slot[]> slots_;
  const int count_;
  const nanos limit_;
  const steady::time_point deadline_;
  const std::function<std::string()> describe_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool quit_ = false;  // guarded by mutex_
  std::thread thread_;
};

// Runs one blocking call f under a watch slot and keeps the longest duration.
template <class F>
auto timed_call(watch_slot& slot, const char* what, nanos& longest, F&& f) {
  const auto t0 = steady::now();
  slot.begin(t0, what);
  if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
    f();
    const auto d = steady::now() - t0;
    slot.end();
    longest = std::max<nanos>(longest, d);
  } else {
    auto r = f();
    const auto d = steady::now() - t0;
    slot.end();
    longest = std::max<nanos>(longest, d);
    return r;
  }
}

// Threads that start together (held at a gate until start()) and are joined.
class crew {
 public:
  crew() = default;
  crew(const crew&) = delete;
  crew& operator=(const crew&) = delete;
  ~crew() { join(); }

  template <class F>
  void spawn(F f) {
    threads_.emplace_back([this, f = std::move(f)]() mutable {
      gate_.wait();
      f();
    });
  }
  void start() { gate_.open(); }
  void join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::vector<std::thread> threads_;
  vsem_test::start_gate gate_;
};

// Polls until `sem` has at least `n` registered waiters, at most `limit`.
template <class Semaphore>
bool wait_for_waiters(const Semaphore& sem, std::uint32_t n, nanos limit) {
  const auto until = steady::now() + limit;
  while (sem.debug_snapshot().waiters < n) {
    if (steady::now() >= until) return false;
    std::this_thread::yield();
  }
  return true;
}

// ---- what a scenario gets and reports ------------------------------------------

// What a scenario run gets.
struct context {
  const char* scenario;
  const char* platform;
  int threads;                  // --threads: the contending threads (see each scenario)
  long long ops;                // operations to do, at most
  steady::time_point deadline;  // stop early when this passes
  std::uint64_t seed;
  // Not null: record the history of each object the scenario runs
  // (lin/recorder.hpp) and check it with this session when the object's run
  // ends; a violation fails the scenario (--check-linearizability).
  vsem_lin::session* lin = nullptr;
};

// What a scenario run reports.
struct outcome {
  int threads = 0;      // threads it ran
  long long ops = 0;    // operations it did
  nanos elapsed{0};     // filled in by the driver
  nanos longest{0};     // longest blocking call
  std::string detail;   // extra key=value fields
  std::string failure;  // empty: PASS
};

// The first fields of a result line, also used by the watchdog's FAIL line.
inline std::string label(const char* scenario, const char* platform, int threads) {
  return format("%-21s platform=%-5s threads=%-3d", scenario, platform, threads);
}
inline std::string label(const context& cx, int threads) {
  return label(cx.scenario, cx.platform, threads);
}

// A time point `part` of the way from `from` to `to`.
inline steady::time_point split(steady::time_point from, steady::time_point to, double part) {
  const auto span = to - from;
  return from + std::chrono::duration_cast<steady::duration>(span * part);
}

}  // namespace vsem_stress

// tests/stress/vsem_stress.cpp: vsem-stress, the stress harness for
// vsem::counting_semaphore and vsem::channel.
//
//   vsem-stress [--scenario NAME|all] [--threads N] [--ops N] [--duration SECONDS]
//               [--platform os|fault] [--mode ci|soak] [--seed S] [--list] [--help]
//
// Each scenario has the shape of a semaphore bug that shipped somewhere (lost
// wakeups in barrier-driven rounds, timeouts that swallow a permit, a release
// that touches a semaphore its waiter has already destroyed, ...), runs many
// threads against one object, and checks an invariant at the end. Scenarios
// are templates over the platform, so `--platform fault` runs the very same
// code on vsem::fault::platform (early futex returns, yields and sleeps around
// every atomic; rate and seed from VSEM_FAULT_RATE and VSEM_FAULT_SEED, the
// latter defaulting to --seed) and fails a scenario in which no fault was
// injected.
//
// Output: one line per scenario,
//
//   NAME  platform=P threads=T ops=N seconds=S ops/s=R longest_wait=W [details] PASS
//   NAME  platform=P threads=T ops=N seconds=S ops/s=R longest_wait=W [details] FAIL: reason
//
// where longest_wait is the longest single blocking call (acquire, timed
// acquire, push, pop and their timed forms), measured with steady_clock, and
// `--platform fault` adds the faults injected during the scenario. A final
// line counts the scenarios that passed and failed.
//
// Modes. `--mode ci` (the default) runs each scenario once: it stops after its
// --ops operations (default: per scenario, scaled by VSEM_STRESS_SCALE and,
// under ThreadSanitizer or AddressSanitizer, scaled down) or after a time cap
// of 2 s (--duration overrides the cap), whichever comes first. `--mode soak`
// runs each scenario repeatedly for --duration seconds (default 60), printing
// a progress line every 5 s.
//
// Never hangs. Every blocking call is watched: a call still blocked after 10 s
// (1 s in tiny_timeouts) makes the watchdog print a FAIL line with the state
// of the objects involved (debug_snapshot()) and exit at once.
//
// Exit status: 0 every scenario passed; 1 a scenario failed; 2 bad command
// line; 3 the watchdog found a blocked call.
//
// The harness never synchronises through vsem itself: threads start, meet and
// stop through std::barrier, std::mutex, std::thread::join and plain atomics,
// so that a bug in vsem cannot hide behind it.

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
#include <vsem/fault/platform.hpp>
#include <vsem/platform.hpp>
#include <vsem/semaphore.hpp>

#include "support/test_support.hpp"

// Sanitizer builds run the same scenarios with fewer default operations (the
// harness only; nothing in impl/ knows about sanitizers).
#if defined(__SANITIZE_THREAD__)
#define VSEM_STRESS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VSEM_STRESS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define VSEM_STRESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VSEM_STRESS_ASAN 1
#endif
#endif

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using nanos = std::chrono::nanoseconds;

#if defined(VSEM_STRESS_TSAN)
constexpr const char* sanitizer = "tsan";
constexpr double sanitizer_ops_factor = 0.5;
#elif defined(VSEM_STRESS_ASAN)
constexpr const char* sanitizer = "asan";
constexpr double sanitizer_ops_factor = 0.5;
#else
constexpr const char* sanitizer = "none";
constexpr double sanitizer_ops_factor = 1.0;
#endif

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
// tiny_timeouts: how long a call that must time out at once may take.
constexpr nanos tiny_call_limit = 1s;
// --mode ci: the default time cap of one scenario.
constexpr double ci_time_cap_seconds = 2.0;
// --mode soak: the default duration of one scenario, and the progress period.
constexpr double soak_default_seconds = 60.0;
constexpr nanos soak_progress_period = 5s;

// ---- small helpers -----------------------------------------------------------

[[gnu::format(printf, 1, 2)]] std::string format(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  std::string s(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(s.data(), s.size() + 1, fmt, args);
  va_end(args);
  return s;
}

// A duration for humans: 850ns, 12.3us, 4.56ms, 1.20s.
std::string human(nanos d) {
  const double ns = static_cast<double>(d.count());
  if (ns < 1e3) return format("%.0fns", ns);
  if (ns < 1e6) return format("%.1fus", ns / 1e3);
  if (ns < 1e9) return format("%.2fms", ns / 1e6);
  return format("%.2fs", ns / 1e9);
}

double seconds_of(nanos d) {
  return std::chrono::duration<double>(d).count();
}

std::uint64_t splitmix(std::uint64_t x) {
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

// ---- scenarios -----------------------------------------------------------------

// What a scenario run gets.
struct context {
  const char* scenario;
  const char* platform;
  int threads;                  // --threads: the contending threads (see each scenario)
  long long ops;                // operations to do, at most
  steady::time_point deadline;  // stop early when this passes
  std::uint64_t seed;
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
std::string label(const char* scenario, const char* platform, int threads) {
  return format("%-21s platform=%-5s threads=%-3d", scenario, platform, threads);
}
std::string label(const context& cx, int threads) {
  return label(cx.scenario, cx.platform, threads);
}

// A time point `part` of the way from `from` to `to`.
steady::time_point split(steady::time_point from, steady::time_point to, double part) {
  const auto span = to - from;
  return from + std::chrono::duration_cast<steady::duration>(span * part);
}

// 1. barrier_rounds: the shape of libc++'s lost-wakeup test. N acquirers and
// one releaser meet at a std::barrier; in each round every acquirer calls
// acquire() on a semaphore at zero, and the releaser adds N permits, as N
// release(1) calls in even rounds and one release(N) in odd ones. In every
// other pair of rounds the releaser first waits until all N acquirers are
// registered as waiters (all asleep), so both the racing and the sleeping
// paths run. Each round must end with the semaphore at count 0 and no waiter;
// a round that takes over 10 s (a lost wakeup) fires the watchdog.
// --threads N: N acquirers (plus the releaser). ops: acquires.
template <class P>
outcome barrier_rounds(const context& cx) {
  const int n = cx.threads;
  const long long rounds_target = std::max<long long>(1, (cx.ops + n - 1) / n);
  counting<P> sem(0);
  failure_log failures;
  longest_wait longest;
  // For the watchdog's diagnostics (relaxed: a racy report is fine).
  std::atomic<long long> rounds_done{0};
  std::atomic<int> returned{0};        // acquirers back from acquire() this round
  std::atomic<int> releaser_stage{0};  // 0 at the barrier, 1 waiting for sleepers, 2 releasing
  long long slow_registrations = 0;    // releaser only; read after the join
  const int releaser_slot = n;
  const int round_slot = n + 1;
  watchdog dog(label(cx, n + 1), n + 2, blocked_limit, cx.deadline, [&] {
    static constexpr const char* stages[] = {"at the barrier", "waiting for sleepers", "releasing"};
    const auto s = sem.debug_snapshot();
    return format(
        "round %lld: %d of %d acquirers returned, releaser %s; semaphore count=%u "
        "waiters=%u",
        rounds_done.load(std::memory_order_relaxed) + 1, returned.load(std::memory_order_relaxed),
        n, stages[releaser_stage.load(std::memory_order_relaxed)], s.count, s.waiters);
  });

  // Written only by the barrier's completion step, which every thread's
  // arrive_and_wait() synchronises with; read after the barrier.
  bool go = false;
  bool start_of_round = true;
  long long rounds = 0;
  auto on_phase = [&]() noexcept {
    if (start_of_round) {
      go = rounds < rounds_target && !dog.stop_requested() && !failures.any();
      if (go) {
        returned.store(0, std::memory_order_relaxed);
        dog.slot(round_slot).begin(steady::now(), "a barrier round");
      }
    } else {
      dog.slot(round_slot).end();
      const auto s = sem.debug_snapshot();
      if (s.count != 0 || s.waiters != 0) {
        failures.add(
            format("after round %lld the semaphore holds count=%u waiters=%u "
                   "(expected 0 and 0)",
                   rounds + 1, s.count, s.waiters));
      }
      rounds_done.store(++rounds, std::memory_order_relaxed);
    }
    start_of_round = !start_of_round;
  };
  std::barrier sync(n + 1, on_phase);

  crew threads;
  for (int i = 0; i < n; ++i) {
    threads.spawn([&, i] {
      nanos mine{0};
      for (;;) {
        sync.arrive_and_wait();  // start of a round
        if (!go) break;
        timed_call(dog.slot(i), "acquire()", mine, [&] { sem.acquire(); });
        returned.fetch_add(1, std::memory_order_relaxed);
        sync.arrive_and_wait();  // end of the round
      }
      longest.merge(mine);
    });
  }
  threads.spawn([&] {
    rng r(cx.seed, 1000);
    for (long long round = 0;; ++round) {
      sync.arrive_and_wait();
      if (!go) break;
      if ((round / 2) % 2 == 1) {
        releaser_stage.store(1, std::memory_order_relaxed);
        dog.slot(releaser_slot).begin(steady::now(), "waiting for sleepers");
        if (!wait_for_waiters(sem, static_cast<std::uint32_t>(n), 1s)) ++slow_registrations;
        dog.slot(releaser_slot).end();
      }
      releaser_stage.store(2, std::memory_order_relaxed);
      if (round % 2 == 0) {
        for (int k = 0; k < n; ++k) {
          sem.release(1);
          if (r.one_in(4)) std::this_thread::yield();  // let a woken acquirer run in between
        }
      } else {
        sem.release(n);
      }
      releaser_stage.store(0, std::memory_order_relaxed);
      sync.arrive_and_wait();
    }
  });
  threads.start();
  threads.join();

  outcome out;
  out.threads = n + 1;
  out.ops = rounds * n;
  out.longest = longest.get();
  out.detail = format("rounds=%lld", rounds);
  if (slow_registrations != 0) out.detail += format(" slow_registrations=%lld", slow_registrations);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

// A random short timeout: 0, up to 1 us, up to 20 us, up to 220 us, or up to 2 ms.
nanos short_timeout(rng& r) {
  switch (r.below(8)) {
    case 0:
      return nanos(0);
    case 1:
    case 2:
      return nanos(r.below(1000));
    case 3:
    case 4:
      return nanos(1000 + r.below(19'000));
    case 5:
    case 6:
      return nanos(20'000 + r.below(200'000));
    default:
      return nanos(500'000 + r.below(1'500'000));
  }
}

// 2. timed_vs_release_n: N threads loop in try_acquire_for (and
// try_acquire_until on steady_clock and system_clock) with random short
// timeouts, racing one releaser that adds permits with release(n) for random
// n, keeping the count near zero so that timeouts and releases collide. At the
// end the permits left are drained with try_acquire: taken + left must equal
// released (a timeout that swallowed a permit, or a permit taken twice, breaks
// it), and no waiter may stay registered. --threads N: N timed acquirers (plus
// the releaser). ops: permits released.
template <class P>
outcome timed_vs_release_n(const context& cx) {
  const int n = cx.threads;
  counting<P> sem(0);
  failure_log failures;
  longest_wait longest;
  std::atomic<bool> releasing{true};
  std::atomic<long long> released_so_far{0};                        // diagnostics only
  std::vector<long long> taken(static_cast<std::size_t>(n), 0);     // [i] by thread i
  std::vector<long long> timeouts(static_cast<std::size_t>(n), 0);  // [i] by thread i
  long long released = 0;                                           // by the releaser
  watchdog dog(label(cx, n + 1), n, blocked_limit, cx.deadline, [&] {
    const auto s = sem.debug_snapshot();
    return format("%lld permits released so far; semaphore count=%u waiters=%u",
                  released_so_far.load(std::memory_order_relaxed), s.count, s.waiters);
  });

  crew threads;
  for (int i = 0; i < n; ++i) {
    threads.spawn([&, i] {
      rng r(cx.seed, 2000 + static_cast<std::uint64_t>(i));
      nanos mine{0};
      long long got_n = 0;
      long long missed = 0;
      // Until the releaser is done; permits nobody took are drained at the end.
      while (releasing.load(std::memory_order_acquire)) {
        const nanos t = short_timeout(r);
        bool got = false;
        auto& slot = dog.slot(i);
        switch (r.below(4)) {
          case 0:
          case 1:
            got =
                timed_call(slot, "try_acquire_for()", mine, [&] { return sem.try_acquire_for(t); });
            break;
          case 2:
            got = timed_call(slot, "try_acquire_until(steady)", mine,
                             [&] { return sem.try_acquire_until(steady::now() + t); });
            break;
          default:
            got = timed_call(slot, "try_acquire_until(system)", mine, [&] {
              return sem.try_acquire_until(std::chrono::system_clock::now() + t);
            });
            break;
        }
        if (got) {
          ++got_n;
        } else {
          ++missed;
        }
      }
      taken[static_cast<std::size_t>(i)] = got_n;
      timeouts[static_cast<std::size_t>(i)] = missed;
      longest.merge(mine);
    });
  }
  threads.spawn([&] {
    rng r(cx.seed, 2999);
    const long long batch_caps[] = {1, 2, n, 2LL * n, 4LL * n};
    while (released < cx.ops && !dog.stop_requested()) {
      // Keep the count near zero, so acquirers keep timing out while permits arrive.
      if (sem.debug_snapshot().count > 2u * static_cast<unsigned>(n)) {
        std::this_thread::yield();
        continue;
      }
      const long long cap = batch_caps[r.below(5)];
      const long long k = std::min<long long>(
          cx.ops - released, 1 + static_cast<long long>(r.below(static_cast<std::uint64_t>(cap))));
      sem.release(static_cast<std::ptrdiff_t>(k));
      released += k;
      released_so_far.store(released, std::memory_order_relaxed);
      if (r.one_in(4)) std::this_thread::yield();
      if (r.one_in(64)) std::this_thread::sleep_for(nanos(r.below(200'000)));
    }
    releasing.store(false, std::memory_order_release);
  });
  threads.start();
  threads.join();

  long long total_taken = 0;
  long long total_timeouts = 0;
  for (int i = 0; i < n; ++i) {
    total_taken += taken[static_cast<std::size_t>(i)];
    total_timeouts += timeouts[static_cast<std::size_t>(i)];
  }
  // Drain what is left, but no more than could be right: a corrupted count
  // (say 2^31 - 1) must fail the check, not take minutes to drain.
  long long left = 0;
  while (left <= released - total_taken && sem.try_acquire()) ++left;
  const auto s = sem.debug_snapshot();
  if (total_taken + left != released) {
    failures.add(format("permits not conserved: taken %lld + left %lld != released %lld",
                        total_taken, left, released));
  }
  if (s.waiters != 0) failures.add(format("%u waiter(s) still registered at the end", s.waiters));
  if (s.count != 0) failures.add(format("count %u after draining", s.count));

  outcome out;
  out.threads = n + 1;
  out.ops = released;
  out.longest = longest.get();
  out.detail = format("taken=%lld timeouts=%lld left=%lld", total_taken, total_timeouts, left);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

// The calls of tiny_timeouts: every one must return false at once on a
// semaphore at zero. The first four are the ones the issue names; the rest
// are hostile deadlines (zero, negative, the ends of time, another clock).
constexpr const char* tiny_names[] = {
    "for(1ns)",
    "for(1us)",
    "until(now)",
    "until(past)",
    "for(0)",
    "for(-1s)",
    "for(nanos::min)",
    "until(steady::min)",
    "until(system now)",
    "until(system past)",
    "until(system hours::min)",
};
constexpr int tiny_kinds = static_cast<int>(sizeof(tiny_names) / sizeof(tiny_names[0]));

template <class Semaphore>
bool tiny_call(Semaphore& s, int kind) {
  using system = std::chrono::system_clock;
  switch (kind) {
    case 0:
      return s.try_acquire_for(1ns);
    case 1:
      return s.try_acquire_for(1us);
    case 2:
      return s.try_acquire_until(steady::now());
    case 3:
      return s.try_acquire_until(steady::now() - 1s);
    case 4:
      return s.try_acquire_for(0ns);
    case 5:
      return s.try_acquire_for(-1s);
    case 6:
      return s.try_acquire_for(nanos::min());
    case 7:
      return s.try_acquire_until(steady::time_point::min());
    case 8:
      return s.try_acquire_until(system::now());
    case 9:
      return s.try_acquire_until(system::now() - 1h);
    default:
      return s.try_acquire_until(std::chrono::time_point<system, std::chrono::hours>::min());
  }
}

// 3. tiny_timeouts: N threads call try_acquire_for(1ns), (1us),
// try_acquire_until(now), (past) and the hostile deadlines above on a
// semaphore at zero. Every call must return false, and within 1 s (a call
// still blocked after 1 s fires the watchdog). --threads N: N callers. ops:
// calls.
template <class P>
outcome tiny_timeouts(const context& cx) {
  const int n = cx.threads;
  const long long per_thread = std::max<long long>(1, cx.ops / n);
  counting<P> sem(0);
  failure_log failures;
  longest_wait longest;
  std::vector<longest_wait> per_kind(static_cast<std::size_t>(tiny_kinds));
  std::vector<long long> calls(static_cast<std::size_t>(n), 0);  // [i] by thread i
  watchdog dog(label(cx, n), n, tiny_call_limit, cx.deadline, [&] {
    const auto s = sem.debug_snapshot();
    return format("semaphore count=%u waiters=%u", s.count, s.waiters);
  });

  crew threads;
  for (int i = 0; i < n; ++i) {
    threads.spawn([&, i] {
      nanos mine{0};
      nanos kind_longest[tiny_kinds] = {};
      long long k = 0;
      for (; k < per_thread && !dog.stop_requested(); ++k) {
        const int kind = static_cast<int>((k + i) % tiny_kinds);
        nanos this_call{0};
        const bool got = timed_call(dog.slot(i), tiny_names[kind], this_call,
                                    [&] { return tiny_call(sem, kind); });
        kind_longest[kind] = std::max(kind_longest[kind], this_call);
        mine = std::max(mine, this_call);
        if (got) {
          failures.add(format("%s took a permit from a semaphore at zero", tiny_names[kind]));
        }
      }
      calls[static_cast<std::size_t>(i)] = k;
      for (int kind = 0; kind < tiny_kinds; ++kind) {
        per_kind[static_cast<std::size_t>(kind)].merge(kind_longest[kind]);
      }
      longest.merge(mine);
    });
  }
  threads.start();
  threads.join();

  long long total = 0;
  for (long long c : calls) total += c;
  int worst = 0;
  for (int kind = 1; kind < tiny_kinds; ++kind) {
    if (per_kind[static_cast<std::size_t>(kind)].get() >
        per_kind[static_cast<std::size_t>(worst)].get()) {
      worst = kind;
    }
  }
  const nanos worst_time = per_kind[static_cast<std::size_t>(worst)].get();
  if (worst_time > tiny_call_limit) {
    failures.add(format("%s took %s (limit %s)", tiny_names[worst], human(worst_time).c_str(),
                        human(tiny_call_limit).c_str()));
  }
  const auto s = sem.debug_snapshot();
  if (s.count != 0 || s.waiters != 0) {
    failures.add(
        format("semaphore left at count=%u waiters=%u (expected 0 and 0)", s.count, s.waiters));
  }

  outcome out;
  out.threads = n;
  out.ops = total;
  out.longest = longest.get();
  out.detail = format("slowest_call=%s", tiny_names[worst]);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

// One acquirer/releaser pair of destroy_after_acquire.
template <class P>
struct destroy_pair {
  // The semaphore the acquirer waits on, handed to the releaser.
  std::atomic<counting<P>*> counting_box{nullptr};
  std::atomic<binary<P>*> binary_box{nullptr};
  std::atomic<bool> quit{false};
  std::atomic<long long> iteration{0};  // diagnostics only
  long long slow_registrations = 0;     // by the releaser; read after the join
  // The semaphore the acquirer is blocked on, for the watchdog only: set and
  // cleared (before destruction) under the mutex, which the releaser never
  // takes, so it adds no ordering between releaser and acquirer.
  std::mutex live_mutex;
  const counting<P>* live_counting = nullptr;
  const binary<P>* live_binary = nullptr;

  template <class Sem>
  void set_live(const Sem* s) {
    std::lock_guard<std::mutex> lock(live_mutex);
    if constexpr (std::is_same_v<Sem, binary<P>>) {
      live_binary = s;
    } else {
      live_counting = s;
    }
  }
  std::string describe() {
    std::lock_guard<std::mutex> lock(live_mutex);
    const long long it = iteration.load(std::memory_order_relaxed);
    if (live_counting != nullptr) {
      const auto s = live_counting->debug_snapshot();
      return format("iteration %lld: counting semaphore count=%u waiters=%u", it, s.count,
                    s.waiters);
    }
    if (live_binary != nullptr) {
      const auto s = live_binary->debug_snapshot();
      return format("iteration %lld: binary semaphore count=%u waiters=%u", it, s.count, s.waiters);
    }
    return format("iteration %lld: no semaphore live", it);
  }
};

// The acquirer's half of one iteration: hands `s` to the releaser, takes the
// permit the releaser adds, and returns; the caller destroys `s` at once,
// possibly while the releaser is still inside release().
template <class P, class Sem>
bool take_published(destroy_pair<P>& pair, Sem& s, std::atomic<Sem*>& box, watch_slot& slot,
                    nanos& longest, bool timed) {
  pair.set_live(&s);
  // release: the releaser sees a constructed semaphore.
  box.store(&s, std::memory_order_release);
  const bool got = timed ? timed_call(slot, "try_acquire_for(30s)", longest,
                                      [&] { return s.try_acquire_for(30s); })
                         : timed_call(slot, "acquire()", longest, [&] {
                             s.acquire();
                             return true;
                           });
  pair.template set_live<Sem>(nullptr);
  return got;
}

// The stack variant: the semaphore lives in this frame of the waiting thread
// and dies when acquire() returns; the next iteration reuses the same bytes.
template <class P>
[[gnu::noinline]] bool acquire_in_frame(destroy_pair<P>& pair, watch_slot& slot, nanos& longest) {
  counting<P> s(0);
  return take_published(pair, s, pair.counting_box, slot, longest, false);
}

// The releaser's half: sometimes first waits until the acquirer sleeps (so
// release() must wake it), sometimes yields; then releases, and never touches
// `s` again.
template <class Sem>
void release_handed(Sem& s, rng& r, long long& slow_registrations) {
  if (r.one_in(4)) {
    if (!wait_for_waiters(s, 1, 100ms)) ++slow_registrations;
  } else if (r.one_in(4)) {
    std::this_thread::yield();
  }
  s.release();  // from here on the acquirer may destroy `s`
}

// 4. destroy_after_acquire: glibc bug 12674's shape. Repeatedly, an acquirer
// creates a semaphore at zero (on the heap, as a binary semaphore, in its own
// stack frame, or waited on with try_acquire_for), hands it to a releaser
// thread and acquires; as soon as acquire() returns it destroys the semaphore,
// while release() may still be running. A release() that touches the object
// after publishing its permit is a use-after-free (AddressSanitizer) or a race
// with the destruction (ThreadSanitizer). On the OS platform the window is a
// few instructions wide, so AddressSanitizer rarely sees such a touch land
// after the free; the fault platform's sleeps around atomics open it, and
// ThreadSanitizer reports the missing happens-before either way.
// --threads N: N/2 acquirer/releaser pairs (at least one). ops: semaphores
// created and destroyed.
template <class P>
outcome destroy_after_acquire(const context& cx) {
  const int pairs = std::max(1, cx.threads / 2);
  const long long per_pair = std::max<long long>(1, cx.ops / pairs);
  std::vector<std::unique_ptr<destroy_pair<P>>> ps;
  for (int i = 0; i < pairs; ++i) ps.push_back(std::make_unique<destroy_pair<P>>());
  std::vector<long long> done(static_cast<std::size_t>(pairs), 0);  // [i] by acquirer i
  failure_log failures;
  longest_wait longest;
  watchdog dog(label(cx, 2 * pairs), pairs, blocked_limit, cx.deadline, [&] {
    std::string s;
    for (int i = 0; i < pairs; ++i) {
      s += format("%spair %d: %s", i == 0 ? "" : "; ", i,
                  ps[static_cast<std::size_t>(i)]->describe().c_str());
    }
    return s;
  });

  crew threads;
  for (int i = 0; i < pairs; ++i) {
    threads.spawn([&, i] {  // the acquirer
      destroy_pair<P>& pair = *ps[static_cast<std::size_t>(i)];
      nanos mine{0};
      watch_slot& slot = dog.slot(i);
      long long k = 0;
      for (; k < per_pair && !dog.stop_requested(); ++k) {
        pair.iteration.store(k, std::memory_order_relaxed);
        bool got = true;
        switch ((k + i) % 4) {
          case 0: {
            auto* s = new counting<P>(0);
            got = take_published(pair, *s, pair.counting_box, slot, mine, false);
            delete s;  // at once: release() may still be running
            break;
          }
          case 1: {
            auto* s = new binary<P>(0);
            got = take_published(pair, *s, pair.binary_box, slot, mine, false);
            delete s;
            break;
          }
          case 2:
            got = acquire_in_frame(pair, slot, mine);
            break;
          default: {
            auto* s = new counting<P>(0);
            got = take_published(pair, *s, pair.counting_box, slot, mine, true);
            delete s;
            break;
          }
        }
        if (!got) failures.add(format("pair %d: try_acquire_for(30s) timed out", i));
      }
      done[static_cast<std::size_t>(i)] = k;
      // Every semaphore handed over has been released (its acquire returned),
      // so the releaser finds the boxes empty and stops.
      pair.quit.store(true, std::memory_order_release);
      longest.merge(mine);
    });
    threads.spawn([&, i] {  // the releaser
      destroy_pair<P>& pair = *ps[static_cast<std::size_t>(i)];
      rng r(cx.seed, 4000 + static_cast<std::uint64_t>(i));
      for (;;) {
        // acquire: pairs with the acquirer's store; the semaphore is constructed.
        if (auto* c = pair.counting_box.exchange(nullptr, std::memory_order_acquire)) {
          release_handed(*c, r, pair.slow_registrations);
          continue;
        }
        if (auto* b = pair.binary_box.exchange(nullptr, std::memory_order_acquire)) {
          release_handed(*b, r, pair.slow_registrations);
          continue;
        }
        if (pair.quit.load(std::memory_order_acquire)) break;
        std::this_thread::yield();
      }
    });
  }
  threads.start();
  threads.join();

  outcome out;
  out.threads = 2 * pairs;
  long long slow = 0;
  for (int i = 0; i < pairs; ++i) {
    out.ops += done[static_cast<std::size_t>(i)];
    slow += ps[static_cast<std::size_t>(i)]->slow_registrations;
  }
  out.longest = longest.get();
  out.detail = format("pairs=%d", pairs);
  if (slow != 0) out.detail += format(" slow_registrations=%lld", slow);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

// Takes one permit in one of five ways, so every acquisition path runs.
template <class Semaphore>
bool take_permit(Semaphore& s, unsigned how, watch_slot& slot, nanos& longest) {
  switch (how % 5) {
    case 0:
      timed_call(slot, "acquire()", longest, [&] { s.acquire(); });
      return true;
    case 1:
      if (s.try_acquire()) return true;
      timed_call(slot, "acquire() after try_acquire()", longest, [&] { s.acquire(); });
      return true;
    case 2:
      return timed_call(slot, "try_acquire_for(30s)", longest,
                        [&] { return s.try_acquire_for(30s); });
    case 3:
      return timed_call(slot, "try_acquire_until(now + 30s)", longest,
                        [&] { return s.try_acquire_until(steady::now() + 30s); });
    default:
      return timed_call(slot, "try_acquire() loop", longest, [&] {
        while (!s.try_acquire()) std::this_thread::yield();
        return true;
      });
  }
}

// One phase of `permits`: N threads share a k-permit semaphore.
template <class P, class Semaphore>
void permits_phase(const context& cx, int k, long long ops, steady::time_point deadline,
                   outcome& out, failure_log& failures, longest_wait& longest) {
  const int n = cx.threads;
  const long long per_thread = std::max<long long>(1, ops / n);
  Semaphore sem(k);
  std::atomic<int> in_use{0};
  std::atomic<int> most_in_use{0};
  std::atomic<long long> over_limit{0};
  long long guarded = 0;  // k == 1: a plain counter only the permit holder touches
  std::vector<long long> pairs_done(static_cast<std::size_t>(n), 0);  // [i] by thread i
  watchdog dog(label(cx, n), n, blocked_limit, deadline, [&] {
    const auto s = sem.debug_snapshot();
    return format("k=%d: %d holders; semaphore count=%u waiters=%u", k,
                  in_use.load(std::memory_order_relaxed), s.count, s.waiters);
  });

  crew threads;
  for (int i = 0; i < n; ++i) {
    threads.spawn([&, i] {
      rng r(cx.seed, 5000 + 100 * static_cast<std::uint64_t>(k) + static_cast<std::uint64_t>(i));
      nanos mine{0};
      int most = 0;
      long long done = 0;
      for (long long j = 0; j < per_thread && !dog.stop_requested(); ++j) {
        if (!take_permit(sem, static_cast<unsigned>(r.next()), dog.slot(i), mine)) {
          failures.add(format("k=%d: a 30 s timed acquire failed", k));
          continue;
        }
        // relaxed: one atomic's modification order is enough to count holders;
        // all ordering must come from the semaphore itself.
        const int now = in_use.fetch_add(1, std::memory_order_relaxed) + 1;
        if (now > k) over_limit.fetch_add(1, std::memory_order_relaxed);
        most = std::max(most, now);
        if (k == 1) guarded = guarded + 1;
        if (r.one_in(32)) std::this_thread::yield();  // hold it across a reschedule
        in_use.fetch_sub(1, std::memory_order_relaxed);
        sem.release();
        ++done;
      }
      pairs_done[static_cast<std::size_t>(i)] = done;
      int seen = most_in_use.load(std::memory_order_relaxed);
      while (seen < most &&
             !most_in_use.compare_exchange_weak(seen, most, std::memory_order_relaxed)) {
      }
      longest.merge(mine);
    });
  }
  threads.start();
  threads.join();

  long long total = 0;
  for (long long d : pairs_done) total += d;
  out.ops += total;
  if (over_limit.load() != 0) {
    failures.add(format("k=%d: more than k holders %lld times (at most %d at once)", k,
                        over_limit.load(), most_in_use.load()));
  }
  if (k == 1 && guarded != total) {
    failures.add(format("k=1: the guarded counter is %lld after %lld acquires", guarded, total));
  }
  for (int j = 0; j < k; ++j) {
    if (!sem.try_acquire()) {
      failures.add(format("k=%d: only %d permits left at the end", k, j));
      break;
    }
  }
  if (sem.try_acquire()) failures.add(format("k=%d: more than k permits at the end", k));
  const auto s = sem.debug_snapshot();
  if (s.waiters != 0) failures.add(format("k=%d: %u waiter(s) left registered", k, s.waiters));
  out.detail +=
      format("%sk=%d:max_in_use=%d", out.detail.empty() ? "" : " ", k, most_in_use.load());
}

// 5. permits: N threads use a k-permit semaphore as a k-limited resource, for
// k = 1 (a binary semaphore guarding a plain counter), N/2 and N-1: an in-use
// counter must never exceed k, exactly k permits must be left at the end, and
// no waiter. --threads N: N threads. ops: acquire/release pairs.
template <class P>
outcome permits(const context& cx) {
  const int n = cx.threads;
  std::vector<int> ks{1};
  for (int k : {n / 2, n - 1}) {
    if (k > ks.back()) ks.push_back(k);
  }
  outcome out;
  out.threads = n;
  failure_log failures;
  longest_wait longest;
  const auto start = steady::now();
  const double phases = static_cast<double>(ks.size());
  for (std::size_t i = 0; i < ks.size(); ++i) {
    const auto deadline = split(start, cx.deadline, static_cast<double>(i + 1) / phases);
    const long long ops = std::max<long long>(1, cx.ops / static_cast<long long>(ks.size()));
    if (ks[i] == 1) {
      permits_phase<P, binary<P>>(cx, 1, ops, deadline, out, failures, longest);
    } else {
      permits_phase<P, counting<P>>(cx, ks[i], ops, deadline, out, failures, longest);
    }
  }
  out.longest = longest.get();
  if (failures.any()) out.failure = failures.summary();
  return out;
}

// One push attempt: push() (always when `blocking`, else half the time),
// try_push() or try_push_for() with a random short timeout. The caller retries
// on full and timed_out.
template <class Channel>
vsem::channel_status push_one(Channel& ch, std::uint64_t item, rng& r, watch_slot& slot,
                              nanos& longest, bool blocking) {
  const auto how = blocking ? 0 : r.below(4);
  if (how < 2) return timed_call(slot, "push()", longest, [&] { return ch.push(item); });
  if (how == 2) return ch.try_push(item);
  const nanos t(r.below(100'000));
  return timed_call(slot, "try_push_for()", longest, [&] { return ch.try_push_for(item, t); });
}

// One pop attempt, as push_one. The caller retries on empty and timed_out.
template <class Channel>
vsem::pop_result<std::uint64_t> pop_one(Channel& ch, rng& r, watch_slot& slot, nanos& longest,
                                        bool blocking) {
  const auto how = blocking ? 0 : r.below(4);
  if (how < 2) return timed_call(slot, "pop()", longest, [&] { return ch.pop(); });
  if (how == 2) return ch.try_pop();
  const nanos t(r.below(100'000));
  return timed_call(slot, "try_pop_for()", longest, [&] { return ch.try_pop_for(t); });
}

constexpr int item_seq_bits = 40;
constexpr std::uint64_t item_seq_mask = (std::uint64_t{1} << item_seq_bits) - 1;

// How a channel_run ends.
enum class closing {
  after_producers,  // when every producer is done and consumers sleep in pop() on the empty channel
  under_load,       // while producers push and consumers pop
  while_full,       // while producers sleep in push() on the full channel, no consumer running
};

const char* name(closing c) {
  switch (c) {
    case closing::after_producers:
      return "close after the producers";
    case closing::under_load:
      return "close under load";
    case closing::while_full:
      return "close while full";
  }
  return "?";
}

// Totals of channel_exactly_once over its sub-runs.
struct channel_totals {
  long long items = 0;          // popped (== pushed when correct)
  long long closed_pushes = 0;  // pushes that returned closed
};

// One sub-run of channel_exactly_once: producers push their numbered items
// through a channel of `capacity`; consumers pop; the channel is closed as
// `how` says. Every item pushed must be popped exactly once, in order per
// producer as seen by each consumer, and every blocked thread must return.
template <class P>
void channel_run(const context& cx, std::size_t capacity, closing how, long long items,
                 steady::time_point deadline, failure_log& failures, longest_wait& longest,
                 channel_totals& totals) {
  using status = vsem::channel_status;
  const int np = std::max(1, cx.threads / 2);
  const int nc = std::max(1, cx.threads - np);
  long long per_producer = std::max<long long>(1, items / np);
  if (how == closing::under_load) per_producer *= 2;  // close at a quarter
  if (how == closing::while_full) per_producer = static_cast<long long>(capacity) / np + 2;
  channel_of<P> ch(capacity);
  // seen[p * per_producer + seq]: how often producer p's item seq was popped.
  std::vector<std::atomic<std::uint8_t>> seen(static_cast<std::size_t>(np * per_producer));
  std::vector<long long> pushed(static_cast<std::size_t>(np), 0);  // [p] by producer p
  std::vector<long long> popped(static_cast<std::size_t>(nc), 0);  // [c] by consumer c
  // relaxed atomics: progress for the main thread and the watchdog.
  std::atomic<long long> pushed_so_far{0};
  std::atomic<long long> popped_so_far{0};
  std::atomic<int> producers_finished{0};
  std::atomic<long long> closed_pushes{0};
  std::atomic<bool> consumers_block{how == closing::while_full};  // only pop() from now on
  const int main_slot = np + nc;
  const char* phase = name(how);
  watchdog dog(label(cx, np + nc), np + nc + 1, blocked_limit, deadline, [&] {
    return format(
        "capacity %zu, %s: %lld pushed, %lld popped so far, %d of %d producers done, "
        "closed=%d",
        capacity, phase, pushed_so_far.load(std::memory_order_relaxed),
        popped_so_far.load(std::memory_order_relaxed),
        producers_finished.load(std::memory_order_relaxed), np, ch.is_closed() ? 1 : 0);
  });
  // On an unexpected result: report it and close the channel, so that every
  // thread winds down instead of waiting for items that will not come.
  auto broken = [&](const std::string& why) {
    failures.add(format("capacity %zu, %s: %s", capacity, phase, why.c_str()));
    ch.close();
  };
  const auto stream = 10'000 * capacity + 1000 * static_cast<std::uint64_t>(how);

  crew producers;
  crew consumers;
  for (int p = 0; p < np; ++p) {
    producers.spawn([&, p] {
      rng r(cx.seed, 6'000'000 + stream + static_cast<std::uint64_t>(p));
      nanos mine{0};
      long long seq = 0;
      for (; seq < per_producer && !dog.stop_requested(); ++seq) {
        const std::uint64_t item =
            (static_cast<std::uint64_t>(p) << item_seq_bits) | static_cast<std::uint64_t>(seq);
        status s = status::full;
        while (s == status::full || s == status::timed_out) {
          s = push_one(ch, item, r, dog.slot(p), mine, how == closing::while_full);
          if (s == status::full) std::this_thread::yield();
        }
        if (s == status::done) {
          pushed_so_far.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        if (s == status::closed) {
          closed_pushes.fetch_add(1, std::memory_order_relaxed);
          if (how == closing::after_producers && !failures.any()) {
            broken("a push returned closed before close()");
          }
        } else {
          broken(format("a push returned %s", vsem::name(s)));
        }
        break;  // `item` was not pushed
      }
      pushed[static_cast<std::size_t>(p)] = seq;
      producers_finished.fetch_add(1, std::memory_order_relaxed);
      longest.merge(mine);
    });
  }
  for (int c = 0; c < nc; ++c) {
    consumers.spawn([&, c] {
      rng r(cx.seed, 7'000'000 + stream + static_cast<std::uint64_t>(c));
      nanos mine{0};
      std::vector<long long> last(static_cast<std::size_t>(np), -1);  // per producer
      long long mine_popped = 0;
      for (;;) {
        const bool blocking = consumers_block.load(std::memory_order_relaxed);
        const auto res = pop_one(ch, r, dog.slot(np + c), mine, blocking);
        if (res.status == status::closed) break;
        if (res.status == status::empty) {
          std::this_thread::yield();
          continue;
        }
        if (res.status == status::timed_out) continue;
        if (res.status != status::done || !res.value) {
          broken(format("a pop returned %s", vsem::name(res.status)));
          continue;  // drain what is left, then see closed
        }
        const std::uint64_t item = *res.value;
        const std::uint64_t p = item >> item_seq_bits;
        const long long seq = static_cast<long long>(item & item_seq_mask);
        if (p >= static_cast<std::uint64_t>(np) || seq >= per_producer) {
          broken(format("popped item %#llx, which no producer makes",
                        static_cast<unsigned long long>(item)));
          continue;
        }
        // relaxed: a count per item; read after the join.
        if (seen[p * static_cast<std::uint64_t>(per_producer) + static_cast<std::uint64_t>(seq)]
                .fetch_add(1, std::memory_order_relaxed) != 0) {
          broken(format("item %llu:%lld popped twice", static_cast<unsigned long long>(p), seq));
        }
        if (seq <= last[p]) {
          broken(format("consumer %d popped producer %llu's item %lld after its item %lld", c,
                        static_cast<unsigned long long>(p), seq, last[p]));
        }
        last[p] = seq;
        ++mine_popped;
        popped_so_far.fetch_add(1, std::memory_order_relaxed);
      }
      popped[static_cast<std::size_t>(c)] = mine_popped;
      longest.merge(mine);
    });
  }

  // The main thread's waits are watched too: a lost item or a thread that
  // close() failed to wake fires the watchdog instead of hanging here.
  nanos ignored{0};
  auto main_wait = [&](const char* what, auto done) {
    timed_call(dog.slot(main_slot), what, ignored, [&] {
      while (!done() && !failures.any()) std::this_thread::sleep_for(100us);
    });
  };
  auto join = [&](crew& c, const char* what) {
    timed_call(dog.slot(main_slot), what, ignored, [&] { c.join(); });
  };
  const auto all_pushed_popped = [&] {
    return producers_finished.load(std::memory_order_relaxed) == np &&
           popped_so_far.load(std::memory_order_relaxed) ==
               pushed_so_far.load(std::memory_order_relaxed);
  };
  switch (how) {
    case closing::after_producers:
      producers.start();
      consumers.start();
      join(producers, "joining the producers");
      // Consumers drain the channel, then sleep in pop(): close() must wake them.
      consumers_block.store(true, std::memory_order_relaxed);
      main_wait("waiting for the consumers to drain the channel", all_pushed_popped);
      std::this_thread::sleep_for(2ms);
      ch.close();
      break;
    case closing::under_load: {
      producers.start();
      consumers.start();
      const long long trigger = std::max<long long>(1, np * per_producer / 4);
      main_wait("waiting for a quarter of the items", [&] {
        return popped_so_far.load(std::memory_order_relaxed) >= trigger ||
               producers_finished.load(std::memory_order_relaxed) == np || dog.stop_requested();
      });
      ch.close();  // producers are still pushing: they stop at `closed`
      join(producers, "joining the producers after close()");
      break;
    }
    case closing::while_full:
      producers.start();
      main_wait("waiting for the producers to fill the channel", [&] {
        return pushed_so_far.load(std::memory_order_relaxed) >= static_cast<long long>(capacity) ||
               producers_finished.load(std::memory_order_relaxed) == np;
      });
      std::this_thread::sleep_for(2ms);  // the producers left fall asleep in push()
      ch.close();                        // must wake them: they return closed
      join(producers, "joining the producers blocked in push() on a full channel");
      consumers.start();  // they drain what was pushed, then see closed
      break;
  }
  join(consumers, "joining the consumers");

  long long total_pushed = 0;
  long long total_popped = 0;
  for (long long v : pushed) total_pushed += v;
  for (long long v : popped) total_popped += v;
  int reported = 0;
  for (int p = 0; p < np; ++p) {
    for (long long seq = 0; seq < per_producer; ++seq) {
      const unsigned got =
          seen[static_cast<std::size_t>(p * per_producer + seq)].load(std::memory_order_relaxed);
      const unsigned expected = seq < pushed[static_cast<std::size_t>(p)] ? 1 : 0;
      if (got != expected && reported++ < 3) {
        failures.add(format("capacity %zu, %s: item %d:%lld popped %u times, expected %u", capacity,
                            phase, p, seq, got, expected));
      }
    }
  }
  if (total_popped != total_pushed) {
    failures.add(format("capacity %zu, %s: %lld pushed but %lld popped", capacity, phase,
                        total_pushed, total_popped));
  }
  if (how == closing::while_full && total_pushed != static_cast<long long>(capacity)) {
    failures.add(format("capacity %zu, %s: %lld items fitted", capacity, phase, total_pushed));
  }
  // Closed and drained: every operation reports closed at once.
  timed_call(dog.slot(main_slot), "operations on a closed, drained channel", ignored, [&] {
    const std::uint64_t probe = 1;
    if (ch.try_pop().status != status::closed || ch.try_pop_for(1ms).status != status::closed ||
        ch.pop().status != status::closed || ch.try_push(probe) != status::closed ||
        ch.push(probe) != status::closed || ch.try_push_for(probe, 1ms) != status::closed) {
      failures.add(format("capacity %zu, %s: a closed, drained channel did not report closed",
                          capacity, phase));
    }
  });
  totals.items += total_popped;
  totals.closed_pushes += closed_pushes.load();
}

// 6. channel_exactly_once: P producers and C consumers move numbered items
// through a vsem::channel<uint64_t> of capacity 1, 64 and 1024. Every item
// pushed must be popped exactly once (a per-item count) and each consumer must
// see each producer's items in order. Each capacity is closed three ways:
// after the producers finish, with the consumers asleep in pop(); under load,
// while producers push (those that get `closed` stop; every item pushed
// before is still popped); and while full, with producers asleep in push().
// Every blocked thread must wake, and afterwards every operation reports
// closed. --threads N: N/2 producers and N - N/2 consumers (at least one
// each). ops: items.
template <class P>
outcome channel_exactly_once(const context& cx) {
  const int np = std::max(1, cx.threads / 2);
  const int nc = std::max(1, cx.threads - np);
  failure_log failures;
  longest_wait longest;
  channel_totals totals;
  const auto start = steady::now();
  const std::size_t capacities[] = {1, 64, 1024};
  constexpr int runs = 6;  // with a time budget: after_producers and under_load
  int run = 0;
  for (const std::size_t capacity : capacities) {
    for (const closing how : {closing::after_producers, closing::under_load}) {
      ++run;
      const auto deadline = split(start, cx.deadline, static_cast<double>(run) / runs);
      // At most 2^24 items per sub-run: the per-item counts stay small.
      const long long items = std::clamp<long long>(cx.ops / runs, 1, 1LL << 24);
      channel_run<P>(cx, capacity, how, items, deadline, failures, longest, totals);
    }
    // At most capacity + 2 items per producer; not cut short by the time budget.
    channel_run<P>(cx, capacity, closing::while_full, 0, steady::time_point::max(), failures,
                   longest, totals);
  }
  outcome out;
  out.threads = np + nc;
  out.ops = totals.items;
  out.longest = longest.get();
  out.detail = format("producers=%d consumers=%d closed_pushes=%lld", np, nc, totals.closed_pushes);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

// ---- the driver ----------------------------------------------------------------

using scenario_fn = outcome (*)(const context&);

struct scenario {
  const char* name;
  const char* summary;
  long long default_ops;  // in ci mode, before scaling
  scenario_fn os;
  scenario_fn fault;
};

#define VSEM_STRESS_SCENARIO(fn) &fn<vsem::os_platform>, &fn<vsem::fault::platform>

const scenario scenarios[] = {
    {"barrier_rounds",
     "N acquirers block in each std::barrier round; one releaser adds N permits (N x release(1) "
     "or release(N)); every round must finish (libc++ lost-wakeup shape)",
     120'000, VSEM_STRESS_SCENARIO(barrier_rounds)},
    {"timed_vs_release_n",
     "N threads in try_acquire_for/until with random short timeouts race release(n) with random "
     "n; taken + left == released, no waiter left",
     200'000, VSEM_STRESS_SCENARIO(timed_vs_release_n)},
    {"tiny_timeouts",
     "try_acquire_for(1ns/1us), try_acquire_until(now/past) and hostile deadlines on a semaphore "
     "at 0 from N threads; every call returns false within 1 s",
     500'000, VSEM_STRESS_SCENARIO(tiny_timeouts)},
    {"destroy_after_acquire",
     "an acquirer destroys its semaphore (heap, binary, stack frame) as soon as acquire() returns "
     "while the releaser may still be in release() (glibc bug 12674 shape)",
     200'000, VSEM_STRESS_SCENARIO(destroy_after_acquire)},
    {"permits",
     "N threads share a k-permit semaphore (k = 1, N/2, N-1): never more than k holders, k "
     "permits left at the end",
     2'000'000, VSEM_STRESS_SCENARIO(permits)},
    {"channel_exactly_once",
     "N/2 producers, N/2 consumers through vsem::channel<uint64_t> of capacity 1, 64, 1024: "
     "every item exactly once, per-producer order, close() under load",
     600'000, VSEM_STRESS_SCENARIO(channel_exactly_once)},
};

#undef VSEM_STRESS_SCENARIO

struct options {
  std::string scenario = "all";
  int threads = 8;
  long long ops = 0;     // 0: each scenario's default, scaled
  double duration = -1;  // < 0: the mode's default
  std::string platform = "os";
  bool soak = false;
  std::uint64_t seed = 1;
  bool list = false;
  bool help = false;
};

void usage(std::FILE* to) {
  std::fprintf(
      to,
      "usage: vsem-stress [--scenario NAME|all] [--threads N] [--ops N] [--duration SECONDS]\n"
      "                   [--platform os|fault] [--mode ci|soak] [--seed S] [--list] [--help]\n"
      "\n"
      "Stress scenarios for vsem::counting_semaphore and vsem::channel.\n"
      "  --scenario NAME  one scenario (see --list), or all (default)\n"
      "  --threads N      contending threads, 1..512 (default 8; see --list for roles)\n"
      "  --ops N          operations per scenario run (default: per scenario, times\n"
      "                   VSEM_STRESS_SCALE, times 0.5 under TSan or ASan)\n"
      "  --duration S     soak: seconds per scenario (default 60); ci: time cap per\n"
      "                   scenario (default 2)\n"
      "  --platform P     os (vsem::os_platform, default) or fault (vsem::fault::platform:\n"
      "                   VSEM_FAULT_RATE percent, VSEM_FAULT_SEED defaults to --seed)\n"
      "  --mode M         ci: each scenario once (default); soak: repeatedly for --duration,\n"
      "                   with progress every 5 s\n"
      "  --seed S         seed of the harness's random choices (default 1)\n"
      "  --list           list the scenarios and exit\n"
      "  --help           this text\n"
      "Exit status: 0 passed, 1 a scenario failed, 2 bad usage, 3 watchdog (a blocked call).\n");
}

bool parse_int(const char* s, long long lo, long long hi, long long& out) {
  if (s == nullptr || *s == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool parse_u64(const char* s, std::uint64_t& out) {
  if (s == nullptr || *s == '\0' || *s == '-' || *s == '+') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  out = v;
  return true;
}

bool parse_seconds(const char* s, double& out) {
  if (s == nullptr || *s == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s, &end);
  if (errno != 0 || *end != '\0' || !(v > 0) || !(v <= 1e7)) return false;
  out = v;
  return true;
}

const scenario* find_scenario(const std::string& name) {
  for (const auto& s : scenarios) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

// Parses argv into `o`; on error prints why and returns false.
bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const char* value = nullptr;
    std::string name = arg;
    if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = argv[i] + eq + 1;
    }
    auto need_value = [&]() -> const char* {
      if (value != nullptr) return value;
      if (i + 1 >= argc) return nullptr;
      return argv[++i];
    };
    auto bad = [&](const char* what) {
      std::fprintf(stderr, "vsem-stress: %s: %s\n", name.c_str(), what);
      return false;
    };
    if (name == "--help" || name == "-h") {
      o.help = true;
    } else if (name == "--list") {
      o.list = true;
    } else if (name == "--scenario") {
      const char* v = need_value();
      if (v == nullptr) return bad("needs a scenario name or all");
      o.scenario = v;
      if (o.scenario != "all" && find_scenario(o.scenario) == nullptr) {
        return bad("unknown scenario (see --list)");
      }
    } else if (name == "--threads") {
      long long v = 0;
      if (!parse_int(need_value(), 1, 512, v)) return bad("needs a number from 1 to 512");
      o.threads = static_cast<int>(v);
    } else if (name == "--ops") {
      long long v = 0;
      if (!parse_int(need_value(), 1, 1'000'000'000'000LL, v)) {
        return bad("needs a number from 1 to 10^12");
      }
      o.ops = v;
    } else if (name == "--duration") {
      if (!parse_seconds(need_value(), o.duration)) {
        return bad("needs a number of seconds, > 0 and <= 10^7");
      }
    } else if (name == "--platform") {
      const char* v = need_value();
      if (v == nullptr || (std::strcmp(v, "os") != 0 && std::strcmp(v, "fault") != 0)) {
        return bad("needs os or fault");
      }
      o.platform = v;
    } else if (name == "--mode") {
      const char* v = need_value();
      if (v == nullptr || (std::strcmp(v, "ci") != 0 && std::strcmp(v, "soak") != 0)) {
        return bad("needs ci or soak");
      }
      o.soak = std::strcmp(v, "soak") == 0;
    } else if (name == "--seed") {
      if (!parse_u64(need_value(), o.seed)) return bad("needs an unsigned 64-bit number");
    } else {
      std::fprintf(stderr, "vsem-stress: unknown argument '%s' (try --help)\n", arg.c_str());
      return false;
    }
  }
  return true;
}

// Faults injected by vsem::fault::platform so far (process-wide).
struct fault_counts {
  std::uint64_t early_wait_returns = 0;
  std::uint64_t yields = 0;
  std::uint64_t sleeps = 0;
  std::uint64_t total() const { return early_wait_returns + yields + sleeps; }
};

fault_counts read_faults() {
  const auto& s = vsem::fault::stats();
  return {s.early_wait_returns.load(), s.yields.load(), s.sleeps.load()};
}

fault_counts operator-(const fault_counts& a, const fault_counts& b) {
  return {a.early_wait_returns - b.early_wait_returns, a.yields - b.yields, a.sleeps - b.sleeps};
}

void print_result(const scenario& s, const options& o, const outcome& r,
                  const fault_counts* faults) {
  const double secs = seconds_of(r.elapsed);
  const double rate = secs > 0 ? static_cast<double>(r.ops) / secs : 0.0;
  std::string extra = r.detail;
  if (faults != nullptr) {
    extra += format("%sfaults(early_wait_returns=%llu yields=%llu sleeps=%llu)",
                    extra.empty() ? "" : " ",
                    static_cast<unsigned long long>(faults->early_wait_returns),
                    static_cast<unsigned long long>(faults->yields),
                    static_cast<unsigned long long>(faults->sleeps));
  }
  const std::string verdict = r.failure.empty() ? "PASS" : "FAIL: " + r.failure;
  std::printf("%s ops=%-9lld seconds=%-6.2f ops/s=%-9.0f longest_wait=%-8s %s %s\n",
              label(s.name, o.platform.c_str(), r.threads).c_str(), r.ops, secs, rate,
              human(r.longest).c_str(), extra.c_str(), verdict.c_str());
  std::fflush(stdout);
}

// The ops of one run of `s`: --ops, or the default scaled.
long long ops_for(const scenario& s, const options& o) {
  if (o.ops > 0) return o.ops;
  const double v =
      static_cast<double>(s.default_ops) * vsem_test::stress_scale() * sanitizer_ops_factor;
  return std::max<long long>(1, static_cast<long long>(v));
}

// Runs `s` once (ci) or for --duration (soak) and prints its line. True on PASS.
bool run_scenario(const scenario& s, const options& o) {
  const bool fault = o.platform == "fault";
  const scenario_fn fn = fault ? s.fault : s.os;
  const long long ops = ops_for(s, o);
  const fault_counts faults_before = read_faults();
  const auto start = steady::now();
  outcome total;
  if (!o.soak) {
    const double cap = o.duration > 0 ? o.duration : ci_time_cap_seconds;
    const context cx{
        s.name,
        o.platform.c_str(),
        o.threads,
        ops,
        start + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(cap)),
        o.seed};
    total = fn(cx);
  } else {
    const double duration = o.duration > 0 ? o.duration : soak_default_seconds;
    const auto end = start + std::chrono::duration_cast<steady::duration>(
                                 std::chrono::duration<double>(duration));
    auto next_progress = start + soak_progress_period;
    long long runs = 0;
    while (steady::now() < end) {
      const auto now = steady::now();
      // Each run ends at the next progress line at the latest.
      const context cx{s.name,
                       o.platform.c_str(),
                       o.threads,
                       ops,
                       std::min(end, std::max(next_progress, now + 100ms)),
                       o.seed + static_cast<std::uint64_t>(runs)};
      outcome r = fn(cx);
      ++runs;
      total.threads = r.threads;
      total.ops += r.ops;
      total.longest = std::max(total.longest, r.longest);
      total.detail = format("runs=%lld last_run(%s)", runs, r.detail.c_str());
      if (!r.failure.empty()) {
        total.failure = format("run %lld (seed %llu): %s", runs,
                               static_cast<unsigned long long>(cx.seed), r.failure.c_str());
        break;
      }
      const auto t = steady::now();
      if (t >= next_progress && t < end) {
        const double secs = seconds_of(t - start);
        std::printf(
            "  progress %s: %.0f of %.0f s, runs=%lld ops=%lld ops/s=%.0f "
            "longest_wait=%s\n",
            s.name, secs, duration, runs, total.ops, static_cast<double>(total.ops) / secs,
            human(total.longest).c_str());
        std::fflush(stdout);
        while (next_progress <= t) next_progress += soak_progress_period;
      }
    }
  }
  total.elapsed = steady::now() - start;
  if (fault) {
    const fault_counts injected = read_faults() - faults_before;
    if (injected.total() == 0 && total.failure.empty()) {
      total.failure = "no fault was injected (is VSEM_FAULT_RATE 0?)";
    }
    print_result(s, o, total, &injected);
  } else {
    print_result(s, o, total, nullptr);
  }
  return total.failure.empty();
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) return 2;
  if (o.help) {
    usage(stdout);
    return 0;
  }
  if (o.list) {
    for (const auto& s : scenarios) std::printf("%-21s %s\n", s.name, s.summary);
    return 0;
  }
  // The fault platform reads its seed once, at first use: default it to --seed.
  const std::string seed_text = std::to_string(o.seed);
  ::setenv("VSEM_FAULT_SEED", seed_text.c_str(), 0);

  const double cap =
      o.duration > 0 ? o.duration : (o.soak ? soak_default_seconds : ci_time_cap_seconds);
  std::printf(
      "vsem-stress: platform=%s mode=%s seed=%llu threads=%d sanitizer=%s "
      "ops_scale=%g %s=%gs%s\n",
      o.platform.c_str(), o.soak ? "soak" : "ci", static_cast<unsigned long long>(o.seed),
      o.threads, sanitizer, vsem_test::stress_scale() * sanitizer_ops_factor,
      o.soak ? "duration" : "time_cap", cap,
      o.platform == "fault"
          ? format(" fault_rate=%s%% fault_seed=%s",
                   std::getenv("VSEM_FAULT_RATE") ? std::getenv("VSEM_FAULT_RATE") : "5",
                   std::getenv("VSEM_FAULT_SEED"))
                .c_str()
          : "");
  std::fflush(stdout);

  const auto start = steady::now();
  int ran = 0;
  int failed = 0;
  for (const auto& s : scenarios) {
    if (o.scenario != "all" && o.scenario != s.name) continue;
    ++ran;
    if (!run_scenario(s, o)) ++failed;
  }
  std::printf("vsem-stress: %d scenario(s), %d passed, %d failed, %.1f s\n", ran, ran - failed,
              failed, seconds_of(steady::now() - start));
  return failed == 0 ? 0 : 1;
}

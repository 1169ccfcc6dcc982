// vsem-bench: vsem::counting_semaphore against its peers, all in one program.
//
// Peers (the `id` is the second component of every benchmark name):
//   raw_atomic  a std::atomic<int> used directly: the limit. Uncontended, one
//               fetch_sub + one fetch_add; where a thread must wait (handoff,
//               contended) it busy-waits (load, CAS, pause; yields every 1024
//               failed checks so that a shared CPU still makes progress).
//   vsem        vsem::counting_semaphore<> (spins an adaptive, per-thread
//               budget of 4..2048 re-checks with occasional full-length
//               probes, then sleeps on a futex; see vsem/platform.hpp)
//   std         std::counting_semaphore<> (libstdc++ atomic-wait based)
//   posix       POSIX sem_t (sem_wait / sem_post)
//   moodycamel  moodycamel::LightweightSemaphore (spins 10000 re-checks, then
//               sleeps on a sem_t)
//   mutex_cv    a semaphore built from std::mutex + std::condition_variable
//   raw_cas     (uncontended only) a 64-bit std::atomic used as vsem's acquire
//               uses its state word: a relaxed load, then a compare-exchange
//               loop while the count is positive; release is one fetch_add.
//               The floor of any acquire that must see the count before it
//               takes a permit (see bench/README.md, "The uncontended pair").
//
// Benchmarks (names are <family>/<peer>/<variant>):
//   uncontended/<peer>/count:{1,2}
//       one thread, acquire + release per iteration, starting count 1 or 2.
//       Time per iteration = ns per pair; items_per_second = pairs/s.
//   handoff/<peer>/{unpinned,cross_cpu,same_cpu}/real_time
//       two threads ping-pong through two semaphores that start at 0 (the
//       seed's pattern). Each iteration is kRoundTrips round trips;
//       items_per_second = round trips/s. cross_cpu pins the two threads to
//       CPUs 0 and 1, same_cpu pins both to CPU 0.
//   contended/<peer>/real_time/threads:{2,4}
//       N threads loop acquire + release on one semaphore holding 1 permit;
//       items_per_second = acquire+release pairs/s over all threads.
//
//   channel/<queue>/{1p1c,2p2c}/cap:{1,64,1024}/real_time
//       bounded producer/consumer queues (the queue peers are listed below):
//       P producer threads push the ints 1..kChannelItems (producer p pushes
//       every P-th one), C consumer threads each pop a fixed share of them
//       (consumers stop by count, never by close(), so that every queue runs
//       the same protocol). One iteration moves kChannelItems items (100000,
//       or --vsem_channel_items=N); items_per_second = items/s. The threads
//       live for the whole benchmark and start each iteration together; the
//       sum of the consumed items is checked after every iteration (the
//       benchmark reports an error on a mismatch).
//
//   spin_sweep/spin:<N>/<placement>/real_time   (only with --vsem_spin_sweep)
//       the handoff for vsem with Platform::spin_limit() = N (0 ... 4096), to
//       show how much of the handoff figure is the spin policy.
//
// Queue peers of the channel family (the `queue` component of the name):
//   vsem                  vsem::channel<int> (two vsem counting semaphores, slots
//                         and items, + a vsem binary semaphore around the ring)
//   std_ring              the same design from the standard library: two
//                         std::counting_semaphore<> + a std::mutex around a ring
//   moodycamel_bounded    moodycamel::BlockingConcurrentQueue<int>, bounded by a
//                         moodycamel::LightweightSemaphore counting free slots
//   moodycamel_rwcb       moodycamel::BlockingReaderWriterCircularBuffer<int>
//                         (single producer, single consumer: 1p1c only; needs
//                         Debian's libreaderwriterqueue-dev, else left out)
//   tbb                   tbb::concurrent_bounded_queue<int> with set_capacity()
//   mutex_cv              std::mutex + 2 std::condition_variable + std::deque
//   moodycamel_unbounded  moodycamel::BlockingConcurrentQueue<int>, unbounded
//                         (the capacity does not apply: a reference, not a peer)
// and, only with --vsem_channel_diag, vsem::channel's design rebuilt from parts
// (two vsem::counting_semaphore<>, slots and items, around a ring guarded by):
//   diag_vsem_binsem_inside  a vsem binary semaphore, items released inside
//                            the lock (what vsem::channel does)
//   diag_vsem_binsem         a vsem binary semaphore, items released after it
//   diag_vsem_mutex          a std::mutex, items released after it
//
// Unless the command line says otherwise, each benchmark runs for at least
// 0.2 s (--benchmark_min_time=0.2).
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

// Debian's lightweightsemaphore.h relies on includes made by this header.
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/lightweightsemaphore.h>
#include <tbb/concurrent_queue.h>
#if VSEM_BENCH_HAVE_RWCB
#include <readerwriterqueue/readerwritercircularbuffer.h>
#endif

#include <vsem/channel.hpp>
#include <vsem/semaphore.hpp>

namespace {

constexpr std::int64_t kRoundTrips = 1000;  // round trips per handoff iteration

// Items moved per channel iteration; --vsem_channel_items=N changes it.
constexpr std::int64_t kChannelItems = 100000;
std::int64_t channel_items = kChannelItems;

// ---- peers: one acquire()/release() interface, constructed from a count ----

// The uncontended shape of a compare-exchange acquire, nothing else (no
// waiting: bm_uncontended never needs it, and it is registered only there).
class raw_cas_semaphore {
 public:
  explicit raw_cas_semaphore(std::ptrdiff_t n) : state_(static_cast<std::uint64_t>(n)) {}

  void acquire() noexcept {
    std::uint64_t s = state_.load(std::memory_order_relaxed);
    while ((s & 0x7fffffffu) > 0) {
      if (state_.compare_exchange_strong(s, s - 1, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
        return;
      }
    }
    std::abort();  // the benchmark never runs it at count 0
  }
  void release() noexcept { state_.fetch_add(1, std::memory_order_release); }

 private:
  std::atomic<std::uint64_t> state_;
};

class raw_atomic_semaphore {
 public:
  explicit raw_atomic_semaphore(std::ptrdiff_t n) : count_(static_cast<int>(n)) {}

  // The uncontended pair, as used by bm_uncontended: nothing but two RMWs.
  void take_unchecked() noexcept { count_.fetch_sub(1, std::memory_order_acquire); }

  // Busy-waits for a permit.
  void acquire() noexcept {
    for (unsigned spins = 1;; ++spins) {
      int c = count_.load(std::memory_order_relaxed);
      if (c > 0 && count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire,
                                                std::memory_order_relaxed)) {
        return;
      }
      if (spins % 1024 == 0) {
        std::this_thread::yield();
      } else {
        vsem::os_platform::pause();
      }
    }
  }
  void release() noexcept { count_.fetch_add(1, std::memory_order_release); }

 private:
  std::atomic<int> count_;
};

class vsem_semaphore {
 public:
  explicit vsem_semaphore(std::ptrdiff_t n) : s_(n) {}
  void acquire() noexcept { s_.acquire(); }
  void release() noexcept { s_.release(); }

 private:
  vsem::counting_semaphore<> s_;
};

// vsem with another spin limit (the OS platform otherwise), for --vsem_spin_sweep.
template <int SpinLimit>
struct spin_platform : vsem::os_platform {
  static int spin_limit() noexcept { return SpinLimit; }
};

template <int SpinLimit>
class vsem_spin_semaphore {
 public:
  explicit vsem_spin_semaphore(std::ptrdiff_t n) : s_(n) {}
  void acquire() noexcept { s_.acquire(); }
  void release() noexcept { s_.release(); }

 private:
  vsem::counting_semaphore<vsem::detail::semaphore_count_limit, spin_platform<SpinLimit>> s_;
};

class std_semaphore {
 public:
  explicit std_semaphore(std::ptrdiff_t n) : s_(n) {}
  void acquire() noexcept { s_.acquire(); }
  void release() noexcept { s_.release(); }

 private:
  std::counting_semaphore<> s_;
};

class posix_semaphore {
 public:
  explicit posix_semaphore(std::ptrdiff_t n) { sem_init(&s_, 0, static_cast<unsigned>(n)); }
  ~posix_semaphore() { sem_destroy(&s_); }
  posix_semaphore(const posix_semaphore&) = delete;
  posix_semaphore& operator=(const posix_semaphore&) = delete;
  void acquire() noexcept {
    while (sem_wait(&s_) != 0 && errno == EINTR) {
    }
  }
  void release() noexcept { sem_post(&s_); }

 private:
  sem_t s_;
};

class moodycamel_semaphore {
 public:
  explicit moodycamel_semaphore(std::ptrdiff_t n) : s_(n) {}  // default: 10000 spins
  void acquire() noexcept { s_.wait(); }
  void release() noexcept { s_.signal(); }

 private:
  moodycamel::LightweightSemaphore s_;
};

class mutex_cv_semaphore {
 public:
  explicit mutex_cv_semaphore(std::ptrdiff_t n) : count_(n) {}
  void acquire() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [this] { return count_ > 0; });
    --count_;
  }
  void release() {
    {
      std::lock_guard lock(m_);
      ++count_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::ptrdiff_t count_;
};

// ---- channel peers: push(int) / pop(int&), constructed from a capacity -----
// Each returns false only when the queue refused the operation (vsem's channel
// when closed, which never happens here; moodycamel when allocation failed).
// `spsc` marks a queue that allows one producer and one consumer only.

class vsem_channel_queue {
 public:
  static constexpr bool spsc = false;
  explicit vsem_channel_queue(std::size_t capacity) : ch_(capacity) {}
  bool push(int v) { return ch_.push(v) == vsem::channel_status::done; }
  bool pop(int& v) {
    auto r = ch_.pop();
    if (!r) return false;
    v = *r.value;
    return true;
  }

 private:
  vsem::channel<int> ch_;
};

// A lock made of a vsem binary semaphore, as vsem::channel guards its ring.
class vsem_binary_lock {
 public:
  void lock() noexcept { s_.acquire(); }
  void unlock() noexcept { s_.release(); }

 private:
  vsem::binary_semaphore s_{1};
};

// The textbook bounded buffer: `slots` counts free places, `items` stored
// items, a Lock guards the ring. With Sem = std_semaphore and Lock = std::mutex
// it is vsem::channel's design built from the standard library. The
// diagnostic variants (--vsem_channel_diag) take vsem::channel apart: vsem's
// semaphores with either lock, and with the item's release inside the lock
// (ReleaseUnderLock, as vsem::channel::put does) or after it.
template <class Sem, class Lock = std::mutex, bool ReleaseUnderLock = false>
class two_semaphore_ring {
 public:
  static constexpr bool spsc = false;
  explicit two_semaphore_ring(std::size_t capacity)
      : ring_(capacity), slots_(static_cast<std::ptrdiff_t>(capacity)), items_(0) {}
  bool push(int v) {
    slots_.acquire();
    m_.lock();
    ring_[tail_] = v;
    tail_ = next(tail_);
    if constexpr (ReleaseUnderLock) {
      items_.release();
      m_.unlock();
    } else {
      m_.unlock();
      items_.release();
    }
    return true;
  }
  bool pop(int& v) {
    items_.acquire();
    m_.lock();
    v = ring_[head_];
    head_ = next(head_);
    m_.unlock();
    slots_.release();
    return true;
  }

 private:
  std::size_t next(std::size_t i) const { return i + 1 == ring_.size() ? 0 : i + 1; }

  std::vector<int> ring_;
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
  Lock m_;
  Sem slots_;
  Sem items_;
};

// moodycamel's MPMC queue bounded by a semaphore counting free slots.
class moodycamel_bounded_queue {
 public:
  static constexpr bool spsc = false;
  explicit moodycamel_bounded_queue(std::size_t capacity)
      : q_(capacity), slots_(static_cast<moodycamel::LightweightSemaphore::ssize_t>(capacity)) {}
  bool push(int v) {
    slots_.wait();
    return q_.enqueue(v);
  }
  bool pop(int& v) {
    q_.wait_dequeue(v);
    slots_.signal();
    return true;
  }

 private:
  moodycamel::BlockingConcurrentQueue<int> q_;
  moodycamel::LightweightSemaphore slots_;
};

// moodycamel's MPMC queue unbounded: the capacity is ignored.
class moodycamel_unbounded_queue {
 public:
  static constexpr bool spsc = false;
  explicit moodycamel_unbounded_queue(std::size_t /*capacity*/) {}
  bool push(int v) { return q_.enqueue(v); }
  bool pop(int& v) {
    q_.wait_dequeue(v);
    return true;
  }

 private:
  moodycamel::BlockingConcurrentQueue<int> q_;
};

#if VSEM_BENCH_HAVE_RWCB
class moodycamel_rwcb_queue {
 public:
  static constexpr bool spsc = true;
  explicit moodycamel_rwcb_queue(std::size_t capacity) : q_(capacity) {}
  bool push(int v) {
    q_.wait_enqueue(v);
    return true;
  }
  bool pop(int& v) {
    q_.wait_dequeue(v);
    return true;
  }

 private:
  moodycamel::BlockingReaderWriterCircularBuffer<int> q_;
};
#endif

class tbb_bounded_queue {
 public:
  static constexpr bool spsc = false;
  explicit tbb_bounded_queue(std::size_t capacity) {
    q_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  }
  bool push(int v) {
    q_.push(v);
    return true;
  }
  bool pop(int& v) {
    q_.pop(v);
    return true;
  }

 private:
  tbb::concurrent_bounded_queue<int> q_;
};

class mutex_cv_queue {
 public:
  static constexpr bool spsc = false;
  explicit mutex_cv_queue(std::size_t capacity) : capacity_(capacity) {}
  bool push(int v) {
    {
      std::unique_lock lock(m_);
      not_full_.wait(lock, [this] { return q_.size() < capacity_; });
      q_.push_back(v);
    }
    not_empty_.notify_one();
    return true;
  }
  bool pop(int& v) {
    {
      std::unique_lock lock(m_);
      not_empty_.wait(lock, [this] { return !q_.empty(); });
      v = q_.front();
      q_.pop_front();
    }
    not_full_.notify_one();
    return true;
  }

 private:
  const std::size_t capacity_;
  std::mutex m_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<int> q_;
};

// ---- CPU placement ---------------------------------------------------------

enum class placement { unpinned, cross_cpu, same_cpu };

bool cpu_allowed(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0) return false;
  return CPU_ISSET(cpu, &set);
}

bool pin_self(int cpu) {
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

// ---- benchmarks ------------------------------------------------------------

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

void print_help() {
  benchmark::PrintDefaultHelp();
  std::fprintf(stdout,
               "vsem-bench options:\n"
               "          [--vsem_spin_sweep]   also run vsem's handoff at spin limits 0..4096\n"
               "          [--vsem_channel_diag] also run vsem::channel's design rebuilt from "
               "parts\n"
               "          [--vsem_channel_items=<n>]  items moved per channel iteration "
               "(default 100000)\n"
               "Default here: --benchmark_min_time=0.2 (a later command-line value wins).\n");
}

}  // namespace

int main(int argc, char** argv) {
  // A short default minimum time; a --benchmark_min_time given on the command
  // line comes later in argv and wins.
  // --vsem_spin_sweep (ours, not Google Benchmark's) adds the spin_sweep family;
  // --vsem_channel_items=N sets the items moved per channel iteration;
  // --vsem_channel_diag adds the diag_* queues to the channel family.
  std::vector<char*> args;
  bool spin_sweep = false;
  bool channel_diag = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = i > 0 ? std::string_view(argv[i]) : std::string_view();
    constexpr std::string_view items_flag = "--vsem_channel_items=";
    if (arg == "--vsem_spin_sweep") {
      spin_sweep = true;
    } else if (arg == "--vsem_channel_diag") {
      channel_diag = true;
    } else if (arg.starts_with(items_flag)) {
      char* end = nullptr;
      const long long n = std::strtoll(argv[i] + items_flag.size(), &end, 10);
      if (end == argv[i] + items_flag.size() || *end != '\0' || n < 2 || n > 100000000) {
        std::fprintf(stderr, "vsem-bench: --vsem_channel_items wants an integer in 2..100000000\n");
        return 1;
      }
      channel_items = n;
    } else {
      args.push_back(argv[i]);
    }
  }
  static char default_min_time[] = "--benchmark_min_time=0.2";
  args.insert(args.begin() + 1, default_min_time);
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);

  std::string command_line;
  for (int i = 1; i < argc; ++i) command_line += (i > 1 ? " " : "") + std::string(argv[i]);

  benchmark::Initialize(&args_count, args.data(), print_help);
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;

  benchmark::AddCustomContext("vsem_version", VSEM_VERSION_STRING);
  benchmark::AddCustomContext("command_line", command_line);
  benchmark::AddCustomContext(
      "vsem_spin_limit",
      "an adaptive " + std::to_string(vsem::os_platform::min_spin) + ".." +
          std::to_string(vsem::os_platform::max_spin) + " (with a full-length probe every " +
          std::to_string(vsem::os_platform::min_probe_interval) + ".." +
          std::to_string(vsem::os_platform::max_probe_interval) + " slow paths at the minimum)");
  benchmark::AddCustomContext("moodycamel_max_spins", "10000");
  benchmark::AddCustomContext("handoff_round_trips_per_iteration", std::to_string(kRoundTrips));
  benchmark::AddCustomContext("channel_items_per_iteration", std::to_string(channel_items));
  benchmark::AddCustomContext("channel_rwcb", VSEM_BENCH_HAVE_RWCB ? "yes" : "no");
  benchmark::AddCustomContext("vsem_checks", vsem::checks_enabled ? "on" : "off");

  // Put the process in multi-threaded mode before anything is measured: while a
  // process has never had a second thread, glibc's mutex takes a single-thread
  // shortcut (uncontended mutex_cv measured 9.7 ns per pair before any thread
  // existed and 23 ns after), so the pthread-based peers' uncontended figures
  // would depend on whether a multi-threaded benchmark happened to run first.
  // A semaphore is only ever used with several threads.
  std::thread([] {}).join();

  register_all();
  register_channel(channel_diag);
  if (spin_sweep) register_spin_sweep();

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

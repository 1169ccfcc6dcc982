// vsem/genmc/platform.hpp: the GenMC platform, vsem's algorithms under GenMC.
//
// GenMC (MPI-SWS) checks a C/C++ program compiled to LLVM IR under the RC11
// memory model with optimal dynamic partial-order reduction: it visits every
// consistent execution of the program once, with no bound on preemptions.
// vsem::genmc::platform instantiates vsem's algorithms (the same source as the
// real build and the Relacy build) for it. This directory is the only place
// in vsem that includes GenMC's header.
//
//   #include <vsem/genmc/platform.hpp>
//   #include <vsem/semaphore.hpp>
//
//   struct my_handoff : vsem::genmc::test<my_handoff, 2> {    // 2 threads
//     vsem::counting_semaphore<1, vsem::genmc::platform> ready{0};
//     vsem::genmc::platform::var<int> item;
//     void thread(unsigned index) {
//       if (index == 0) { item.store(42); ready.release(); }
//       else { ready.acquire(); VSEM_MODEL_ASSERT(item.load() == 42); }
//     }
//   };
//   int main() { return vsem::genmc::run<my_handoff>(); }
//
// Compile with clang++-16 to LLVM IR and give it to genmc (vsem-verify
// --engine genmc does both; see docs/verification.md):
//   clang++-16 -std=c++20 -fno-exceptions -g -Xclang -disable-O0-optnone
//     -S -emit-llvm -idirafter <genmc>/include ... -o m.ll
//   genmc -check-liveness --disable-spin-assume -input-from-bitcode-file m.ll
//
// What it provides (see vsem/platform.hpp for the policy):
//
// * atomic<T> is a T accessed with GCC's __atomic builtins (what std::atomic<T>
//   compiles to), which clang lowers to LLVM atomics that GenMC checks under
//   RC11 directly. Calls take a defaulted source location, used only to weaken
//   one chosen call site (VSEM_GENMC_WEAKEN_*, below). The calls, var<T>'s and
//   the futex entry points carry no debug information, so every event GenMC
//   reports names the line in impl/ or in the model that made it (vsem-trace
//   reads GenMC's report; see docs/verification.md).
//
// * var<T> is a plain T: GenMC reports a racy non-atomic access (RC11 race).
//
// * The futex model. Like the kernel, one wait table outside the objects,
//   guarded by one GenMC mutex that stands for the kernel's bucket lock.
//   wait() takes the lock, compares the whole 64-bit word's low half with the
//   expected value (after a seq_cst fence: the kernel's smp_mb() between the
//   caller's registration and its read), enqueues itself and unlocks, then
//   spins on its own "woken" flag; GenMC turns that spin into "blocked until
//   woken", and with -check-liveness a thread left there for good is reported
//   (vsem-verify reports it as a deadlock). wake(n) takes the lock and wakes at
//   most n queued waiters of that word, oldest first, each through a release
//   store its waiter acquires (the kernel's lock orders them the same way).
//   Not a broadcast: a wake-count bug strands a waiter.
//   The compare reads the whole word: GenMC rejects mixed-size accesses to one
//   location, and the kernel's 32-bit read of the low half of a 64-bit word is
//   the same value as the low half of a 64-bit read on every supported
//   (little-endian or big-endian, 64-bit lock-free) target, since a 64-bit
//   read-modify-write changes the whole word at once.
//
// * Timeouts. The clock is logical, as on the Relacy platform: time starts at
//   0 and moves only when a timed wait times out, jumping to its deadline. A
//   timed wait enqueues like wait() and then, instead of blocking, takes the
//   lock again: if no wake dequeued it meanwhile it times out. GenMC explores
//   both orders of that second step against every wake, so a timeout can
//   happen at any moment the waiter is queued.
//
// * Not modelled: spurious wakeups (a wait that may return without a wake
//   makes every wait loop unbounded, which a stateless checker cannot finish).
//   That property is checked on the Relacy platform only.
//
// * spin_limit() is VSEM_GENMC_SPIN (default 1); pause() does nothing;
//   yield_limit() is 0 (as on the Relacy platform).
// * mutated(m) is true when m is VSEM_GENMC_MUTANT (a mutation's number): one
//   compilation per mutant.
// * contract_violation() fails the execution with GenMC's assertion report.
#pragma once

#include <genmc.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <new>

#include "../config.hpp"
#include "../mutation.hpp"
#include "../symmetry.hpp"

#ifndef VSEM_GENMC_SPIN
#define VSEM_GENMC_SPIN 1
#endif
#ifndef VSEM_GENMC_MUTANT
#define VSEM_GENMC_MUTANT 0
#endif
// Order sensitivity: the atomic call at VSEM_GENMC_WEAKEN_FILE (a path's end)
// line VSEM_GENMC_WEAKEN_LINE runs with VSEM_GENMC_WEAKEN_ORDER (0 relaxed,
// 2 acquire, 3 release, 4 acq_rel) instead of the order it asks for.
#ifndef VSEM_GENMC_WEAKEN_LINE
#define VSEM_GENMC_WEAKEN_LINE 0
#define VSEM_GENMC_WEAKEN_FILE ""
#define VSEM_GENMC_WEAKEN_ORDER 5
#endif

// A function without debug information: its instructions, once inlined, carry
// the location of the call (LLVM gives an inlined instruction that has no
// location the call's).
#define VSEM_GENMC_CALLER_LINE __attribute__((nodebug))

namespace vsem::genmc {

namespace detail {

inline constexpr unsigned weaken_line = VSEM_GENMC_WEAKEN_LINE;

constexpr bool ends_with(const char* path, const char* tail) noexcept {
  std::size_t n = 0, m = 0;
  while (path[n] != '\0') ++n;
  while (tail[m] != '\0') ++m;
  if (m > n) return false;
  for (std::size_t i = 0; i < m; ++i) {
    if (path[n - m + i] != tail[i]) return false;
  }
  return true;
}

// The order an atomic call at `l` runs with: as written, unless this is the
// site chosen for weakening. Compiles to `mo` when no site is chosen.
VSEM_GENMC_CALLER_LINE inline std::memory_order effective_order(std::memory_order mo,
                                                                const source_location& l) noexcept {
  if constexpr (weaken_line != 0) {
    if (l.line() == weaken_line && ends_with(l.file_name(), VSEM_GENMC_WEAKEN_FILE)) {
      return static_cast<std::memory_order>(VSEM_GENMC_WEAKEN_ORDER);
    }
  }
  return mo;
}

}  // namespace detail

// An atomic<T> with the std::atomic API through named calls. The calls are
// GCC's __atomic builtins on a plain T (what std::atomic<T> compiles to) in
// functions without debug information (VSEM_GENMC_CALLER_LINE): once inlined,
// each access carries its caller's file:line, so GenMC's report names the line
// in impl/ or models/ that made it, not a line of <atomic> or of this file.
template <class T>
class atomic {
 public:
  using value_type = T;
  atomic() = default;
  explicit atomic(T v, source_location = source_location::current()) : v_(v) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  VSEM_GENMC_CALLER_LINE T load(std::memory_order mo = std::memory_order_seq_cst,
                                source_location l = source_location::current()) const {
    return __atomic_load_n(&v_, order(detail::effective_order(mo, l)));
  }
  VSEM_GENMC_CALLER_LINE void store(T v, std::memory_order mo = std::memory_order_seq_cst,
                                    source_location l = source_location::current()) {
    __atomic_store_n(&v_, v, order(detail::effective_order(mo, l)));
  }
  VSEM_GENMC_CALLER_LINE T exchange(T v, std::memory_order mo = std::memory_order_seq_cst,
                                    source_location l = source_location::current()) {
    return __atomic_exchange_n(&v_, v, order(detail::effective_order(mo, l)));
  }
  VSEM_GENMC_CALLER_LINE T fetch_add(T v, std::memory_order mo = std::memory_order_seq_cst,
                                     source_location l = source_location::current()) {
    return __atomic_fetch_add(&v_, v, order(detail::effective_order(mo, l)));
  }
  VSEM_GENMC_CALLER_LINE T fetch_sub(T v, std::memory_order mo = std::memory_order_seq_cst,
                                     source_location l = source_location::current()) {
    return __atomic_fetch_sub(&v_, v, order(detail::effective_order(mo, l)));
  }
  VSEM_GENMC_CALLER_LINE T fetch_and(T v, std::memory_order mo = std::memory_order_seq_cst,
                                     source_location l = source_location::current()) {
    return __atomic_fetch_and(&v_, v, order(detail::effective_order(mo, l)));
  }
  VSEM_GENMC_CALLER_LINE T fetch_or(T v, std::memory_order mo = std::memory_order_seq_cst,
                                    source_location l = source_location::current()) {
    return __atomic_fetch_or(&v_, v, order(detail::effective_order(mo, l)));
  }
  VSEM_GENMC_CALLER_LINE bool compare_exchange_strong(
      T& expected, T desired, std::memory_order success, std::memory_order failure,
      source_location l = source_location::current()) {
    return cas<false>(expected, desired, success, failure, l);
  }
  VSEM_GENMC_CALLER_LINE bool compare_exchange_strong(
      T& expected, T desired, std::memory_order mo = std::memory_order_seq_cst,
      source_location l = source_location::current()) {
    return cas<false>(expected, desired, mo, vsem::detail::cas_failure(mo), l);
  }
  VSEM_GENMC_CALLER_LINE bool compare_exchange_weak(
      T& expected, T desired, std::memory_order success, std::memory_order failure,
      source_location l = source_location::current()) {
    return cas<true>(expected, desired, success, failure, l);
  }
  VSEM_GENMC_CALLER_LINE bool compare_exchange_weak(
      T& expected, T desired, std::memory_order mo = std::memory_order_seq_cst,
      source_location l = source_location::current()) {
    return cas<true>(expected, desired, mo, vsem::detail::cas_failure(mo), l);
  }

  // For the futex model: the whole word. relaxed: the caller's seq_cst fence
  // and the table's lock order it (platform::futex_wait).
  VSEM_GENMC_CALLER_LINE T load_for_futex() const noexcept {
    return __atomic_load_n(&v_, __ATOMIC_RELAXED);
  }

 private:
  VSEM_GENMC_CALLER_LINE static int order(std::memory_order mo) noexcept {
    return static_cast<int>(mo);
  }
  template <bool Weak>
  VSEM_GENMC_CALLER_LINE bool cas(T& expected, T desired, std::memory_order success,
                                  std::memory_order failure, const source_location& l) {
    const std::memory_order eff = detail::effective_order(success, l);
    if (eff != success) {  // weakened: the failure order may not exceed the new success order
      failure = vsem::detail::cas_failure(eff);
      success = eff;
    }
    return __atomic_compare_exchange_n(&v_, &expected, desired, Weak, order(success),
                                       order(failure));
  }

  alignas(sizeof(T)) T v_{};  // value-initialised, as std::atomic<T>'s default constructor does
};

// Plain shared data: GenMC reports a race between non-atomic accesses (at the
// caller's line, as for atomic<T>).
template <class T>
class var {
 public:
  var() = default;
  explicit var(T v, source_location = source_location::current()) : v_(v) {}
  var(const var&) = delete;
  var& operator=(const var&) = delete;
  VSEM_GENMC_CALLER_LINE T load(source_location = source_location::current()) const { return v_; }
  VSEM_GENMC_CALLER_LINE void store(T v, source_location = source_location::current()) { v_ = v; }

 private:
  T v_;
};

// The logical model clock (see the top of this file).
struct clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<clock, duration>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};

// Per-execution state of the GenMC platform: the futex table and the clock.
// Every vsem::genmc::test holds one, constructed before the test's own members.
class world {
 public:
  static constexpr int max_threads = 8;  // model threads, plus main()

  world() noexcept {
    __VERIFIER_mutex_init(&lock_, nullptr);
    current_ = this;
  }
  ~world() { current_ = nullptr; }
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  static world& current() noexcept { return *current_; }

  clock::time_point now() const noexcept {
    // relaxed: the clock orders nothing; it only moves forward (under lock_).
    return clock::time_point(clock::duration(now_.load(std::memory_order_relaxed)));
  }

  // Enqueues the caller on `key` and waits; called with lock_ held, after the
  // word compared equal (platform::futex_wait); releases lock_. Returns false
  // when the wait timed out.
  bool wait(const void* key, bool timed, clock::time_point deadline) noexcept {
    waiter& me = slot();
    me.key = key;
    me.seq = next_seq_++;
    me.queued = true;
    me.woken.store(0, std::memory_order_relaxed);  // only its waker writes it next
    __VERIFIER_mutex_unlock(&lock_);
    if (!timed) {
      // Blocked until a wake marks this slot: a spin loop marked for GenMC,
      // which treats it as "blocked until the flag changes" and, with
      // -check-liveness, reports a waiter left there for good. (vsem-verify
      // runs genmc with --disable-spin-assume, so this is the only loop GenMC
      // treats so: its automatic transformation also takes compare-exchange
      // retry loops for spin loops and reports false liveness violations.)
      // acquire: pairs with the release store in wake().
      bool waiting = true;
      for (__VERIFIER_loop_begin(); __VERIFIER_spin_start(),
                                    waiting = me.woken.load(std::memory_order_acquire) == 0,
                                    __VERIFIER_spin_end(!waiting), waiting;) {
      }
      return true;
    }
    __VERIFIER_mutex_lock(&lock_);
    const bool timed_out = me.queued;  // no wake dequeued it: the timeout fires
    me.queued = false;
    if (timed_out) {
      const auto t = deadline.time_since_epoch().count();
      // relaxed: written under lock_ only; readers need no order (see now()).
      if (t > now_.load(std::memory_order_relaxed)) now_.store(t, std::memory_order_relaxed);
    }
    __VERIFIER_mutex_unlock(&lock_);
    return !timed_out;
  }

  // Takes the table's lock; wait() releases it.
  VSEM_GENMC_CALLER_LINE void lock() noexcept { __VERIFIER_mutex_lock(&lock_); }
  VSEM_GENMC_CALLER_LINE void unlock() noexcept { __VERIFIER_mutex_unlock(&lock_); }

  // Wakes at most n queued waiters of `key`, oldest first; called with lock_
  // held (platform::wake takes it, so the trace shows the futex_wake at the
  // caller's line); releases it.
  int wake_locked(const void* key, int n) noexcept {
    int woken = 0;
    for (; woken < n; ++woken) {
      waiter* oldest = nullptr;
      for (waiter& w : slots_) {
        if (w.queued && w.key == key && (oldest == nullptr || w.seq < oldest->seq)) oldest = &w;
      }
      if (oldest == nullptr) break;
      oldest->queued = false;
      oldest->woken.store(1, std::memory_order_release);  // the woken thread acquires it
    }
    __VERIFIER_mutex_unlock(&lock_);
    return woken;
  }

 private:
  struct waiter {
    const void* key = nullptr;  // the futex word waited on (under lock_)
    unsigned long seq = 0;      // enqueue order (under lock_)
    bool queued = false;        // in the wait queue (under lock_)
    std::atomic<int> woken{0};  // set by the wake that dequeued it
  };
  waiter& slot() noexcept {
    const auto self = static_cast<unsigned long>(__VERIFIER_thread_self());
    if (self >= static_cast<unsigned long>(max_threads)) __VERIFIER_assume(false);
    return slots_[self];
  }

  static inline world* current_ = nullptr;  // set by main() before any thread starts
  __VERIFIER_mutex_t lock_;
  unsigned long next_seq_ = 0;  // under lock_
  std::atomic<std::int64_t> now_{0};
  waiter slots_[max_threads];
};

inline clock::time_point clock::now() noexcept {
  return world::current().now();
}

// The GenMC platform (see the top of this file and vsem/platform.hpp).
struct platform {
  template <class T>
  using atomic = vsem::genmc::atomic<T>;
  template <class T>
  using var = vsem::genmc::var<T>;
  using clock = vsem::genmc::clock;

  // Sleeps while the low 32 bits of w equal expected (see "The futex model").
  VSEM_GENMC_CALLER_LINE static void wait(const atomic<std::uint64_t>& w,
                                          std::uint32_t expected) noexcept {
    (void)futex_wait(w, expected, false, clock::time_point::max());
  }

  // As wait(); returns false when the deadline has passed (see "Timeouts").
  VSEM_GENMC_CALLER_LINE static bool wait_until(const atomic<std::uint64_t>& w,
                                                std::uint32_t expected,
                                                clock::time_point deadline) noexcept {
    if (deadline == clock::time_point::max()) {
      wait(w, expected);
      return true;
    }
    return futex_wait(w, expected, true, deadline);
  }

  // Wakes up to n waiters of w's futex word; reads nothing of *w.
  VSEM_GENMC_CALLER_LINE static void wake(const atomic<std::uint64_t>* w, int n) noexcept {
    world& wd = world::current();
    wd.lock();
    (void)wd.wake_locked(w, n);
  }

  static int spin_limit() noexcept { return VSEM_GENMC_SPIN; }
  static void spin_feedback(bool) noexcept {}
  static void pause() noexcept {}
  static int yield_limit() noexcept { return 0; }
  static bool yield() noexcept { return true; }

  [[noreturn]] static void contract_violation(const char* what, source_location where) noexcept {
    __VERIFIER_assert_fail(what, where.file_name(), static_cast<int>(where.line()));
    __builtin_unreachable();
  }

  static constexpr bool mutated(mutation m) noexcept {
    return static_cast<int>(m) == VSEM_GENMC_MUTANT;
  }

 private:
  // The lock, the fence and the compare carry the caller's line (the trace
  // shows the futex call there); the table's work in world carries its own.
  VSEM_GENMC_CALLER_LINE static bool futex_wait(const atomic<std::uint64_t>& w,
                                                std::uint32_t expected, bool timed,
                                                clock::time_point deadline) noexcept {
    world& wd = world::current();
    if (timed && deadline <= wd.now()) return false;
    wd.lock();
    // seq_cst fence: the kernel's smp_mb() between the caller's registration
    // and its read of the word; the whole word is read (see the top).
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    const auto now_value = static_cast<std::uint32_t>(w.load_for_futex());
    if (now_value != expected) {
      wd.unlock();
      return true;
    }
    return wd.wait(&w, timed, deadline);
  }
};

// Base of every model: owns the GenMC platform's world for the execution.
// Derive as
//   struct my_model : vsem::genmc::test<my_model, Threads> { void thread(unsigned); };
// and run it with vsem::genmc::run<my_model>() from main(). before() runs
// before the threads start, after() and invariant() once all have finished.
template <class Derived, int ThreadCount>
struct test {
  struct params {
    static constexpr unsigned thread_count = ThreadCount;
    static constexpr unsigned static_thread_count = ThreadCount;
  };
  world model_world;
  void before() {}
  void after() {}
  void invariant() {}
};

namespace detail {
template <class T>
inline T* running_model = nullptr;  // set by run<T>() before any thread starts

// The index is the thread's GenMC id less one (main() is thread 0, spawn
// order follows). The argument only keeps GenMC's symmetry reduction honest:
// GenMC treats threads that run one function with equal arguments as
// symmetric, so threads a model declares interchangeable get equal arguments
// and every other thread its own index.
template <class T>
void* thread_main(void*) {
  running_model<T>->thread(static_cast<unsigned>(__VERIFIER_thread_self()) - 1);
  return nullptr;
}

template <class T>
constexpr symmetric_threads symmetry_of() noexcept {
  if constexpr (requires { T::symmetric; }) {
    return T::symmetric;
  } else {
    return symmetric_threads{};
  }
}
}  // namespace detail

// Runs model T once under GenMC: constructs it, calls before(), runs its
// threads, joins them, calls invariant() and after(), destroys it.
template <class T>
int run() {
  constexpr unsigned n = T::params::thread_count;
  static_assert(n + 1 <= static_cast<unsigned>(world::max_threads), "too many model threads");
  alignas(T) static unsigned char storage[sizeof(T)];  // a global: GenMC names it in reports
  T* model = new (storage) T;
  detail::running_model<T> = model;
  model->before();
  constexpr symmetric_threads sym = detail::symmetry_of<T>();
  static_assert(sym.first <= sym.last && sym.last < n, "symmetric threads out of range");
  // Threads first+1..last are spawned as symmetric to the one before them;
  // GenMC wants no memory access between such spawns, so the ids stay in
  // registers (model thread i is GenMC thread i + 1).
  __VERIFIER_thread_t previous = 0;
  for (unsigned i = 0; i < n; ++i) {
    const bool alike = sym.first < sym.last && i >= sym.first && i <= sym.last;
    void* const arg = reinterpret_cast<void*>(std::uintptr_t{alike ? sym.first : i});
    previous = alike && i > sym.first
                   ? __VERIFIER_spawn_symmetric(&detail::thread_main<T>, arg, previous)
                   : __VERIFIER_spawn(&detail::thread_main<T>, arg);
  }
  for (unsigned i = 0; i < n; ++i) __VERIFIER_join(static_cast<__VERIFIER_thread_t>(i + 1));
  model->invariant();
  model->after();
  model->~T();
  return 0;
}

}  // namespace vsem::genmc

// GenMC interprets operator new(size_t) and operator delete(void*) only. The
// aligned and array forms (vsem::channel is over-aligned: its hot words sit on
// cache lines of their own) are replaced here by GenMC's own allocation.
// Replacement functions are not inline: include this header in one
// translation unit, as a GenMC program is (vsem-verify's wrapper is one).
void* operator new(std::size_t n, std::align_val_t a) {
  return __VERIFIER_malloc_aligned(static_cast<std::size_t>(a), n);
}
void operator delete(void* p, std::align_val_t) noexcept {
  __VERIFIER_free(p);
}
void* operator new[](std::size_t n) {
  return __VERIFIER_malloc(n);
}
void operator delete[](void* p) noexcept {
  __VERIFIER_free(p);
}

// Asserts a condition inside a model thread; a failure is reported by GenMC
// with the execution graph. GenMC prints the first argument only, so it
// carries the place too: "Assertion violation: x at file:line" (vsem-trace
// reads it).
#define VSEM_GENMC_STR2(x) #x
#define VSEM_GENMC_STR(x) VSEM_GENMC_STR2(x)
#define VSEM_MODEL_ASSERT(x)                                                               \
  ((x) ? (void)0                                                                           \
       : __VERIFIER_assert_fail(#x " at " __FILE__ ":" VSEM_GENMC_STR(__LINE__), __FILE__, \
                                __LINE__))

// Fails the execution with `what` (as the model platform's VSEM_MODEL_FAIL).
#define VSEM_MODEL_FAIL(what) __VERIFIER_assert_fail((what), __FILE__, __LINE__)

// vsem/model/platform.hpp: the model platform, vsem's algorithms under Relacy.
//
// vsem::model::platform instantiates vsem's algorithms (the same source as the
// real build) on the Relacy Race Detector, which runs the threads of a test as
// fibers and explores their interleavings under the C++ memory model,
// reporting data races, deadlocks, lost wakeups, leaks and use-after-free with
// a counterexample history.
//
//   #include <vsem/model/platform.hpp>
//   #include <vsem/semaphore.hpp>
//
//   struct my_handoff : vsem::model::test<my_handoff, 2> {   // 2 threads
//     vsem::counting_semaphore<1, vsem::model::platform> ready{0};
//     vsem::model::platform::var<int> item;
//     void thread(unsigned index) {
//       if (index == 0) { item.store(42); ready.release(); }
//       else { ready.acquire(); VSEM_MODEL_ASSERT(item.load() == 42); }
//     }
//   };
//   // then: vsem::model::simulate<my_handoff>(params), or run it with vsem-verify
//
// What it provides, member by member (see vsem/platform.hpp for the policy):
//
// * atomic<T> and var<T> wrap rl::atomic<T> and rl::var<T>. Every operation
//   takes a defaulted source location, so the history names the caller's line
//   (a line in impl/vsem/ for the algorithms) rather than this header's.
//
// * The futex model. Like the kernel, it keeps wait queues outside the objects,
//   in a table keyed by the futex word's address that belongs to the current
//   simulation (vsem::model::world, a member of every vsem::model::test). A
//   wake on the address of an object that was just destroyed therefore reads
//   nothing of the object; Relacy reports freed-memory access only if the
//   algorithm itself touches it. Table entries are found by address equality
//   and kept in first-use order, so runs are deterministic. The compare of
//   wait() is a relaxed read-modify-write (fetch_add 0) done with preemption
//   disabled together with the enqueue: it reads the latest value in
//   modification order, as the kernel's compare under its bucket lock does (a
//   plain Relacy load may be stale and would invent deadlocks). A wake
//   synchronises with the thread it wakes, as the kernel's bucket lock does.
//
// * Spurious wakeups are a parameter (options::spurious_wakeups): off for
//   exhaustive searches, on for bounded ones; they multiply the state space.
//
// * The model clock. Relacy has no time, so clock is logical: every iteration
//   starts at time 0, and time moves only when a timed wait times out, which
//   the scheduler may choose at any moment the waiter is blocked; the clock
//   then jumps to that wait's deadline (never backwards). A wait whose deadline
//   is not after now() times out at once without blocking, so a deadline
//   already passed behaves as a try. Note that Relacy never reports a thread in
//   a timed wait as deadlocked: prove lost-wakeup freedom with untimed waits.
//   A context bound does not bound timeouts: when a timed wait times out is a
//   scheduler choice outside the preemption count, so each timed waiter
//   multiplies a bounded search (world::timed_waits() counts them; vsem-verify
//   warns). And when every thread left is blocked and two or more are in
//   timed waits, Relacy's full and context-bound schedulers break (an internal
//   assertion, or a thread body run twice): see checked<T> below. Keep at most
//   one timed waiter blocked at a time in exhaustive and bounded searches, and
//   use the random scheduler for more.
//
// * spin_limit() is fixed by the options (default 1): timing-driven logic would
//   make runs non-deterministic, which Relacy forbids. pause() does nothing.
//   yield_limit() is 0: a yield is one more re-check, as a spin is, and the
//   spin_limit() re-checks already model those.
//
// * mutated(m) returns true when options::mutant is m: one model binary runs
//   the suite against each named variation point (vsem/mutation.hpp).
//
// * contract_violation() fails the current run ("USER ASSERT FAILED") with
//   the violated contract's text and the caller's location.
//
// Build: include Relacy as a system header, and compile with
// -fno-sized-deallocation -fno-lifetime-dse (see vsem/model/relacy.hpp). Only
// this directory of impl/ includes Relacy.
#pragma once

#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <type_traits>

#include "../config.hpp"
#include "../mutation.hpp"
#include "../symmetry.hpp"
#include "relacy.hpp"

namespace vsem::model {

// Settings of the model platform for the runs that follow; set them before
// rl::simulate (vsem::model::run does). Plain data outside any simulation.
struct options {
  bool spurious_wakeups = false;     // may a futex wait return without a wake?
  int spin_limit = 1;                // re-checks before a waiter registers and sleeps
  mutation mutant = mutation::none;  // the variation point switched on, if any
  // Order sensitivity: the atomic call site at weaken_file:weaken_line (file
  // compared by the end of its path) runs with weaken_order instead of the
  // order it asks for, without editing the source.
  const char* weaken_file = nullptr;
  unsigned weaken_line = 0;
  std::memory_order weaken_order = std::memory_order_seq_cst;
  // Record every atomic call site whose file path contains this text (e.g.
  // "/impl/vsem/") into reached_sites().
  const char* record_sites_under = nullptr;
};

// An atomic call site that a model reached (see options::record_sites_under).
struct site {
  const char* file = nullptr;
  unsigned line = 0;
  const char* operation = nullptr;                      // "load", "store", "rmw", "cas"
  std::memory_order order = std::memory_order_seq_cst;  // as written (CAS: success)
};

// The sites recorded so far: a fixed table, so recording never allocates
// inside a simulation. clear_reached_sites() empties it.
struct site_table {
  static constexpr int capacity = 256;
  site sites[capacity];
  int used = 0;
};
inline site_table& reached_sites() noexcept {
  static site_table t;  // plain data, not a Relacy object
  return t;
}
inline void clear_reached_sites() noexcept {
  reached_sites().used = 0;
}

inline options& current_options() noexcept {
  static options o;  // plain data, not a Relacy object: safe as a static
  return o;
}

namespace detail {

inline bool ends_with(const char* path, const char* tail) noexcept {
  const std::size_t n = std::strlen(path), m = std::strlen(tail);
  return n >= m && std::strcmp(path + n - m, tail) == 0;
}

// The order an atomic call at `l` runs with: as written, unless this is the
// site chosen for weakening. Records the site when asked to.
inline std::memory_order effective_order(std::memory_order mo, const char* operation,
                                         const source_location& l) noexcept {
  const options& o = current_options();
  if (o.record_sites_under != nullptr && std::strstr(l.file_name(), o.record_sites_under)) {
    site_table& t = reached_sites();
    bool known = false;
    for (int i = 0; i < t.used && !known; ++i) {
      known = t.sites[i].line == l.line() && std::strcmp(t.sites[i].file, l.file_name()) == 0;
    }
    if (!known && t.used < site_table::capacity) {
      t.sites[t.used++] = site{l.file_name(), l.line(), operation, mo};
    }
  }
  if (o.weaken_file != nullptr && l.line() == o.weaken_line &&
      ends_with(l.file_name(), o.weaken_file)) {
    return o.weaken_order;
  }
  return mo;
}

inline rl::debug_info info_of(const source_location& l) noexcept {
  return rl::debug_info(l.function_name(), l.file_name(), l.line());
}

constexpr rl::memory_order to_rl(std::memory_order mo) noexcept {
  switch (mo) {
    case std::memory_order_relaxed:
      return rl::mo_relaxed;
    case std::memory_order_consume:
      return rl::mo_consume;
    case std::memory_order_acquire:
      return rl::mo_acquire;
    case std::memory_order_release:
      return rl::mo_release;
    case std::memory_order_acq_rel:
      return rl::mo_acq_rel;
    case std::memory_order_seq_cst:
      return rl::mo_seq_cst;
  }
  return rl::mo_seq_cst;
}

// Relacy silently weakens a compare-exchange whose failure order is stronger
// than its success order; strengthen the success order so that nothing is lost.
constexpr std::memory_order cas_success(std::memory_order success,
                                        std::memory_order failure) noexcept {
  const bool fail_acquires =
      failure == std::memory_order_acquire || failure == std::memory_order_consume;
  if (failure == std::memory_order_seq_cst) return std::memory_order_seq_cst;
  if (fail_acquires && success == std::memory_order_relaxed) return std::memory_order_acquire;
  if (fail_acquires && success == std::memory_order_release) return std::memory_order_acq_rel;
  return success;
}

}  // namespace detail

// An atomic<T> with the std::atomic API through named calls; each call records
// its caller's source location in Relacy's history.
template <class T>
class atomic {
 public:
  using value_type = T;
  atomic() = default;  // uninitialised: Relacy reports a read before a store
  explicit atomic(T v, source_location l = source_location::current()) {
    a_.store(v, rl::mo_relaxed, detail::info_of(l));
  }
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order mo = std::memory_order_seq_cst,
         source_location l = source_location::current()) const {
    return a_.load(detail::to_rl(detail::effective_order(mo, "load", l)), detail::info_of(l));
  }
  void store(T v, std::memory_order mo = std::memory_order_seq_cst,
             source_location l = source_location::current()) {
    a_.store(v, detail::to_rl(detail::effective_order(mo, "store", l)), detail::info_of(l));
  }
  T exchange(T v, std::memory_order mo = std::memory_order_seq_cst,
             source_location l = source_location::current()) {
    return a_.exchange(v, detail::to_rl(detail::effective_order(mo, "rmw", l)), detail::info_of(l));
  }
  T fetch_add(T v, std::memory_order mo = std::memory_order_seq_cst,
              source_location l = source_location::current()) {
    return a_.fetch_add(v, detail::to_rl(detail::effective_order(mo, "rmw", l)),
                        detail::info_of(l));
  }
  T fetch_sub(T v, std::memory_order mo = std::memory_order_seq_cst,
              source_location l = source_location::current()) {
    return a_.fetch_sub(v, detail::to_rl(detail::effective_order(mo, "rmw", l)),
                        detail::info_of(l));
  }
  T fetch_and(T v, std::memory_order mo = std::memory_order_seq_cst,
              source_location l = source_location::current()) {
    return a_.fetch_and(v, detail::to_rl(detail::effective_order(mo, "rmw", l)),
                        detail::info_of(l));
  }
  T fetch_or(T v, std::memory_order mo = std::memory_order_seq_cst,
             source_location l = source_location::current()) {
    return a_.fetch_or(v, detail::to_rl(detail::effective_order(mo, "rmw", l)), detail::info_of(l));
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure,
                               source_location l = source_location::current()) {
    return cas<false>(expected, desired, success, failure, l);
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order mo = std::memory_order_seq_cst,
                               source_location l = source_location::current()) {
    return cas<false>(expected, desired, mo, vsem::detail::cas_failure(mo), l);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure,
                             source_location l = source_location::current()) {
    return cas<true>(expected, desired, success, failure, l);
  }
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order mo = std::memory_order_seq_cst,
                             source_location l = source_location::current()) {
    return cas<true>(expected, desired, mo, vsem::detail::cas_failure(mo), l);
  }

  // For the futex model: the Relacy object behind this atomic.
  rl::atomic<T>& relacy_object() noexcept { return a_; }

 private:
  template <bool Weak>
  bool cas(T& expected, T desired, std::memory_order success, std::memory_order failure,
           const source_location& l) {
    const auto info = detail::info_of(l);
    const std::memory_order eff = detail::effective_order(success, "cas", l);
    if (eff != success) {  // weakened: the failure order may not exceed the new success order
      failure = vsem::detail::cas_failure(eff);
      success = eff;
    }
    const auto s = detail::to_rl(detail::cas_success(success, failure));
    const auto f = detail::to_rl(failure);
    if constexpr (Weak) {
      return a_.compare_exchange_weak(expected, desired, s, info, f, info);
    } else {
      return a_.compare_exchange_strong(expected, desired, s, info, f, info);
    }
  }

  rl::atomic<T> a_;
};

// Plain shared data; Relacy reports unsynchronised conflicting accesses as a
// DATA RACE and a read before any write as ACCESS TO UNINITIALIZED VARIABLE.
template <class T>
class var {
 public:
  var() = default;
  explicit var(T v, source_location l = source_location::current()) { store(v, l); }
  var(const var&) = delete;
  var& operator=(const var&) = delete;

  T load(source_location l = source_location::current()) const {
    return v_(detail::info_of(l)).load();
  }
  void store(T v, source_location l = source_location::current()) {
    v_(detail::info_of(l)).store(v);
  }

 private:
  rl::var<T> v_;
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

// Per-simulation state of the model platform: the futex table and the clock.
// Every vsem::model::test holds one; it is constructed before and destroyed
// after the test's own members. At most one exists at a time.
class world {
 public:
  static constexpr int max_futex_words = 16;

  world() noexcept {
    previous_ = current_;
    current_ = this;
  }
  ~world() {
    current_ = previous_;
    timed_wait_stats& st = timed_waits();
    const int n = std::popcount(timed_waiters_);
    if (n > st.most_threads) st.most_threads = n;
  }

  // Per process, across runs: the most threads that made a timed futex wait
  // in one iteration (reset it before a run). A context bound does not bound
  // the scheduler's choices of when each timed wait times out, so a model
  // with several timed waiters can be far larger than its bound suggests.
  struct timed_wait_stats {
    int most_threads = 0;
  };
  static timed_wait_stats& timed_waits() noexcept {
    static timed_wait_stats st;  // plain data, not a Relacy object
    return st;
  }
  void note_timed_wait(unsigned thread) noexcept {
    if (thread < 32) timed_waiters_ |= 1u << thread;
  }
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  // The world of the running simulation; fails the run if there is none.
  static world& current(source_location l = source_location::current()) {
    if (current_ == nullptr) {
      rl::ctx().fail_test("vsem model platform used outside a vsem::model::test (no futex table)",
                          rl::test_result_user_assert_failed, detail::info_of(l));
    }
    return *current_;
  }

  clock::time_point now() const noexcept { return now_; }
  void advance_to(clock::time_point t) noexcept {
    if (t > now_) now_ = t;
  }

  // The wait queue of futex word `key`; created on first use when `create`.
  rl::atomic<int>* queue(const void* key, bool create, const source_location& l) {
    for (int i = 0; i < used_; ++i) {
      if (keys_[i] == key) return &queues_[i];
    }
    if (!create) return nullptr;
    if (used_ == max_futex_words) {
      rl::ctx().fail_test("vsem futex model: more than 16 futex words in one run",
                          rl::test_result_user_assert_failed, detail::info_of(l));
    }
    keys_[used_] = key;
    return &queues_[used_++];
  }

 private:
  static inline world* current_ = nullptr;  // plain pointer, not a Relacy object
  world* previous_ = nullptr;
  unsigned timed_waiters_ = 0;  // bit i: thread i made a timed wait this iteration
  clock::time_point now_{};
  int used_ = 0;
  const void* keys_[max_futex_words] = {};
  rl::atomic<int> queues_[max_futex_words];  // used only for their wait queues
};

inline clock::time_point clock::now() noexcept {
  return world::current().now();
}

// The model platform (see the top of this file and vsem/platform.hpp).
struct platform {
  template <class T>
  using atomic = vsem::model::atomic<T>;
  template <class T>
  using var = vsem::model::var<T>;
  using clock = vsem::model::clock;

  // Sleeps while the low 32 bits of w equal expected (see "The futex model").
  static void wait(atomic<std::uint64_t>& w, std::uint32_t expected,
                   source_location l = source_location::current()) {
    (void)futex_wait(w, expected, false, clock::time_point::max(), l);
  }

  // As wait(); returns false when the deadline has passed (see "model clock").
  static bool wait_until(atomic<std::uint64_t>& w, std::uint32_t expected,
                         clock::time_point deadline,
                         source_location l = source_location::current()) {
    if (deadline == clock::time_point::max()) {
      wait(w, expected, l);
      return true;
    }
    return futex_wait(w, expected, true, deadline, l);
  }

  // Wakes up to n waiters of w's futex word. Reads nothing of *w: the queue is
  // found in the world's table by address.
  static void wake(const atomic<std::uint64_t>* w, int n,
                   source_location l = source_location::current()) {
    rl::context& c = rl::ctx();
    c.sched();  // the system call is a scheduling point
    const auto info = detail::info_of(l);
    rl::atomic<int>* q = world::current(l).queue(w, false, l);
    const int woken = (q != nullptr && n > 0) ? q->wake(c, n, info) : 0;
    // Messages only while Relacy records a history (the replay of a failure):
    // logged on every iteration they are kept, and memory grows without bound.
    if (c.collecting_history())
      c.exec_log_msg(info, woken == 0 ? "futex_wake: no thread was sleeping"
                                      : "futex_wake: woke sleeping thread(s)");
  }

  static int spin_limit() noexcept { return current_options().spin_limit; }
  static void spin_feedback(bool) noexcept {}  // fixed policy: runs must be deterministic
  static void pause() noexcept {}
  static int yield_limit() noexcept { return 0; }
  static bool yield() noexcept { return true; }

  [[noreturn]] static void contract_violation(const char* what, source_location where) {
    rl::ctx().fail_test(what, rl::test_result_user_assert_failed, detail::info_of(where));
    std::abort();  // not reached: fail_test leaves the fiber
  }

  static bool mutated(mutation m) noexcept { return current_options().mutant == m; }

 private:
  // Returns false on timeout.
  static bool futex_wait(atomic<std::uint64_t>& w, std::uint32_t expected, bool timed,
                         clock::time_point deadline, const source_location& l) {
    rl::context& c = rl::ctx();
    world& wd = world::current(l);
    if (timed && deadline <= wd.now()) return false;
    if (timed) wd.note_timed_wait(static_cast<unsigned>(c.current_thread()));
    c.sched();  // the system call is a scheduling point
    const auto info = detail::info_of(l);
    rl::unpark_reason reason;
    {
      // Compare and enqueue as one step, like the kernel under its bucket lock.
      rl::preemption_disabler pd(c);
      // relaxed RMW: reads the latest value in modification order (see top).
      const std::uint64_t now_value = w.relacy_object().fetch_add(0, rl::mo_relaxed, info);
      if (static_cast<std::uint32_t>(now_value) != expected) {
        if (c.collecting_history())
          c.exec_log_msg(info, "futex_wait: value changed, not sleeping (EAGAIN)");
        return true;
      }
      rl::atomic<int>* q = wd.queue(&w, true, l);
      if (c.collecting_history()) c.exec_log_msg(info, "futex_wait: sleeping");
      reason = q->wait(c, timed, current_options().spurious_wakeups, info);
    }
    if (reason == rl::unpark_reason_timeout) {
      wd.advance_to(deadline);
      if (c.collecting_history())
        c.exec_log_msg(info, "futex_wait: timed out (model clock jumps to the deadline)");
      return false;
    }
    if (reason == rl::unpark_reason_spurious) {
      if (c.collecting_history()) c.exec_log_msg(info, "futex_wait: spurious wakeup");
    }
    return true;
  }
};

// Base of every model: an rl::test_suite that also owns the model platform's
// world (futex table and clock) for each run. Derive as
//   struct my_model : vsem::model::test<my_model, Threads> { void thread(unsigned); };
// and run it with vsem::model::simulate<my_model>(params) (checked, below).
template <class Derived, int ThreadCount>
struct test : rl::test_suite<Derived, ThreadCount> {
  world model_world;
};

// Checker errors. A run's verdict means something only if the checker ran the
// model as written: every thread body exactly once per iteration. Relacy's
// fair schedulers (full and context-bound search) can break that when every
// thread left is blocked and two or more are in timed waits: they either stop
// at an internal assertion (models are built with RL_DO_ASSERT=1, so they do)
// or, without it, run a finished thread's body again or end an iteration with
// a thread unfinished. checked<T> detects the last two; the runner
// (vsem-verify) reports any of them as CHECKER ERROR, never as PASS or FAIL.
struct checker_error_state {
  bool raised = false;
  char what[200] = {};
};
inline checker_error_state& checker_error() noexcept {
  static checker_error_state e;  // plain data, not a Relacy object
  return e;
}

namespace detail {
[[noreturn]] inline void raise_checker_error(const char* what, unsigned thread) {
  checker_error_state& e = checker_error();
  e.raised = true;
  std::snprintf(e.what, sizeof e.what, what, thread);
  rl::ctx().fail_test(e.what, rl::test_result_user_assert_failed, RL_INFO);
  std::abort();  // not reached: fail_test leaves the fiber
}
}  // namespace detail

// Runs model T as Relacy would, and checks the checker: each thread body runs
// exactly once per iteration (see checker_error()).
template <class T>
struct checked : rl::test_suite<checked<T>, T::params::static_thread_count> {
  static constexpr unsigned threads = T::params::static_thread_count;
  T model;
  int started[threads] = {};  // plain bookkeeping of the harness, not model data
  int finished[threads] = {};

  void before() { model.before(); }
  void invariant() { model.invariant(); }
  void thread(unsigned index) {
    if (started[index]++ != 0) {
      detail::raise_checker_error(
          "checker error: Relacy ran thread %u's body a second time in one iteration", index);
    }
    model.thread(index);
    ++finished[index];
  }
  void after() {
    for (unsigned i = 0; i < threads; ++i) {
      if (finished[i] != 1) {
        detail::raise_checker_error("checker error: an iteration ended with thread %u unfinished",
                                    i);
      }
    }
    model.after();
  }
};

// rl::simulate of model T under checked<T>; clears checker_error() first.
// Returns false on a failure or a checker error (see checker_error().raised).
// Relacy's progress lines ("3% (65536/2000000)") go to standard error when
// they would otherwise share the trace's stream (both are std::cout by
// default), so a saved trace holds the trace only.
template <class T>
bool simulate(rl::test_params& params) {
  checker_error() = checker_error_state{};
  if (params.progress_stream == params.output_stream) params.progress_stream = &std::cerr;
  return rl::simulate<checked<T>>(params);
}

}  // namespace vsem::model

// Asserts a condition inside a model thread; a failure is reported with the
// history of the run. (Relacy's own RL_ASSERT, under a vsem name.)
#define VSEM_MODEL_ASSERT(x) RL_ASSERT(x)

// Fails the run with `what` (a C string that outlives the run, e.g. a static
// buffer): "USER ASSERT FAILED (what)" in the history, for a check whose
// explanation is longer than its condition (models/lin/ prints a history).
#define VSEM_MODEL_FAIL(what) \
  rl::ctx().fail_test((what), rl::test_result_user_assert_failed, RL_INFO)

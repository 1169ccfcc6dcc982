// tests/stress/semaphore_destroy_scenario.cpp: vsem-stress's
// destroy_after_acquire scenario (glibc bug 12674's shape; see
// semaphore_scenarios.hpp): an acquirer destroys its semaphore as soon as
// acquire() returns, while the releaser may still be inside release().

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <vsem/fault/platform.hpp>
#include <vsem/platform.hpp>
#include <vsem/semaphore.hpp>

#include "stress/harness.hpp"
#include "stress/semaphore_scenarios.hpp"

namespace vsem_stress {

namespace {

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

// Acquirer i of destroy_after_acquire: per_pair semaphores made, handed over,
// acquired and destroyed at once, in four ways by turns. Returns how many.
template <class P>
long long destroy_acquirer(destroy_pair<P>& pair, int i, long long per_pair, watchdog& dog,
                           failure_log& failures, longest_wait& longest) {
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
  // Every semaphore handed over has been released (its acquire returned),
  // so the releaser finds the boxes empty and stops.
  pair.quit.store(true, std::memory_order_release);
  longest.merge(mine);
  return k;
}

// Releaser i of destroy_after_acquire: releases each semaphore handed over,
// until the acquirer quits.
template <class P>
void destroy_releaser(destroy_pair<P>& pair, rng r) {
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
}

}  // namespace

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
    destroy_pair<P>* pair = ps[static_cast<std::size_t>(i)].get();
    threads.spawn([&, pair, i] {  // the acquirer
      done[static_cast<std::size_t>(i)] =
          destroy_acquirer(*pair, i, per_pair, dog, failures, longest);
    });
    threads.spawn([&cx, pair, i] {  // the releaser
      destroy_releaser(*pair, rng(cx.seed, 4000 + static_cast<std::uint64_t>(i)));
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

template outcome destroy_after_acquire<vsem::os_platform>(const context&);
template outcome destroy_after_acquire<vsem::fault::platform>(const context&);

}  // namespace vsem_stress

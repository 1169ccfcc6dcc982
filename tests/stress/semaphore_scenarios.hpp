// tests/stress/semaphore_scenarios.hpp: vsem-stress's scenarios for
// vsem::counting_semaphore and vsem::binary_semaphore, each shaped like a
// semaphore bug that shipped somewhere. Each runs many threads against one
// object under the watchdog (harness.hpp) and checks an invariant at the end;
// outcome::failure is empty when it held. Defined for vsem::os_platform and
// vsem::fault::platform (semaphore_scenarios.cpp, semaphore_destroy_scenario.cpp).
#pragma once

#include "stress/harness.hpp"

namespace vsem_stress {

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
outcome barrier_rounds(const context& cx);

// 2. timed_vs_release_n: N threads loop in try_acquire_for (and
// try_acquire_until on steady_clock and system_clock) with random short
// timeouts, racing one releaser that adds permits with release(n) for random
// n, keeping the count near zero so that timeouts and releases collide. At the
// end the permits left are drained with try_acquire: taken + left must equal
// released (a timeout that swallowed a permit, or a permit taken twice, breaks
// it), and no waiter may stay registered. --threads N: N timed acquirers (plus
// the releaser). ops: permits released.
template <class P>
outcome timed_vs_release_n(const context& cx);

// 3. tiny_timeouts: N threads call try_acquire_for(1ns), (1us),
// try_acquire_until(now), (past) and hostile deadlines (zero, negative, the
// ends of time, another clock) on a semaphore at zero. Every call must return
// false, and within 1 s (a call still blocked after 1 s fires the watchdog).
// --threads N: N callers. ops: calls.
template <class P>
outcome tiny_timeouts(const context& cx);

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
outcome destroy_after_acquire(const context& cx);

// 5. permits: N threads use a k-permit semaphore as a k-limited resource, for
// k = 1 (a binary semaphore guarding a plain counter), N/2 and N-1: an in-use
// counter must never exceed k, exactly k permits must be left at the end, and
// no waiter. --threads N: N threads. ops: acquire/release pairs.
template <class P>
outcome permits(const context& cx);

// One phase of `permits` on its own: cx.threads threads share a k-permit
// semaphore (a binary semaphore guarding a plain counter when k == 1) for
// cx.ops acquire/release pairs in all, until cx.deadline at the latest.
template <class P>
outcome permits_with(const context& cx, int k);

}  // namespace vsem_stress

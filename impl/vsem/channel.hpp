// vsem/channel.hpp: vsem::channel<T>, a bounded multi-producer multi-consumer
// channel built on vsem's counting semaphores.
//
//   vsem::channel<std::string> ch(64);        // room for 64 items
//   ch.push("hello");                          // blocks while full
//   auto r = ch.pop();                         // blocks while empty
//   if (r) use(*r.value);                      // r.status == channel_status::done
//   ch.close();                                // producers fail; consumers drain, then see closed
//
// The seed program's handoff (one item, one semaphore) grown up: `slots`
// counts free places and `items` counts stored items, so a producer sleeps in
// the kernel while the ring is full and a consumer while it is empty; a
// binary semaphore guards the ring's indices and storage for the few
// instructions it takes to move an item in or out.
//
// Results. Every operation returns a channel_status saying what happened:
// done, full (try_push), empty (try_pop), timed_out, closed. A push that does
// not return `done` has not touched its argument: the caller keeps the item.
//
// close(). Afterwards every push returns `closed`; pops return the items still
// inside, then `closed`; every producer and consumer blocked in the channel
// wakes. close() is idempotent.
//
// Memory ordering. Everything a producer did before a successful push happens
// before everything the consumer that pops that item does after the pop
// returns (the ring's lock is released by the producer and acquired by the
// consumer). close() happens before every operation that returns `closed`.
//
// Storage and exceptions. One ring of capacity() slots is allocated at
// construction; nothing is allocated per item. T needs no default
// constructor and may be move-only. push() gives the strong guarantee: the
// item is moved in when T's move constructor is noexcept, copied when it may
// throw and T is copyable (so a throwing copy leaves the channel and the
// caller's item as they were), and moved otherwise. pop() requires a noexcept
// move constructor (static_assert), so handing an item out cannot lose it.
//
// Contracts (checked when VSEM_CHECKS is on): capacity is 1..2^31 - 1;
// destroying a channel while a thread is blocked in it is a violation. Items
// still inside at destruction are destroyed.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "semaphore.hpp"

namespace vsem {

// What a channel operation did.
enum class channel_status {
  done,       // the item was pushed / popped
  full,       // try_push: no room now
  empty,      // try_pop: no item now
  timed_out,  // try_push_for/until, try_pop_for/until: the deadline passed
  closed,     // the channel is closed (for pop: and drained)
};

// Printable name of a channel_status.
constexpr const char* name(channel_status s) noexcept {
  switch (s) {
    case channel_status::done:
      return "done";
    case channel_status::full:
      return "full";
    case channel_status::empty:
      return "empty";
    case channel_status::timed_out:
      return "timed_out";
    case channel_status::closed:
      return "closed";
  }
  return "?";
}

// The result of a pop: a status and, when the status is done, the item.
template <class T>
struct pop_result {
  channel_status status;
  std::optional<T> value;
  explicit operator bool() const noexcept { return status == channel_status::done; }
};

template <class T, class Platform = os_platform>
class basic_channel {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "vsem::channel<T> needs a noexcept move constructor so that pop cannot lose items");
  static_assert(std::is_nothrow_destructible_v<T>, "vsem::channel<T> needs a noexcept destructor");

  using clock = typename Platform::clock;
  using semaphore = counting_semaphore<detail::semaphore_count_limit, Platform>;
  using status = channel_status;

 public:
  using value_type = T;

  // Creates an open, empty channel with room for `capacity` items.
  // Requires 1 <= capacity <= 2^31 - 1 (checked).
  explicit basic_channel(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        ring_(std::make_unique<slot[]>(capacity_)),
        slots_(static_cast<std::ptrdiff_t>(capacity_)),
        items_(0),
        lock_(1),
        head_(0),
        size_(0),
        closed_(false) {}

  // Destroys the items still inside. Requires that no thread is blocked in
  // push or pop (checked).
  ~basic_channel() {
    detail::expects<Platform>(slots_.debug_snapshot().waiters == 0 &&
                                  items_.debug_snapshot().waiters == 0 &&
                                  lock_.debug_snapshot().waiters == 0,
                              "channel destroyed while a thread is blocked in push or pop");
    const std::size_t n = size_.load();
    std::size_t i = head_.load();
    for (std::size_t k = 0; k < n; ++k) {
      ring_[i].destroy();
      i = next(i);
    }
  }

  basic_channel(const basic_channel&) = delete;
  basic_channel& operator=(const basic_channel&) = delete;

  // The number of items the channel holds when full.
  std::size_t capacity() const noexcept { return capacity_; }

  // Pushes `item`, blocking while the channel is full. Returns done, or closed
  // (then `item` is untouched).
  status push(T&& item) { return push_impl(item, clock::time_point::max()); }
  status push(const T& item) { return push_impl(item, clock::time_point::max()); }

  // Pushes `item` if there is room now; never blocks. Returns done, full or
  // closed (then `item` is untouched).
  status try_push(T&& item) { return try_push_impl(item); }
  status try_push(const T& item) { return try_push_impl(item); }

  // Pushes `item`, waiting at most `rel` for room. Returns done, timed_out or
  // closed (then `item` is untouched). A zero or negative wait is try_push,
  // except that it reports timed_out rather than full.
  template <class Rep, class Period>
  status try_push_for(T&& item, const std::chrono::duration<Rep, Period>& rel) {
    return push_impl(item, deadline_after(rel));
  }
  template <class Rep, class Period>
  status try_push_for(const T& item, const std::chrono::duration<Rep, Period>& rel) {
    return push_impl(item, deadline_after(rel));
  }

  // Pushes `item`, waiting until `abs` at most. As try_push_for. A clock other
  // than Platform::clock is converted to it once, at the call.
  template <class Clock, class Duration>
  status try_push_until(T&& item, const std::chrono::time_point<Clock, Duration>& abs) {
    return push_impl(item, deadline_at(abs));
  }
  template <class Clock, class Duration>
  status try_push_until(const T& item, const std::chrono::time_point<Clock, Duration>& abs) {
    return push_impl(item, deadline_at(abs));
  }

  // Pops the oldest item, blocking while the channel is empty and open.
  // Returns {done, item}, or {closed} once the channel is closed and drained.
  pop_result<T> pop() { return pop_impl(clock::time_point::max()); }

  // Pops an item if there is one now; never blocks. {done, item}, {empty} or
  // {closed} (closed and drained).
  pop_result<T> try_pop() {
    if (items_.try_acquire()) return take();
    if (!items_.is_closed()) return {status::empty, {}};
    // Closed: every item pushed before close() is counted by now (close()
    // follows their release under the lock), so one more try tells "drained"
    // from "an item arrived just before the close".
    if (items_.try_acquire()) return take();
    return {status::closed, {}};
  }

  // Pops an item, waiting at most `rel`. {done, item}, {timed_out} or {closed}.
  template <class Rep, class Period>
  pop_result<T> try_pop_for(const std::chrono::duration<Rep, Period>& rel) {
    return pop_impl(deadline_after(rel));
  }

  // Pops an item, waiting until `abs` at most. As try_pop_for (clocks as for
  // try_push_until).
  template <class Clock, class Duration>
  pop_result<T> try_pop_until(const std::chrono::time_point<Clock, Duration>& abs) {
    return pop_impl(deadline_at(abs));
  }

  // Closes the channel: later pushes return closed, pops drain what is left and
  // then return closed, and every blocked producer and consumer wakes.
  void close() noexcept {
    // Under the ring's lock, so that a push that finds the channel closed (it
    // checks under the lock) happens after both semaphores are closed, and
    // is_closed() agrees with it.
    lock_.acquire();
    const bool was_closed = closed_.load();
    closed_.store(true);
    if (!was_closed) {
      if (!Platform::mutated(mutation::channel_close_skips_producers)) {
        slots_.close();  // wakes blocked producers: they find the channel closed
      }
      items_.close();  // wakes blocked consumers once the ring is drained
    }
    lock_.release();
  }

  // True once close() has been called.
  bool is_closed() const noexcept { return items_.is_closed(); }

 private:
  // Storage for one item; `full` marks it occupied and, under the model,
  // makes every access to the payload a race-checked access.
  struct slot {
    alignas(T) unsigned char bytes[sizeof(T)];
    typename Platform::template var<bool> full{false};

    T* get() noexcept { return std::launder(reinterpret_cast<T*>(bytes)); }
    void destroy() noexcept {
      get()->~T();
      full.store(false);
    }
  };

  static std::size_t checked_capacity(std::size_t capacity) noexcept {
    detail::expects<Platform>(capacity >= 1, "channel capacity must be at least 1");
    detail::expects<Platform>(capacity <= std::size_t(detail::semaphore_count_limit),
                              "channel capacity exceeds 2^31 - 1");
    return capacity;
  }

  std::size_t next(std::size_t i) const noexcept { return i + 1 == capacity_ ? 0 : i + 1; }

  template <class Rep, class Period>
  static typename clock::time_point deadline_after(const std::chrono::duration<Rep, Period>& rel) {
    const auto now = clock::now();
    if (rel <= rel.zero()) return now;
    return detail::deadline_after<clock>(now, rel);
  }

  // A deadline on any clock, as a Platform::clock deadline (no overflow).
  template <class Clock, class Duration>
  static typename clock::time_point deadline_at(
      const std::chrono::time_point<Clock, Duration>& abs) {
    const auto left = detail::time_left(abs);
    const auto now = clock::now();
    return left <= left.zero() ? now : detail::deadline_after<clock>(now, left);
  }

  // Constructs the item in the ring: moved when that cannot throw, else copied
  // when possible (strong guarantee), else moved.
  template <class U>
  static void construct(slot& s, U& item) {
    if constexpr (std::is_nothrow_move_constructible_v<T> || !std::is_copy_constructible_v<T>) {
      ::new (static_cast<void*>(s.bytes)) T(std::move(item));
    } else {
      ::new (static_cast<void*>(s.bytes)) T(std::as_const(item));
    }
  }

  template <class U>
  status push_impl(U& item, typename clock::time_point deadline) {
    switch (slots_.acquire_or_closed(deadline)) {
      case detail::wait_status::acquired:
        return put(item);
      case detail::wait_status::timed_out:
        return status::timed_out;
      case detail::wait_status::closed:
        return status::closed;
    }
    return status::closed;
  }

  template <class U>
  status try_push_impl(U& item) {
    if (!slots_.try_acquire()) return slots_.is_closed() ? status::closed : status::full;
    return put(item);
  }

  // Holding one of `slots_`'s permits: stores the item unless closed.
  template <class U>
  status put(U& item) {
    lock_.acquire();
    if (closed_.load()) {
      lock_.release();
      slots_.release();  // give the place back
      return status::closed;
    }
    const std::size_t size = size_.load();
    std::size_t tail = head_.load() + size;
    if (tail >= capacity_) tail -= capacity_;
    slot& s = ring_[tail];
    if constexpr (std::is_copy_constructible_v<U> && !std::is_nothrow_copy_constructible_v<U>) {
      try {
        construct(s, item);
      } catch (...) {
        lock_.release();
        slots_.release();
        throw;
      }
    } else {
      construct(s, item);
    }
    s.full.store(true);
    size_.store(size + 1);
    // Released under the lock, so a close() that follows this push counts the
    // item: consumers drain it before they see `closed`.
    items_.release();
    lock_.release();
    return status::done;
  }

  pop_result<T> pop_impl(typename clock::time_point deadline) {
    switch (items_.acquire_or_closed(deadline)) {
      case detail::wait_status::acquired:
        return take();
      case detail::wait_status::timed_out:
        return {status::timed_out, {}};
      case detail::wait_status::closed:
        return {status::closed, {}};
    }
    return {status::closed, {}};
  }

  // Holding one of `items_`'s permits: moves the oldest item out.
  pop_result<T> take() {
    lock_.acquire();
    const std::size_t head = head_.load();
    slot& s = ring_[head];
    const bool full = s.full.load();
    detail::expects<Platform>(full, "channel: internal error, popped an empty slot");
    head_.store(next(head));
    size_.store(size_.load() - 1);
    if (Platform::mutated(mutation::channel_unlocked_take)) {
      lock_.release();  // the bug: the slot is read after the lock is released
      pop_result<T> r{status::done, std::optional<T>(std::move(*s.get()))};
      s.destroy();
      slots_.release();
      return r;
    }
    pop_result<T> r{status::done, std::optional<T>(std::move(*s.get()))};
    s.destroy();
    lock_.release();
    slots_.release();
    return r;
  }

  const std::size_t capacity_;
  std::unique_ptr<slot[]> ring_;
  semaphore slots_;                                    // free places
  semaphore items_;                                    // stored items
  counting_semaphore<1, Platform> lock_;               // guards the ring and the vars below
  typename Platform::template var<std::size_t> head_;  // index of the oldest item
  typename Platform::template var<std::size_t> size_;  // items in the ring
  typename Platform::template var<bool> closed_;       // close() was called
};

// A bounded MPMC channel on the OS platform.
template <class T>
using channel = basic_channel<T, os_platform>;

}  // namespace vsem

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
// the kernel while the ring is full and a consumer while it is empty. There is
// no lock: holding a permit, a producer takes the next ticket (one
// fetch_add), and ticket t owns cell t mod R of the ring (R: the capacity
// rounded up to a power of two). Each cell has a turn word: ticket t's
// producer may fill the cell when the turn is t, ticket t's consumer may empty
// it when the turn is t + 1, and emptying it passes the turn to t + R. A
// thread whose cell is not ready yet waits only for another push or pop that
// is already past its semaphore (it spins briefly, then sleeps on the turn
// word); it never waits for a thread that is itself waiting for room or items.
//
// Results. Every operation returns a channel_status saying what happened:
// done, full (try_push), empty (try_pop), timed_out, closed. A push that does
// not return `done` has not touched its argument: the caller keeps the item.
//
// close(). Afterwards every push returns `closed`; pops return the items still
// inside, then `closed`; every producer and consumer blocked in the channel
// wakes. close() is idempotent and never blocks. Pushes that had taken their
// ticket before close() still store their item; consumers see `closed` only
// after the last of them has (the producers-in-flight count, see tail_).
//
// Destruction. Destroy a channel only when no thread is inside any of its
// member functions and none will call one again, with two exceptions, which
// allow the "consumer owns the channel" pattern (a channel on the consumer's
// stack, destroyed when its pop returns `closed`):
//   * The close() call that closed the channel may still be running once the
//     destroying thread has seen `closed` as the result of a push or a pop
//     (any variant). From the moment any operation can return `closed`,
//     close() touches nothing of the channel: it has finished, or it only
//     hands an address to the kernel (a futex wake), as release() does.
//   * A push that stored its item (returned or will return `done`) may still
//     be returning once the destroying thread has seen `closed` from a pop:
//     consumers see `closed` only after every such push has finished with the
//     channel.
// Seeing is_closed() == true is not enough: it turns true at the start of
// close(). Every other call must have returned, which the destroying thread
// knows by synchronising with its thread (join, or a handshake): a push on its
// way to return `closed`, another pop, or a second close() call still running
// is a violation. Any thread may destroy the channel under these rules; after
// close() returns, its caller (or a thread synchronised with that return) may
// destroy the channel once every other call has returned.
// How it holds: close() counts itself as a producer in flight, and the last
// one out of {producers in flight, close()} closes `items_` as its last
// access (pushes that arrive after that one cannot become a second "last one
// out": see store()); pops see `closed` only through `items_`, and a push
// that finds the channel closed waits for `items_` to close before it returns
// (a short wait: only for close() and for pushes already storing, none of
// which blocks). Models channel_destroy_on_closed/* check both rules.
//
// Memory ordering. Everything a producer did before a successful push happens
// before everything the consumer that pops that item does after the pop
// returns (the cell's turn is released by the producer and acquired by the
// consumer). close() happens before every operation that returns `closed`.
//
// Blocking. try_push and try_pop never wait for room or items. They (and the
// timed calls, beyond their deadline) may wait for a push or pop that another
// thread has already started to finish its copy into or out of the ring, as
// any lock-based queue waits for its lock holder; such waits are bounded by
// other threads' progress and cannot deadlock.
//
// Storage and exceptions. One ring of R cells is allocated at construction;
// nothing is allocated per item. T needs no default constructor and may be
// move-only. push() gives the strong guarantee: push(T&&) moves the item in
// (T's move constructor is noexcept, see below); push(const T&) copies it,
// and a copy constructor that throws leaves the channel and the caller's item
// as they were. pop() requires a noexcept move constructor (static_assert), so
// handing an item out cannot lose it.
//
// Contracts (checked when VSEM_CHECKS is on): capacity is 1..2^31 - 1;
// destroying a channel while a thread is blocked in push or pop, storing an
// item, or inside close() before `closed` could be seen is a violation (see
// "Destruction"). Items still inside at destruction are destroyed.
#pragma once

#include <algorithm>
#include <bit>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "semaphore.hpp"

namespace vsem {
// clang-format off
// What a channel operation did. (Not formatted: clang-format 14 misreads [[nodiscard]] on an enum.)
enum class [[nodiscard]] channel_status {
  done,       // the item was pushed / popped
  full,       // try_push: no room now
  empty,      // try_pop: no item now
  timed_out,  // try_push_for/until, try_pop_for/until: the deadline passed
  closed,     // the channel is closed (for pop: and drained)
};
// clang-format on
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

namespace detail {

// A fixed array of n default-initialised Ts, allocated once: what
// unique_ptr<T[]>(new T[n]) would be, through std::allocator and one
// placement-new per element instead of an array new-expression (whose
// overflow-checked size computation and operator new[] the GenMC model checker
// cannot interpret). T's default constructor must not throw (a cell's does
// not: it stores a constant).
template <class T>
class fixed_array {
 public:
  explicit fixed_array(std::size_t n) : n_(n), p_(std::allocator<T>().allocate(n)) {
    for (std::size_t i = 0; i < n_; ++i) ::new (static_cast<void*>(p_ + i)) T;
  }
  ~fixed_array() {
    for (std::size_t i = 0; i < n_; ++i) p_[i].~T();
    std::allocator<T>().deallocate(p_, n_);
  }
  fixed_array(const fixed_array&) = delete;
  fixed_array& operator=(const fixed_array&) = delete;
  T& operator[](std::size_t i) const noexcept { return p_[i]; }

 private:
  std::size_t n_;
  T* p_;
};

}  // namespace detail

// The result of a pop: a status and, when the status is done, the item.
template <class T>
struct [[nodiscard]] pop_result {
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
  using ticket = std::uint32_t;  // wraps; the ring size divides 2^32

  // tail_ layout: bits 32..63 the next producer ticket; bit 31 closed; bit 30
  // drained (see store()); bits 0..29 producers in flight (took a ticket, have
  // not finished), plus one while close() is closing (at most the number of
  // threads plus one, far below 2^30). One fetch_add takes a ticket, enters,
  // and reads `closed`.
  static constexpr std::uint64_t ticket_one = std::uint64_t{1} << 32;
  static constexpr std::uint64_t closed_bit = std::uint64_t{1} << 31;
  static constexpr std::uint64_t drained_bit = std::uint64_t{1} << 30;
  static constexpr std::uint64_t in_flight_mask = drained_bit - 1;
  // A cell's turn word: bits 0..31 the turn (the futex word); bit 32 set while
  // a thread sleeps waiting for the turn to change.
  static constexpr std::uint64_t sleeper_bit = std::uint64_t{1} << 32;

 public:
  using value_type = T;

  // Creates an open, empty channel with room for `capacity` items.
  // Requires 1 <= capacity <= 2^31 - 1 (checked).
  explicit basic_channel(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        mask_(std::bit_ceil(capacity_) - 1),
        ring_(mask_ + 1),
        slots_(static_cast<std::ptrdiff_t>(capacity_)),
        items_(0),
        tail_(0),
        head_(0) {
    for (std::size_t i = 0; i <= mask_; ++i) {
      // relaxed: no other thread can see the channel before the constructor
      // returns; handing it to them orders these stores.
      ring_[i].turn.store(i, std::memory_order_relaxed);
    }
  }

  // Destroys the items still inside. Requires the rule of "Destruction" at the
  // top (checked for threads that are blocked, storing an item, or closing).
  ~basic_channel() {
    // relaxed: the caller has synchronised with every thread that used the
    // channel (the contract), so a plain read would do.
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    detail::expects<Platform>(slots_.debug_snapshot().waiters == 0 &&
                                  items_.debug_snapshot().waiters == 0 &&
                                  (tail & in_flight_mask) == 0,
                              "channel destroyed while a thread is inside push, pop or close");
    // The items still inside are the next `count` tickets from head: with no
    // thread inside, every item counted by items_ is stored and not popped,
    // and stored tickets are consecutive. (Not "head to tail": pushes that
    // found the channel closed take tickets too, without limit, so after 2^32
    // of them the 32-bit tail would wrap into the stored range.)
    const std::uint32_t stored = items_.debug_snapshot().count;
    // relaxed: as above.
    const ticket head = static_cast<ticket>(head_.load(std::memory_order_relaxed));
    for (std::uint32_t k = 0; k < stored; ++k) {
      const ticket t = head + k;
      cell& c = ring_[t & mask_];
      // relaxed: as above.
      const auto turn = static_cast<ticket>(c.turn.load(std::memory_order_relaxed));
      detail::expects<Platform>(turn == ticket(t + 1), "channel: internal error, lost an item");
      if (turn == ticket(t + 1)) c.destroy();
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

  // Pushes `item` if there is room now; never waits for room. Returns done,
  // full or closed (then `item` is untouched).
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

  // Pops an item if there is one now; never waits for items. {done, item},
  // {empty} or {closed} (closed and drained).
  pop_result<T> try_pop() {
    if (items_.try_acquire()) return take();
    if (!is_closed()) return {status::empty, {}};
    return finish_closed();
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
  // then return closed, and every blocked producer and consumer wakes. Never
  // blocks; idempotent. The channel may be destroyed while the call that
  // closed it is still returning (see "Destruction" at the top).
  void close() noexcept {
    // Set `closed` and enter as if a producer in flight, in one step: consumers
    // may see closed only when every producer in flight has left, and so only
    // after this call has left too (see leave()); then it touches nothing.
    const std::uint64_t enter =
        Platform::mutated(mutation::channel_close_not_in_flight) ? closed_bit : closed_bit + 1;
    // relaxed: only a guess for the compare-exchange, which validates it.
    std::uint64_t old = tail_.load(std::memory_order_relaxed);
    do {
      if ((old & closed_bit) != 0) return;  // closed already
      // release: an operation that sees `closed` (acquire reads of tail_, or of
      // items_ through leave()'s release sequence) sees what the closer did
      // before. relaxed on failure: the loop only retries.
    } while (!tail_.compare_exchange_strong(old, old + enter, std::memory_order_release,
                                            std::memory_order_relaxed));
    if (!Platform::mutated(mutation::channel_close_skips_producers)) {
      slots_.close();  // wakes producers blocked on a full channel: they find it closed
    }
    if (Platform::mutated(mutation::channel_close_ignores_in_flight)) {
      items_.close();  // the bug: consumers may stop before in-flight items are stored
    }
    if (Platform::mutated(mutation::channel_close_not_in_flight)) {
      // The bug (the earlier order): closes items_ itself only when no producer
      // is in flight, else the last one out does, possibly before this call
      // has finished with slots_.
      if ((old & in_flight_mask) == 0) items_.close();
      return;
    }
    leave();  // the last one out (this call or a producer) closes items_
  }

  // True once close() has been called. Seeing true here does not by itself
  // allow destroying the channel: close() may still be running.
  bool is_closed() const noexcept {
    // acquire: pairs with close()'s release.
    return (tail_.load(std::memory_order_acquire) & closed_bit) != 0;
  }

 private:
  // One place of the ring: its turn word and storage for one item.
  struct cell {
    typename Platform::template atomic<std::uint64_t> turn;
    alignas(T) unsigned char bytes[sizeof(T)];
    // Marks the cell occupied and, under the model, makes every access to the
    // payload a race-checked access.
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
    // Keeps the ring size a power of two that divides 2^32 even when the
    // check is off.
    return capacity < 1 ? 1 : std::min(capacity, std::size_t(detail::semaphore_count_limit));
  }

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

  // Waits until cell `c`'s turn is `want`: spins briefly, then sleeps on the
  // turn word. The turn is passed by a push or pop already past its semaphore.
  void wait_turn(cell& c, ticket want) noexcept {
    // acquire: pairs with publish() by the previous owner of the cell.
    std::uint64_t s = c.turn.load(std::memory_order_acquire);
    if (static_cast<ticket>(s) == want) return;
    const bool ready = detail::spin_until<Platform>([&] {
      // acquire: as above.
      s = c.turn.load(std::memory_order_acquire);
      return static_cast<ticket>(s) == want;
    });
    if (ready) return;
    for (;;) {
      if (static_cast<ticket>(s) == want) return;
      if ((s & sleeper_bit) == 0) {
        // acquire: on failure `s` may hold the turn we want, published by a
        // release. (Success only announces a sleeper to publish()'s exchange,
        // which reads it as the next value of this word, so relaxed would do;
        // g++ rejects a failure order stronger than the success order.)
        if (!c.turn.compare_exchange_strong(s, s | sleeper_bit, std::memory_order_acquire,
                                            std::memory_order_acquire)) {
          continue;
        }
        s |= sleeper_bit;
      }
      Platform::wait(c.turn, static_cast<std::uint32_t>(s));  // while the turn is unchanged
      // acquire: as above.
      s = c.turn.load(std::memory_order_acquire);
    }
  }

  // Passes cell `c`'s turn to `next`, waking its sleepers if any.
  void publish(cell& c, ticket next) noexcept {
    // release: pairs with wait_turn()'s acquire by the next owner of the cell.
    const std::uint64_t old = c.turn.exchange(next, std::memory_order_release);
    if ((old & sleeper_bit) != 0) Platform::wake(&c.turn, INT_MAX);
  }

  // A producer (or close()) leaves: the last one out after close() closes
  // items_. That close is the moment consumers may see `closed`, and every
  // push that finds the channel closed waits for it (closed_result()), so no
  // thread can see `closed` while another is still inside close() or still
  // storing an item. After its fetch_sub this thread touches only items_, and
  // items_.close() touches nothing after its own read-modify-write.
  void leave() noexcept {
    // acq_rel: release, so that this producer's items_.release() and the
    // closer's slots_.close() happen before whoever closes items_; acquire, so
    // that if that is this thread, the others' happen before it too.
    const std::uint64_t old = tail_.fetch_sub(1, std::memory_order_acq_rel);
    if ((old & (closed_bit | drained_bit | in_flight_mask)) == (closed_bit | 1)) items_.close();
  }

  // A push found the channel closed: reports it once close() has finished with
  // the channel (items_ is closed last), so that the caller may destroy it.
  status closed_result() noexcept {
    if (!Platform::mutated(mutation::channel_push_closed_early)) items_.wait_closed();
    return status::closed;
  }

  template <class U>
  status push_impl(U& item, typename clock::time_point deadline) {
    switch (slots_.acquire_or_closed(deadline)) {
      case detail::wait_status::acquired:
        return put(item);
      case detail::wait_status::timed_out:
        // Timed out while close() was closing: report closed, as after close().
        return is_closed() ? closed_result() : status::timed_out;
      case detail::wait_status::closed:
        return closed_result();
    }
    return closed_result();
  }

  template <class U>
  status try_push_impl(U& item) {
    if (!slots_.try_acquire()) return is_closed() ? closed_result() : status::full;
    return put(item);
  }

  // Holding one of `slots_`'s permits: copies a const item first (a throwing
  // copy leaves everything as it was), then stores it.
  template <class U>
  status put(U& item) {
    if constexpr (std::is_const_v<U> && !std::is_nothrow_copy_constructible_v<T>) {
      // A copy that throws gives the place back (the guard's destructor), so
      // the channel is as it was; no try block, so -fno-exceptions builds too.
      struct give_back {
        decltype(slots_)& slots;
        bool armed = true;
        ~give_back() {
          if (armed) slots.release();
        }
      } guard{slots_};
      std::optional<T> copy;
      copy.emplace(item);
      guard.armed = false;
      return store(*copy);
    } else {
      return store(item);
    }
  }

  // Holding one of `slots_`'s permits: takes a ticket and stores the item in its
  // cell (moved, or copied without throwing), unless closed.
  template <class U>
  status store(U& item) noexcept {
    // acquire: pairs with close()'s release when this push finds it closed.
    const std::uint64_t old = tail_.fetch_add(ticket_one + 1, std::memory_order_acquire);
    if ((old & closed_bit) != 0) {
      if ((old & in_flight_mask) == 0 && !Platform::mutated(mutation::channel_late_push_closes)) {
        // Everyone in flight when close() began, and close() itself, has left:
        // the last of them closes items_, maybe right now. This push must not
        // become a second "last one out" and close items_ first, letting a
        // consumer destroy the channel under that pending close. Any later
        // leave that empties the count sees this bit: until this push leaves,
        // the count cannot reach zero. relaxed: this thread's own leave()
        // follows in modification order; nothing else is published.
        tail_.fetch_or(drained_bit, std::memory_order_relaxed);
      }
      slots_.release();  // give the place back
      leave();           // while in flight, the destructor's check counts this thread
      return closed_result();
    }
    const ticket t = static_cast<ticket>(old >> 32);
    cell& c = ring_[t & mask_];
    wait_turn(c, t);  // the consumer of ticket t - R has emptied the cell
    if constexpr (std::is_const_v<U>) {
      ::new (static_cast<void*>(c.bytes)) T(item);
    } else {
      ::new (static_cast<void*>(c.bytes)) T(std::move(item));
    }
    c.full.store(true);
    publish(c, t + 1);  // the consumer of ticket t may take it
    items_.release();
    leave();  // after the release: items_ closes only once this item is counted
    return status::done;
  }

  pop_result<T> pop_impl(typename clock::time_point deadline) {
    switch (items_.acquire_or_closed(deadline)) {
      case detail::wait_status::acquired:
        return take();
      case detail::wait_status::timed_out:
        if (is_closed()) return finish_closed();
        return {status::timed_out, {}};
      case detail::wait_status::closed:
        return {status::closed, {}};
    }
    return {status::closed, {}};
  }

  // The channel is closed and no item was counted: pushes that took their
  // ticket before close() may still be storing, and items_ closes when the
  // last one is done. Waits for that (it is bounded: they wait for nothing
  // but pops already in progress), then pops or reports closed.
  pop_result<T> finish_closed() {
    if (items_.acquire_or_closed(clock::time_point::max()) == detail::wait_status::acquired) {
      return take();
    }
    return {status::closed, {}};
  }

  // Holding one of `items_`'s permits: takes a ticket and moves its item out.
  pop_result<T> take() {
    // relaxed: a ticket only needs to be unique; the cell's turn orders the data.
    const ticket h = static_cast<ticket>(head_.fetch_add(1, std::memory_order_relaxed));
    cell& c = ring_[h & mask_];
    wait_turn(c, h + 1);  // the producer of ticket h has stored its item
    const bool full = c.full.load();
    detail::expects<Platform>(full, "channel: internal error, popped an empty cell");
    if (Platform::mutated(mutation::channel_early_publish)) {
      publish(c, h + ticket(mask_ + 1));  // the bug: frees the cell before reading it
      pop_result<T> r{status::done, std::optional<T>(std::move(*c.get()))};
      c.destroy();
      slots_.release();
      return r;
    }
    pop_result<T> r{status::done, std::optional<T>(std::move(*c.get()))};
    c.destroy();
    publish(c, h + ticket(mask_ + 1));  // the producer of ticket h + R may fill it
    slots_.release();
    return r;
  }

  // Producers and consumers each update their own cache line (tail_, head_),
  // and the two semaphores have one each: sharing a line would make every
  // operation wait for a line that an unrelated update just took.
  static constexpr std::size_t line = 64;
  const std::size_t capacity_;
  const std::size_t mask_;  // R - 1
  const detail::fixed_array<cell> ring_;
  alignas(line) semaphore slots_;  // free places
  alignas(line) semaphore items_;  // stored items, counted once their cell is filled
  alignas(line) typename Platform::template atomic<std::uint64_t> tail_;  // see ticket_one
  alignas(line) typename Platform::template atomic<std::uint64_t> head_;  // next consumer ticket
};

// A bounded MPMC channel on the OS platform.
template <class T>
using channel = basic_channel<T, os_platform>;

}  // namespace vsem

// Why a thread that sees `closed` may destroy the channel at once (see leave()):
// a push P is in flight when C calls close(); consumer Q waits. tail_: closed, in flight.
//   1  P  fetch_add: ticket t, saw open      (0, 1)
//   2  C  compare-exchange: closed, +1       (1, 2)
//   3  C  slots_.close(); leave() saw 2      (1, 1)   items_ open
//   4  P  stores its item; items_.release()  (1, 1)   one item
//   5  P  leave() saw (1, 1): last one out   (1, 0)   P closes items_, its last access
//   6  Q  takes P's item, then sees closed; may destroy the channel
// Closing items_ at step 3 (mutant channel_close_ignores_in_flight) lets Q see
// `closed` before step 4 and destroy the channel under P; not counting C in
// flight (channel_close_not_in_flight) lets P close items_ while C is still in
// slots_.close(). A push after step 2 sees `closed`, gives its place back,
// leaves, and waits for items_ to close (closed_result()).

// vsem/channel.hpp: vsem::channel<T>, a bounded multi-producer multi-consumer
// channel: per-cell stamps, futex sleep only at full and empty.
//
//   vsem::channel<std::string> ch(64);        // room for 64 items
//   ch.push("hello");                          // blocks while full
//   auto r = ch.pop();                         // blocks while empty
//   if (r) use(*r.value);                      // r.status == channel_status::done
//   ch.close();                                // producers fail; consumers drain, then see closed
//
// The seed program's handoff (one item, one semaphore) grown up, without a
// shared counter: a producer and a consumer touch only their own end's ticket
// word and the cell they work on, and sleep only when the channel is full or
// empty. The ring has `capacity` cells; a producer claims the next ticket
// (tail_, one compare-exchange) and ticket t owns cell t mod L (L: the lap,
// capacity + 1 rounded up to a power of two; tickets skip the indexes from
// capacity to L - 1). Each cell has a stamp: ticket t's producer may fill the
// cell when the stamp is t, ticket t's consumer (who claimed t from head_) may
// empty it when the stamp is t + 1, and emptying it passes the stamp to t + L.
// A producer that finds its cell still holding last lap's item reads head_: if
// no consumer has claimed that item, the channel is full; a consumer that
// finds its cell empty reads tail_: if no producer has claimed that ticket, the
// channel is empty. Only then does a thread sleep, on the producers' or the
// consumers' waiting word, and the thread that unblocks it wakes it (notify());
// when nobody sleeps, that costs one load. A thread whose cell is not ready yet
// waits only for a push or pop that has already claimed its ticket (it yields
// and spins, then sleeps on the stamp word); it never waits for a thread that is
// itself waiting for room or items.
//
// Results. Every operation returns a channel_status saying what happened:
// done, full (try_push), empty (try_pop), timed_out, closed. A push that does
// not return `done` has not touched its argument: the caller keeps the item.
//
// close(). Afterwards every push returns `closed`; pops return the items still
// inside, then `closed`; every producer and consumer blocked in the channel
// wakes. close() is idempotent and never blocks. Pushes that had claimed their
// ticket before close() still store their item; consumers see `closed` only
// after they have popped the last of them.
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
// How it holds: close() sets `closed` in tail_, wakes the producers, and, as
// its last access, sets `finished` in the consumers' waiting word; any push or
// pop reports `closed` only after it has seen `finished`. A pop sees `closed`
// only once every ticket claimed before close() has been popped, and a push's
// last access is the stamp that hands its item over (it wakes consumers
// before that, see store()). A push that finds the channel closed has claimed
// nothing. Models channel_destroy_on_closed/* check both rules.
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
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "channel_wait.hpp"
#include "deadline.hpp"
#include "fixed_array.hpp"
#include "platform.hpp"

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

// The largest capacity: tickets are 32 bits and a lap (capacity + 1 rounded up
// to a power of two) must divide 2^32.
inline constexpr std::size_t channel_capacity_limit = 0x7fffffff;

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
  using word = detail::wait_word<Platform>;
  using status = channel_status;
  // A ticket names one push and the pop of its item: lap * lap_ + index, where
  // index (0 .. capacity - 1) is the cell. Tickets wrap at 2^32; lap_ is a
  // power of two, so the lap arithmetic wraps with them.
  using ticket = std::uint32_t;

  // tail_: bits 0..31 the next producer ticket, bit 32 closed. head_: the next
  // consumer ticket. A cell's stamp word: bits 0..31 the stamp (the futex
  // word), bit 32 set while a thread sleeps waiting for the stamp to change.
  static constexpr std::uint64_t closed_bit = std::uint64_t{1} << 32;
  // A waiting place (push_waiters_, pop_waiters_): bits 0..31 an epoch (the
  // futex word), bumped by 2 to wake sleepers; its bit 0 is set once, as
  // close()'s last access (pop_waiters_ only). Bits 32..63 count the threads
  // registered there since the last wake (channel_wait.hpp).
  static constexpr std::uint64_t finished_bit = 1;

  // Orders. The claims and the sleep/wake handshake need seq_cst (their
  // comments say why). Every other access to tail_, head_, the stamps and the
  // waiting words is seq_cst too, where acquire, release or relaxed would do
  // (each comment names the weaker order that suffices, marked "(O)"). On
  // x86-64 that costs nothing: a seq_cst load is a plain load, and exchanges
  // and read-modify-writes are locked instructions whatever the order. On
  // AArch64 a seq_cst load is an LDAR, as an acquire load may be, and the
  // relaxed guesses become LDAR instead of LDR (not measured). What it buys is
  // search: in Relacy, a seq_cst load of a word that only seq_cst operations
  // write has one value to read, which keeps the channel's models exhaustive
  // at useful bounds.

  // What an attempt to claim a ticket found.
  enum class claim { got, blocked, closed };  // blocked: full (push) or empty (pop)

 public:
  using value_type = T;

  // Creates an open, empty channel with room for `capacity` items.
  // Requires 1 <= capacity <= 2^31 - 1 (checked).
  explicit basic_channel(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        lap_(static_cast<ticket>(std::bit_ceil(capacity_ + 1))),
        ring_(capacity_),
        tail_(0),
        head_(0),
        push_waiters_(0),
        pop_waiters_(0) {
    for (std::size_t i = 0; i < capacity_; ++i) {
      // relaxed: no other thread can see the channel before the constructor
      // returns; handing it to them orders these stores. Cell i is free for
      // ticket i.
      ring_[i].stamp.store(i, std::memory_order_relaxed);
    }
  }

  // Destroys the items still inside. Requires the rule of "Destruction" at the
  // top (checked for threads that are blocked, storing an item, or closing).
  ~basic_channel() {
    // relaxed (all loads here): the caller has synchronised with every thread
    // that used the channel (the contract), so plain reads would do.
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const auto pushers = push_waiters_.load(std::memory_order_relaxed);  // relaxed: as above
    const auto poppers = pop_waiters_.load(std::memory_order_relaxed);   // relaxed: as above
    detail::expects<Platform>((pushers >> 32) == 0 && (poppers >> 32) == 0,
                              "channel destroyed while a thread is blocked in push or pop");
    detail::expects<Platform>((tail & closed_bit) == 0 || (poppers & finished_bit) != 0,
                              "channel destroyed while close() is still running");
    // The items still inside are the tickets from head to tail.
    const ticket end = static_cast<ticket>(tail);
    // relaxed: as above.
    for (ticket t = static_cast<ticket>(head_.load(std::memory_order_relaxed)); t != end;
         t = next(t)) {
      cell& c = ring_[index_of(t)];
      // relaxed: as above.
      const auto stamp = static_cast<ticket>(c.stamp.load(std::memory_order_relaxed));
      detail::expects<Platform>(stamp == ticket(t + 1),
                                "channel destroyed while a push is storing its item");
      if (stamp == ticket(t + 1)) c.destroy();
    }
  }

  basic_channel(const basic_channel&) = delete;
  basic_channel& operator=(const basic_channel&) = delete;

  // The number of items the channel holds when full.
  std::size_t capacity() const noexcept { return capacity_; }

  // Pushes `item`, blocking while the channel is full. Returns done, or closed
  // (then `item` is untouched).
  status push(T&& item) { return push_impl(item, clock::time_point::max(), status::timed_out); }
  status push(const T& item) {
    return push_impl(item, clock::time_point::max(), status::timed_out);
  }

  // Pushes `item` if there is room now; never waits for room. Returns done,
  // full or closed (then `item` is untouched).
  status try_push(T&& item) { return push_impl(item, clock::time_point::min(), status::full); }
  status try_push(const T& item) { return push_impl(item, clock::time_point::min(), status::full); }

  // Pushes `item`, waiting at most `rel` for room. Returns done, timed_out or
  // closed (then `item` is untouched). A zero or negative wait is try_push,
  // except that it reports timed_out rather than full.
  template <class Rep, class Period>
  status try_push_for(T&& item, const std::chrono::duration<Rep, Period>& rel) {
    return push_impl(item, deadline_after(rel), status::timed_out);
  }
  template <class Rep, class Period>
  status try_push_for(const T& item, const std::chrono::duration<Rep, Period>& rel) {
    return push_impl(item, deadline_after(rel), status::timed_out);
  }

  // Pushes `item`, waiting until `abs` at most. As try_push_for. A clock other
  // than Platform::clock is converted to it once, at the call.
  template <class Clock, class Duration>
  status try_push_until(T&& item, const std::chrono::time_point<Clock, Duration>& abs) {
    return push_impl(item, deadline_at(abs), status::timed_out);
  }
  template <class Clock, class Duration>
  status try_push_until(const T& item, const std::chrono::time_point<Clock, Duration>& abs) {
    return push_impl(item, deadline_at(abs), status::timed_out);
  }

  // Pops the oldest item, blocking while the channel is empty and open.
  // Returns {done, item}, or {closed} once the channel is closed and drained.
  pop_result<T> pop() { return pop_impl(clock::time_point::max(), status::timed_out); }

  // Pops an item if there is one now; never waits for items. {done, item},
  // {empty} or {closed} (closed and drained).
  pop_result<T> try_pop() { return pop_impl(clock::time_point::min(), status::empty); }

  // Pops an item, waiting at most `rel`. {done, item}, {timed_out} or {closed}.
  template <class Rep, class Period>
  pop_result<T> try_pop_for(const std::chrono::duration<Rep, Period>& rel) {
    return pop_impl(deadline_after(rel), status::timed_out);
  }

  // Pops an item, waiting until `abs` at most. As try_pop_for (clocks as for
  // try_push_until).
  template <class Clock, class Duration>
  pop_result<T> try_pop_until(const std::chrono::time_point<Clock, Duration>& abs) {
    return pop_impl(deadline_at(abs), status::timed_out);
  }

  // Closes the channel: later pushes return closed, pops drain what is left and
  // then return closed, and every blocked producer and consumer wakes. Never
  // blocks; idempotent. The channel may be destroyed while the call that
  // closed it is still returning (see "Destruction" at the top).
  void close() noexcept {
    // seq_cst: a producer's claim (a compare-exchange of tail_) either comes
    // first, and its item is drained, or fails and sees `closed`; release
    // part: an operation that sees `closed` sees what the closer did before.
    const std::uint64_t old = tail_.fetch_or(closed_bit, std::memory_order_seq_cst);
    if ((old & closed_bit) != 0) return;  // closed already
    const bool wake = !Platform::mutated(mutation::channel_close_no_wake);
    if (wake && !Platform::mutated(mutation::channel_close_skips_producers)) {
      detail::wake_all<Platform>(
          push_waiters_);  // producers blocked on a full channel find it closed
    }
    // Last access: sets `finished`, which changes the consumers' futex word. A
    // pop or push reports `closed` only once it has seen this bit, so after
    // it this call touches nothing of the channel (the wake takes an address).
    // (O) release: pairs with finish_closed()'s acquire.
    pop_waiters_.fetch_or(finished_bit, std::memory_order_seq_cst);
    if (wake) Platform::wake(&pop_waiters_, INT_MAX);
  }

  // True once close() has been called. Seeing true here does not by itself
  // allow destroying the channel: close() may still be running.
  bool is_closed() const noexcept {
    // acquire: pairs with close()'s fetch_or.
    return (tail_.load(std::memory_order_acquire) & closed_bit) != 0;
  }

 private:
  // One place of the ring: its stamp word and storage for one item.
  struct cell {
    word stamp;
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
    detail::expects<Platform>(capacity <= detail::channel_capacity_limit,
                              "channel capacity exceeds 2^31 - 1");
    // Keeps the lap a power of two that divides 2^32 even when the check is off.
    return capacity < 1 ? 1 : std::min(capacity, detail::channel_capacity_limit);
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

  std::size_t index_of(ticket t) const noexcept { return t & (lap_ - 1); }

  // The ticket after t: the next cell, or cell 0 of the next lap.
  ticket next(ticket t) const noexcept {
    const ticket index = t & (lap_ - 1);
    return index + 1 < capacity_ ? ticket(t + 1) : ticket(t - index + lap_);
  }

  // One attempt to claim the next producer ticket `t`: got (the caller must
  // store into cell t once its stamp is t; `ready`: it is already), blocked
  // (full) or closed.
  claim claim_push(ticket& t, bool& ready) noexcept {
    // (O) relaxed: a guess, validated by the compare-exchange.
    std::uint64_t tail = tail_.load(std::memory_order_seq_cst);
    for (;;) {
      if ((tail & closed_bit) != 0) return claim::closed;
      t = static_cast<ticket>(tail);
      // (O) acquire: pairs with publish() by the consumer that emptied the cell.
      const std::uint64_t word_t = ring_[index_of(t)].stamp.load(std::memory_order_seq_cst);
      const auto stamp = static_cast<ticket>(word_t);
      const auto ahead = static_cast<std::int32_t>(stamp - t);
      if (ahead > 0) {
        // Another producer has taken ticket t since `tail` was read.
        tail = tail_.load(std::memory_order_seq_cst);  // (O) relaxed: a guess again
        continue;
      }
      if (ahead < 0) {
        // The cell still belongs to ticket t - lap_: full, unless a consumer
        // has taken that ticket (then the cell frees soon: claim and wait).
        // seq_cst: with claim_or_wait()'s registration and notify()'s check,
        // so that a consumer's claim and a producer going to sleep cannot
        // miss each other (store buffering).
        const auto head = static_cast<ticket>(head_.load(std::memory_order_seq_cst));
        if (ticket(head + lap_) == t && !Platform::mutated(mutation::channel_claim_when_full)) {
          return claim::blocked;
        }
        if (Platform::mutated(mutation::channel_full_while_claimed)) {
          return claim::blocked;  // the bug: a cell still being emptied counts as full
        }
      }
      // seq_cst: the claim, ordered against close() and against a consumer's
      // registration to sleep (see notify()). relaxed on failure: retries.
      if (tail_.compare_exchange_strong(tail, next(t), std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        ready = ahead == 0;
        return claim::got;
      }
    }
  }

  // One attempt to claim the next consumer ticket `h`: got (the caller must
  // take from cell h once its stamp is h + 1; `ready`: it is already),
  // blocked (empty) or closed (closed and drained). (`trying`: the caller
  // reports empty rather than wait; only a mutant reads it.)
  claim claim_pop(ticket& h, bool& ready, bool trying) noexcept {
    // (O) relaxed: a guess, validated by the compare-exchange.
    std::uint64_t head = head_.load(std::memory_order_seq_cst);
    for (;;) {
      h = static_cast<ticket>(head);
      // (O) acquire: pairs with publish() by the producer that filled the cell.
      const std::uint64_t word_h = ring_[index_of(h)].stamp.load(std::memory_order_seq_cst);
      const auto stamp = static_cast<ticket>(word_h);
      const auto ahead = static_cast<std::int32_t>(stamp - ticket(h + 1));
      if (ahead > 0) {
        // Another consumer has taken ticket h since `head` was read.
        head = head_.load(std::memory_order_seq_cst);  // (O) relaxed: a guess again
        continue;
      }
      if (ahead < 0) {
        // Item h is not stored yet: empty, unless a producer has taken ticket
        // h (then it is storing: claim and wait). seq_cst: as in claim_push.
        const std::uint64_t tail = tail_.load(std::memory_order_seq_cst);
        if (static_cast<ticket>(tail) == h) {
          return (tail & closed_bit) != 0 ? claim::closed : claim::blocked;
        }
        if (trying && Platform::mutated(mutation::channel_empty_while_claimed)) {
          return claim::blocked;  // the bug: a claimed item still being stored counts as none
        }
        if ((tail & closed_bit) != 0 &&
            Platform::mutated(mutation::channel_close_ignores_in_flight)) {
          return claim::closed;  // the bug: closed before the pushes in flight have stored
        }
      }
      // seq_cst: the claim, ordered against a producer's registration to
      // sleep (see notify()). relaxed on failure: retries.
      if (head_.compare_exchange_strong(head, next(h), std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        ready = ahead == 0;
        return claim::got;
      }
    }
  }

  // A push or pop found the channel closed (and, for a pop, drained): reports
  // it once close() has finished with the channel (its last access sets
  // `finished`), so that the caller may destroy it.
  status finish_closed() noexcept {
    if (Platform::mutated(mutation::channel_report_closed_early)) return status::closed;
    // (O) acquire: pairs with close()'s release of `finished`.
    std::uint64_t e = pop_waiters_.load(std::memory_order_seq_cst);
    while ((e & finished_bit) == 0) {
      // close() sets the bit and then wakes every sleeper here. (A notify()
      // that wakes this thread instead of a registered consumer does no harm:
      // close() is running, and its wake reaches every sleeper.)
      Platform::wait(pop_waiters_, static_cast<std::uint32_t>(e));
      // (O) acquire: as above; a read-modify-write, as in claim_or_wait().
      e = pop_waiters_.fetch_add(0, std::memory_order_seq_cst);
    }
    return status::closed;
  }

  // Pushes item: claims a ticket (waiting until `deadline`; `blocked` is what
  // to report if there was no room), then stores the item. A const item whose
  // copy may throw is copied first, so that a throwing copy changes nothing.
  template <class U>
  status push_impl(U& item, typename clock::time_point deadline, status blocked) {
    if constexpr (std::is_const_v<U> && !std::is_nothrow_copy_constructible_v<T>) {
      std::optional<T> copy;
      copy.emplace(item);  // may throw: nothing claimed yet
      return push_impl(*copy, deadline, blocked);
    } else {
      ticket t = 0;
      bool ready = false;
      switch (detail::claim_or_wait<Platform>([&] { return claim_push(t, ready); }, claim::blocked,
                                              push_waiters_, deadline)) {
        case claim::got:
          store(t, ready, item);
          return status::done;
        case claim::blocked:
          return blocked;
        case claim::closed:
          break;
      }
      return finish_closed();
    }
  }

  // Holding ticket t: stores the item in its cell (moved, or copied without
  // throwing) and hands it to the consumer of t.
  template <class U>
  void store(ticket t, bool ready, U& item) noexcept {
    cell& c = ring_[index_of(t)];
    if (!ready)
      detail::wait_turn<Platform>(c.stamp, t);  // the consumer of ticket t - lap_ empties the cell
    if constexpr (std::is_const_v<U>) {
      ::new (static_cast<void*>(c.bytes)) T(item);
    } else {
      ::new (static_cast<void*>(c.bytes)) T(std::move(item));
    }
    c.full.store(true);
    // Wake a sleeping consumer first, then publish: the cell's stamp is this
    // push's last access, so a consumer that takes the item (and then sees
    // `closed`) may destroy the channel at once. A consumer woken early
    // claims ticket t and waits for the stamp. (The mutant wakes after.)
    const bool late = Platform::mutated(mutation::channel_notify_after_publish);
    if (!late) detail::notify<Platform>(pop_waiters_);
    detail::publish<Platform>(c.stamp, t + 1);         // the consumer of ticket t may take it
    if (late) detail::notify<Platform>(pop_waiters_);  // the bug: the channel may be freed
  }

  // Pops an item: claims a ticket (waiting until `deadline`; `blocked` is what
  // to report if there was none), then takes the item.
  pop_result<T> pop_impl(typename clock::time_point deadline, status blocked) {
    ticket h = 0;
    bool ready = false;
    const bool trying = deadline == clock::time_point::min();
    switch (detail::claim_or_wait<Platform>([&] { return claim_pop(h, ready, trying); },
                                            claim::blocked, pop_waiters_, deadline)) {
      case claim::got:
        return take(h, ready);
      case claim::blocked:
        return {blocked, {}};
      case claim::closed:
        break;
    }
    return {finish_closed(), {}};
  }

  // Holding ticket h: moves its item out and passes the cell to the producer
  // of ticket h + lap_.
  pop_result<T> take(ticket h, bool ready) {
    cell& c = ring_[index_of(h)];
    if (!ready)
      detail::wait_turn<Platform>(c.stamp, h + 1);  // the producer of ticket h stores its item
    const bool full = c.full.load();
    detail::expects<Platform>(full, "channel: internal error, popped an empty cell");
    const bool early = Platform::mutated(mutation::channel_early_publish);
    if (early) detail::publish<Platform>(c.stamp, h + lap_);  // the bug: before the move
    pop_result<T> r{status::done, std::optional<T>(std::move(*c.get()))};
    c.destroy();
    if (!early) detail::publish<Platform>(c.stamp, h + lap_);  // ticket h + lap_ may fill it
    detail::notify<Platform>(push_waiters_);  // a producer waiting for room may claim
    return r;
  }

  // Producers and consumers each update their own cache line (tail_, head_),
  // and each waiting place has its own: a line shared by the two ends would
  // move between their CPUs on every operation.
  static constexpr std::size_t line = 64;
  const std::size_t capacity_;
  const ticket lap_;  // bit_ceil(capacity + 1): ticket t's cell is t mod lap_
  const detail::fixed_array<cell> ring_;
  alignas(line) word tail_;          // next producer ticket, closed bit
  alignas(line) word head_;          // next consumer ticket
  alignas(line) word push_waiters_;  // producers waiting for room
  alignas(line) word pop_waiters_;   // consumers waiting for items; `finished`
};

// A bounded MPMC channel on the OS platform.
template <class T>
using channel = basic_channel<T, os_platform>;

}  // namespace vsem

// Why a thread that sees `closed` may destroy the channel at once: producer P
// has claimed ticket 0 when C calls close(); consumer Q pops (and owns the
// channel). tail_ = (closed, next ticket); stamp of cell 0; finished bit.
//   1  P  compare-exchange of tail_: ticket 0   (0, 1)  stamp 0   finished 0
//   2  C  fetch_or: closed                      (1, 1)  stamp 0   finished 0
//   3  Q  claims ticket 0 (tail_ > head_), waits for stamp 1
//   4  C  wakes producers; sets finished (last access), then a futex wake
//   5  P  stores, wakes consumers, exchange: stamp 1 (P's last access)
//   6  Q  takes P's item; head_ = tail_ = 1 and closed: drained
//   7  Q  sees finished (step 4): returns closed; may destroy the channel
// Q reports closed only after steps 4 and 5. A consumer that reported closed
// from tail_ alone while P is storing (mutant channel_close_ignores_in_flight)
// stops before P's item arrives; one that does not wait for `finished`
// (channel_report_closed_early) may destroy the channel under step 4; a P
// that wakes consumers after step 5 (channel_notify_after_publish) touches
// the channel after Q may have destroyed it. A push that arrives after step 2
// claims nothing: its compare-exchange sees `closed`.

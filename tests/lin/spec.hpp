// tests/lin/spec.hpp: the sequential specifications of vsem::counting_semaphore
// and vsem::channel, the vocabulary of the histories that the linearizability
// checker (checker.hpp) judges against them, and the places where vsem is
// deliberately weaker than linearizable, with what the checker accepts there.
//
// History. A history is a set of completed calls on one object (event): the
// operation, its argument, its result, the thread, and two stamps from one
// atomic counter per object (recorder.hpp): `inv`, taken just before the call,
// and `resp`, taken just after it returned. Call a precedes call b in real
// time when a.resp < b.inv. The counter's read-modify-writes are acq_rel, so
// "a precedes b" also means that a happens before b in the C++ memory model.
// A history is linearizable when every call can be given one moment strictly
// between its stamps such that the calls, applied one at a time in the order of
// their moments to the sequential specification below, give the recorded
// results. A blocking call can take effect only at a moment when it is
// enabled; a timed call may report timed_out only at a moment when it is not.
//
// counting_semaphore(initial). State: count, initially `initial`.
//   acquire()                   count > 0: done, count - 1.  count == 0: not enabled.
//   try_acquire()               count > 0: done, count - 1.  count == 0: empty (false).
//   try_acquire_for / _until    count > 0: done, count - 1.  count == 0: timed_out (false).
//   release(n)                  done, count + n.
// The semaphore is linearizable: each call decides in one atomic step on one
// word (semaphore.hpp: try_acquire "fails only when it observed a count of 0").
//
// channel(capacity). State: a FIFO sequence of items, and `closed`.
//   push(v)                     closed: closed.  size < capacity: done, v appended.  Else not
//   enabled. try_push(v)                 as push, but full instead of not enabled. try_push_for /
//   _until(v)    as push, but timed_out instead of not enabled. pop()                       size >
//   0: done with the first item, removed.  Else closed: closed.
//                               Else not enabled.
//   try_pop()                   as pop, but empty instead of not enabled.
//   try_pop_for / _until        as pop, but timed_out instead of not enabled.
//   close()                     done, closed = true.
//   is_closed()                 closed: closed.  Else open.
//
// Real time. A history's order "a returned before b began" is a happens-before
// order: the recorder (recorder.hpp) and the generated clients
// (models/lin/client_models.hpp) stamp calls with acq_rel fetch_adds on one
// counter. C++ promises nothing about calls that nothing orders: a call that
// finished earlier in an interleaving need not be visible to a later one (a
// relaxed load may read an older value). Both objects are linearizable in
// this sense; against the bare interleaving order the semaphore is not (a
// try_acquire may miss a release that nothing ordered before it), which the
// generated clients showed with stamps from a plain counter.
//
// The channel is linearizable against this specification, with no
// relaxation: a push takes effect when it claims its ticket (the tail's
// compare-exchange), a pop when it claims its ticket (the head's), full and
// empty are decided from the other end's ticket (head + capacity == tail,
// head == tail), and close() when it sets the closed bit in the tail, which
// makes every later push claim fail. A push that reports closed claimed
// nothing and takes no place. (An earlier channel counted items and places in
// two semaphores apart from the tickets and needed two relaxed rules; the
// tests empty_while_one_item_is_inside_throughout and
// full_while_a_closing_push_is_in_progress in checker_channel_test.cpp are
// the histories it could produce, now flagged.)
#pragma once

#include <cstddef>
#include <cstdint>

namespace vsem_lin {

// A recorded operation. Timed calls by duration and by deadline are one kind.
enum class op : std::uint8_t {
  push,         // channel push(v)
  try_push,     // channel try_push(v)
  push_for,     // channel try_push_for(v, d) / try_push_until(v, t)
  pop,          // channel pop()
  try_pop,      // channel try_pop()
  pop_for,      // channel try_pop_for(d) / try_pop_until(t)
  close,        // channel close()
  is_closed,    // channel is_closed()
  acquire,      // semaphore acquire()
  try_acquire,  // semaphore try_acquire()
  acquire_for,  // semaphore try_acquire_for(d) / try_acquire_until(t)
  release,      // semaphore release(n)
};

// A recorded result. A failed try_acquire is `empty`, a failed timed acquire
// `timed_out`; is_closed() is `closed` or `open`.
enum class result : std::uint8_t { done, full, empty, timed_out, closed, open };

// One completed call.
struct event {
  std::uint64_t inv = 0;     // invocation stamp
  std::uint64_t resp = 0;    // response stamp, > inv
  std::uint64_t value = 0;   // push: the item; pop done: the item; release: n; else 0
  std::uint32_t thread = 0;  // the calling thread, for reports
  op kind = op::push;
  result res = result::done;
};

// True for the operations of a channel, false for those of a semaphore.
constexpr bool is_channel_op(op o) noexcept {
  return o <= op::is_closed;
}

// True when `o` can return `r` at all (the results the header lists for it).
constexpr bool possible(op o, result r) noexcept {
  switch (o) {
    case op::push:
    case op::pop:
      return r == result::done || r == result::closed;
    case op::try_push:
      return r == result::done || r == result::full || r == result::closed;
    case op::try_pop:
      return r == result::done || r == result::empty || r == result::closed;
    case op::push_for:
    case op::pop_for:
      return r == result::done || r == result::timed_out || r == result::closed;
    case op::is_closed:
      return r == result::closed || r == result::open;
    case op::try_acquire:
      return r == result::done || r == result::empty;
    case op::acquire_for:
      return r == result::done || r == result::timed_out;
    case op::close:
    case op::acquire:
    case op::release:
      return r == result::done;
  }
  return false;
}

// True for the channel operations that put an item in.
constexpr bool is_push(op o) noexcept {
  return o == op::push || o == op::try_push || o == op::push_for;
}
// True for the channel operations that take an item out.
constexpr bool is_pop(op o) noexcept {
  return o == op::pop || o == op::try_pop || o == op::pop_for;
}
// True for the semaphore operations that take a permit.
constexpr bool is_acquire(op o) noexcept {
  return o == op::acquire || o == op::try_acquire || o == op::acquire_for;
}

// Printable names.
constexpr const char* name(op o) noexcept {
  constexpr const char* names[] = {"push",    "try_push",    "try_push_for",    "pop",
                                   "try_pop", "try_pop_for", "close",           "is_closed",
                                   "acquire", "try_acquire", "try_acquire_for", "release"};
  return names[static_cast<int>(o)];
}
constexpr const char* name(result r) noexcept {
  constexpr const char* names[] = {"done", "full", "empty", "timed_out", "closed", "open"};
  return names[static_cast<int>(r)];
}

// The sequential semaphore. apply(e) is true when the specification gives e's
// result in the current state (then the state moves on); false when it gives
// another result or, for acquire() at count 0, when e is not enabled.
struct semaphore_spec {
  std::int64_t count = 0;

  bool apply(const event& e) noexcept {
    if (e.kind == op::release) {
      count += static_cast<std::int64_t>(e.value);
      return e.res == result::done;
    }
    if (!is_acquire(e.kind)) return false;
    if (count > 0) {
      if (e.res != result::done) return false;
      --count;
      return true;
    }
    if (e.kind == op::try_acquire) return e.res == result::empty;
    return e.kind == op::acquire_for && e.res == result::timed_out;
  }
};

// The items of channel_spec: a FIFO of at most `max` items, inline (the
// exact search copies the state at every step, and the generated clients run
// it inside the model checker, where an allocation is a scheduling choice).
struct item_fifo {
  static constexpr std::size_t max = 64;
  std::uint64_t v[max] = {};
  std::size_t head = 0;
  std::size_t count = 0;

  bool empty() const noexcept { return count == 0; }
  std::size_t size() const noexcept { return count; }
  std::uint64_t front() const noexcept { return v[head]; }
  void pop_front() noexcept {
    head = (head + 1) % max;
    --count;
  }
  void push_back(std::uint64_t x) noexcept {
    v[(head + count) % max] = x;
    ++count;
  }
};

// The sequential channel, as semaphore_spec. Holds at most item_fifo::max
// items: a push beyond that matches no result (histories checked against it
// exactly are a few calls long).
struct channel_spec {
  std::size_t capacity = 1;
  item_fifo items;
  bool closed = false;

  bool apply(const event& e) {
    switch (e.kind) {
      case op::close:
        closed = true;
        return e.res == result::done;
      case op::is_closed:
        return e.res == (closed ? result::closed : result::open);
      default:
        break;
    }
    if (is_push(e.kind)) {
      if (closed) return e.res == result::closed;
      if (items.size() < capacity) {
        if (e.res != result::done || items.size() == item_fifo::max) return false;
        items.push_back(e.value);
        return true;
      }
      return failed_as(e, op::try_push, result::full, op::push_for);
    }
    if (!is_pop(e.kind)) return false;
    if (!items.empty()) {
      if (e.res != result::done || e.value != items.front()) return false;
      items.pop_front();
      return true;
    }
    if (closed) return e.res == result::closed;
    return failed_as(e, op::try_pop, result::empty, op::pop_for);
  }

 private:
  // Not enabled: the try form reports `try_result`, the timed form timed_out,
  // the blocking form cannot take effect now.
  static bool failed_as(const event& e, op try_form, result try_result, op timed_form) noexcept {
    if (e.kind == try_form) return e.res == try_result;
    return e.kind == timed_form && e.res == result::timed_out;
  }
};

}  // namespace vsem_lin

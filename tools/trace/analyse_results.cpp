// The analysis of each kind of Relacy result but deadlocks (analyser::generic(),
// data_race(), ...): the failing event, its conflicts, the summary and the story.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyser.hpp"

namespace vsem::trace::detail {

// ---- per result kind ----
void analyser::generic() {
  const unsigned th = result_thread();
  index f = last_meaningful(th, result_limit());
  if (f == none && t_.result_event && !ev_[*t_.result_event].internal) f = *t_.result_event;
  std::string s = t_.result_text;
  if (!t_.detail.empty()) s += " (" + t_.detail + ")";
  if (f != none) {
    t_.failing_event = f;
    s += " in thread " + std::to_string(ev_[f].thread) + " " + in_function(ev_[f]) + at(ev_[f]);
    conflicts_ = conflicting_accesses(ev_[f]);
  }
  t_.summary = s;
}

void analyser::data_race() {
  const unsigned th = result_thread();
  index f = last_of(th, result_limit(), [](const event& e) {
    return !e.internal && e.object && (e.kind == event_kind::load || e.kind == event_kind::store);
  });
  if (f == none) f = last_meaningful(th, result_limit());
  if (f == none) return generic();
  t_.failing_event = f;
  detail::mark_unrecorded_value(t_);
  const event& e = ev_[f];
  conflicts_ = conflicting_accesses(e);
  index culprit = none;
  for (auto it = conflicts_.rbegin(); it != conflicts_.rend(); ++it) {
    if (e.is_write() || ev_[*it].is_write()) {
      culprit = *it;
      break;
    }
  }
  const std::string verb = e.is_write() ? "wrote" : "read";
  std::string s =
      "data race: thread " + std::to_string(e.thread) + " " + verb + " " + obj(e) + " " + at(e);
  if (culprit != none) {
    const event& c = ev_[culprit];
    s += " while thread " + std::to_string(c.thread) + "'s " + (c.is_write() ? "write" : "read") +
         " " + at(c, &e) + " is not ordered before it";
    race_story(c, e);
  } else {
    s += ", and no earlier access by another thread is in the history";
  }
  t_.summary = s;
}

void analyser::freed_memory() {
  const unsigned th = result_thread();
  index f = last_of(th, result_limit(),
                    [](const event& e) { return e.kind == event_kind::freed_access; });
  if (f == none) f = last_meaningful(th, result_limit());
  if (f == none || !ev_[f].object) return generic();
  t_.failing_event = f;
  const event& e = ev_[f];
  const std::uint64_t addr = *e.object;
  // The deallocation: the closest block start at or below the address.
  index fr = none;
  for (index i = 0; i < f; ++i) {
    const event& d = ev_[i];
    if (d.kind == event_kind::free && d.object && *d.object <= addr &&
        (fr == none || *d.object >= *ev_[fr].object)) {
      fr = i;
    }
  }
  std::string s =
      "thread " + std::to_string(e.thread) + " accessed freed memory " + in_function(e) + at(e);
  if (fr == none) {
    s += " (the deallocation is not in the history)";
    conflicts_ = conflicting_accesses(e);
    t_.summary = s;
    return;
  }
  const event& d = ev_[fr];
  std::uint64_t lo = *d.object;
  std::uint64_t hi = addr;  // inclusive
  index allocated = none;
  for (index i = 0; i < fr; ++i) {
    const event& a = ev_[i];
    if (a.kind == event_kind::alloc && a.object == d.object && a.size && *a.size > 0) {
      hi = std::max(hi, lo + *a.size - 1);
      conflicts_.push_back(i);
      allocated = i;
    }
  }
  if (allocated != none) step(allocated, "allocated: " + act(ev_[allocated]));
  const index last_use = last_meaningful(d.thread, fr);
  if (last_use != none && (allocated == none || last_use > allocated)) {
    step(last_use, "the freeing thread's last access before the free: " + act(ev_[last_use]));
  }
  step(fr, "freed: " + act(d));
  step(f, "then accessed: " + act(e));
  conflicts_.push_back(fr);
  for (index i = 0; i < f; ++i) {
    const event& a = ev_[i];
    if (a.is_access() && a.object && *a.object >= lo && *a.object <= hi) conflicts_.push_back(i);
  }
  if (d.thread == e.thread) {
    s += " after freeing it itself";
  } else {
    s += " after thread " + std::to_string(d.thread) + " freed it";
  }
  if (!d.file.empty() && d.line != 0) {
    s += " " + at(d, &e);
  } else {
    const index before = last_meaningful(d.thread, fr);
    if (before != none) {
      const event& b = ev_[before];
      if (!hook_name(b.name)) s += " in " + b.name;
      s += " (its last access " + at(b, &e) + ")";
    }
  }
  t_.summary = s;
}

void analyser::double_free() {
  const unsigned th = result_thread();
  index f = last_of(th, result_limit(), [](const event& e) { return e.kind == event_kind::free; });
  if (f == none || !ev_[f].object) return generic();
  t_.failing_event = f;
  const event& e = ev_[f];
  index first = none;
  for (index i = 0; i < f; ++i) {
    const event& d = ev_[i];
    if (d.object == e.object && (d.kind == event_kind::free || d.kind == event_kind::alloc)) {
      conflicts_.push_back(i);
      if (d.kind == event_kind::free) first = i;
    }
  }
  std::string s =
      "thread " + std::to_string(e.thread) + " freed " + obj(e) + " " + in_function(e) + at(e);
  if (first != none) step(first, "freed: " + act(ev_[first]));
  step(f, "freed again: " + act(e));
  if (first != none) {
    s += " although thread " + std::to_string(ev_[first].thread) + " had already freed it " +
         at(ev_[first], &e);
  } else {
    s += ", an address that is not allocated";
  }
  t_.summary = s;
}

void analyser::memory_leak() {
  std::map<std::uint64_t, index> last_alloc;
  for (const auto& e : ev_) {
    if (e.kind == event_kind::alloc && e.object) last_alloc[*e.object] = e.index;
  }
  for (auto& b : t_.leaks) {
    if (const auto it = last_alloc.find(b.address); it != last_alloc.end()) {
      b.alloc_event = it->second;
      if (!t_.failing_event) {
        t_.failing_event = it->second;
      } else {
        conflicts_.push_back(it->second);
      }
    }
  }
  const std::size_t n = t_.leaks.size();
  if (n == 0) {
    t_.summary = "memory leak: memory allocated during the run was never freed";
    return;
  }
  for (const auto& l : t_.leaks) {
    if (t_.story.size() == 3) break;
    if (l.alloc_event) {
      step(*l.alloc_event, "allocated and never freed: " + act(ev_[*l.alloc_event]));
    }
  }
  const leaked_block& b = t_.leaks.front();
  std::string s = "memory leak: " + std::to_string(n) + (n == 1 ? " block" : " blocks") +
                  " never freed" + (n == 1 ? ": " : ", the first ") + std::to_string(b.size) +
                  " bytes at " + hex_address(b.address);
  if (b.alloc_event) {
    const event& a = ev_[*b.alloc_event];
    s += " allocated by thread " + std::to_string(a.thread) + " " + in_function(a) + at(a);
  }
  t_.summary = s;
}

void analyser::livelock() {
  const unsigned th = result_thread();
  const index f = last_meaningful(th, result_limit());
  if (f == none) return generic();
  t_.failing_event = f;
  const event& e = ev_[f];
  // How often the thread repeated this location at the end of the history.
  std::size_t repeats = 0;
  for (auto it = t_.threads[th].events.rbegin(); it != t_.threads[th].events.rend(); ++it) {
    const event& x = ev_[*it];
    if (!meaningful(x)) continue;
    if (x.file != e.file || x.line != e.line) break;
    ++repeats;
  }
  std::string s = "livelock: thread " + std::to_string(th) + " repeated its " + op_noun(e);
  if (e.object) s += " of " + obj(e);
  s += " " + at(e) + " " + std::to_string(repeats) + " times in a row";
  if (e.value) s += " (last value " + *e.value + ")";
  s += " until the execution depth limit";
  step(f, "repeated " + std::to_string(repeats) + " times in a row: " + act(e));
  if (e.object) {
    bool changed = false;
    for (index i = 0; i < ev_.size(); ++i) {
      const event& x = ev_[i];
      if (x.thread != th && x.object == e.object && x.is_write()) {
        conflicts_.push_back(i);
        changed = true;
      }
    }
    if (!changed) {
      s += ", and no other thread wrote it";
      note("no other thread wrote " + obj(e) + ": nothing could end the loop");
    }
  }
  t_.summary = s;
}

void analyser::uninitialized() {
  const unsigned th = result_thread();
  index f = last_of(th, result_limit(), [](const event& e) { return e.is_access(); });
  if (f == none) return generic();
  t_.failing_event = f;
  detail::mark_unrecorded_value(t_);
  const event& e = ev_[f];
  t_.summary = "thread " + std::to_string(th) + " " + (e.is_write() ? "wrote" : "read") +
               " the uninitialized variable " + obj(e) + " " + in_function(e) + at(e);
  step(f, "no thread had written it: " + act(e));
  conflicts_ = conflicting_accesses(e);
}

void analyser::user_assert() {
  const unsigned th = result_thread();
  index f = none;
  if (t_.result_event && !ev_[*t_.result_event].internal) {
    f = *t_.result_event;
  } else {
    f = last_meaningful(th, result_limit());
  }
  if (f == none) return generic();
  t_.failing_event = f;
  const event& e = ev_[f];
  const std::string expr = assertion_text(t_.detail);
  std::string s = "thread " + std::to_string(th) +
                  (expr.empty() ? " failed a check" : "'s assertion " + expr + " failed") + " " +
                  in_function(e) + at(e);
  if (expr.empty() && !t_.detail.empty()) s += ": " + t_.detail;
  const index acc = last_of(th, f, [](const event& x) { return !x.internal && x.is_access(); });
  if (acc != none) {
    s += ", after its " + effect(ev_[acc]) + " " + at(ev_[acc], &e);
    conflicts_ = conflicting_accesses(ev_[acc]);
    if (!conflicts_.empty()) {
      step(conflicts_.back(), "another thread's access to it: " + act(ev_[conflicts_.back()]));
    }
    conflicts_.push_back(acc);
    step(acc, "the value it checked: " + act(ev_[acc]));
  }
  step(f, "the check failed: " + act(e));
  t_.summary = s;
}

void analyser::invariant() {
  index f = none;
  for (index i = result_limit(); i-- > 0;) {
    if (meaningful(ev_[i])) {
      f = i;
      break;
    }
  }
  const std::string expr = assertion_text(t_.detail);
  std::string s = "invariant " + (expr.empty() ? "(" + t_.detail + ")" : expr) + " failed";
  if (f == none) {
    t_.summary = s;
    return;
  }
  t_.failing_event = f;
  const event& e = ev_[f];
  s += " after thread " + std::to_string(e.thread) + "'s " + effect(e) + " " + in_function(e) +
       at(e);
  conflicts_ = conflicting_accesses(e);
  if (e.object) {
    const index stale = last_of(e.thread, f, [&](const event& x) {
      return x.kind == event_kind::atomic_load && x.object == e.object;
    });
    if (stale != none && ev_[stale].stale) {
      s += ", which acted on a stale load " + at(ev_[stale], &e);
      conflicts_.push_back(stale);
      step(stale, "a stale load: " + act(ev_[stale]));
    }
  }
  step(f, "acted on it: " + act(e));
  note("then the invariant " + (expr.empty() ? "(" + t_.detail + ")" : expr) + " failed");
  t_.summary = s;
}

}  // namespace vsem::trace::detail

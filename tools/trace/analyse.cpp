// The analysis of a parsed trace (detail::analyse()): which event failed, the
// accesses in conflict with it, the one-sentence summary and the story.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal.hpp"
#include "text_util.hpp"

namespace vsem::trace {

using detail::hex_address;

namespace {

// ---- analysis --------------------------------------------------------------------

bool meaningful(const event& e) {
  return !e.internal && e.kind != event_kind::result;
}

bool release_like(std::string_view order) {
  return order == "release" || order == "acq_rel" || order == "seq_cst";
}

bool acquire_like(std::string_view order) {
  return order == "acquire" || order == "acq_rel" || order == "seq_cst" || order == "consume";
}

class analyser {
 public:
  explicit analyser(trace& t) : t_(t), ev_(t.events) {
    for (const auto& e : ev_) {
      if (e.object && !e.object_name.empty()) names_.try_emplace(*e.object, e.object_name);
    }
  }

  void run() {
    thread_states();
    for (std::size_t i = ev_.size(); i-- > 0;) {
      if (ev_[i].kind == event_kind::result && ev_[i].text.starts_with(t_.result_text)) {
        t_.result_event = i;
        break;
      }
    }
    switch (t_.result) {
      case result_kind::data_race:
        data_race();
        break;
      case result_kind::deadlock:
        deadlock();
        break;
      case result_kind::access_to_freed_memory:
        freed_memory();
        break;
      case result_kind::double_free:
        double_free();
        break;
      case result_kind::memory_leak:
        memory_leak();
        break;
      case result_kind::livelock:
        livelock();
        break;
      case result_kind::user_assert_failed:
        user_assert();
        break;
      case result_kind::user_invariant_failed:
        invariant();
        break;
      case result_kind::uninitialized_access:
        uninitialized();
        break;
      default:
        generic();
    }
    if (t_.failing_event) {
      const std::size_t f = *t_.failing_event;
      conflicts_.erase(std::remove(conflicts_.begin(), conflicts_.end(), f), conflicts_.end());
    }
    std::sort(conflicts_.begin(), conflicts_.end());
    conflicts_.erase(std::unique(conflicts_.begin(), conflicts_.end()), conflicts_.end());
    t_.conflicts = std::move(conflicts_);
    if (t_.story.empty() && t_.failing_event) {
      step(*t_.failing_event, "what went wrong: " + act(ev_[*t_.failing_event]));
    }
  }

 private:
  using index = std::size_t;
  static constexpr index none = static_cast<index>(-1);

  void thread_states() {
    auto& th = t_.threads;
    for (const auto& e : ev_) {
      thread_state& s = th[e.thread].state;
      if (e.kind == event_kind::internal && e.text == "[THREAD FINISHED]") {
        s = thread_state::finished;
      } else if (e.kind == event_kind::block) {
        s = thread_state::blocked;
      } else if (e.kind == event_kind::result) {
        // no change: Relacy reports the result from whichever thread runs
      } else if (s == thread_state::idle || (s == thread_state::blocked && meaningful(e))) {
        s = thread_state::running;
      }
      if (e.kind == event_kind::unblock && e.target_thread && *e.target_thread < th.size() &&
          th[*e.target_thread].state == thread_state::blocked) {
        th[*e.target_thread].state = thread_state::running;
      }
    }
    for (const auto& ti : th) {
      if (ti.state == thread_state::blocked) t_.blocked_threads.push_back(ti.id);
    }
  }

  // The thread Relacy reported the result from, or that of the last meaningful event.
  unsigned result_thread() const {
    if (t_.result_event) return ev_[*t_.result_event].thread;
    for (index i = ev_.size(); i-- > 0;) {
      if (meaningful(ev_[i])) return ev_[i].thread;
    }
    return 0;
  }
  index result_limit() const { return t_.result_event ? *t_.result_event : ev_.size(); }

  // Last event of thread th before `before` that satisfies pred.
  template <class Pred>
  index last_of(unsigned th, index before, Pred pred) const {
    if (th >= t_.threads.size()) return none;
    const auto& list = t_.threads[th].events;
    auto it = std::lower_bound(list.begin(), list.end(), before);
    while (it != list.begin()) {
      --it;
      if (pred(ev_[*it])) return *it;
    }
    return none;
  }
  index last_meaningful(unsigned th, index before) const {
    return last_of(th, before, [](const event& e) { return meaningful(e); });
  }

  // Earlier accesses by other threads to e's object that conflict with it (at
  // least one of the two writes).
  std::vector<index> conflicting_accesses(const event& f) const {
    std::vector<index> out;
    if (!f.object) return out;
    const bool fw = f.is_write() || f.kind == event_kind::freed_access;
    for (index i = 0; i < f.index; ++i) {
      const event& e = ev_[i];
      if (e.thread != f.thread && e.object == f.object && e.is_access() && (fw || e.is_write())) {
        out.push_back(i);
      }
    }
    return out;
  }

  // "at impl/vsem/semaphore.hpp:135", or "at :135" when in the same file as ref.
  static std::string at(const event& e, const event* ref = nullptr) {
    if (e.file.empty()) return "at an unknown location";
    if (ref && ref->file == e.file) return "at :" + std::to_string(e.line);
    return "at " + location(e);
  }
  static bool hook_name(std::string_view n) {
    return n.empty() || n == "thread" || n == "before" || n == "after" || n == "invariant" ||
           n == "fiber_proc_impl";
  }
  // "release" (the function), or the operation when the function says nothing.
  static std::string what(const event& e) {
    if (!hook_name(e.name)) return e.name;
    return op_noun(e);
  }
  static std::string op_noun(const event& e) {
    switch (e.kind) {
      case event_kind::atomic_load:
        return "atomic load";
      case event_kind::atomic_store:
        return "atomic store";
      case event_kind::load:
        return "read";
      case event_kind::store:
        return "write";
      case event_kind::rmw:
      case event_kind::cas:
        return e.op;
      case event_kind::mutex:
      case event_kind::condvar:
      case event_kind::sync:
        return e.op;
      default:
        return std::string(to_string(e.kind));
    }
  }
  // "in acquire_slow " (nothing for a test's own thread(), before(), ...)
  static std::string in_function(const event& e) {
    return hook_name(e.name) ? std::string() : "in " + e.name + " ";
  }
  // The object's name from the source, else its address.
  static std::string obj(const event& e) {
    if (!e.object) return "?";
    return e.object_name.empty() ? hex_address(*e.object) : e.object_name;
  }
  std::string obj(std::uint64_t a) const {
    const auto it = names_.find(a);
    return it == names_.end() ? hex_address(a) : it->second;
  }
  // "its fetch_sub on 0x.. (1 -> 0)"
  static std::string effect(const event& e) {
    const std::string o = obj(e);
    if (!e.value_recorded && e.kind == event_kind::load)
      return "read of " + o + " (value not recorded)";
    if (!e.value_recorded && e.kind == event_kind::store)
      return "write to " + o + " (value not recorded)";
    switch (e.kind) {
      case event_kind::atomic_load:
        return "atomic load of " + o + " returned " + e.value.value_or("?") +
               (e.stale ? " (a stale value)" : "");
      case event_kind::atomic_store:
        return "atomic store of " + e.value.value_or("?") + " to " + o;
      case event_kind::rmw:
        return e.op + " on " + o + " (" + e.prev.value_or("?") + " -> " + e.value.value_or("?") +
               ")";
      case event_kind::cas:
        if (e.failed) return "failed CAS on " + o + " (saw " + e.prev.value_or("?") + ")";
        return "CAS on " + o + " (" + e.prev.value_or("?") + " -> " + e.value.value_or("?") + ")";
      case event_kind::load:
        return "read of " + o + " returned " + e.value.value_or("?");
      case event_kind::store:
        return "write of " + e.value.value_or("?") + " to " + o;
      default:
        return e.op.empty() ? std::string(to_string(e.kind)) : e.op;
    }
  }
  // "thread 0 in release at impl/vsem/semaphore.hpp:135: fetch_add on 0x.. (0 -> 1), relaxed"
  static std::string act(const event& e) {
    std::string s =
        "thread " + std::to_string(e.thread) + " " + in_function(e) + at(e) + ": " + effect(e);
    if (!e.order.empty() && e.kind != event_kind::fence) s += ", " + e.order;
    return s;
  }
  void step(index i, std::string text) { t_.story.push_back({i, std::move(text)}); }
  void note(std::string text) { t_.story.push_back({std::nullopt, std::move(text)}); }

  // The value an atomic read of thread `reader` saw, as Relacy printed it.
  static const std::optional<std::string>& seen(const event& r) {
    return r.kind == event_kind::atomic_load ? r.value : r.prev;
  }
  // For a race between c (earlier, thread A) and f (thread B): the last atomic
  // read r of thread B before f that saw the value of a write w of thread A
  // made after c. That pair is what was meant to order c before f.
  std::optional<std::pair<index, index>> ordering_pair(const event& c, const event& f) const {
    for (index r = f.index; r-- > c.index + 1;) {
      const event& x = ev_[r];
      if (x.thread != f.thread || !x.object || x.internal || !seen(x) ||
          (x.kind != event_kind::atomic_load && x.kind != event_kind::rmw &&
           x.kind != event_kind::cas)) {
        continue;
      }
      for (index w = r; w-- > c.index + 1;) {
        const event& y = ev_[w];
        if (y.thread == c.thread && y.object == x.object && y.is_write() && y.value == seen(x)) {
          return std::pair{w, r};
        }
      }
    }
    return std::nullopt;
  }
  void race_story(const event& c, const event& f) {
    step(c.index, "the earlier access: " + act(c));
    if (const auto p = ordering_pair(c, f)) {
      const event& w = ev_[p->first];
      const event& r = ev_[p->second];
      step(w.index, "then " + act(w));
      step(r.index, "read by " + act(r));
      // A release fence before w, an acquire fence after r, count as well.
      const auto fence = [&](unsigned th, index from, index to, bool (*kind)(std::string_view)) {
        for (index i = from + 1; i < to; ++i) {
          if (ev_[i].thread == th && ev_[i].kind == event_kind::fence && kind(ev_[i].order)) {
            return true;
          }
        }
        return false;
      };
      std::vector<std::string> weak;
      if (!release_like(w.order) && !fence(w.thread, c.index, w.index, release_like)) {
        weak.push_back("thread " + std::to_string(w.thread) + "'s " + w.op + " is " +
                       (w.order.empty() ? "not atomic" : w.order) + ", not release");
      }
      if (!acquire_like(r.order) && !fence(r.thread, r.index, f.index, acquire_like)) {
        weak.push_back("thread " + std::to_string(r.thread) + "'s " + r.op + " is " +
                       (r.order.empty() ? "not atomic" : r.order) + ", not acquire");
      }
      std::string n = weak.empty() ? std::string("this release/acquire pair did not order them")
                                   : weak.front() + (weak.size() > 1 ? " and " + weak[1] : "");
      note(n + ": the access at " + location(c) + " is not ordered before the one at " +
           location(f));
    } else {
      note("no later operation of thread " + std::to_string(c.thread) + " was read by thread " +
           std::to_string(f.thread) + " before its access: nothing orders the two");
    }
    step(f.index, "the racing access: " + act(f));
  }

  static std::string assertion_text(std::string_view detail) {
    constexpr std::string_view a = "assertion: ";
    if (detail.starts_with(a)) return "`" + std::string(detail.substr(a.size())) + "`";
    return {};
  }

  // ---- per result kind ----
  void generic() {
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

  void data_race() {
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

  void freed_memory() {
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

  void double_free() {
    const unsigned th = result_thread();
    index f =
        last_of(th, result_limit(), [](const event& e) { return e.kind == event_kind::free; });
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

  void memory_leak() {
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

  void livelock() {
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

  void uninitialized() {
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

  void user_assert() {
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

  void invariant() {
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

  // ---- deadlock ----
  enum class wait_kind { futex, mutex, condvar, unknown };
  struct wait_info {
    wait_kind kind = wait_kind::unknown;
    std::optional<std::uint64_t> object;
  };

  // What thread th waits for in its block event b.
  wait_info waited(unsigned th, index b) const {
    wait_info w;
    const auto& list = t_.threads[th].events;
    auto it = std::lower_bound(list.begin(), list.end(), b);
    int looked = 0;
    bool saw_futex_wait = false;
    while (it != list.begin() && looked < 12) {
      --it;
      const event& e = ev_[*it];
      if (e.kind == event_kind::block && *it != b) break;  // an earlier wait
      ++looked;
      if (e.kind == event_kind::condvar && e.object) return {wait_kind::condvar, e.object};
      if (e.kind == event_kind::mutex && e.object && e.op.ends_with(": blocking")) {
        return {wait_kind::mutex, e.object};
      }
      if (e.kind == event_kind::futex_wait) saw_futex_wait = true;
      if ((e.is_read() || e.is_write()) && e.object && w.kind == wait_kind::unknown) {
        w = {wait_kind::futex, e.object};
        if (saw_futex_wait) return w;
      }
    }
    return w;
  }

  static bool wakes(const event& e) {
    return e.kind == event_kind::unblock || e.kind == event_kind::futex_wake ||
           (e.kind == event_kind::condvar && e.op.find("notify") != std::string::npos) ||
           (e.kind == event_kind::mutex && e.op.ends_with(" unlock"));
  }

  struct culprit {
    index write = none;
    enum { no_wake, woke_nobody, woke_other, woke } how = no_wake;
    unsigned woken = 0;
  };

  // The last write to w by another thread after thread th blocked at b, and
  // whether it was followed by a wake (before that thread's next write to w).
  culprit find_culprit(unsigned th, index b, std::uint64_t w) const {
    std::vector<index> pending_unblock(t_.threads.size(), none);
    std::vector<index> pending_wake(t_.threads.size(), none);
    culprit best[4];
    const auto rank = [](const event& e, int how) {
      // lower is better: a wake-less release first
      if (how == culprit::no_wake) return release_like(e.order) ? 0 : 1;
      if (how == culprit::woke_nobody) return 2;
      return 3;
    };
    for (index i = ev_.size(); i-- > b + 1;) {
      const event& e = ev_[i];
      if (e.thread == th) continue;
      if (e.kind == event_kind::unblock) pending_unblock[e.thread] = i;
      if (e.kind == event_kind::futex_wake) pending_wake[e.thread] = i;
      if (e.object == w && e.is_write()) {
        culprit c;
        c.write = i;
        if (pending_unblock[e.thread] != none) {
          const auto target = ev_[pending_unblock[e.thread]].target_thread.value_or(0);
          c.how = target == th ? culprit::woke : culprit::woke_other;
          c.woken = target;
        } else if (pending_wake[e.thread] != none) {
          c.how = culprit::woke_nobody;
        }
        const int r = rank(e, c.how);
        if (best[r].write == none) best[r] = c;  // the last one of its rank
        pending_unblock[e.thread] = none;
        pending_wake[e.thread] = none;
      }
    }
    for (const auto& c : best) {
      if (c.write != none) return c;
    }
    return {};
  }

  std::string describe_wait(unsigned th, index b, bool main) {
    const event& e = ev_[b];
    const wait_info w = waited(th, b);
    std::string s = "thread " + std::to_string(th) + " blocked forever " + in_function(e) + at(e);
    if (!main) s = "thread " + std::to_string(th) + " " + at(e, &ev_[*t_.failing_event]);
    switch (w.kind) {
      case wait_kind::mutex: {
        int owner = -1;
        index locked = none;
        for (index i = 0; i < b; ++i) {
          const event& x = ev_[i];
          if (x.kind != event_kind::mutex || x.object != w.object) continue;
          if (x.op.ends_with(" unlock")) {
            owner = -1;
          } else if (x.op.ends_with(" lock") && x.op.find("try") == std::string::npos) {
            owner = static_cast<int>(x.thread);
            locked = i;
          }
        }
        s += " waiting for mutex " + obj(*w.object);
        if (owner >= 0) {
          s += " held by thread " + std::to_string(owner) + " (locked " + at(ev_[locked], &e) + ")";
          conflicts_.push_back(locked);
          if (main) step(locked, "holds the mutex: " + act(ev_[locked]));
        }
        if (main) step(b, "waits for it forever: " + act(e));
        return s;
      }
      case wait_kind::condvar: {
        index notify = none;
        for (index i = b + 1; i < ev_.size(); ++i) {
          const event& x = ev_[i];
          if (x.kind == event_kind::condvar && x.object == w.object &&
              x.op.find("notify") != std::string::npos) {
            notify = i;
          }
        }
        s += " waiting on condition variable " + obj(*w.object);
        if (main) step(b, "waits: " + act(e));
        if (notify == none) {
          s += " that no thread notified after it began to wait";
          if (main) note("no thread notified the condition variable after that");
        } else {
          s += "; thread " + std::to_string(ev_[notify].thread) + "'s notify " +
               at(ev_[notify], &e) + " did not wake it";
          conflicts_.push_back(notify);
          if (main) step(notify, "a notify that did not wake it: " + act(ev_[notify]));
        }
        return s;
      }
      case wait_kind::futex: {
        const culprit c = find_culprit(th, b, *w.object);
        if (main) {
          const index saw = last_of(th, b, [&](const event& x) {
            return x.object == w.object && x.is_access() && !x.internal;
          });
          if (saw != none) step(saw, "the sleeper's last look at the word: " + act(ev_[saw]));
          step(b, "goes to sleep: " + act(e));
        }
        if (c.write == none) {
          s += ", and no other thread wrote " + obj(*w.object) + " after it went to sleep";
          if (main) note("no other thread wrote " + obj(*w.object) + " after that");
          return s;
        }
        const event& x = ev_[c.write];
        conflicts_.push_back(c.write);
        s += " after thread " + std::to_string(x.thread) + "'s " + what(x) + " " + at(x, &e);
        std::string how;
        switch (c.how) {
          case culprit::no_wake:
            how = " issued no wake";
            break;
          case culprit::woke_nobody:
            how = " woke no sleeper";
            break;
          case culprit::woke_other:
            how = " woke thread " + std::to_string(c.woken) + " instead";
            break;
          case culprit::woke:
            how = " (its wake did not stick)";
            break;
        }
        s += how;
        if (main) {
          step(c.write, "the release that should wake it: " + act(x));
          note("that " + what(x) + how + ", so thread " + std::to_string(th) + " sleeps forever");
        }
        return s;
      }
      case wait_kind::unknown:
        break;
    }
    if (main) {
      step(b, "blocks: " + act(e));
      note("no thread woke it");
    }
    return s + ", and no thread woke it";
  }

  void deadlock() {
    if (t_.blocked_threads.empty()) return generic();
    std::vector<index> blocks;
    for (const unsigned th : t_.blocked_threads) {
      blocks.push_back(
          last_of(th, ev_.size(), [](const event& e) { return e.kind == event_kind::block; }));
    }
    t_.failing_event = blocks.front();
    std::vector<std::uint64_t> waited_objects;
    std::string s;
    std::string others;
    const std::size_t detailed = std::min<std::size_t>(blocks.size(), 16);
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      const unsigned th = t_.blocked_threads[k];
      const index b = blocks[k];
      if (b == none) continue;
      // its last events
      int n = 0;
      for (index i = b + 1; i-- > 0 && n < 4;) {
        if (ev_[i].thread == th && meaningful(ev_[i])) {
          conflicts_.push_back(i);
          ++n;
        }
      }
      if (k < detailed) {
        if (const auto w = waited(th, b).object) waited_objects.push_back(*w);
      }
      if (k == 0) {
        s = describe_wait(th, b, true);
      } else if (k < detailed) {
        others += (others.empty() ? "" : ", ") + describe_wait(th, b, false);
      }
    }
    if (blocks.size() > detailed) others += ", ...";
    if (!others.empty()) {
      s += "; also blocked: " + others;
    }
    // the last wake-related operation of each other thread
    for (const auto& ti : t_.threads) {
      if (std::find(t_.blocked_threads.begin(), t_.blocked_threads.end(), ti.id) !=
          t_.blocked_threads.end()) {
        continue;
      }
      const index last = last_of(ti.id, ev_.size(), [&](const event& e) {
        if (wakes(e)) return true;
        return e.is_write() && e.object &&
               std::find(waited_objects.begin(), waited_objects.end(), *e.object) !=
                   waited_objects.end();
      });
      if (last != none) conflicts_.push_back(last);
    }
    t_.summary = s;
  }

  trace& t_;
  const std::vector<event>& ev_;
  std::map<std::uint64_t, std::string> names_;  // the objects' names, from the events
  std::vector<index> conflicts_;
};

}  // namespace

// Relacy records no value for these accesses: rl::var's load() and store()
// (relacy/var.hpp) log a var_event with T() -- not the value read or written --
// when the access races ("if (false == data_->store(*c.threadx_)) {
// RL_HIST(var_event<T>) {RL_INFO, this, T(), false} ...}", the same with
// data_->load() in load()) and when load() finds the variable uninitialized.
// So a racing store of 2 shows as "store, value=0".
void detail::mark_unrecorded_value(trace& t) {
  if (!t.failing_event || *t.failing_event >= t.events.size()) return;
  event& e = t.events[*t.failing_event];
  const bool race = t.result == result_kind::data_race &&
                    (e.kind == event_kind::load || e.kind == event_kind::store);
  const bool uninitialized =
      t.result == result_kind::uninitialized_access && e.kind == event_kind::load;
  if (!race && !uninitialized) return;
  e.value_recorded = false;
  e.value.reset();
}

void detail::analyse(trace& t) {
  analyser(t).run();
}

}  // namespace vsem::trace

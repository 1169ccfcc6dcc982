// The analysis of a parsed trace (detail::analyse()): which event failed, the
// accesses in conflict with it, the one-sentence summary and the story. The
// analyser is declared in analyser.hpp; here: its run, the threads' end
// states and the story of a race.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analyser.hpp"
#include "internal.hpp"

namespace vsem::trace::detail {

void analyser::run() {
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

void analyser::thread_states() {
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

// Earlier accesses by other threads to e's object that conflict with it (at
// least one of the two writes).
std::vector<analyser::index> analyser::conflicting_accesses(const event& f) const {
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

std::string analyser::op_noun(const event& e) {
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

// "its fetch_sub on 0x.. (1 -> 0)"
std::string analyser::effect(const event& e) {
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
      return e.op + " on " + o + " (" + e.prev.value_or("?") + " -> " + e.value.value_or("?") + ")";
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

// For a race between c (earlier, thread A) and f (thread B): the last atomic
// read r of thread B before f that saw the value of a write w of thread A
// made after c. That pair is what was meant to order c before f.
std::optional<std::pair<analyser::index, analyser::index>> analyser::ordering_pair(
    const event& c, const event& f) const {
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

void analyser::race_story(const event& c, const event& f) {
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
    note(n + ": the access at " + location(c) + " is not ordered before the one at " + location(f));
  } else {
    note("no later operation of thread " + std::to_string(c.thread) + " was read by thread " +
         std::to_string(f.thread) + " before its access: nothing orders the two");
  }
  step(f.index, "the racing access: " + act(f));
}

// Relacy records no value for these accesses: rl::var's load() and store()
// (relacy/var.hpp) log a var_event with T() -- not the value read or written --
// when the access races ("if (false == data_->store(*c.threadx_)) {
// RL_HIST(var_event<T>) {RL_INFO, this, T(), false} ...}", the same with
// data_->load() in load()) and when load() finds the variable uninitialized.
// So a racing store of 2 shows as "store, value=0".
void mark_unrecorded_value(trace& t) {
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

void analyse(trace& t) {
  analyser(t).run();
}

}  // namespace vsem::trace::detail

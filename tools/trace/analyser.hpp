// The analyser behind detail::analyse() (not installed, not API): the state
// and the helpers its parts share. analyse.cpp: the run, the threads' end
// states, the story of a race; analyse_results.cpp: each result kind but
// deadlocks; analyse_deadlock.cpp: deadlocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal.hpp"
#include "text_util.hpp"

namespace vsem::trace::detail {

inline bool meaningful(const event& e) {
  return !e.internal && e.kind != event_kind::result;
}

inline bool release_like(std::string_view order) {
  return order == "release" || order == "acq_rel" || order == "seq_cst";
}

inline bool acquire_like(std::string_view order) {
  return order == "acquire" || order == "acq_rel" || order == "seq_cst" || order == "consume";
}

// Finds what went wrong in a parsed trace (see analyse()).
class analyser {
 public:
  explicit analyser(trace& t) : t_(t), ev_(t.events) {
    for (const auto& e : ev_) {
      if (e.object && !e.object_name.empty()) names_.try_emplace(*e.object, e.object_name);
    }
  }

  void run();

 private:
  using index = std::size_t;
  static constexpr index none = static_cast<index>(-1);

  void thread_states();

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
  std::vector<index> conflicting_accesses(const event& f) const;

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
  static std::string op_noun(const event& e);
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
  static std::string effect(const event& e);
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
  std::optional<std::pair<index, index>> ordering_pair(const event& c, const event& f) const;
  void race_story(const event& c, const event& f);

  static std::string assertion_text(std::string_view detail) {
    constexpr std::string_view a = "assertion: ";
    if (detail.starts_with(a)) return "`" + std::string(detail.substr(a.size())) + "`";
    return {};
  }

  // ---- per result kind ----
  void generic();
  void data_race();
  void freed_memory();
  void double_free();
  void memory_leak();
  void livelock();
  void uninitialized();
  void user_assert();
  void invariant();

  // ---- deadlock ----
  enum class wait_kind { futex, mutex, condvar, unknown };
  struct wait_info {
    wait_kind kind = wait_kind::unknown;
    std::optional<std::uint64_t> object;
  };

  // What thread th waits for in its block event b.
  wait_info waited(unsigned th, index b) const;

  static bool wakes(const event& e);

  struct culprit {
    index write = none;
    enum { no_wake, woke_nobody, woke_other, woke } how = no_wake;
    unsigned woken = 0;
  };

  // The last write to w by another thread after thread th blocked at b, and
  // whether it was followed by a wake (before that thread's next write to w).
  culprit find_culprit(unsigned th, index b, std::uint64_t w) const;

  // "thread 1 blocked forever in ... at ...: waiting for ..." (main: the
  // failing thread, whose wait also goes into the story).
  std::string describe_wait(unsigned th, index b, bool main);
  std::string describe_mutex_wait(index b, const wait_info& w, bool main, std::string s);
  std::string describe_condvar_wait(index b, const wait_info& w, bool main, std::string s);
  std::string describe_futex_wait(unsigned th, index b, const wait_info& w, bool main,
                                  std::string s);

  void deadlock();

  trace& t_;
  const std::vector<event>& ev_;
  std::map<std::uint64_t, std::string> names_;  // the objects' names, from the events
  std::vector<index> conflicts_;
};

}  // namespace vsem::trace::detail

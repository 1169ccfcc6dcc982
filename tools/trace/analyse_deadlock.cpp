// The analysis of a deadlock (analyser::deadlock()): what each blocked thread
// waits for, and the write or wake that should have released it.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyser.hpp"

namespace vsem::trace::detail {

// What thread th waits for in its block event b.
analyser::wait_info analyser::waited(unsigned th, index b) const {
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

bool analyser::wakes(const event& e) {
  return e.kind == event_kind::unblock || e.kind == event_kind::futex_wake ||
         (e.kind == event_kind::condvar && e.op.find("notify") != std::string::npos) ||
         (e.kind == event_kind::mutex && e.op.ends_with(" unlock"));
}

// The last write to w by another thread after thread th blocked at b, and
// whether it was followed by a wake (before that thread's next write to w).
analyser::culprit analyser::find_culprit(unsigned th, index b, std::uint64_t w) const {
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

// describe_wait() for a thread blocked on a mutex: who holds it.
std::string analyser::describe_mutex_wait(index b, const wait_info& w, bool main, std::string s) {
  const event& e = ev_[b];
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

// describe_wait() for a thread waiting on a condition variable: the notify
// that came after, if any.
std::string analyser::describe_condvar_wait(index b, const wait_info& w, bool main, std::string s) {
  const event& e = ev_[b];
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
    s += "; thread " + std::to_string(ev_[notify].thread) + "'s notify " + at(ev_[notify], &e) +
         " did not wake it";
    conflicts_.push_back(notify);
    if (main) step(notify, "a notify that did not wake it: " + act(ev_[notify]));
  }
  return s;
}

// describe_wait() for a thread asleep on a word: the write that should have
// woken it (find_culprit()).
std::string analyser::describe_futex_wait(unsigned th, index b, const wait_info& w, bool main,
                                          std::string s) {
  const event& e = ev_[b];
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

std::string analyser::describe_wait(unsigned th, index b, bool main) {
  const event& e = ev_[b];
  const wait_info w = waited(th, b);
  std::string s = "thread " + std::to_string(th) + " blocked forever " + in_function(e) + at(e);
  if (!main) s = "thread " + std::to_string(th) + " " + at(e, &ev_[*t_.failing_event]);
  switch (w.kind) {
    case wait_kind::mutex:
      return describe_mutex_wait(b, w, main, std::move(s));
    case wait_kind::condvar:
      return describe_condvar_wait(b, w, main, std::move(s));
    case wait_kind::futex:
      return describe_futex_wait(th, b, w, main, std::move(s));
    case wait_kind::unknown:
      break;
  }
  if (main) {
    step(b, "blocks: " + act(e));
    note("no thread woke it");
  }
  return s + ", and no thread woke it";
}

void analyser::deadlock() {
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

}  // namespace vsem::trace::detail

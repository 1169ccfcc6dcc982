// models/lin/clients.cpp: the client generator (clients.hpp).
#include "clients.hpp"

#include <string>
#include <vector>

namespace vsem_clients {

namespace {

// The calls a thread may make. Timed calls wait zero: they take the try path
// and report timed_out where try reports full or empty.
const std::vector<call>& calls_of(object obj) {
  static const std::vector<call> channel = {{op::push},  {op::try_push}, {op::push_for},
                                            {op::pop},   {op::try_pop},  {op::pop_for},
                                            {op::close}, {op::is_closed}};
  static const std::vector<call> semaphore = {
      {op::acquire}, {op::try_acquire}, {op::acquire_for}, {op::release, 1}, {op::release, 2}};
  return obj == object::channel ? channel : semaphore;
}

std::string call_name(const call& c) {
  std::string s = vsem_lin::name(c.kind);
  if (c.kind == op::push_for || c.kind == op::pop_for || c.kind == op::acquire_for) s += "0";
  if (c.kind == op::release) s += std::to_string(c.n);
  return s;
}

// Every sequence of 1..longest calls of `obj`, shorter first.
std::vector<std::vector<call>> sequences(object obj, int longest) {
  std::vector<std::vector<call>> out;
  std::vector<std::vector<call>> level = {{}};
  for (int len = 1; len <= longest; ++len) {
    std::vector<std::vector<call>> next;
    for (const auto& prefix : level) {
      for (const call& c : calls_of(obj)) {
        next.push_back(prefix);
        next.back().push_back(c);
      }
    }
    out.insert(out.end(), next.begin(), next.end());
    level.swap(next);
  }
  return out;
}

// The starts of `obj`: (capacity, initial) pairs.
std::vector<std::pair<int, int>> starts(object obj) {
  if (obj == object::semaphore) return {{0, 0}, {0, 1}};
  return {{1, 0}, {1, 1}, {2, 0}, {2, 1}, {2, 2}};
}

// The specification's state, as far as blocking is concerned.
struct abstract_state {
  int size = 0;  // channel: items inside; semaphore: count
  bool closed = false;
};

// Applies call `c` to `s` when it can take effect; false (and `s` unchanged)
// for a blocking call that cannot.
bool step(abstract_state& s, const call& c, int capacity) {
  switch (c.kind) {
    case op::push:
      if (!s.closed && s.size == capacity) return false;
      if (!s.closed) ++s.size;
      return true;
    case op::try_push:
    case op::push_for:
      if (!s.closed && s.size < capacity) ++s.size;
      return true;
    case op::pop:
      if (s.size == 0 && !s.closed) return false;
      if (s.size > 0) --s.size;
      return true;
    case op::try_pop:
    case op::pop_for:
    case op::try_acquire:
    case op::acquire_for:
      if (s.size > 0) --s.size;
      return true;
    case op::close:
      s.closed = true;
      return true;
    case op::is_closed:
      return true;
    case op::acquire:
      if (s.size == 0) return false;
      --s.size;
      return true;
    case op::release:
      s.size += c.n;
      return true;
  }
  return true;
}

// Depth-first over every order of whole calls from (s, at): true when one
// reaches a state where no thread left can go on.
bool deadlock_from(const client& c, const abstract_state& s, int (&at)[max_threads]) {
  bool unfinished = false;
  for (int t = 0; t < c.threads; ++t) {
    if (at[t] == c.length[t]) continue;
    unfinished = true;
    abstract_state next = s;
    if (!step(next, c.calls[t][at[t]], c.size)) continue;
    ++at[t];
    const bool found = deadlock_from(c, next, at);
    --at[t];
    if (found) return true;
  }
  if (!unfinished) return false;
  // Some thread is unfinished: a deadlock unless one of them could step.
  for (int t = 0; t < c.threads; ++t) {
    abstract_state next = s;
    if (at[t] < c.length[t] && step(next, c.calls[t][at[t]], c.size)) return false;
  }
  return true;
}

}  // namespace

std::string client::name() const {
  std::string s = obj == object::channel
                      ? "channel/cap" + std::to_string(size) + "-in" + std::to_string(initial) + "/"
                      : "semaphore/count" + std::to_string(initial) + "/";
  for (int t = 0; t < threads; ++t) {
    if (t > 0) s += "+";
    for (int k = 0; k < length[t]; ++k) {
      if (k > 0) s += ".";
      s += call_name(calls[t][k]);
    }
  }
  return s;
}

int client::total() const noexcept {
  int n = 0;
  for (int t = 0; t < threads; ++t) n += length[t];
  return n;
}

bool can_deadlock(const client& c) {
  int at[max_threads] = {};
  abstract_state s;
  s.size = c.initial;
  return deadlock_from(c, s, at);
}

std::vector<client> enumerate(object obj, const bound& b) {
  const auto seqs = sequences(obj, max_calls);
  std::vector<client> out;
  const std::size_t n = seqs.size();
  for (const auto& [capacity, initial] : starts(obj)) {
    client c;
    c.obj = obj;
    c.size = static_cast<std::uint8_t>(capacity);
    c.initial = static_cast<std::uint8_t>(initial);
    c.threads = static_cast<std::uint8_t>(b.threads);
    // Thread sequences by index, non-decreasing: one client per multiset.
    std::size_t idx[max_threads] = {};
    for (;;) {
      int calls = 0;
      for (int t = 0; t < b.threads; ++t) calls += static_cast<int>(seqs[idx[t]].size());
      if (calls <= b.calls) {
        for (int t = 0; t < b.threads; ++t) {
          c.length[t] = static_cast<std::uint8_t>(seqs[idx[t]].size());
          for (int k = 0; k < c.length[t]; ++k) c.calls[t][k] = seqs[idx[t]][k];
        }
        if (!can_deadlock(c)) out.push_back(c);
      }
      // Next non-decreasing index tuple.
      int t = b.threads - 1;
      while (t >= 0 && idx[t] + 1 == n) --t;
      if (t < 0) break;
      ++idx[t];
      for (int u = t + 1; u < b.threads; ++u) idx[u] = idx[t];
    }
  }
  return out;
}

const client* find(const std::vector<client>& all, const std::string& name) {
  for (const client& c : all) {
    if (c.name() == name) return &c;
  }
  return nullptr;
}

}  // namespace vsem_clients

// tests/lin/checker_common.cpp: what both checkers share (timeline.hpp) and the
// report's text (checker.hpp).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "lin/checker.hpp"
#include "lin/spec.hpp"
#include "lin/timeline.hpp"

namespace vsem_lin {

namespace detail {

ranks::ranks(const std::vector<event>& events) {
  too_many_ = events.size() > max_events;
  if (events.empty() || too_many_) return;
  std::uint64_t lo = events[0].inv;
  std::uint64_t hi = lo;
  for (const event& e : events) {
    lo = std::min({lo, e.inv, e.resp});
    hi = std::max({hi, e.inv, e.resp});
  }
  first_ = lo;
  const std::size_t n = 2 * events.size();
  if (hi - lo < 2 * n) {
    // Dense: mark each stamp in a table (a mark found set is a repeat).
    table_.assign(static_cast<std::size_t>(hi - lo + 1), -1);
    for (const event& e : events) {
      for (const std::uint64_t s : {e.inv, e.resp}) {
        std::int32_t& mark = table_[static_cast<std::size_t>(s - lo)];
        if (mark == 0 && repeated_ == never) repeated_ = s;
        mark = 0;
      }
    }
    if (repeated_ == never && hi - lo + 1 == n) {
      size_ = n;  // consecutive: the rank is stamp - first_, no table
      std::vector<std::int32_t>().swap(table_);
      return;
    }
    std::int32_t next = 0;
    for (auto& r : table_) {
      if (r == 0) r = next++;
    }
    size_ = static_cast<std::size_t>(next);
    return;
  }
  sorted_.reserve(n);
  for (const event& e : events) {
    sorted_.push_back(e.inv);
    sorted_.push_back(e.resp);
  }
  std::sort(sorted_.begin(), sorted_.end());
  const auto dup = std::adjacent_find(sorted_.begin(), sorted_.end());
  if (dup != sorted_.end()) repeated_ = *dup;
  sorted_.erase(std::unique(sorted_.begin(), sorted_.end()), sorted_.end());
  size_ = sorted_.size();
}

void timeline::finish(std::int64_t base) {
  std::int64_t count = base;
  for (auto& v : value_) {
    count += v;
    v = count;
  }
  const std::size_t m = value_.size();
  tree_.assign(2 * m, 0);
  std::copy(value_.begin(), value_.end(), tree_.begin() + static_cast<std::ptrdiff_t>(m));
  for (std::size_t i = m; i-- > 1;) tree_[i] = pick(tree_[2 * i], tree_[2 * i + 1]);
}

std::int64_t timeline::within(std::uint64_t inv, std::uint64_t resp) const {
  // The gaps strictly between the two stamps: ranks of(inv) .. of(resp) - 1.
  const std::size_t m = value_.size();
  std::size_t l = ranks_.of(inv) + m;
  std::size_t r = ranks_.of(resp) + m;  // exclusive
  std::int64_t best = tree_[l];
  for (; l < r; l /= 2, r /= 2) {
    if (l & 1) best = pick(best, tree_[l++]);
    if (r & 1) best = pick(best, tree_[--r]);
  }
  return best;
}

bool check_calls(const std::vector<event>& events, const ranks& r, bool channel, collector& out) {
  if (r.too_many()) {
    out.add(rule::malformed, format("history not checkable: more than %zu calls", max_events), {});
    return false;
  }
  bool ok = true;
  for (const event& e : events) {
    const char* bad = nullptr;
    if (e.resp <= e.inv) bad = "its response stamp is not after its invocation stamp";
    if (is_channel_op(e.kind) != channel) bad = "the operation is not one of this object";
    if (bad == nullptr && !possible(e.kind, e.res)) bad = "the operation cannot return this";
    if (bad == nullptr) continue;
    ok = false;
    out.add(rule::malformed, format("history not checkable: %s", bad), {e});
  }
  if (r.repeated() != never) {
    ok = false;
    std::vector<event> with;
    for (const event& e : events) {
      if (e.inv == r.repeated() || e.resp == r.repeated()) with.push_back(e);
    }
    out.add(rule::malformed,
            format("history not checkable: stamp %llu is used twice",
                   static_cast<unsigned long long>(r.repeated())),
            with);
  }
  return ok;
}

}  // namespace detail

const char* name(rule r) noexcept {
  constexpr const char* names[] = {
      "malformed",       "pop_unpushed",          "pop_before_push",   "pop_twice",
      "fifo_order",      "fifo_skipped",          "over_capacity",     "empty_while_nonempty",
      "full_while_room", "closed_before_close",   "open_after_closed", "closed_before_drained",
      "overdraw",        "failed_while_available"};
  return names[static_cast<int>(r)];
}

std::string describe(const event& e) {
  std::string s =
      detail::format("T%u [%llu, %llu] %s", e.thread, static_cast<unsigned long long>(e.inv),
                     static_cast<unsigned long long>(e.resp), name(e.kind));
  if (is_push(e.kind) || e.kind == op::release) {
    s += detail::format("(%#llx)", static_cast<unsigned long long>(e.value));
  } else {
    s += "()";
  }
  s += detail::format(" -> %s", name(e.res));
  if (is_pop(e.kind) && e.res == result::done) {
    s += detail::format(" %#llx", static_cast<unsigned long long>(e.value));
  }
  return s;
}

bool report::flags(rule r) const noexcept {
  return std::any_of(violations.begin(), violations.end(),
                     [r](const violation& v) { return v.broken == r; });
}

std::string report::text(std::size_t max_shown) const {
  if (ok())
    return detail::format("%s history of %zu calls: linearizable by every rule\n", object, ops);
  std::string s = detail::format(
      "%s history of %zu calls: %zu violation(s); stamps are [invocation, response], "
      "T the thread\n",
      object, ops, found);
  const std::size_t shown = std::min(max_shown, violations.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const violation& v = violations[i];
    s += detail::format("  %s: %s\n", name(v.broken), v.why.c_str());
    for (const event& e : v.ops) s += "    " + describe(e) + "\n";
  }
  if (found > shown) s += detail::format("  ... and %zu more\n", found - shown);
  return s;
}

}  // namespace vsem_lin

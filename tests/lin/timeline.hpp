// tests/lin/timeline.hpp: what the checkers (channel_checker.cpp,
// semaphore_checker.cpp) share: `timeline`, a count that steps at stamps, with
// the least or greatest count a call can have seen, over `ranks`; `collector`,
// which keeps the first violations of each rule; and the check of a history's
// calls.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lin/checker.hpp"
#include "lin/spec.hpp"
#include "support/format.hpp"

namespace vsem_lin::detail {

// The largest stamp: "never" (an item never popped).
inline constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

// The most calls a history may have (ranks and indices are 32-bit).
inline constexpr std::size_t max_events = std::size_t{1} << 30;

// The rank of each stamp of a history among all its stamps (0 for the least).
// A recorder's stamps are consecutive, and then a rank is a subtraction; other
// dense stamps use a table, sparse ones a sorted copy and a binary search.
class ranks {
 public:
  explicit ranks(const std::vector<event>& events);

  // The number of distinct stamps.
  std::size_t size() const noexcept { return size_; }
  // A stamp used twice, or `never`.
  std::uint64_t repeated() const noexcept { return repeated_; }
  // True when the history has more than max_events calls (then nothing is ranked).
  bool too_many() const noexcept { return too_many_; }
  // The rank of `stamp`, one of the history's.
  std::size_t of(std::uint64_t stamp) const {
    if (table_.empty() && sorted_.empty()) return static_cast<std::size_t>(stamp - first_);
    if (!table_.empty()) return static_cast<std::size_t>(table_[stamp - first_]);
    return static_cast<std::size_t>(std::lower_bound(sorted_.begin(), sorted_.end(), stamp) -
                                    sorted_.begin());
  }

 private:
  std::uint64_t first_ = 0;  // the least stamp
  std::size_t size_ = 0;
  std::uint64_t repeated_ = never;
  bool too_many_ = false;
  std::vector<std::int32_t> table_;    // stamp - first_ -> rank (dense, not consecutive)
  std::vector<std::uint64_t> sorted_;  // the distinct stamps in order (sparse)
};

// A count over a history: steps happen just after stamps, and the count is
// constant in each gap between two consecutive stamps of the history. Answers
// "the least (or greatest) count at a moment strictly between two stamps" in
// O(log n) with a segment tree over the gaps.
class timeline {
 public:
  enum class extreme { min, max };

  // A timeline over the stamps that `r` ranks, answering queries for `kind`.
  // Requires distinct stamps (r.repeated() == never); keeps a reference to `r`.
  timeline(const ranks& r, extreme kind) : ranks_(r), kind_(kind), value_(r.size(), 0) {}

  // Adds `delta` to the count from just after `stamp` on; `stamp` must be one
  // of the history's.
  void step(std::uint64_t stamp, std::int64_t delta) { value_[ranks_.of(stamp)] += delta; }

  // After the last step(): fixes the count before the first stamp at `base`
  // and builds the tree.
  void finish(std::int64_t base);

  // The count just after `stamp` (after finish()).
  std::int64_t after(std::uint64_t stamp) const { return value_[ranks_.of(stamp)]; }

  // The least (extreme::min) or greatest (extreme::max) count at a moment
  // strictly between `inv` and `resp` (inv < resp, both stamps of the history).
  std::int64_t within(std::uint64_t inv, std::uint64_t resp) const;

 private:
  std::int64_t pick(std::int64_t a, std::int64_t b) const {
    return kind_ == extreme::min ? std::min(a, b) : std::max(a, b);
  }

  const ranks& ranks_;
  extreme kind_;
  std::vector<std::int64_t> value_;  // by rank: steps, then (after finish) the count
  std::vector<std::int64_t> tree_;   // segment tree over value_, leaves at size()
};

// Keeps the first `report::kept` violations of each rule and counts all.
class collector {
 public:
  explicit collector(report& r) : r_(r), per_rule_(64, 0) {}

  // Counts a violation of `broken`; true when it is to be kept (then call keep()).
  bool wants(rule broken) {
    ++r_.found;
    return per_rule_[static_cast<std::size_t>(broken)]++ < report::kept;
  }
  // Keeps a violation.
  void keep(rule broken, std::string why, std::vector<event> ops) {
    r_.violations.push_back(violation{broken, std::move(why), std::move(ops)});
  }
  // wants() and keep() in one.
  void add(rule broken, std::string why, std::vector<event> ops) {
    if (wants(broken)) keep(broken, std::move(why), std::move(ops));
  }

 private:
  report& r_;
  std::vector<std::size_t> per_rule_;
};

// Reports (as rule::malformed) a history of more than max_events calls, every
// call whose response stamp is not after its invocation stamp, whose operation
// is not of the object checked (`channel`), or whose result the operation
// cannot return, and a repeated stamp (`r` ranks `events`). True when the history is well
// formed.
bool check_calls(const std::vector<event>& events, const ranks& r, bool channel, collector& out);

// printf into a std::string.
using vsem_test::format;

}  // namespace vsem_lin::detail

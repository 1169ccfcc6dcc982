// tests/lin/semaphore_checker.cpp: check(semaphore_history) (checker.hpp): the
// count of permits, bounded from both sides by real-time order.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lin/checker.hpp"
#include "lin/spec.hpp"
#include "lin/timeline.hpp"

namespace vsem_lin {

namespace {

using detail::collector;
using detail::format;
using detail::ranks;
using detail::timeline;

bool taken(const event& e) {
  return is_acquire(e.kind) && e.res == result::done;
}
bool failed(const event& e) {
  return is_acquire(e.kind) && e.res != result::done;
}

// Rule overdraw: the most permits that can be left at each moment (initial,
// plus every release begun, minus every acquire returned) never drops below 0.
void check_overdraw(const std::vector<event>& ev, const ranks& r, std::int64_t initial,
                    collector& out) {
  timeline most_left(r, timeline::extreme::min);
  for (const event& e : ev) {
    if (e.kind == op::release) most_left.step(e.inv, static_cast<std::int64_t>(e.value));
    if (taken(e)) most_left.step(e.resp, -1);
  }
  most_left.finish(initial);
  for (const event& e : ev) {
    if (!taken(e) || most_left.after(e.resp) >= 0) continue;
    out.add(
        rule::overdraw,
        format("when this acquire returned, acquires that had returned exceeded the initial "
               "count (%lld) plus the permits of every release begun by %lld",
               static_cast<long long>(initial), static_cast<long long>(-most_left.after(e.resp))),
        {e});
  }
}

// The release that returned last before `e` began, if any (context for a
// failure: the permits were there since then at least).
const event* last_release_before(const std::vector<event>& ev, const event& e) {
  const event* best = nullptr;
  for (const event& r : ev) {
    if (r.kind == op::release && r.resp < e.inv && (best == nullptr || r.resp > best->resp)) {
      best = &r;
    }
  }
  return best;
}

// Rule failed_while_available: the fewest permits certainly left at each
// moment (initial, plus every release returned, minus every successful acquire
// begun); a failed acquire needs a moment in its call where that is 0 or less.
void check_failures(const std::vector<event>& ev, const ranks& r, std::int64_t initial,
                    collector& out) {
  timeline least_left(r, timeline::extreme::min);
  for (const event& e : ev) {
    if (e.kind == op::release) least_left.step(e.resp, static_cast<std::int64_t>(e.value));
    if (taken(e)) least_left.step(e.inv, -1);
  }
  least_left.finish(initial);
  for (const event& e : ev) {
    if (!failed(e)) continue;
    const std::int64_t least = least_left.within(e.inv, e.resp);
    if (least <= 0 || !out.wants(rule::failed_while_available)) continue;
    std::vector<event> ops{e};
    if (const event* r = last_release_before(ev, e)) ops.push_back(*r);
    out.keep(rule::failed_while_available,
             format("at least %lld permit(s) available throughout the call (initial %lld, plus "
                    "releases returned, minus successful acquires begun)%s",
                    static_cast<long long>(least), static_cast<long long>(initial),
                    ops.size() > 1 ? "; the last release to return before it:" : ""),
             std::move(ops));
  }
}

}  // namespace

report check(const semaphore_history& h) {
  const auto start = std::chrono::steady_clock::now();
  report r;
  r.object = "semaphore";
  r.ops = h.events.size();
  collector out(r);
  if (h.initial < 0) out.add(rule::malformed, "history not checkable: negative initial count", {});
  const ranks stamps(h.events);
  if (h.initial >= 0 && detail::check_calls(h.events, stamps, false, out)) {
    check_overdraw(h.events, stamps, h.initial, out);
    check_failures(h.events, stamps, h.initial, out);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace vsem_lin

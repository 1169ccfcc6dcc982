// tests/lin/channel_checker.cpp: check(channel_history) (checker.hpp): the
// item rules (matching pushes and pops by item, then FIFO order by real time),
// the counting rules (capacity, empty, full) and the closing rules.

#include <algorithm>
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
using detail::never;
using detail::ranks;
using detail::timeline;

constexpr std::uint32_t none = 0xffffffffu;

bool done_push(const event& e) {
  return is_push(e.kind) && e.res == result::done;
}
bool done_pop(const event& e) {
  return is_pop(e.kind) && e.res == result::done;
}

// Pushes and pops matched by item: partner[i] is, for a done push, the done
// pop of its item (none if never popped) and, for a done pop, the done push of
// its item (none if there is none); none for every other call.
struct matching {
  std::vector<std::uint32_t> partner;
  std::vector<std::uint32_t> pushes;  // the done pushes
  bool ok = true;                     // false: an item was pushed twice (malformed)

  // When the pop of push i's item began (never: not popped).
  std::uint64_t popped_at(const std::vector<event>& ev, std::uint32_t i) const {
    return partner[i] == none ? never : ev[partner[i]].inv;
  }
};

struct keyed {
  std::uint64_t value;
  std::uint64_t inv;
  std::uint32_t index;
};

// Rules pop_unpushed, pop_before_push, pop_twice, and malformed for an item
// pushed twice. Sorts pushes and pops by item and merges them.
matching match_items(const std::vector<event>& ev, collector& out) {
  std::vector<keyed> pushes;
  std::vector<keyed> pops;
  for (std::uint32_t i = 0; i < ev.size(); ++i) {
    if (done_push(ev[i])) pushes.push_back({ev[i].value, ev[i].inv, i});
    if (done_pop(ev[i])) pops.push_back({ev[i].value, ev[i].inv, i});
  }
  const auto by_value = [](const keyed& a, const keyed& b) {
    return a.value != b.value ? a.value < b.value : a.inv < b.inv;
  };
  std::sort(pushes.begin(), pushes.end(), by_value);
  std::sort(pops.begin(), pops.end(), by_value);
  matching m;
  m.partner.assign(ev.size(), none);
  m.pushes.reserve(pushes.size());
  for (std::size_t i = 0; i < pushes.size(); ++i) {
    m.pushes.push_back(pushes[i].index);
    if (i > 0 && pushes[i - 1].value == pushes[i].value) {
      m.ok = false;
      out.add(rule::malformed,
              "history not checkable: an item was pushed twice (items must be distinct)",
              {ev[pushes[i - 1].index], ev[pushes[i].index]});
    }
  }
  std::size_t j = 0;
  for (std::size_t i = 0; i < pops.size(); ++i) {
    const event& pop = ev[pops[i].index];
    while (j < pushes.size() && pushes[j].value < pops[i].value) ++j;
    if (j == pushes.size() || pushes[j].value != pops[i].value) {
      out.add(rule::pop_unpushed, "this item was never pushed (by a push that returned done)",
              {pop});
      continue;
    }
    const event& push = ev[pushes[j].index];
    if (i > 0 && pops[i - 1].value == pops[i].value) {
      out.add(rule::pop_twice, "the item was popped twice", {push, ev[pops[i - 1].index], pop});
      continue;
    }
    m.partner[pops[i].index] = pushes[j].index;
    m.partner[pushes[j].index] = pops[i].index;
    if (pop.resp < push.inv) {
      out.add(rule::pop_before_push, "the pop returned before the push of its item began",
              {pop, push});
    }
  }
  return m;
}

// Rules fifo_order and fifo_skipped. For each popped push b, the witness is,
// among the pushes that returned before b began, the one whose item was
// popped last (or never): by rank of response, a running argmax.
void check_fifo(const std::vector<event>& ev, const ranks& r, const matching& m, collector& out) {
  std::vector<std::uint32_t> latest(r.size(), none);  // by rank: a push returning there, then
  for (const std::uint32_t i : m.pushes) latest[r.of(ev[i].resp)] = i;  // the argmax up to it
  std::uint32_t best = none;
  for (auto& l : latest) {
    if (l != none && (best == none || m.popped_at(ev, l) > m.popped_at(ev, best))) best = l;
    l = best;
  }
  for (const std::uint32_t b : m.pushes) {
    const std::uint32_t pop_b = m.partner[b];
    const std::size_t k = r.of(ev[b].inv);
    if (pop_b == none || k == 0 || latest[k - 1] == none) continue;
    const std::uint32_t a = latest[k - 1];
    if (m.popped_at(ev, a) <= ev[pop_b].resp) continue;  // a's pop began before b's returned
    if (m.partner[a] == none) {
      out.add(rule::fifo_skipped,
              "the first push returned before the second began; the second item was popped, "
              "the first never",
              {ev[a], ev[b], ev[pop_b]});
    } else {
      out.add(rule::fifo_order,
              "the first push returned before the second began, but the second item's pop "
              "returned before the first item's pop began",
              {ev[a], ev[b], ev[pop_b], ev[m.partner[a]]});
    }
  }
}

// For each done push, sorted by response: the push, among it and those that
// returned before it, whose item was popped last (or never). An empty pop
// that began after push k returned, and returned before the pop of push
// best[k]'s item began, ran while that item was certainly inside.
struct latest_popped {
  std::vector<std::uint64_t> resp;  // the pushes' responses, ascending
  std::vector<std::uint32_t> best;  // the running argmax of popped_at

  latest_popped(const std::vector<event>& ev, const matching& m) {
    std::vector<std::uint32_t> order = m.pushes;
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return ev[a].resp < ev[b].resp; });
    std::uint32_t b = none;
    for (const std::uint32_t i : order) {
      if (b == none || m.popped_at(ev, i) > m.popped_at(ev, b)) b = i;
      resp.push_back(ev[i].resp);
      best.push_back(b);
    }
  }

  // A push whose item was certainly inside throughout `e` (returned done
  // before e began, not popped before e returned); none if no item was.
  std::uint32_t inside(const std::vector<event>& ev, const matching& m, const event& e) const {
    const auto k = std::lower_bound(resp.begin(), resp.end(), e.inv) - resp.begin();
    if (k == 0) return none;
    const std::uint32_t w = best[static_cast<std::size_t>(k - 1)];
    return m.popped_at(ev, w) > e.resp ? w : none;
  }
};

// Rules over_capacity and empty_while_nonempty. The items certainly inside at
// every moment are counted (pushes that returned done minus done pops that
// began); an empty pop is also flagged when one item was inside throughout
// its call, although the count dipped to 0 (other items' pops began).
void check_items_inside(const std::vector<event>& ev, const ranks& r, std::size_t capacity,
                        const matching& m, collector& out) {
  timeline inside(r, timeline::extreme::min);
  for (const event& e : ev) {
    if (done_push(e)) inside.step(e.resp, +1);
    if (done_pop(e)) inside.step(e.inv, -1);
  }
  inside.finish(0);
  const latest_popped items(ev, m);
  const auto cap = static_cast<std::int64_t>(capacity);
  for (const event& e : ev) {
    if (done_push(e) && inside.after(e.resp) > cap && out.wants(rule::over_capacity)) {
      out.keep(rule::over_capacity,
               format("%lld items certainly inside just after this push returned (pushes returned "
                      "done minus pops begun), capacity %zu",
                      static_cast<long long>(inside.after(e.resp)), capacity),
               {e});
    }
    if (!is_pop(e.kind) || (e.res != result::empty && e.res != result::timed_out)) continue;
    const std::int64_t least = inside.within(e.inv, e.resp);
    const std::uint32_t w = items.inside(ev, m, e);
    if ((least <= 0 && w == none) || !out.wants(rule::empty_while_nonempty)) continue;
    std::vector<event> ops{e};
    if (w != none) ops.push_back(ev[w]);
    if (w != none && m.partner[w] != none) ops.push_back(ev[m.partner[w]]);
    out.keep(rule::empty_while_nonempty,
             least > 0 ? format("at least %lld item(s) inside throughout the call (pushes returned "
                                "done minus pops begun)%s",
                                static_cast<long long>(least), w != none ? "; for one, these:" : "")
                       : std::string("this item was inside throughout the call (pushed before it "
                                     "began, its pop began after it returned):"),
             std::move(ops));
  }
}

// Rule full_while_room: the places that could be taken (done pushes begun,
// minus done pops returned). A push that reports closed takes no place.
void check_places(const std::vector<event>& ev, const ranks& r, std::size_t capacity,
                  collector& out) {
  timeline taken(r, timeline::extreme::max);
  for (const event& e : ev) {
    if (done_push(e)) taken.step(e.inv, +1);
    if (done_pop(e)) taken.step(e.resp, -1);
  }
  taken.finish(0);
  const auto cap = static_cast<std::int64_t>(capacity);
  for (const event& e : ev) {
    if (!is_push(e.kind) || (e.res != result::full && e.res != result::timed_out)) continue;
    const std::int64_t most = taken.within(e.inv, e.resp);
    if (most < cap) {
      out.add(rule::full_while_room,
              format("at most %lld of %zu places could be taken at any moment of the call (done "
                     "pushes begun minus done pops returned)",
                     static_cast<long long>(most), capacity),
              {e});
    }
  }
}

// Rules closed_before_close, open_after_closed and closed_before_drained.
void check_closing(const std::vector<event>& ev, const matching& m, collector& out) {
  std::uint32_t first_close = none;  // the close() that began first
  std::uint32_t proof = none;        // the first call to return that proves the channel closed
  std::uint32_t drained = none;      // the first pop to return closed
  for (std::uint32_t i = 0; i < ev.size(); ++i) {
    const event& e = ev[i];
    if (e.kind == op::close && (first_close == none || e.inv < ev[first_close].inv))
      first_close = i;
    if ((e.kind == op::close || e.res == result::closed) &&
        (proof == none || e.resp < ev[proof].resp)) {
      proof = i;
    }
    if (is_pop(e.kind) && e.res == result::closed &&
        (drained == none || e.resp < ev[drained].resp)) {
      drained = i;
    }
  }
  for (const event& e : ev) {
    if (e.res == result::closed && (first_close == none || e.resp < ev[first_close].inv)) {
      if (first_close == none) {
        out.add(rule::closed_before_close, "closed, but no close() in the history", {e});
      } else {
        out.add(rule::closed_before_close, "closed, but returned before the first close() began",
                {e, ev[first_close]});
      }
    }
    const bool needs_open = done_push(e) || e.res == result::empty || e.res == result::full ||
                            e.res == result::timed_out || e.res == result::open;
    if (needs_open && proof != none && e.inv > ev[proof].resp) {
      out.add(rule::open_after_closed,
              format("%s needs an open channel, but began after the first call below had shown "
                     "it closed",
                     name(e.res)),
              {ev[proof], e});
    }
  }
  if (drained == none) return;
  for (const std::uint32_t i : m.pushes) {
    if (m.popped_at(ev, i) <= ev[drained].resp) continue;
    std::vector<event> ops{ev[drained], ev[i]};
    if (m.partner[i] != none) ops.push_back(ev[m.partner[i]]);
    out.add(rule::closed_before_drained,
            m.partner[i] == none
                ? "a pop returned closed, but this item (pushed, done) was never popped"
                : "a pop returned closed, but this item was popped by a pop that began later",
            std::move(ops));
  }
}

}  // namespace

report check(const channel_history& h) {
  const auto start = std::chrono::steady_clock::now();
  report r;
  r.object = "channel";
  r.ops = h.events.size();
  collector out(r);
  if (h.capacity == 0) out.add(rule::malformed, "history not checkable: capacity 0", {});
  const ranks stamps(h.events);
  if (h.capacity != 0 && detail::check_calls(h.events, stamps, true, out)) {
    const matching m = match_items(h.events, out);
    if (m.ok) {
      check_fifo(h.events, stamps, m, out);
      check_items_inside(h.events, stamps, h.capacity, m, out);
      check_places(h.events, stamps, h.capacity, out);
      check_closing(h.events, m, out);
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace vsem_lin

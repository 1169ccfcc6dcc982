// Labels shared by the text and HTML renderings (see render_labels.hpp).
#include "render_labels.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace vsem::trace::detail {

namespace {

std::string short_order(std::string_view o) {
  if (o == "relaxed") return "rlx";
  if (o == "acquire") return "acq";
  if (o == "release") return "rel";
  if (o == "seq_cst") return "sc";
  if (o == "consume") return "con";
  return std::string(o);
}

// Values above 32 bits in hex: vsem's semaphore word packs the waiter count
// into the high 32 bits (4294967297 -> 0x100000001).
std::string shown_value(const std::optional<std::string>& v) {
  if (!v) return "?";
  if (v->size() < 10 || v->size() > 20) return *v;
  std::uint64_t n = 0;
  for (const char c : *v) {
    if (c < '0' || c > '9') return *v;
  }
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || ptr != v->data() + v->size() || n <= 0xFFFFFFFFu) return *v;
  return hex_address(n);
}

}  // namespace

// "@1 fetch_add 0->1 release"
std::string event_label(const event& e, const object_labels& L, bool abbreviate, bool narrow) {
  const auto ord = [&](const std::string& o) {
    if (o.empty()) return std::string();
    return " " + (abbreviate ? short_order(o) : o);
  };
  const std::string obj = e.object ? L.label(*e.object) + " " : std::string();
  const std::string v = shown_value(e.value);
  const std::string p = shown_value(e.prev);
  switch (e.kind) {
    case event_kind::atomic_load:
      return obj + "load " + v + ord(e.order) + (e.stale ? " STALE" : "");
    case event_kind::atomic_store:
      return obj + "store " + v + ord(e.order);
    case event_kind::rmw:
      if (narrow) return obj + e.op + "(" + shown_value(e.arg) + ")=" + v + ord(e.order);
      return obj + e.op + " " + p + "->" + v + ord(e.order);
    case event_kind::cas:
      if (e.failed) return obj + "CAS fail (saw " + p + ")" + ord(e.order);
      if (narrow) return obj + "CAS ->" + v + ord(e.order);
      return obj + "CAS " + p + "->" + v + ord(e.order);
    case event_kind::load:
      return obj + "read " + v;
    case event_kind::store:
      return obj + "write " + v;
    case event_kind::fence:
      return e.op + ord(e.order);
    case event_kind::block:
      return e.timed ? "BLOCKED (timed)" : "BLOCKED";
    case event_kind::unblock:
      return "wakes thread " + std::to_string(e.target_thread.value_or(0));
    case event_kind::yield:
      return "yield";
    case event_kind::alloc:
      return "alloc " + obj + std::to_string(e.size.value_or(0)) + " bytes";
    case event_kind::free:
      return "free " + L.label(e);
    case event_kind::freed_access:
      return obj + "ACCESS TO FREED MEMORY";
    case event_kind::internal:
    case event_kind::result:
      return e.text;
    default:
      return obj + e.op;
  }
}

bool visible(const trace& t, const event& e, bool show_internal) {
  if (show_internal || !e.internal || e.kind == event_kind::result) return true;
  if (t.failing_event == e.index) return true;
  if (std::any_of(t.story.begin(), t.story.end(),
                  [&](const story_step& s) { return s.event == e.index; })) {
    return true;
  }
  return std::binary_search(t.conflicts.begin(), t.conflicts.end(), e.index);
}

std::string state_label(thread_state s) {
  if (s == thread_state::blocked) return "BLOCKED";
  if (s == thread_state::idle) return "no events";
  return std::string(to_string(s));
}

}  // namespace vsem::trace::detail

// libFuzzer target (label fuzz): any input (a text trace, or JSON when it
// starts with '{') either parses into a trace whose
// structure is consistent, and renders as JSON, text and HTML, or is rejected
// with vsem::trace::parse_error. Built with -fsanitize=fuzzer,address,undefined.
// The input is also read as a source line to name an object in (it reads no
// file: parse() runs without parse_options::read_sources).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "text_util.hpp"
#include "trace.hpp"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = vsem::trace::detail::utf8_sequence(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using vsem::trace::event_kind;
  for (const event_kind k :
       {event_kind::load, event_kind::rmw, event_kind::cas, event_kind::futex_wake}) {
    const auto name = vsem::trace::source_object_name(text, k, "fetch_add", "0");
    require(!name || (!name->empty() && name->size() <= 96));
  }
  vsem::trace::trace t;
  try {
    t = vsem::trace::parse(text);
  } catch (const vsem::trace::parse_error& e) {
    require(e.what()[0] != '\0');
    return 0;
  }
  const auto& ev = t.events;
  std::size_t listed = 0;
  for (const auto& th : t.threads) {
    require(std::is_sorted(th.events.begin(), th.events.end()));
    for (const std::size_t i : th.events) require(i < ev.size() && ev[i].thread == th.id);
    listed += th.events.size();
  }
  require(listed == ev.size());
  for (std::size_t i = 0; i < ev.size(); ++i) require(ev[i].index == i);
  require(!t.failing_event || *t.failing_event < ev.size());
  require(std::is_sorted(t.conflicts.begin(), t.conflicts.end()));
  for (const std::size_t c : t.conflicts) require(c < ev.size() && t.failing_event != c);
  require(!t.summary.empty());
  for (const auto& st : t.story) require(!st.event || *st.event < ev.size());

  const std::string json = vsem::trace::to_json(t);
  require(valid_utf8(json));
  vsem::trace::text_options o;
  const std::string text_view = vsem::trace::render_text(t, o);
  o.show_internal = true;
  o.width = 100;
  (void)vsem::trace::render_text(t, o);
  require(valid_utf8(vsem::trace::render_html(t, "fuzz")));
  for (const char c : text_view) require(c == '\n' || (c >= 0x20 && c < 0x7F));
  return 0;
}

// to_json(): the structured trace as JSON (parse_json.cpp reads it back).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text_util.hpp"
#include "trace.hpp"

namespace vsem::trace {

namespace {

using detail::append_json_string;

// Appends `key` (with what goes before it: ",\n  \"test\": ") and the value.
void string_field(std::string& o, std::string_view key, std::string_view v) {
  o += key;
  append_json_string(o, v);
}
void optional_field(std::string& o, std::string_view key, const std::optional<std::string>& v) {
  if (v) return string_field(o, key, *v);
  o += key;
  o += "null";
}
std::string index_or_null(const std::optional<std::size_t>& i) {
  return i ? std::to_string(*i) : "null";
}
template <class T>
void number_list(std::string& o, const std::vector<T>& v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) o += ", ";
    o += std::to_string(v[i]);
  }
}
// "[" then, for each element, a new line and what `one` appends, then "\n  ]".
template <class T, class F>
void object_list(std::string& o, const std::vector<T>& v, F one) {
  o += "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    o += i ? ",\n    " : "\n    ";
    one(v[i]);
  }
  o += v.empty() ? "]" : "\n  ]";
}

void append_event(std::string& o, const event& e) {
  o += "{\"index\": " + std::to_string(e.index) + ", \"thread\": " + std::to_string(e.thread);
  string_field(o, ", \"kind\": ", to_string(e.kind));
  string_field(o, ", \"op\": ", e.op);
  optional_field(
      o, ", \"object\": ", e.object ? std::optional(detail::hex_address(*e.object)) : std::nullopt);
  optional_field(o, ", \"object_name\": ",
                 e.object_name.empty() ? std::nullopt : std::optional(e.object_name));
  optional_field(o, ", \"value\": ", e.value);
  if (!e.value_recorded) o += ", \"value_recorded\": false";
  optional_field(o, ", \"prev\": ", e.prev);
  optional_field(o, ", \"order\": ", e.order.empty() ? std::nullopt : std::optional(e.order));
  if (e.stale) o += ", \"stale\": true";
  if (e.kind == event_kind::cas) o += e.failed ? ", \"success\": false" : ", \"success\": true";
  if (e.target_thread) o += ", \"target_thread\": " + std::to_string(*e.target_thread);
  if (e.size) o += ", \"size\": " + std::to_string(*e.size);
  string_field(o, ", \"function\": ", e.short_function);
  string_field(o, ", \"name\": ", e.name);
  string_field(o, ", \"file\": ", e.file);
  o += ", \"line\": " + std::to_string(e.line);
  o += e.internal ? ", \"internal\": true" : ", \"internal\": false";
  string_field(o, ", \"text\": ", e.text);
  o += "}";
}

}  // namespace

std::string to_json(const trace& t) {
  std::string o;
  o.reserve(256 + t.events.size() * 320);
  string_field(o, "{\n  \"test\": ", t.test);
  string_field(o, ",\n  \"test_name\": ", t.test_display);
  string_field(o, ",\n  \"result\": ", t.result_text);
  string_field(o, ",\n  \"result_kind\": ", to_string(t.result));
  string_field(o, ",\n  \"detail\": ", t.detail);
  o += ",\n  \"iteration\": " + std::to_string(t.iteration);
  if (!t.engine.empty()) string_field(o, ",\n  \"engine\": ", t.engine);
  string_field(o, ",\n  \"summary\": ", t.summary);
  o += ",\n  \"threads\": ";
  object_list(o, t.threads, [&o](const thread_info& th) {
    o += "{\"id\": " + std::to_string(th.id);
    string_field(o, ", \"state\": ", to_string(th.state));
    o += ", \"events\": [";
    number_list(o, th.events);
    o += "]}";
  });
  o += ",\n  \"events\": ";
  object_list(o, t.events, [&o](const event& e) { append_event(o, e); });
  o += ",\n  \"failing_event\": " + index_or_null(t.failing_event);
  o += ",\n  \"conflicts\": [";
  number_list(o, t.conflicts);
  o += "],\n  \"blocked_threads\": [";
  number_list(o, t.blocked_threads);
  o += "],\n  \"leaks\": [";
  for (std::size_t i = 0; i < t.leaks.size(); ++i) {
    const auto& b = t.leaks[i];
    if (i) o += ", ";
    string_field(o, "{\"address\": ", detail::hex_address(b.address));
    o += ", \"size\": " + std::to_string(b.size) +
         ", \"alloc_event\": " + index_or_null(b.alloc_event) + "}";
  }
  o += "],\n  \"story\": ";
  object_list(o, t.story, [&o](const story_step& st) {
    o += "{\"event\": " + index_or_null(st.event);
    string_field(o, ", \"text\": ", st.text);
    o += "}";
  });
  o += "\n}\n";
  return o;
}

}  // namespace vsem::trace

// Reader of the structured trace that to_json() writes (<run>.trace.json):
// rebuilds the trace without Relacy's text. Each event is classified again from
// its "text"; the analysis (summary, failing event, conflicts, ...) is taken as
// written, after checking that it refers to events and threads that exist.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "internal.hpp"
#include "text_util.hpp"

namespace vsem::trace::detail {

namespace {

using json = nlohmann::json;

// The format nests 4 levels deep ({"events": [{"...": ...}]}); anything much
// deeper is not a trace, and is refused before it is parsed.
constexpr int max_depth = 16;

// The line of byte `offset` (0-based) of text.
std::size_t line_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

void check_depth(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        throw parse_error(line_of(text, i), "JSON nested more than " + std::to_string(max_depth) +
                                                " levels deep (not a vsem-trace JSON trace)");
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
}

class reader {
 public:
  explicit reader(const json& root) : root_(root) {}

  trace run() {
    if (!root_.is_object()) bad("the top level", "expected an object");
    t_.test = str(root_, "test", "");
    t_.test_display = readable_test_name(t_.test);
    t_.result_text = str(root_, "result", "");
    t_.result = result(str(root_, "result_kind", ""));
    t_.detail = str(root_, "detail", "");
    t_.iteration = num(root_, "iteration", "");
    if (root_.contains("engine")) t_.engine = str(root_, "engine", "");
    t_.summary = str(root_, "summary", "");
    if (t_.summary.empty()) bad("\"summary\"", "empty");
    threads();
    events();
    thread_events();
    analysis();
    return std::move(t_);
  }

 private:
  [[noreturn]] static void bad(const std::string& where, const std::string& what) {
    throw parse_error(0, "JSON trace: " + where + ": " + what);
  }
  static std::string where_of(std::string_view in, const char* key) {
    return (in.empty() ? std::string() : std::string(in) + ".") + key;
  }
  static const json& get(const json& o, const char* key, std::string_view in) {
    const auto it = o.find(key);
    if (it == o.end()) bad(where_of(in, key), "missing");
    return *it;
  }
  static std::string str(const json& o, const char* key, std::string_view in) {
    const json& v = get(o, key, in);
    if (!v.is_string()) bad(where_of(in, key), "expected a string");
    return v.get<std::string>();
  }
  static std::uint64_t num(const json& v, const std::string& where) {
    if (!v.is_number_unsigned()) bad(where, "expected a number >= 0");
    return v.get<std::uint64_t>();
  }
  static std::uint64_t num(const json& o, const char* key, std::string_view in) {
    return num(get(o, key, in), where_of(in, key));
  }
  static bool boolean(const json& o, const char* key, std::string_view in) {
    const json& v = get(o, key, in);
    if (!v.is_boolean()) bad(where_of(in, key), "expected true or false");
    return v.get<bool>();
  }
  static const json& array(const json& o, const char* key, std::string_view in, std::size_t max) {
    const json& v = get(o, key, in);
    if (!v.is_array()) bad(where_of(in, key), "expected an array");
    if (v.size() > max) {
      bad(where_of(in, key),
          std::to_string(v.size()) + " elements; the limit is " + std::to_string(max));
    }
    return v;
  }
  static std::string at(std::string_view array, std::size_t i) {
    return std::string(array) + "[" + std::to_string(i) + "]";
  }
  // An event index: below the number of events.
  std::size_t event_index(const json& v, const std::string& where) const {
    const std::uint64_t i = num(v, where);
    if (i >= t_.events.size()) {
      bad(where, "event " + std::to_string(i) + " of " + std::to_string(t_.events.size()));
    }
    return static_cast<std::size_t>(i);
  }
  std::optional<std::size_t> optional_event(const json& o, const char* key,
                                            std::string_view in) const {
    const json& v = get(o, key, in);
    if (v.is_null()) return std::nullopt;
    return event_index(v, where_of(in, key));
  }

  static result_kind result(const std::string& name) {
    for (int k = 0; k <= static_cast<int>(result_kind::other); ++k) {
      if (to_string(static_cast<result_kind>(k)) == name) return static_cast<result_kind>(k);
    }
    bad("result_kind", "unknown kind " + printable_ascii(name, 40));
  }
  static thread_state state(const std::string& name, const std::string& where) {
    for (int k = 0; k <= static_cast<int>(thread_state::finished); ++k) {
      if (to_string(static_cast<thread_state>(k)) == name) return static_cast<thread_state>(k);
    }
    bad(where, "unknown thread state " + printable_ascii(name, 40));
  }

  void threads() {
    const json& a = array(root_, "threads", "", max_threads);
    t_.threads.resize(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string w = at("threads", i);
      if (!a[i].is_object()) bad(w, "expected an object");
      if (num(a[i], "id", w) != i) bad(w + ".id", "expected " + std::to_string(i));
      t_.threads[i].id = static_cast<unsigned>(i);
      t_.threads[i].state = state(str(a[i], "state", w), w + ".state");
    }
  }

  void events() {
    const json& a = array(root_, "events", "", max_events);
    t_.events.resize(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string w = at("events", i);
      const json& j = a[i];
      if (!j.is_object()) bad(w, "expected an object");
      event& e = t_.events[i];
      if (num(j, "index", w) != i) bad(w + ".index", "expected " + std::to_string(i));
      e.index = i;
      const std::uint64_t th = num(j, "thread", w);
      if (th >= t_.threads.size()) {
        bad(w + ".thread",
            "thread " + std::to_string(th) + " of " + std::to_string(t_.threads.size()));
      }
      e.thread = static_cast<unsigned>(th);
      e.text = str(j, "text", w);
      classify(e, e.text);
      // "object_name" came later: optional, null when the object has none.
      if (const auto it = j.find("object_name"); it != j.end() && !it->is_null()) {
        if (!it->is_string()) bad(w + ".object_name", "expected a string or null");
        e.object_name = it->get<std::string>();
        if (e.object_name.size() > 256) bad(w + ".object_name", "longer than 256 bytes");
      }
      // The JSON keeps the short function name and the display path only.
      e.function = e.short_function = str(j, "function", w);
      e.name = str(j, "name", w);
      e.file = e.raw_file = str(j, "file", w);
      const std::uint64_t line = num(j, "line", w);
      if (line > UINT_MAX) bad(w + ".line", "too large");
      e.line = static_cast<unsigned>(line);
      e.internal = boolean(j, "internal", w);
    }
  }

  // Each thread's "events" lists its events, in order.
  void thread_events() {
    for (const auto& e : t_.events) t_.threads[e.thread].events.push_back(e.index);
    const json& a = root_["threads"];
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string w = at("threads", i) + ".events";
      const json& list = array(a[i], "events", at("threads", i), max_events);
      const auto& want = t_.threads[i].events;
      bool same = list.size() == want.size();
      for (std::size_t k = 0; same && k < list.size(); ++k) {
        same = list[k].is_number_unsigned() && list[k].get<std::uint64_t>() == want[k];
      }
      if (!same) bad(w, "does not list the events whose \"thread\" is " + std::to_string(i));
    }
  }

  void analysis() {
    t_.failing_event = optional_event(root_, "failing_event", "");
    const json& c = array(root_, "conflicts", "", max_events);
    for (std::size_t i = 0; i < c.size(); ++i) {
      const std::string w = at("conflicts", i);
      const std::size_t k = event_index(c[i], w);
      if (!t_.conflicts.empty() && k <= t_.conflicts.back()) bad(w, "not in ascending order");
      if (t_.failing_event == k) bad(w, "the failing event");
      t_.conflicts.push_back(k);
    }
    const json& b = array(root_, "blocked_threads", "", max_threads);
    for (std::size_t i = 0; i < b.size(); ++i) {
      const std::uint64_t th = num(b[i], at("blocked_threads", i));
      if (th >= t_.threads.size()) bad(at("blocked_threads", i), "no such thread");
      t_.blocked_threads.push_back(static_cast<unsigned>(th));
    }
    const json& l = array(root_, "leaks", "", max_events);
    for (std::size_t i = 0; i < l.size(); ++i) {
      const std::string w = at("leaks", i);
      if (!l[i].is_object()) bad(w, "expected an object");
      leaked_block block;
      const auto address = parse_hex(str(l[i], "address", w));
      if (!address) bad(w + ".address", "expected a hexadecimal address");
      block.address = *address;
      block.size = num(l[i], "size", w);
      block.alloc_event = optional_event(l[i], "alloc_event", w);
      t_.leaks.push_back(block);
    }
    // Derived, not read: JSON written before "value_recorded" gets it too.
    mark_unrecorded_value(t_);
    // "story" came later: optional.
    if (root_.contains("story")) {
      const json& st = array(root_, "story", "", max_events);
      for (std::size_t i = 0; i < st.size(); ++i) {
        const std::string w = at("story", i);
        if (!st[i].is_object()) bad(w, "expected an object");
        t_.story.push_back({optional_event(st[i], "event", w), str(st[i], "text", w)});
      }
    }
  }

  const json& root_;
  trace t_;
};

}  // namespace

trace parse_json(std::string_view text) {
  check_depth(text);
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    std::string_view m = e.what();
    if (const std::size_t p = m.find(": "); p != std::string_view::npos) m.remove_prefix(p + 2);
    throw parse_error(line_of(text, e.byte == 0 ? 0 : e.byte - 1),
                      "not valid JSON (a .trace.json file?): " + printable_ascii(m, 200));
  }
  return reader(root).run();
}

}  // namespace vsem::trace::detail

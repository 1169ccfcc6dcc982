// Labels shared by the text and HTML renderings (render_text.cpp,
// render_html.cpp): of objects (object_labels) and of events (event_label()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "text_util.hpp"
#include "trace.hpp"

namespace vsem::trace::detail {

// Labels for object addresses: the object's name from the source (event::
// object_name: "slot_", "state_@2"), else "@1", "@2", ... in order of first use.
class object_labels {
 public:
  explicit object_labels(const trace& t) {
    for (const auto& e : t.events) {
      if (!e.object) continue;
      const auto [it, fresh] = labels_.try_emplace(*e.object, 0);
      if (fresh) {
        order_.push_back(*e.object);
        it->second = order_.size();
        kinds_.push_back(object_kind(e));
        uses_.push_back(0);
        names_.emplace_back();
      }
      ++uses_[it->second - 1];
      if (names_[it->second - 1].empty()) names_[it->second - 1] = e.object_name;
    }
  }
  std::string label(std::uint64_t a) const {
    const auto it = labels_.find(a);
    if (it == labels_.end()) return hex_address(a);
    if (!names_[it->second - 1].empty()) return names_[it->second - 1];
    return number(it->second - 1);
  }
  std::string label(const event& e) const { return e.object ? label(*e.object) : std::string(); }
  // "@3" for order()[2], named or not.
  static std::string number(std::size_t i) {
    std::string l = "@";  // not "@" + to_string(): g++ 12 -O3 -Wrestrict false positive
    l += std::to_string(i + 1);
    return l;
  }
  std::string number_of(std::uint64_t a) const {
    const auto it = labels_.find(a);
    return it == labels_.end() ? hex_address(a) : number(it->second - 1);
  }
  const std::vector<std::uint64_t>& order() const { return order_; }
  std::string_view kind(std::size_t i) const { return kinds_[i]; }
  std::size_t uses(std::size_t i) const { return uses_[i]; }
  const std::string& name(std::size_t i) const { return names_[i]; }

 private:
  static std::string_view object_kind(const event& e) {
    switch (e.kind) {
      case event_kind::atomic_load:
      case event_kind::atomic_store:
      case event_kind::rmw:
      case event_kind::cas:
        return "atomic";
      case event_kind::load:
      case event_kind::store:
        return "var";
      case event_kind::alloc:
      case event_kind::free:
        return "heap block";
      case event_kind::freed_access:
        return "freed memory";
      case event_kind::mutex:
        return "mutex";
      case event_kind::condvar:
        return "condition variable";
      default:
        return "object";
    }
  }
  std::map<std::uint64_t, std::size_t> labels_;
  std::vector<std::uint64_t> order_;
  std::vector<std::string_view> kinds_;
  std::vector<std::size_t> uses_;
  std::vector<std::string> names_;
};

// "@1 fetch_add 0->1 release"; abbreviate: orders as "rlx", "acq", ...; narrow:
// RMW as "fetch_add(arg)=new", CAS as "CAS ->new".
std::string event_label(const event& e, const object_labels& L, bool abbreviate,
                        bool narrow = false);

// Shown by default: not Relacy-internal, or the result, the failing event, a
// step of the story or a conflicting access.
bool visible(const trace& t, const event& e, bool show_internal);

// "BLOCKED", "no events", else the state's name.
std::string state_label(thread_state s);

}  // namespace vsem::trace::detail

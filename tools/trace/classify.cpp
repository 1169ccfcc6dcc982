// What an event text of Relacy's is: classify() and the result names. See
// trace.hpp (event_kind) for the forms.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "internal.hpp"

namespace vsem::trace::detail {

std::optional<std::uint64_t> parse_hex(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_relacy_file(std::string_view f) {
  return f.find("/relacy/") != std::string_view::npos || f.starts_with("relacy/");
}

namespace {

struct result_name {
  std::string_view text;
  result_kind kind;
};

constexpr result_name result_names[] = {
    {"DATA RACE", result_kind::data_race},
    {"DEADLOCK", result_kind::deadlock},
    {"LIVELOCK", result_kind::livelock},
    {"ACCESS TO FREED MEMORY", result_kind::access_to_freed_memory},
    {"DOUBLE FREE", result_kind::double_free},
    {"MEMORY LEAK", result_kind::memory_leak},
    {"RESOURCE LEAK", result_kind::resource_leak},
    {"USER ASSERT FAILED", result_kind::user_assert_failed},
    {"USER INVARIANT FAILED", result_kind::user_invariant_failed},
    {"ACCESS TO UNINITIALIZED VARIABLE", result_kind::uninitialized_access},
    {"UNTIL CONDITION HIT", result_kind::other},
    {"INCONSISTENT TEST SUITE", result_kind::other},
    {"RECURSION ON NON-RECURSIVE MUTEX", result_kind::other},
    {"UNLOCKING MUTEX W/O OWNERSHIP", result_kind::other},
    {"DESTROYING OWNED MUTEX", result_kind::other},
    {"DOUBLE INITIALIZATION OF MUTEX", result_kind::other},
    {"USAGE OF NON INITIALIZED MUTEX", result_kind::other},
    {"ATTEMPT TO UPGRADE EXCLUSIVE MUTEX OWNERSHIP TO SHARED", result_kind::other},
    {"ATTEMPT TO UPGRADE SHARED MUTEX OWNERSHIP TO EXCLUSIVE", result_kind::other},
    {"DOUBLE INITIALIZATION OF CONDITION VARIABLE", result_kind::other},
    {"USAGE OF NON INITIALIZED CONDITION VARIABLE", result_kind::other},
    {"DOUBLE INITIALIZATION OF SEMAPHORE", result_kind::other},
    {"USAGE OF NON INITIALIZED SEMAPHORE", result_kind::other},
    {"DOUBLE INITIALIZATION OF EVENT", result_kind::other},
    {"USAGE OF NON INITIALIZED EVENT", result_kind::other},
};

}  // namespace

// "NAME" or "NAME (detail)" with a known Relacy result name.
std::optional<parsed_result> match_known_result(std::string_view s) {
  for (const auto& r : result_names) {
    if (!s.starts_with(r.text)) continue;
    const std::string_view rest = s.substr(r.text.size());
    if (rest.empty()) return parsed_result{r.kind, r.text, {}};
    if (rest.size() >= 3 && rest.starts_with(" (") && rest.back() == ')') {
      return parsed_result{r.kind, r.text, rest.substr(2, rest.size() - 3)};
    }
  }
  return std::nullopt;
}

namespace {

// Text between key and the next occurrence of end (or the end of s).
std::optional<std::string_view> field(std::string_view s, std::string_view key,
                                      std::string_view end = {}) {
  const std::size_t k = s.find(key);
  if (k == std::string_view::npos) return std::nullopt;
  const std::size_t from = k + key.size();
  if (end.empty()) return s.substr(from);
  const std::size_t e = s.find(end, from);
  if (e == std::string_view::npos) return std::nullopt;
  return s.substr(from, e - from);
}

constexpr std::string_view rmw_ops[] = {"exchange",  "fetch_add", "fetch_sub",
                                        "fetch_and", "fetch_or",  "fetch_xor"};

// "atomic load, value=V[ [NOT CURRENT]], order=O"; false when malformed.
bool classify_atomic_load(event& e, std::string_view body) {
  const std::size_t ord = body.rfind(", order=");
  if (ord == std::string_view::npos || ord < 19) return false;
  std::string_view v = body.substr(19, ord - 19);
  constexpr std::string_view nc = " [NOT CURRENT]";
  if (v.size() >= nc.size() && v.substr(v.size() - nc.size()) == nc) {
    e.stale = true;
    v.remove_suffix(nc.size());
  }
  e.kind = event_kind::atomic_load;
  e.op = "atomic load";
  e.value = std::string(v);
  e.order = std::string(body.substr(ord + 8));
  return true;
}

// "atomic store, value=V, (prev value=P), order=O"; false when malformed.
bool classify_atomic_store(event& e, std::string_view body) {
  const auto v = field(body, "atomic store, value=", ", (prev value=");
  const auto p = field(body, ", (prev value=", "), order=");
  const std::size_t ord = body.rfind("), order=");
  if (!v || !p || ord == std::string_view::npos) return false;
  e.kind = event_kind::atomic_store;
  e.op = "atomic store";
  e.value = std::string(*v);
  e.prev = std::string(*p);
  e.order = std::string(body.substr(ord + 9));
  return true;
}

// What follows "CAS ": "succ|fail orig=A, cmp=B, xchg=C, order=O"; false when
// malformed.
bool classify_cas(event& e, std::string_view r) {
  bool ok = false;
  if (r.starts_with("succ ")) {
    ok = true;
  } else if (!r.starts_with("fail ")) {
    return false;
  }
  const auto orig = field(r, "orig=", ", cmp=");
  const auto cmp = field(r, ", cmp=", ", xchg=");
  const auto xchg = field(r, ", xchg=", ", order=");
  const std::size_t ord = r.rfind(", order=");
  if (!orig || !cmp || !xchg || ord == std::string_view::npos) return false;
  e.kind = event_kind::cas;
  e.op = "CAS";
  e.failed = !ok;
  e.prev = std::string(*orig);
  e.arg = std::string(*cmp);
  e.value = std::string(ok ? *xchg : *orig);
  e.order = std::string(r.substr(ord + 8));
  return true;
}

// "<op> , prev=P, arg=A, new=N, order=O" for the read-modify-write `op` that
// body starts with; false when malformed.
bool classify_rmw(event& e, std::string_view body, std::string_view op) {
  const auto p = field(body, " , prev=", ", arg=");
  const auto a = field(body, ", arg=", ", new=");
  const auto n = field(body, ", new=", ", order=");
  const std::size_t ord = body.rfind(", order=");
  if (!p || !a || !n || ord == std::string_view::npos) return false;
  e.kind = event_kind::rmw;
  e.op = std::string(op);
  e.prev = std::string(*p);
  e.arg = std::string(*a);
  e.value = std::string(*n);
  e.order = std::string(body.substr(ord + 8));
  return true;
}

// The object events that are not atomic accesses: plain loads and stores, an
// access to freed memory, and the mutex, condition variable, event, semaphore
// and futex events (kept whole as the op); false for any other body.
bool classify_plain_object_event(event& e, std::string_view body) {
  if (body.starts_with("load, value=")) {
    e.kind = event_kind::load;
    e.op = "load";
    e.value = std::string(body.substr(12));
    return true;
  }
  if (body.starts_with("store, value=")) {
    e.kind = event_kind::store;
    e.op = "store";
    e.value = std::string(body.substr(13));
    return true;
  }
  if (body == "access to freed memory") {
    e.kind = event_kind::freed_access;
    e.op = "access to freed memory";
    return true;
  }
  struct prefix_kind {
    std::string_view prefix;
    event_kind kind;
  };
  static constexpr prefix_kind prefixed[] = {
      {"mutex: ", event_kind::mutex},
      {"cond_var: ", event_kind::condvar},
      {"event: ", event_kind::sync},
      {"semaphore: ", event_kind::sync},
      {"futex(FUTEX_WAIT", event_kind::futex_wait},
      {"futex(FUTEX_WAKE", event_kind::futex_wake},
  };
  for (const auto& p : prefixed) {
    if (body.starts_with(p.prefix)) {
      e.kind = p.kind;
      e.op = std::string(body);
      return true;
    }
  }
  return false;
}

// Classifies "<0x...> body"; returns false when the body is not a known form
// (the caller then keeps it as a message on that object).
bool classify_object_event(event& e, std::string_view body) {
  if (body.starts_with("atomic load, value=")) return classify_atomic_load(e, body);
  if (body.starts_with("atomic store, value=")) return classify_atomic_store(e, body);
  if (body.starts_with("CAS ")) return classify_cas(e, body.substr(4));
  for (const std::string_view op : rmw_ops) {
    if (!body.starts_with(op) || !body.substr(op.size()).starts_with(" , prev=")) continue;
    return classify_rmw(e, body, op);
  }
  return classify_plain_object_event(e, body);
}

// "<0x...> body": an event on the object at that address (a message on it
// when the body is no known form). False when text has no such address.
bool classify_addressed(event& e, std::string_view text) {
  if (text.size() > 3 && text[0] == '<') {
    const std::size_t gt = text.find('>');
    if (gt != std::string_view::npos && gt + 1 < text.size() && text[gt + 1] == ' ') {
      if (const auto a = parse_hex(text.substr(1, gt - 1))) {
        e.object = *a;
        if (!classify_object_event(e, text.substr(gt + 2))) {
          e.kind = event_kind::message;
          e.op = std::string(text.substr(gt + 2));
        }
        return true;
      }
    }
  }
  return false;
}

// Blocking, unblocking and yield events. False when text is none of their
// forms; true when it starts like one (classified only when well-formed).
bool classify_thread_event(event& e, std::string_view text) {
  if (text == "blocking current thread" || text == "blocking current thread [timed]") {
    e.kind = event_kind::block;
    e.op = "blocking current thread";
    e.timed = text.size() > 23;
    return true;
  }
  if (text.starts_with("unblocking thread ")) {
    unsigned t = 0;
    if (parse_decimal(text.substr(18), t)) {
      e.kind = event_kind::unblock;
      e.op = "unblocking thread";
      e.target_thread = t;
    }
    return true;
  }
  if (text.starts_with("yield(") && text.back() == ')') {
    e.kind = event_kind::yield;
    e.op = "yield";
    e.value = std::string(text.substr(6, text.size() - 7));
    return true;
  }
  return false;
}

// "memory allocation: addr=A, size=N" and "memory deallocation: addr=A". False
// when text is neither; true when it starts like one (classified only when
// well-formed).
bool classify_memory_event(event& e, std::string_view text) {
  if (text.starts_with("memory allocation: addr=")) {
    const auto a = field(text, "addr=", ", size=");
    const auto s = field(text, ", size=");
    std::uint64_t size = 0;
    if (a && s && parse_hex(*a) && parse_decimal(*s, size)) {
      e.kind = event_kind::alloc;
      e.op = "memory allocation";
      e.object = parse_hex(*a);
      e.size = size;
    }
    return true;
  }
  if (text.starts_with("memory deallocation: addr=")) {
    if (const auto a = parse_hex(text.substr(26))) {
      e.kind = event_kind::free;
      e.op = "memory deallocation";
      e.object = *a;
    }
    return true;
  }
  return false;
}

// "system-wide fence", "<order> fence" and "compiler <order> fence". False
// when text does not end in " fence"; true when it does (classified only when
// well-formed).
bool classify_fence(event& e, std::string_view text) {
  if (text == "system-wide fence") {
    e.kind = event_kind::fence;
    e.op = "system-wide fence";
    e.order = "seq_cst";
    return true;
  }
  if (text.ends_with(" fence")) {
    // "<order> fence" or "compiler <order> fence"
    std::string_view order = text.substr(0, text.size() - 6);
    const bool compiler = order.starts_with("compiler ");
    if (compiler) order.remove_prefix(9);
    if (!order.empty() && order.find(' ') == std::string_view::npos) {
      e.kind = event_kind::fence;
      e.op = compiler ? "compiler fence" : "fence";
      e.order = std::string(order);
    }
    return true;
  }
  return false;
}

// The futex calls, Relacy's internal "[...]" events and the result lines; the
// kind only (the op stays the text). Anything else is left a message.
void classify_other(event& e, std::string_view text) {
  if (text.starts_with("futex_wait")) {
    e.kind = event_kind::futex_wait;
    return;
  }
  if (text.starts_with("futex_wake")) {
    e.kind = event_kind::futex_wake;
    return;
  }
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    e.kind = event_kind::internal;
    return;
  }
  if (match_known_result(text)) e.kind = event_kind::result;
}

}  // namespace

void classify(event& e, std::string_view text) {
  e.kind = event_kind::message;
  e.op = std::string(text);
  // Each helper returns true when the text has its form: the forms are tried
  // in this order, and the first that fits decides.
  if (classify_addressed(e, text)) return;
  if (classify_thread_event(e, text)) return;
  if (classify_memory_event(e, text)) return;
  if (classify_fence(e, text)) return;
  classify_other(e, text);
}

}  // namespace vsem::trace::detail

// GenMC's error report as a structured trace (parse_genmc()): the report read
// by read_genmc_report() (genmc_report.cpp) becomes the events, lanes and
// result that the rest of vsem-trace analyses and renders as it does Relacy's.
//
// GenMC's graph is a partial order, not an interleaving: the events are put in
// one order consistent with program order, reads-from and thread creation and
// join (RC11 has no cycle in these), running each thread as long as it can,
// the failing event last (for a freed-memory error: the free, then the access
// that raced with it). A read of a write older in coherence than one already
// shown is marked stale, as Relacy marks a load [NOT CURRENT]. GenMC's thread
// 0 (main: before() and after()) shares lane 0 with the model's thread 0, as in
// Relacy; GenMC's thread k + 1 is the model's thread k.
//
// What the GenMC platform (impl/vsem/genmc/platform.hpp) leaves in the graph:
// its wrappers carry no debug information, so an access names the line in
// impl/ or in the model that made it; the futex model's own work (its table,
// its lock, the woken flags) is at lines of platform.hpp or of the standard
// library and is folded away as internal, except what the trace shows in
// Relacy's terms: the table's lock taken at the caller's line starts a
// futex_wake, or, followed by a fence and the compare of the word, a
// futex_wait; a spin on a woken flag is the thread blocking; the store its
// waker made to that flag unblocks it.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "genmc_report.hpp"
#include "internal.hpp"

namespace vsem::trace::detail {

namespace {

std::string order_name(std::string_view o) {
  if (o == "rlx") return "relaxed";
  if (o == "acq") return "acquire";
  if (o == "rel") return "release";
  if (o == "ar" || o == "acqrel") return "acq_rel";
  if (o == "sc") return "seq_cst";
  return "";
}

// The order of a read-modify-write from its read and write halves.
std::string rmw_order(std::string_view r, std::string_view w) {
  if (r == "sc" || w == "sc") return "seq_cst";
  const bool acq = r == "acq" || r == "ar" || r == "acqrel";
  const bool rel = w == "rel" || w == "ar" || w == "acqrel";
  if (acq && rel) return "acq_rel";
  if (acq) return "acquire";
  if (rel) return "release";
  return "relaxed";
}

// A line that is not vsem's or the model's: the GenMC platform's, the
// standard library's (<atomic>, bits/chrono.h, ...), GenMC's, or none.
bool foreign_file(std::string_view file) {
  return file.empty() || file == "platform.hpp" || file.ends_with(".h") ||
         file.find('.') == std::string_view::npos;
}

// A value GenMC printed, as a number: decimal, negative or 0x hex.
std::optional<std::uint64_t> numeric(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  std::string_view s = *v;
  if (s.starts_with("0x")) return parse_hex(s);
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  std::uint64_t n = 0;
  if (!parse_decimal(s, n)) return std::nullopt;
  return negative ? ~n + 1 : n;
}

unsigned lane_of(unsigned genmc_thread) {
  return genmc_thread == 0 ? 0 : genmc_thread - 1;
}

class trace_builder {
 public:
  explicit trace_builder(genmc_report r) : r_(std::move(r)) {}

  trace run() {
    t_.test = r_.run_name.empty() ? "genmc" : r_.run_name;
    t_.test_display = t_.test;
    t_.engine = "GenMC";
    set_result();
    const unsigned lanes = r_.threads.size() > 1 ? unsigned(r_.threads.size() - 1) : 1;
    t_.threads.resize(lanes);
    for (unsigned i = 0; i < lanes; ++i) t_.threads[i].id = i;
    find_wakes();
    find_lock();
    find_shared_writes();
    const auto order = interleave();
    for (std::size_t k = 0; k < order.size(); ++k) {
      const bool same = k + 1 < order.size() && order[k + 1]->id.thread == order[k]->id.thread;
      add(*order[k], same ? order[k + 1] : nullptr);
    }
    finish();
    return std::move(t_);
  }

 private:
  void set_result();
  std::vector<const graph_event*> interleave() const;
  bool ready(const graph_event& g, const std::vector<std::size_t>& next,
             const std::set<node_id>& done) const;
  void find_wakes();
  void find_lock();
  void find_shared_writes();
  void add(const graph_event& g, const graph_event* next);
  void access(event& e, const graph_event& g, const graph_event* next, access_label a) const;
  void other(event& e, const graph_event& g);
  enum class futex_step { none, lock, compare };
  futex_step futex_step_of(event& e, const graph_event& g);
  bool followed_by_fence(const graph_event& g) const;
  void push_futex(event_kind kind);
  void finish();
  void place_result(event& r);
  void show_free();
  void ensure_lane(unsigned lane) {
    while (t_.threads.size() <= lane) {  // a thread a truncated graph lacks
      t_.threads.emplace_back();
      t_.threads.back().id = static_cast<unsigned>(t_.threads.size() - 1);
    }
  }
  void push(event e) {
    ensure_lane(e.thread);
    e.index = t_.events.size();
    t_.threads[e.thread].events.push_back(e.index);
    t_.events.push_back(std::move(e));
  }

  genmc_report r_;
  trace t_;
  std::string assert_file_;  // where VSEM_MODEL_ASSERT failed, from GenMC's message
  unsigned assert_line_ = 0;
  std::string lock_key_;                      // the futex table's lock
  std::map<node_id, unsigned> wakes_;         // a store to a woken flag -> the thread it wakes
  std::set<std::string> written_by_threads_;  // locations a model thread writes
  std::map<std::string, std::uint64_t> object_ids_;  // location key -> id (renumbered in finish())
  std::map<std::string, std::size_t> latest_rank_;   // location -> newest write shown
  std::map<unsigned, std::pair<std::string, unsigned>> last_place_;  // lane -> file, line
  std::map<unsigned, std::pair<std::string, unsigned>> lock_place_;  // lane -> futex call
  std::optional<std::size_t> failing_index_, conflict_index_;
};

void trace_builder::set_result() {
  struct known {
    std::string_view text;
    result_kind kind;
    std::string_view name;
  };
  static constexpr known table[] = {
      {"Non-atomic race", result_kind::data_race, "DATA RACE"},
      {"Liveness violation", result_kind::deadlock, "DEADLOCK"},
      {"Attempt to access freed memory", result_kind::access_to_freed_memory,
       "ACCESS TO FREED MEMORY"},
      {"Double-free", result_kind::double_free, "DOUBLE FREE"},
      {"Safety violation", result_kind::user_assert_failed, "USER ASSERT FAILED"},
      {"Attempt to read from uninitialized memory", result_kind::uninitialized_access,
       "ACCESS TO UNINITIALIZED VARIABLE"},
  };
  t_.result = result_kind::other;
  t_.result_text = "GENMC ERROR";
  for (const auto& k : table) {
    if (!r_.result.starts_with(k.text)) continue;
    t_.result = k.kind;
    t_.result_text = std::string(k.name);
  }
  t_.detail = "GenMC: " + r_.result;
  // "Assertion violation: EXPR at FILE:LINE" (VSEM_MODEL_ASSERT on the GenMC platform)
  constexpr std::string_view av = "Assertion violation: ";
  if (!r_.message.starts_with(av)) return;
  std::string expr = r_.message.substr(av.size());
  const auto at = expr.rfind(" at ");
  const auto colon = expr.rfind(':');
  unsigned n = 0;
  if (at != std::string::npos && colon != std::string::npos && colon > at &&
      parse_decimal(std::string_view(expr).substr(colon + 1), n)) {
    assert_file_ = expr.substr(at + 4, colon - at - 4);
    assert_line_ = n;
    expr.resize(at);
  }
  t_.detail = "assertion: " + expr;
}

bool trace_builder::ready(const graph_event& g, const std::vector<std::size_t>& next,
                          const std::set<node_id>& done) const {
  const auto& threads = r_.threads;
  const auto finished = [&](unsigned t) {
    return t >= next.size() || next[t] >= threads[t].size();
  };
  if (g.reads_from && r_.find(*g.reads_from) && !done.count(*g.reads_from)) return false;
  if (g.label == "THREAD_JOIN") {
    if (const auto child = genmc_report::thread_named(g); child && !finished(*child)) return false;
  }
  const bool freed = t_.result == result_kind::access_to_freed_memory;
  if (r_.failing && g.id == *r_.failing && !freed) {  // the failing event comes last
    for (unsigned t = 0; t < threads.size(); ++t) {
      if (t != g.id.thread && !finished(t)) return false;
    }
  }
  if (freed && r_.failing && r_.conflict && g.id == *r_.conflict) {
    // the access after the free it raced with (when GenMC did not print the
    // free: after everything the freeing thread did)
    return r_.find(*r_.failing) ? done.count(*r_.failing) != 0 : finished(r_.failing->thread);
  }
  return true;
}

std::vector<const graph_event*> trace_builder::interleave() const {
  const auto& threads = r_.threads;
  const std::size_t n = threads.size();
  std::vector<std::size_t> next(n, 0);
  std::set<node_id> done;
  std::map<unsigned, node_id> created_by;  // a thread's first event follows its creation
  for (const auto& th : threads) {
    for (const auto& g : th) {
      if (g.label != "THREAD_CREATE") continue;
      if (const auto child = genmc_report::thread_named(g)) created_by[*child] = g.id;
    }
  }
  const auto can_run = [&](unsigned t) {
    if (next[t] >= threads[t].size()) return false;
    const auto c = created_by.find(t);
    if (next[t] == 0 && c != created_by.end() && !done.count(c->second)) return false;
    return ready(threads[t][next[t]], next, done);
  };
  std::vector<const graph_event*> out;
  unsigned cur = 0;
  while (out.size() < r_.event_count) {
    std::optional<unsigned> pick;
    for (unsigned k = 0; k < n && !pick; ++k) {  // cur first, then the others in order
      const unsigned t = k == 0 ? cur : (k <= cur ? k - 1 : k);
      if (can_run(t)) pick = t;
    }
    if (!pick) {  // a cycle through the rules above: the rest in thread order
      for (unsigned t = 0; t < n; ++t) {
        for (; next[t] < threads[t].size(); ++next[t]) out.push_back(&threads[t][next[t]]);
      }
      break;
    }
    const graph_event& g = threads[*pick][next[*pick]++];
    out.push_back(&g);
    done.insert(g.id);
    cur = *pick;
  }
  return out;
}

// A read inside a spin loop (after SPIN_START) that reads another thread's
// store: that store woke the spinning thread.
void trace_builder::find_wakes() {
  for (const auto& th : r_.threads) {
    bool spinning = false;
    for (const auto& g : th) {
      if (g.label == "SPIN_START") spinning = true;
      if (spinning && g.reads_from && g.label.starts_with('R') &&
          g.reads_from->thread != g.id.thread)
        wakes_[*g.reads_from] = g.id.thread;
      if (!g.label.starts_with("SPIN") && !g.label.starts_with('R') && g.label != "LOOP_BEGIN")
        spinning = false;
    }
  }
}

// world() in main: "__VERIFIER_mutex_init(&lock_); current_ = this;".
void trace_builder::find_lock() {
  if (r_.threads.empty()) return;
  const auto& m = r_.threads[0];
  for (std::size_t i = 1; i < m.size(); ++i) {
    if (m[i].location.find("world8current_") != std::string::npos) {
      lock_key_ = r_.location_key(m[i - 1]);
      return;
    }
  }
}

// The locations a model thread (not main) writes: a plain access to any other
// location (an object's fields set by its constructor, say) is folded away,
// as Relacy shows no access to members that are not its rl::var.
void trace_builder::find_shared_writes() {
  for (std::size_t t = 1; t < r_.threads.size(); ++t) {
    for (const auto& g : r_.threads[t]) {
      const auto k = split_label(g.label).kind;
      if (k == "W" || k == "UW" || k == "CW") written_by_threads_.insert(r_.location_key(g));
    }
  }
}

// e from an access label: loads, stores, read-modify-writes (GenMC's UR/UW
// pair) and compare-exchanges (CR, with CW when it succeeded).
void trace_builder::access(event& e, const graph_event& g, const graph_event* next,
                           access_label a) const {
  const bool na = a.order == "na";
  e.value = g.value;
  e.order = order_name(a.order);
  if (a.kind == "R" || a.kind == "W") {
    const bool read = a.kind == "R";
    e.kind = read ? (na ? event_kind::load : event_kind::atomic_load)
                  : (na ? event_kind::store : event_kind::atomic_store);
    e.op = std::string(na ? "" : "atomic ") + (read ? "load" : "store");
    return;
  }
  const auto second = next ? split_label(next->label) : access_label{};
  const bool pair = second.kind == (a.kind == "UR" ? "UW" : "CW");
  e.prev = g.value;
  e.value = pair ? next->value : g.value;
  e.order = pair ? rmw_order(a.order, second.order) : order_name(a.order);
  if (a.kind == "CR") {
    e.kind = event_kind::cas;
    e.op = "CAS";
    e.failed = !pair;
    return;
  }
  e.kind = event_kind::rmw;
  e.op = "fetch_add";  // GenMC does not say which: named from the values
  const auto before = numeric(e.prev), after = numeric(e.value);
  if (before && after) {
    const std::uint64_t d = *after - *before;
    const bool down = static_cast<std::int64_t>(d) < 0;
    e.op = down ? "fetch_sub" : "fetch_add";
    e.arg = std::to_string(down ? ~d + 1 : d);
  }
}

// e from any other label: the spin that blocks, thread markers, allocations.
void trace_builder::other(event& e, const graph_event& g) {
  e.object.reset();
  e.internal = true;
  if (g.label == "SPIN_START" && g.id.thread != 0) {  // a futex wait goes to sleep
    e.kind = event_kind::block;
    e.op = "blocking current thread";
    e.internal = false;
    if (const auto l = last_place_.find(e.thread); l != last_place_.end()) {
      e.raw_file = l->second.first;
      e.line = l->second.second;
    }
  } else if (g.label == "THREAD_END") {
    e.kind = event_kind::internal;
    e.text = "[THREAD FINISHED]";
  } else if (g.label == "MALLOC" || g.label == "FREE") {
    e.kind = g.label == "MALLOC" ? event_kind::alloc : event_kind::free;
    e.op = g.label == "MALLOC" ? "memory allocation" : "memory deallocation";
  } else {
    e.kind = event_kind::internal;
    e.text = "[" + g.label + (g.rest.empty() ? "" : " " + g.rest) + "]";
  }
}

void trace_builder::add(const graph_event& g, const graph_event* next) {
  const auto label = split_label(g.label);
  if (label.kind == "UW" || label.kind == "CW") return;  // merged into its read half
  event e;
  e.thread = lane_of(g.id.thread);
  e.text = "(" + std::to_string(g.id.thread) + ", " + std::to_string(g.id.index) + "): " + g.label +
           (g.value ? " (" + g.location + ", " + *g.value + ")" : "");
  e.raw_file = r_.resolve(g.file);
  e.line = g.line;
  const std::string key = r_.location_key(g);
  const bool pair_event =
      (r_.failing && g.id == *r_.failing) || (r_.conflict && g.id == *r_.conflict);
  e.internal = foreign_file(g.file);
  if (!key.empty()) e.object = object_ids_.try_emplace(key, object_ids_.size()).first->second;
  if (label.kind == "F") {
    e.kind = event_kind::fence;
    e.order = order_name(label.order);
    e.op = e.order + " fence";
    e.object.reset();
  } else if (!label.kind.empty()) {
    access(e, g, next, label);
    // a thread's own stack, or a plain access GenMC names no location for
    if (key.starts_with("S#(") ||
        (label.order == "na" && (key.empty() || !written_by_threads_.count(key))))
      e.internal = true;
  } else {
    other(e, g);
  }
  // stale: a write later in coherence than the one read was already shown
  const node_id write = next && (label.kind == "UR" || label.kind == "CR") ? next->id : g.id;
  if (e.kind == event_kind::atomic_load && g.reads_from) {
    const auto rank = r_.co_rank.find(*g.reads_from);
    const auto latest = latest_rank_.find(key);
    e.stale =
        rank != r_.co_rank.end() && latest != latest_rank_.end() && rank->second < latest->second;
  }
  if (e.is_write()) {
    if (const auto rank = r_.co_rank.find(write); rank != r_.co_rank.end())
      latest_rank_[key] = std::max(latest_rank_[key], rank->second);
  }
  if (r_.failing && g.id == *r_.failing) failing_index_ = t_.events.size();
  if (r_.conflict && g.id == *r_.conflict) {
    conflict_index_ = t_.events.size();
    if (t_.result == result_kind::access_to_freed_memory) e.kind = event_kind::freed_access;
  }
  const futex_step step = futex_step_of(e, g);
  if (e.internal && !pair_event && e.kind != event_kind::block) e.object.reset();
  if (!e.internal && !e.raw_file.empty()) last_place_[e.thread] = {e.raw_file, e.line};
  const auto wake = wakes_.find(write);
  push(std::move(e));
  if (step == futex_step::compare) push_futex(event_kind::futex_wait);
  if (step == futex_step::lock && !followed_by_fence(g)) push_futex(event_kind::futex_wake);
  if (wake != wakes_.end() && wake->second != g.id.thread) {
    event u;
    u.thread = lane_of(g.id.thread);
    u.kind = event_kind::unblock;
    u.op = "unblocking thread";
    u.target_thread = lane_of(wake->second);
    u.text = "unblocking thread " + std::to_string(*u.target_thread);
    if (const auto p = lock_place_.find(u.thread); p != lock_place_.end()) {
      u.raw_file = p->second.first;
      u.line = p->second.second;
    }
    push(std::move(u));
  }
}

// The futex model's steps at the caller's line (see the top): the table's
// lock (a successful compare-exchange on it) and a wait's fence are internal;
// a wait's compare of the word, at the lock's line, is shown.
trace_builder::futex_step trace_builder::futex_step_of(event& e, const graph_event& g) {
  if (e.kind == event_kind::cas && !e.failed && !foreign_file(g.file) && !lock_key_.empty() &&
      r_.location_key(g) == lock_key_) {
    e.internal = true;
    lock_place_[e.thread] = {e.raw_file, e.line};
    return futex_step::lock;
  }
  const auto p = lock_place_.find(e.thread);
  if (p == lock_place_.end() || p->second != std::pair{e.raw_file, e.line}) return futex_step::none;
  if (e.kind == event_kind::fence) e.internal = true;
  if (e.kind != event_kind::atomic_load) return futex_step::none;
  e.internal = false;
  return futex_step::compare;
}

// Whether the event after g's write half in its thread is a fence at g's
// line: the table's lock taken by a wait, not by a wake.
bool trace_builder::followed_by_fence(const graph_event& g) const {
  const auto& th = r_.threads[g.id.thread];
  for (std::size_t i = 0; i + 2 < th.size(); ++i) {
    if (th[i].id == g.id) return th[i + 2].label.starts_with('F') && th[i + 2].line == g.line;
  }
  return false;
}

// A futex_wait or futex_wake at the place of the event just pushed.
void trace_builder::push_futex(event_kind kind) {
  event f;
  const event& at = t_.events.back();
  f.thread = at.thread;
  f.raw_file = at.raw_file;
  f.line = at.line;
  f.kind = kind;
  f.op = kind == event_kind::futex_wait ? "futex_wait" : "futex_wake";
  f.text = f.op + " (GenMC's futex model)";
  push(std::move(f));
}

void trace_builder::place_result(event& r) {
  if (assert_line_ != 0 && r_.failing) {
    r.thread = lane_of(r_.failing->thread);
    r.raw_file = r_.resolve(assert_file_);
    r.line = assert_line_;
  } else if (failing_index_) {
    const event& f = t_.events[*failing_index_];
    r.thread = f.thread;
    r.raw_file = f.raw_file;
    r.line = f.line;
  } else if (r_.failing) {
    r.thread = lane_of(r_.failing->thread);
    if (const auto w = r_.trace_end.find(*r_.failing); w != r_.trace_end.end()) {
      r.raw_file = r_.resolve(w->second.first);
      r.line = w->second.second;
    }
  }
}

// A freed-memory error: GenMC's failing event is the free that the printed
// access raced with; it is shown before the access (see interleave()).
void trace_builder::show_free() {
  if (failing_index_) {
    event& f = t_.events[*failing_index_];
    f.kind = event_kind::free;
    f.internal = false;
    f.object = t_.events[*conflict_index_].object;
    return;
  }
  event f;
  f.thread = lane_of(r_.failing->thread);
  ensure_lane(f.thread);
  if (const auto w = r_.trace_end.find(*r_.failing); w != r_.trace_end.end()) {
    f.raw_file = r_.resolve(w->second.first);
    f.line = w->second.second;
  }
  f.kind = event_kind::free;
  f.op = "memory deallocation";
  f.text = "memory deallocation";
  f.object = t_.events[*conflict_index_].object;
  t_.events.insert(t_.events.begin() + static_cast<std::ptrdiff_t>(*conflict_index_), std::move(f));
  ++*conflict_index_;
  for (auto& th : t_.threads) th.events.clear();
  for (std::size_t i = 0; i < t_.events.size(); ++i) {
    t_.events[i].index = i;
    t_.threads[t_.events[i].thread].events.push_back(i);
  }
}

void trace_builder::finish() {
  event r;
  r.kind = event_kind::result;
  r.text = t_.result_text + " (" + t_.detail + ")";
  r.op = t_.result_text;
  const bool freed =
      t_.result == result_kind::access_to_freed_memory && r_.failing && conflict_index_;
  if (freed) {
    show_free();
    const event& a = t_.events[*conflict_index_];
    r.thread = a.thread;
    r.raw_file = a.raw_file;
    r.line = a.line;
  } else {
    place_result(r);
  }
  push(std::move(r));
  // the objects shown, numbered in order of first use
  std::map<std::uint64_t, std::uint64_t> number;
  for (event& e : t_.events) {
    if (!e.object) continue;
    const auto [it, fresh] = number.try_emplace(*e.object, 0x1000 + 0x100 * number.size());
    e.object = it->second;
  }
  std::vector<std::string_view> files;
  for (const auto& e : t_.events) {
    if (!e.raw_file.empty()) files.push_back(e.raw_file);
  }
  const std::string root = source_root(files);
  for (event& e : t_.events) e.file = display_path(e.raw_file, root);
}

}  // namespace

bool is_genmc_report(std::string_view text) {
  return (text.starts_with("GenMC v") || text.find("\nGenMC v") != std::string_view::npos) &&
         (text.find("\nError: ") != std::string_view::npos ||
          text.find("\nError detected: ") != std::string_view::npos);
}

trace parse_genmc(std::string_view text) {
  return trace_builder(read_genmc_report(text)).run();
}

}  // namespace vsem::trace::detail

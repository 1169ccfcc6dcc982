// Text (terminal swimlane) and HTML renderings of a parsed trace (see trace.hpp).
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "text_util.hpp"
#include "trace.hpp"

namespace vsem::trace {

using detail::append_html;
using detail::basename_of;
using detail::hex_address;
using detail::printable_ascii;

namespace {

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

// "@1 fetch_add 0->1 release"
std::string event_label(const event& e, const object_labels& L, bool abbreviate,
                        bool narrow = false) {
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

std::string file_line(const event& e) {
  if (e.file.empty() || (e.kind == event_kind::result && e.internal)) return {};
  return std::string(basename_of(e.file)) + ":" + std::to_string(e.line);
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

std::string mark_of(const trace& t, const event& e) {
  if (t.failing_event == e.index) return ">>";
  if (std::binary_search(t.conflicts.begin(), t.conflicts.end(), e.index)) return " *";
  return "  ";
}

std::string state_label(thread_state s) {
  if (s == thread_state::blocked) return "BLOCKED";
  if (s == thread_state::idle) return "no events";
  return std::string(to_string(s));
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string rpad_num(std::size_t n, std::size_t w) {
  std::string s = std::to_string(n);
  if (s.size() < w) s.insert(0, w - s.size(), ' ');
  return s;
}

// text's words in lines of at most `first` columns (the first line) and
// `width` columns (the others). A word longer than a line is split, after a
// punctuation character where one is near the end of the line; nothing is cut.
// At least one line.
std::vector<std::string> wrap(std::string_view text, std::size_t first, std::size_t width) {
  std::vector<std::string> lines(1);
  const auto room = [&] { return lines.size() == 1 ? first : width; };
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view word = text.substr(i, j - i);
    i = j + 1;
    if (word.empty()) continue;
    std::string* line = &lines.back();
    const std::size_t sep = line->empty() ? 0 : 1;
    if (line->size() + sep + word.size() <= room()) {
      if (sep) *line += ' ';
      *line += word;
      continue;
    }
    if (word.size() > width && line->size() + sep + 4 <= room()) {
      if (sep) *line += ' ';  // split it from here: it needs several lines anyway
    } else if (!line->empty()) {
      line = &lines.emplace_back();
    }
    while (line->size() + word.size() > room()) {
      std::size_t n = std::max<std::size_t>(1, room() - std::min(room(), line->size()));
      for (std::size_t k = n; k > n / 2 + 1; --k) {
        if (std::string_view("(),=:/").find(word[k - 1]) != std::string_view::npos) {
          n = k;
          break;
        }
      }
      *line += word.substr(0, n);
      word.remove_prefix(n);
      line = &lines.emplace_back();
    }
    *line += word;
  }
  return lines;
}

// Appends text wrapped to width columns, continuation lines indented.
void wrap_words(std::string& out, std::string_view text, std::size_t width,
                std::string_view indent) {
  const auto lines = wrap(text, width, width - indent.size());
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (k > 0) out += indent;
    out += lines[k] + "\n";
  }
}

// A swimlane cell of w columns: the label wrapped, then "file:line"
// right-aligned on its last line, or on a line of its own when it does not fit
// there. Nothing is cut.
std::vector<std::string> cell_lines(const std::string& label, const std::string& loc,
                                    std::size_t w) {
  std::vector<std::string> lines = wrap(printable_ascii(label, 4096), w, w);
  const std::string l = printable_ascii(loc, 4096);
  if (!l.empty()) {
    if (lines.back().size() + 1 + l.size() > w) lines.emplace_back();
    if (l.size() > w) {
      for (auto& part : wrap(l, w, w)) lines.push_back(std::move(part));
      if (lines.back().empty()) lines.pop_back();
    } else {
      lines.back() = pad(lines.back(), w - l.size()) + l;
    }
  }
  for (auto& line : lines) line = pad(line, w);
  return lines;
}

}  // namespace

std::string render_text(const trace& t, const text_options& options) {
  const std::size_t width = std::clamp(options.width, min_text_width, max_text_width);
  const object_labels L(t);
  std::string out;
  out += printable_ascii(t.summary, 4096) + "\n";  // one line, for scripts: head -n 1
  std::string meta = "test " + t.test_display + " | " + t.result_text;
  if (!t.detail.empty()) meta += " (" + t.detail + ")";
  meta += " | iteration " + std::to_string(t.iteration) + " | " + std::to_string(t.events.size()) +
          " events, " + std::to_string(t.threads.size()) + " threads";
  wrap_words(out, printable_ascii(meta, 1000), width, "  ");
  out += "\n";

  std::size_t max_index = t.events.empty() ? 0 : t.events.size() - 1;
  const std::size_t iw = std::max<std::size_t>(3, std::to_string(max_index).size());
  const std::size_t nthreads = std::max<std::size_t>(1, t.threads.size());
  const std::size_t prefix = 2 + 1 + iw + 1;  // mark, space, index, space
  const std::size_t per_col = (width > prefix ? width - prefix : 0) / nthreads;
  const bool lanes = per_col >= 3 + 15;  // "| " cell " ": 4 lanes in 80 columns
  const std::size_t cw = lanes ? per_col - 3 : width - prefix - 6;  // after "T<n>  "
  const bool narrow = cw < 56;  // RMW as "fetch_add(arg)=new", CAS as "CAS ->new"

  std::size_t hidden = 0;
  if (lanes) {
    std::string head(prefix, ' ');
    std::string rule(prefix, '-');
    for (const auto& th : t.threads) {
      head += "| " + pad("thread " + std::to_string(th.id), cw) + " ";
      rule += "+" + std::string(cw + 2, '-');
    }
    while (!head.empty() && head.back() == ' ') head.pop_back();
    out += head + "\n" + rule + "\n";
  } else {
    wrap_words(out,
               "(" + std::to_string(t.threads.size()) +
                   " threads do not fit side by side: one row per event, Tn = thread n)",
               width, " ");
  }
  // One row: the cell's first line beside the mark and the index, the others below.
  const auto row = [&](const std::string& mark, const std::string& idx, unsigned thread,
                       const std::vector<std::string>& cell) {
    for (std::size_t k = 0; k < cell.size(); ++k) {
      std::string line = k == 0 ? mark + " " + idx + " " : std::string(prefix, ' ');
      if (lanes) {
        for (const auto& th : t.threads) {
          line += "| " + (th.id == thread ? cell[k] : std::string(cw, ' ')) + " ";
        }
      } else {
        line +=
            (k == 0 ? "T" + pad(std::to_string(thread), 4) : std::string(5, ' ')) + " " + cell[k];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  };

  // Rows, folding runs of identical unmarked rows of one thread.
  std::size_t i = 0;
  const auto& ev = t.events;
  while (i < ev.size()) {
    const event& e = ev[i];
    if (!visible(t, e, options.show_internal)) {
      ++hidden;
      ++i;
      continue;
    }
    const auto cell = cell_lines(event_label(e, L, true, narrow), file_line(e), cw);
    const std::string mark = mark_of(t, e);
    // length of the run of identical rows starting here
    std::size_t j = i + 1;
    std::size_t run = 1;
    std::size_t last_in_run = i;
    if (mark == "  ") {
      while (j < ev.size()) {
        const event& x = ev[j];
        if (!visible(t, x, options.show_internal)) {
          ++j;
          continue;
        }
        if (x.thread != e.thread || mark_of(t, x) != "  " ||
            cell_lines(event_label(x, L, true, narrow), file_line(x), cw) != cell) {
          break;
        }
        ++run;
        last_in_run = j;
        ++j;
      }
    }
    if (run <= 3) {
      row(mark, rpad_num(e.index, iw), e.thread, cell);
      ++i;
      continue;
    }
    row(mark, rpad_num(e.index, iw), e.thread, cell);
    row("  ", std::string(iw, '.'), e.thread,
        cell_lines("  ... " + std::to_string(run - 2) + " more identical", "", cw));
    const event& last = ev[last_in_run];
    row(mark, rpad_num(last.index, iw), last.thread, cell);
    // count hidden internal events inside the run
    for (std::size_t k = i; k <= last_in_run; ++k) {
      if (!visible(t, ev[k], options.show_internal)) ++hidden;
    }
    i = last_in_run + 1;
  }

  // End states.
  if (lanes) {
    std::string rule(prefix, '-');
    for (std::size_t k = 0; k < t.threads.size(); ++k) rule += "+" + std::string(cw + 2, '-');
    out += rule + "\n";
    std::string line = pad("end", prefix);
    for (const auto& th : t.threads) line += "| " + pad(state_label(th.state), cw) + " ";
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  } else {
    std::string end = "end:";
    for (const auto& th : t.threads) {
      end += " thread " + std::to_string(th.id) + " " + state_label(th.state) + ";";
    }
    out += "\n";
    wrap_words(out, end, width, "  ");
  }

  std::string legend =
      "legend: >> failing event | * conflicting or related access | orders: rlx"
      " relaxed, acq acquire, rel release, sc seq_cst";
  if (narrow) legend += " | fetch_add(arg)=new, CAS ->new";
  out += "\n";
  wrap_words(out, legend, width, "  ");
  if (hidden > 0) {
    out += std::to_string(hidden) + " Relacy-internal events folded away (--all shows them)\n";
  }
  if (!L.order().empty()) {
    std::string objs = "objects:";
    for (std::size_t k = 0; k < L.order().size() && k < 64; ++k) {
      objs += " " + L.label(L.order()[k]) + "=" + hex_address(L.order()[k]) + " (" +
              std::string(L.kind(k)) + ")";
      if (k + 1 < L.order().size()) objs += ",";
    }
    if (L.order().size() > 64) objs += " ...";
    wrap_words(out, objs, width, "  ");
  }
  return out;
}

// ---- HTML ----------------------------------------------------------------------
namespace {

constexpr std::string_view css = R"css(
:root { --rowh: 40px; color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; color: #1b1f24; background: #f4f5f7;
  font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 14px; }
header { padding: 14px 20px 10px; background: #fff; border-bottom: 1px solid #d5d9df; }
.summary { font-size: 17px; font-weight: 600; margin: 0 0 6px; color: #8f1414; line-height: 1.35; }
.meta { color: #555; font-size: 13px; }
.meta code, code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px;
  background: #eef0f3; padding: 1px 4px; border-radius: 3px; }
.meta a { color: #1f5fbf; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; padding: 8px 20px;
  font-size: 12px; background: #fff; border-bottom: 1px solid #d5d9df; }
.legend label { cursor: pointer; user-select: none; }
.swatch { display: inline-block; width: 26px; height: 16px; vertical-align: middle;
  border-radius: 3px; margin-right: 5px; border: 1px solid #b8bfc8; border-left-width: 4px;
  background: #fff; font: bold 10px/14px monospace; text-align: center; }
.sw-failing { border: 2px solid #d32f2f; border-left-width: 5px; background: #ffe9e9; color: #d32f2f; }
.sw-conflict { border: 2px solid #e08e00; border-left-width: 5px; background: #fff4dc; color: #a86400; }
.sw-atomic { border-left-color: #1f7a8c; } .sw-var { border-left-color: #7b4fb0; }
.sw-wait { border-left-color: #2b6cd4; background: #eaf1ff; }
.sw-mem { border-left-color: #a0522d; } .sw-internal { background: #eceef1; border-left-color: #c3c8cf; }
.sw-result { background: #fde3e3; border-color: #c62828; }
main { padding: 10px 20px 60px; overflow-x: auto; }
.lanes { display: flex; align-items: flex-start; gap: 8px; min-width: max-content; }
.idxcol, .lane { display: grid; grid-template-rows: auto; grid-auto-rows: var(--rowh); row-gap: 4px; }
.idxcol { width: 46px; }
.lane { flex: 1 1 0; min-width: 250px; max-width: 560px; }
.hdr { grid-row: 1; position: sticky; top: 0; z-index: 2; background: #f4f5f7; font-weight: 700;
  padding: 4px 2px 5px; border-bottom: 2px solid #7d8794; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.hdr .state { font-weight: 400; font-size: 12px; color: #555; margin-left: 6px; }
.hdr .state.blocked { color: #fff; background: #c62828; padding: 1px 6px; border-radius: 8px; font-weight: 700; }
.idx { font: 12px/var(--rowh) "DejaVu Sans Mono", monospace; color: #6a737d; text-align: right;
  padding-right: 4px; white-space: nowrap; }
.idx.failing-idx { color: #d32f2f; font-weight: 700; }
.event { background: #fff; border: 1px solid #cfd4da; border-left: 4px solid #9aa3ad;
  border-radius: 4px; padding: 2px 7px; overflow: hidden; white-space: nowrap; cursor: pointer;
  font-size: 12px; line-height: 16px; }
.event .l1 { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; overflow: hidden;
  text-overflow: ellipsis; }
.event .l2 { color: #5f6b78; font-size: 11px; overflow: hidden; text-overflow: ellipsis; }
.event .obj { color: #1f7a8c; font-weight: 700; }
.event .ord { color: #7a5d00; }
.k-atomic { border-left-color: #1f7a8c; }
.k-var { border-left-color: #7b4fb0; }
.k-wait { border-left-color: #2b6cd4; background: #eaf1ff; }
.k-mem { border-left-color: #a0522d; }
.k-result { background: #fde3e3; border-color: #c62828; font-weight: 700; color: #8f1414; }
.event.internal { color: #7d858f; background: #eceef1; border-left-color: #c3c8cf; }
.event.conflict { border: 2px solid #e08e00; border-left-width: 6px; background: #fff4dc; }
.event.failing { border: 2px solid #d32f2f; border-left-width: 6px; background: #ffe9e9;
  box-shadow: 0 0 0 3px rgba(211, 47, 47, .18); }
.mark { font-weight: 700; margin-right: 5px; color: #a86400; }
.failing .mark { color: #d32f2f; }
body.hide-internal .internal { display: none; }
.event.same-obj { outline: 2px dashed #1f7a8c; outline-offset: 1px; }
.event.selected { outline: 2px solid #1b1f24; outline-offset: 1px; }
#details { position: fixed; left: 0; right: 0; bottom: 0; background: #1b1f24; color: #e8eaed;
  font: 12px/1.5 "DejaVu Sans Mono", monospace; padding: 8px 20px; white-space: pre-wrap;
  max-height: 32vh; overflow: auto; display: none; z-index: 5; }
#details.open { display: block; }
.story { margin: 0; padding: 8px 20px 10px; background: #fffaf0; border-bottom: 1px solid #e3d3ad;
  font-size: 13px; }
.story h2 { margin: 0 0 4px; font-size: 13px; }
.story ol { margin: 0; padding-left: 22px; }
.story li { margin: 2px 0; line-height: 1.4; }
.story li.note { list-style: none; margin-left: -22px; font-style: italic; color: #6b4a00; }
.story a { font-family: "DejaVu Sans Mono", monospace; color: #1f5fbf; margin-right: 4px; }
section.objects { padding: 0 20px 30px; font-size: 12px; }
section.objects table { border-collapse: collapse; background: #fff; }
section.objects th, section.objects td { border: 1px solid #d5d9df; padding: 3px 8px; text-align: left; }
h2 { font-size: 14px; margin: 18px 0 6px; }
)css";

constexpr std::string_view script = R"js(
(function () {
  "use strict";
  var body = document.body;
  function layout() {
    var show = !body.classList.contains("hide-internal");
    var rows = {};
    var r = 2;
    var idx = document.querySelectorAll(".idx[data-i]");
    for (var k = 0; k < idx.length; ++k) {
      var c = idx[k];
      if (!show && c.classList.contains("internal")) continue;
      rows[c.getAttribute("data-i")] = r++;
    }
    var cells = document.querySelectorAll("[data-i]");
    for (var j = 0; j < cells.length; ++j) {
      var row = rows[cells[j].getAttribute("data-i")];
      if (row) cells[j].style.gridRow = String(row);
    }
  }
  var box = document.getElementById("show-internal");
  if (box) {
    box.addEventListener("change", function () {
      body.classList.toggle("hide-internal", !box.checked);
      layout();
    });
  }
  var details = document.getElementById("details");
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    var e = t && t.closest ? t.closest(".event") : null;
    var all = document.querySelectorAll(".event.same-obj, .event.selected");
    for (var k = 0; k < all.length; ++k) all[k].classList.remove("same-obj", "selected");
    if (!e) { details.classList.remove("open"); return; }
    e.classList.add("selected");
    var obj = e.getAttribute("data-obj");
    if (obj) {
      var same = document.querySelectorAll('.event[data-obj="' + obj + '"]');
      for (var j = 0; j < same.length; ++j) if (same[j] !== e) same[j].classList.add("same-obj");
    }
    details.textContent = e.getAttribute("data-detail") || "";
    details.classList.add("open");
  });
  // Scrolls to event e, selects it (details, same-object outline) and focuses it.
  function go(e) {
    if (body.classList.contains("hide-internal") && e.classList.contains("internal")) {
      if (box) box.checked = true;
      body.classList.remove("hide-internal");
      layout();
    }
    e.scrollIntoView({block: "center"});
    e.click();
    e.focus({preventScroll: true});
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    var link = t && t.closest ? t.closest("[data-goto]") : null;
    if (!link) return;
    ev.preventDefault();
    var e = document.getElementById("ev-" + link.getAttribute("data-goto"));
    if (e) go(e);
  }, true);
  var jump = document.getElementById("jump");
  if (jump) {
    jump.addEventListener("click", function (ev) {
      ev.preventDefault();
      var f = document.querySelector(".event.failing");
      if (f) go(f);
    });
  }
  layout();
  // Open on the failing event (else the last one shown).
  var start = document.querySelector(".event.failing");
  if (!start) {
    var shown = document.querySelectorAll(".event:not(.internal)");
    start = shown.length ? shown[shown.length - 1] : null;
  }
  if (start) {
    go(start);
    if (document.activeElement === start) body.setAttribute("data-focused", start.getAttribute("data-i"));
  }
})();
)js";

std::string_view kind_class(const event& e) {
  switch (e.kind) {
    case event_kind::atomic_load:
    case event_kind::atomic_store:
    case event_kind::rmw:
    case event_kind::cas:
    case event_kind::fence:
      return "k-atomic";
    case event_kind::load:
    case event_kind::store:
      return "k-var";
    case event_kind::futex_wait:
    case event_kind::futex_wake:
    case event_kind::block:
    case event_kind::unblock:
    case event_kind::mutex:
    case event_kind::condvar:
    case event_kind::sync:
    case event_kind::yield:
      return "k-wait";
    case event_kind::alloc:
    case event_kind::free:
    case event_kind::freed_access:
      return "k-mem";
    case event_kind::result:
      return "k-result";
    default:
      return "k-other";
  }
}

std::string detail_text(const event& e) {
  std::string d = "[" + std::to_string(e.index) + "] thread " + std::to_string(e.thread) + ": " +
                  e.text + "\nkind " + std::string(to_string(e.kind));
  if (e.object) d += ", object " + hex_address(*e.object);
  if (!e.object_name.empty()) d += " (" + e.object_name + ")";
  if (!e.value_recorded) d += "\nvalue: not recorded (Relacy logs none for this access)";
  d += "\nin " + (e.short_function.empty() ? std::string("?") : e.short_function) + "\nat " +
       location(e);
  return d;
}

}  // namespace

std::string render_html(const trace& t, std::string_view source_name) {
  const object_labels L(t);
  std::string h;
  h.reserve(8192 + t.events.size() * 700);
  const auto esc = [&h](std::string_view s) { append_html(h, s); };

  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  esc("vsem-trace: " + t.result_text + " in " + t.test_display);
  h += "</title>\n<style>";
  h += css;
  h += "</style>\n</head>\n<body class=\"hide-internal\">\n<header>\n";
  h += "<p id=\"summary\" class=\"summary\">";
  esc(t.summary);
  h += "</p>\n<div class=\"meta\">test <code>";
  esc(t.test_display);
  h += "</code> &middot; result <b>";
  esc(t.result_text);
  h += "</b>";
  if (!t.detail.empty()) {
    h += " (";
    esc(t.detail);
    h += ")";
  }
  h += " &middot; iteration " + std::to_string(t.iteration) + " &middot; " +
       std::to_string(t.events.size()) + " events &middot; " + std::to_string(t.threads.size()) +
       " threads";
  if (!source_name.empty()) {
    h += " &middot; <code>";
    esc(source_name);
    h += "</code>";
  }
  if (t.failing_event) {
    h += " &middot; <a href=\"#\" id=\"jump\">jump to the failing event [" +
         std::to_string(*t.failing_event) + "]</a>";
  }
  h += "</div>\n</header>\n";

  if (!t.story.empty()) {
    h += "<section id=\"story\" class=\"story\"><h2>What happened</h2><ol>";
    for (const auto& st : t.story) {
      if (st.event) {
        const std::string i = std::to_string(*st.event);
        h += "<li><a href=\"#ev-" + i + "\" data-goto=\"" + i + "\">[" + i + "]</a>";
      } else {
        h += "<li class=\"note\">";
      }
      esc(st.text);
      h += "</li>";
    }
    h += "</ol></section>\n";
  }

  std::size_t internal_count = 0;
  for (const auto& e : t.events) {
    if (!visible(t, e, false)) ++internal_count;
  }
  h += "<div class=\"legend\" id=\"legend\">";
  h += "<span><span class=\"swatch sw-failing\">&gt;&gt;</span>failing event</span>";
  h += "<span><span class=\"swatch sw-conflict\">*</span>conflicting / related access</span>";
  h += "<span><span class=\"swatch sw-atomic\"></span>atomic</span>";
  h += "<span><span class=\"swatch sw-var\"></span>plain variable</span>";
  h += "<span><span class=\"swatch sw-wait\"></span>wait / wake</span>";
  h += "<span><span class=\"swatch sw-mem\"></span>memory</span>";
  h += "<span><span class=\"swatch sw-result\"></span>result</span>";
  h += "<span><span class=\"swatch sw-internal\"></span>Relacy internal</span>";
  h += "<label><input type=\"checkbox\" id=\"show-internal\"> show " +
       std::to_string(internal_count) + " Relacy-internal events</label>";
  h += "<span>click an event for details and its object's other accesses</span>";
  h += "</div>\n<main>\n<div class=\"lanes\" id=\"lanes\">\n";

  // Rows for the default view (internal events hidden); the script recomputes
  // them when the checkbox changes.
  std::vector<std::size_t> row(t.events.size(), 0);
  std::size_t next = 2;
  for (const auto& e : t.events) {
    if (visible(t, e, false)) row[e.index] = next++;
  }
  const auto row_style = [&](const event& e) {
    return row[e.index] ? " style=\"grid-row:" + std::to_string(row[e.index]) + "\"" : "";
  };
  const auto hidden_class = [&](const event& e) { return visible(t, e, false) ? "" : " internal"; };

  h += "<div class=\"idxcol\"><div class=\"hdr\">#</div>";
  for (const auto& e : t.events) {
    h += "<div class=\"idx";
    h += hidden_class(e);
    if (t.failing_event == e.index) h += " failing-idx";
    h += "\" data-i=\"" + std::to_string(e.index) + "\"" + row_style(e) + ">" +
         std::to_string(e.index) + "</div>";
  }
  h += "</div>\n";

  for (const auto& th : t.threads) {
    h += "<div class=\"lane\" id=\"lane-" + std::to_string(th.id) + "\" data-thread=\"" +
         std::to_string(th.id) + "\">";
    h += "<div class=\"hdr\">thread " + std::to_string(th.id) + "<span class=\"state " +
         std::string(to_string(th.state)) + "\">" + state_label(th.state) + "</span></div>";
    for (const std::size_t i : th.events) {
      const event& e = t.events[i];
      const bool failing = t.failing_event == e.index;
      const bool conflict = std::binary_search(t.conflicts.begin(), t.conflicts.end(), e.index);
      h += "<div class=\"event ";
      h += kind_class(e);
      h += hidden_class(e);
      if (failing) h += " failing";
      if (conflict) h += " conflict";
      h += "\" id=\"ev-" + std::to_string(e.index) + "\" tabindex=\"" + (failing ? "0" : "-1") +
           "\" data-i=\"" + std::to_string(e.index) + "\" data-kind=\"";
      h += to_string(e.kind);
      h += "\"";
      if (e.object) h += " data-obj=\"" + L.number_of(*e.object) + "\"";
      h += row_style(e);
      h += " title=\"";
      esc(detail_text(e));
      h += "\" data-detail=\"";
      esc(detail_text(e));
      h += "\"><div class=\"l1\">";
      if (failing) h += "<span class=\"mark\">&gt;&gt;</span>";
      if (conflict) h += "<span class=\"mark\">*</span>";
      esc(event_label(e, L, false));
      h += "</div><div class=\"l2\">";
      esc(e.file.empty() ? std::string("(no source location)") : location(e));
      if (!e.name.empty()) {
        h += " &middot; ";
        esc(e.name);
      }
      h += "</div></div>";
    }
    h += "</div>\n";
  }
  h += "</div>\n</main>\n";

  if (!L.order().empty()) {
    h += "<section class=\"objects\"><h2>Objects</h2><table><tr><th>label</th><th>name</th>"
         "<th>address</th><th>kind (first use)</th><th>events</th></tr>";
    for (std::size_t k = 0; k < L.order().size(); ++k) {
      h += "<tr><td>" + L.number(k) + "</td><td>";
      if (!L.name(k).empty()) {
        h += "<code>";
        esc(L.name(k));
        h += "</code>";
      }
      h += "</td><td><code>" + hex_address(L.order()[k]) + "</code></td><td>" +
           std::string(L.kind(k)) + "</td><td>" + std::to_string(L.uses(k)) + "</td></tr>";
    }
    h += "</table></section>\n";
  }
  h += "<div id=\"details\"></div>\n<script>";
  h += script;
  h += "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace vsem::trace

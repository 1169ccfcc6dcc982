// The HTML rendering of a parsed trace (render_html(), see trace.hpp): a
// self-contained page, one lane per thread, with its style and script.
// g++ 12 at -O3 reports a false -Wrestrict inside std::string's
// operator+(const char*, std::string&&) where it inlines this file's string
// building (GCC bug 105329); other compilers and levels do not. Set before the
// includes, since the warning is issued inside <string>.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "render_labels.hpp"
#include "text_util.hpp"
#include "trace.hpp"

namespace vsem::trace {

using detail::append_html;
using detail::event_label;
using detail::hex_address;
using detail::object_labels;
using detail::state_label;
using detail::visible;

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

// The <head> and the <header>: summary, test, result, counts, jump link.
void html_header(std::string& h, const trace& t, std::string_view source_name) {
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
}

// "What happened": the story, its steps linked to their events.
void html_story(std::string& h, const trace& t) {
  const auto esc = [&h](std::string_view s) { append_html(h, s); };
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
}

void html_legend(std::string& h, const trace& t) {
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
       std::to_string(internal_count) + " " + (t.engine.empty() ? "Relacy" : t.engine) +
       "-internal events</label>";
  h += "<span>click an event for details and its object's other accesses</span>";
  h += "</div>\n<main>\n<div class=\"lanes\" id=\"lanes\">\n";
}

// The event grid: its row per event in the default view (internal events
// hidden; the script recomputes them when the checkbox changes).
class html_grid {
 public:
  html_grid(std::string& h, const trace& t, const object_labels& L)
      : h_(h), t_(t), L_(L), row_(t.events.size(), 0) {
    std::size_t next = 2;
    for (const auto& e : t.events) {
      if (visible(t, e, false)) row_[e.index] = next++;
    }
  }

  void index_column() {
    std::string& h = h_;
    const trace& t = t_;
    h += "<div class=\"idxcol\"><div class=\"hdr\">#</div>";
    for (const auto& e : t.events) {
      h += "<div class=\"idx";
      h += hidden_class(e);
      if (t.failing_event == e.index) h += " failing-idx";
      h += "\" data-i=\"" + std::to_string(e.index) + "\"" + row_style(e) + ">" +
           std::to_string(e.index) + "</div>";
    }
    h += "</div>\n";
  }

  void lane(const thread_info& th) {
    std::string& h = h_;
    h += "<div class=\"lane\" id=\"lane-" + std::to_string(th.id) + "\" data-thread=\"" +
         std::to_string(th.id) + "\">";
    h += "<div class=\"hdr\">thread " + std::to_string(th.id) + "<span class=\"state " +
         std::string(to_string(th.state)) + "\">" + state_label(th.state) + "</span></div>";
    for (const std::size_t i : th.events) event_cell(t_.events[i]);
    h += "</div>\n";
  }

 private:
  std::string row_style(const event& e) const {
    return row_[e.index] ? " style=\"grid-row:" + std::to_string(row_[e.index]) + "\"" : "";
  }
  const char* hidden_class(const event& e) const {
    return visible(t_, e, false) ? "" : " internal";
  }

  void event_cell(const event& e) {
    std::string& h = h_;
    const trace& t = t_;
    const object_labels& L = L_;
    const auto esc = [&h](std::string_view s) { append_html(h, s); };
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

  std::string& h_;
  const trace& t_;
  const object_labels& L_;
  std::vector<std::size_t> row_;
};

// The table of objects.
void html_objects(std::string& h, const object_labels& L) {
  const auto esc = [&h](std::string_view s) { append_html(h, s); };
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

}  // namespace

std::string render_html(const trace& t, std::string_view source_name) {
  const object_labels L(t);
  std::string h;
  h.reserve(8192 + t.events.size() * 700);
  html_header(h, t, source_name);
  html_story(h, t);
  html_legend(h, t);
  html_grid grid(h, t, L);
  grid.index_column();
  for (const auto& th : t.threads) grid.lane(th);
  h += "</div>\n</main>\n";
  if (!L.order().empty()) html_objects(h, L);
  h += "<div id=\"details\"></div>\n<script>";
  h += script;
  h += "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace vsem::trace

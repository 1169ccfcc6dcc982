// The text rendering of a parsed trace (render_text(), see trace.hpp): a
// terminal swimlane, one lane per thread.
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

using detail::basename_of;
using detail::event_label;
using detail::hex_address;
using detail::object_labels;
using detail::printable_ascii;
using detail::state_label;
using detail::visible;

namespace {

std::string file_line(const event& e) {
  if (e.file.empty() || (e.kind == event_kind::result && e.internal)) return {};
  return std::string(basename_of(e.file)) + ":" + std::to_string(e.line);
}

std::string mark_of(const trace& t, const event& e) {
  if (t.failing_event == e.index) return ">>";
  if (std::binary_search(t.conflicts.begin(), t.conflicts.end(), e.index)) return " *";
  return "  ";
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

// render_text(): the layout (lanes side by side, or one row per event when the
// threads do not fit) and the output, part by part.
class text_renderer {
 public:
  text_renderer(const trace& t, const text_options& options)
      : t_(t),
        options_(options),
        width_(std::clamp(options.width, min_text_width, max_text_width)),
        L_(t) {
    const std::size_t max_index = t.events.empty() ? 0 : t.events.size() - 1;
    iw_ = std::max<std::size_t>(3, std::to_string(max_index).size());
    const std::size_t nthreads = std::max<std::size_t>(1, t.threads.size());
    prefix_ = 2 + 1 + iw_ + 1;  // mark, space, index, space
    const std::size_t per_col = (width_ > prefix_ ? width_ - prefix_ : 0) / nthreads;
    lanes_ = per_col >= 3 + 15;                         // "| " cell " ": 4 lanes in 80 columns
    cw_ = lanes_ ? per_col - 3 : width_ - prefix_ - 6;  // after "T<n>  "
    narrow_ = cw_ < 56;  // RMW as "fetch_add(arg)=new", CAS as "CAS ->new"
  }

  std::string run() {
    heading();
    lane_heading();
    rows();
    end_states();
    footer();
    return std::move(out_);
  }

 private:
  void heading() {
    const trace& t = t_;
    out_ += printable_ascii(t.summary, 4096) + "\n";  // one line, for scripts: head -n 1
    std::string meta = "test " + t.test_display + " | " + t.result_text;
    if (!t.detail.empty()) meta += " (" + t.detail + ")";
    meta += (t.engine.empty() ? " | iteration " + std::to_string(t.iteration)
                              : " | " + t.engine + " counterexample") +
            " | " + std::to_string(t.events.size()) + " events, " +
            std::to_string(t.threads.size()) + " threads";
    wrap_words(out_, printable_ascii(meta, 1000), width_, "  ");
    out_ += "\n";
  }

  void lane_heading() {
    if (lanes_) {
      std::string head(prefix_, ' ');
      std::string rule(prefix_, '-');
      for (const auto& th : t_.threads) {
        head += "| " + pad("thread " + std::to_string(th.id), cw_) + " ";
        rule += "+" + std::string(cw_ + 2, '-');
      }
      while (!head.empty() && head.back() == ' ') head.pop_back();
      out_ += head + "\n" + rule + "\n";
    } else {
      wrap_words(out_,
                 "(" + std::to_string(t_.threads.size()) +
                     " threads do not fit side by side: one row per event, Tn = thread n)",
                 width_, " ");
    }
  }

  std::vector<std::string> cell_of(const event& e) const {
    return cell_lines(event_label(e, L_, true, narrow_), file_line(e), cw_);
  }

  // One row: the cell's first line beside the mark and the index, the others below.
  void row(const std::string& mark, const std::string& idx, unsigned thread,
           const std::vector<std::string>& cell) {
    for (std::size_t k = 0; k < cell.size(); ++k) {
      std::string line = k == 0 ? mark + " " + idx + " " : std::string(prefix_, ' ');
      if (lanes_) {
        for (const auto& th : t_.threads) {
          line += "| " + (th.id == thread ? cell[k] : std::string(cw_, ' ')) + " ";
        }
      } else {
        line +=
            (k == 0 ? "T" + pad(std::to_string(thread), 4) : std::string(5, ' ')) + " " + cell[k];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out_ += line + "\n";
    }
  }

  // The visible unmarked events after event i of its thread whose rows equal
  // `cell`, up to the first that differs: how many rows the run has (i's
  // included) and its last event.
  void identical_run(std::size_t i, const std::vector<std::string>& cell, std::size_t& run,
                     std::size_t& last_in_run) const {
    const event& e = t_.events[i];
    for (std::size_t j = i + 1; j < t_.events.size(); ++j) {
      const event& x = t_.events[j];
      if (!visible(t_, x, options_.show_internal)) continue;
      if (x.thread != e.thread || mark_of(t_, x) != "  " || cell_of(x) != cell) break;
      ++run;
      last_in_run = j;
    }
  }

  // Rows, folding runs of identical unmarked rows of one thread.
  void rows() {
    const auto& ev = t_.events;
    std::size_t i = 0;
    while (i < ev.size()) {
      const event& e = ev[i];
      if (!visible(t_, e, options_.show_internal)) {
        ++hidden_;
        ++i;
        continue;
      }
      const auto cell = cell_of(e);
      const std::string mark = mark_of(t_, e);
      std::size_t run = 1;
      std::size_t last_in_run = i;
      if (mark == "  ") identical_run(i, cell, run, last_in_run);
      if (run <= 3) {
        row(mark, rpad_num(e.index, iw_), e.thread, cell);
        ++i;
        continue;
      }
      row(mark, rpad_num(e.index, iw_), e.thread, cell);
      row("  ", std::string(iw_, '.'), e.thread,
          cell_lines("  ... " + std::to_string(run - 2) + " more identical", "", cw_));
      const event& last = ev[last_in_run];
      row(mark, rpad_num(last.index, iw_), last.thread, cell);
      // count hidden internal events inside the run
      for (std::size_t k = i; k <= last_in_run; ++k) {
        if (!visible(t_, ev[k], options_.show_internal)) ++hidden_;
      }
      i = last_in_run + 1;
    }
  }

  void end_states() {
    if (lanes_) {
      std::string rule(prefix_, '-');
      for (std::size_t k = 0; k < t_.threads.size(); ++k) rule += "+" + std::string(cw_ + 2, '-');
      out_ += rule + "\n";
      std::string line = pad("end", prefix_);
      for (const auto& th : t_.threads) line += "| " + pad(state_label(th.state), cw_) + " ";
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out_ += line + "\n";
    } else {
      std::string end = "end:";
      for (const auto& th : t_.threads) {
        end += " thread " + std::to_string(th.id) + " " + state_label(th.state) + ";";
      }
      out_ += "\n";
      wrap_words(out_, end, width_, "  ");
    }
  }

  // The legend, the count of folded events and the objects.
  void footer() {
    std::string legend =
        "legend: >> failing event | * conflicting or related access | orders: rlx"
        " relaxed, acq acquire, rel release, sc seq_cst";
    if (narrow_) legend += " | fetch_add(arg)=new, CAS ->new";
    out_ += "\n";
    wrap_words(out_, legend, width_, "  ");
    if (hidden_ > 0) {
      out_ += std::to_string(hidden_) + " " + (t_.engine.empty() ? "Relacy" : t_.engine) +
              "-internal events folded away (--all shows them)\n";
    }
    if (!L_.order().empty()) {
      std::string objs = "objects:";
      for (std::size_t k = 0; k < L_.order().size() && k < 64; ++k) {
        objs += " " + L_.label(L_.order()[k]) + "=" + hex_address(L_.order()[k]) + " (" +
                std::string(L_.kind(k)) + ")";
        if (k + 1 < L_.order().size()) objs += ",";
      }
      if (L_.order().size() > 64) objs += " ...";
      wrap_words(out_, objs, width_, "  ");
    }
  }

  const trace& t_;
  const text_options& options_;
  const std::size_t width_;
  const object_labels L_;
  std::size_t iw_ = 0;      // columns of the index
  std::size_t prefix_ = 0;  // columns before the first lane
  bool lanes_ = false;      // the threads side by side
  std::size_t cw_ = 0;      // columns of a cell
  bool narrow_ = false;
  std::size_t hidden_ = 0;  // Relacy-internal events not shown
  std::string out_;
};

}  // namespace

std::string render_text(const trace& t, const text_options& options) {
  return text_renderer(t, options).run();
}

}  // namespace vsem::trace

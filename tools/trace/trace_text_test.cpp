// Tests of the text rendering (label tool): wrapping inside lanes, one row per
// event when the threads do not fit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "trace.hpp"
#include "trace_test_util.hpp"

namespace {

using namespace trace_test;

// A Relacy trace of one event per (thread, text), the last one a USER ASSERT.
std::string make_trace(const std::vector<std::pair<unsigned, std::string>>& events) {
  std::vector<std::string> lines;
  unsigned threads = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::string l(1, '[');  // appended piece by piece: see the -Wrestrict note below
    l += std::to_string(i);
    l += "] ";
    l += std::to_string(events[i].first);
    l += ": ";
    l += events[i].second;
    l += ", in thread, /src/vsem/models/m.cpp(";
    l += std::to_string(10 + i);
    l += ')';
    lines.push_back(std::move(l));
    threads = std::max(threads, events[i].first + 1);
  }
  std::string t = "N12_GLOBAL__N_14wideE\nUSER ASSERT FAILED (assertion: x)\niteration: 1\n\n";
  t += "execution history (" + std::to_string(lines.size()) + "):\n";
  for (const auto& l : lines) t += l + "\n";
  for (unsigned th = 0; th < threads; ++th) {
    t += "\nthread " + std::to_string(th) + ":\n";
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].first == th) t += lines[i] + "\n";
    }
  }
  return t + "\n";
}

// The text of lane `lane` (0-based) of a swimlane rendering, its lines joined.
std::string lane_text(const std::string& text, std::size_t lane) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    for (std::size_t p = line.find("| "); p != std::string::npos; p = line.find("| ", p + 1)) {
      const std::size_t e = line.find(" |", p + 1);
      cells.push_back(line.substr(p + 2, e == std::string::npos ? std::string::npos : e - p - 2));
      if (e == std::string::npos) break;
      p = e;
    }
    if (lane < cells.size()) out += cells[lane] + " ";
  }
  return out;
}

std::string without_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

// Event texts wider than a lane wrap inside it: nothing is cut, every line fits.
TEST(Text, LongEventTextsWrapInsideTheirLane) {
  const std::string words =
      "a user message that is much longer than any lane, with "
      "an_unbreakable_identifier_that_is_longer_than_a_whole_lane_of_any_width_here and "
      "more words after it";
  for (const unsigned threads : {3u, 4u}) {
    std::vector<std::pair<unsigned, std::string>> ev;
    for (unsigned th = 0; th < threads; ++th) ev.emplace_back(th, "thread " + std::to_string(th));
    ev.emplace_back(threads - 1, words);
    ev.emplace_back(threads - 1, "USER ASSERT FAILED (assertion: x)");
    const vt::trace t = vt::parse(make_trace(ev));
    EXPECT_EQ(t.test_display, "wide");
    for (const unsigned width : {80u, 100u, 140u}) {
      vt::text_options o;
      o.width = width;
      const std::string text = vt::render_text(t, o);
      std::istringstream lines(text);
      std::string line;
      std::getline(lines, line);  // the summary
      while (std::getline(lines, line)) EXPECT_LE(line.size(), width) << line;
      EXPECT_NE(text.find("| thread " + std::to_string(threads - 1)), std::string::npos)
          << "no lanes at width " << width << ":\n"
          << text;
      const std::string lane = without_spaces(lane_text(text, threads - 1));
      EXPECT_NE(lane.find(without_spaces(words) + "m.cpp:" + std::to_string(10 + threads)),
                std::string::npos)
          << threads << " threads, width " << width << ":\n"
          << text;
      EXPECT_EQ(text.find('~'), std::string::npos) << text;
    }
  }
}

// Too many threads for lanes: one row per event, still wrapped, not cut.
TEST(Text, ManyThreadsOneRowPerEvent) {
  std::vector<std::pair<unsigned, std::string>> ev;
  for (unsigned th = 0; th < 8; ++th) ev.emplace_back(th, "thread " + std::to_string(th));
  ev.emplace_back(7, std::string(150, 'w'));
  ev.emplace_back(7, "USER ASSERT FAILED (assertion: x)");
  const vt::trace t = vt::parse(make_trace(ev));
  vt::text_options o;
  o.width = 80;
  const std::string text = vt::render_text(t, o);
  EXPECT_NE(text.find("8 threads do not fit side by side"), std::string::npos) << text;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  std::size_t ws = 0;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 80u) << line;
    ws += static_cast<std::size_t>(std::count(line.begin(), line.end(), 'w'));
  }
  EXPECT_GE(ws, 150u);
  // Out-of-range widths are clamped.
  o.width = 10;
  EXPECT_EQ(vt::render_text(t, o), text);
  o.width = 100000;
  vt::text_options widest;
  widest.width = vt::max_text_width;
  EXPECT_EQ(vt::render_text(t, o), vt::render_text(t, widest));
}

}  // namespace

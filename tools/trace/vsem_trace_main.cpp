// vsem-trace: reads a Relacy trace written by vsem-verify (<out>/<run>.trace.txt)
// and shows what went wrong: a summary sentence and a per-thread swimlane view
// in the terminal, or the structured trace as JSON, or a self-contained HTML page.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <sys/ioctl.h>
#include <unistd.h>

#include "trace.hpp"

namespace {

constexpr const char* usage =
    "usage: vsem-trace [--all] [--width N] FILE\n"
    "       vsem-trace --json FILE [-o OUT]\n"
    "       vsem-trace --html FILE -o OUT.html\n"
    "\n"
    "Reads the raw Relacy trace of a failing run (what vsem-verify writes to\n"
    "<out>/<run>.trace.txt) and explains it.\n"
    "\n"
    "  (default)      the summary sentence, then a swimlane view: one column per\n"
    "                 thread, one row per event in global order, each cell\n"
    "                 'kind value order file:line'; '>>' marks the failing event,\n"
    "                 '*' the accesses that conflict with it.\n"
    "  --all          also show Relacy-internal events ([CTOR BEGIN], frames in\n"
    "                 relacy/*.hpp), which are folded away by default\n"
    "  --width N      width of the swimlane view, 100..160 (default: $COLUMNS, else the\n"
    "                 terminal's width, else 140; always clamped to 100..160)\n"
    "  --json         the structured trace as JSON (to stdout, or to OUT with -o)\n"
    "  --html         a self-contained HTML page (no network), written to OUT\n"
    "  -o, --output   output file for --json / --html\n"
    "  -h, --help     this text\n"
    "\n"
    "Exit status: 0 on success, 1 on an output error, 2 on bad usage or a\n"
    "malformed trace (the message names the line).\n";

int bad_usage(const std::string& message) {
  std::fprintf(stderr, "vsem-trace: %s\n(run vsem-trace --help for usage)\n", message.c_str());
  return 2;
}

bool write_file(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  return static_cast<bool>(out);
}

std::optional<unsigned> parse_width(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  unsigned v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  enum class mode { text, json, html } m = mode::text;
  bool all = false;
  std::optional<unsigned> width;
  std::string file;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(usage, stdout);
      return 0;
    } else if (a == "--all") {
      all = true;
    } else if (a == "--json") {
      m = mode::json;
    } else if (a == "--html") {
      m = mode::html;
    } else if (a == "-o" || a == "--output") {
      if (i + 1 >= argc) return bad_usage(std::string(a) + " needs a file name");
      output = argv[++i];
    } else if (a == "--width") {
      if (i + 1 >= argc) return bad_usage("--width needs a number");
      width = parse_width(argv[++i]);
      if (!width || *width < 100 || *width > 160) return bad_usage("--width must be 100..160");
    } else if (a.size() > 1 && a[0] == '-') {
      return bad_usage("unknown option " + std::string(a));
    } else if (file.empty()) {
      file = a;
    } else {
      return bad_usage("more than one input file");
    }
  }
  if (file.empty()) return bad_usage("no trace file given");
  if (m == mode::html && output.empty()) return bad_usage("--html needs -o OUT.html");
  if (m == mode::text && !output.empty()) return bad_usage("-o is for --json and --html");

  vsem::trace::trace t;
  try {
    t = vsem::trace::parse_file(file);
  } catch (const vsem::trace::parse_error& e) {
    std::fprintf(stderr, "vsem-trace: %s: %s\n", file.c_str(), e.what());
    return 2;
  }

  switch (m) {
    case mode::text: {
      vsem::trace::text_options o;
      o.show_internal = all;
      if (width) {
        o.width = *width;
      } else if (const char* cols = std::getenv("COLUMNS")) {
        if (const auto w = parse_width(cols)) o.width = *w;  // clamped to 100..160
      } else if (winsize ws{}; isatty(STDOUT_FILENO) &&
                               ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        o.width = ws.ws_col;  // clamped to 100..160
      }
      std::fputs(vsem::trace::render_text(t, o).c_str(), stdout);
      return std::fflush(stdout) == 0 ? 0 : 1;
    }
    case mode::json: {
      const std::string j = vsem::trace::to_json(t);
      if (output.empty()) {
        std::fwrite(j.data(), 1, j.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
      }
      if (!write_file(output, j)) {
        std::fprintf(stderr, "vsem-trace: cannot write %s\n", output.c_str());
        return 1;
      }
      return 0;
    }
    case mode::html: {
      if (!write_file(output, vsem::trace::render_html(t, file))) {
        std::fprintf(stderr, "vsem-trace: cannot write %s\n", output.c_str());
        return 1;
      }
      std::printf("%s\nwrote %s\n", t.summary.c_str(), output.c_str());
      return 0;
    }
  }
  return 0;
}

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
    "usage: vsem-trace [--all] [--width N] [--sources DIR | --no-sources] FILE\n"
    "       vsem-trace --json [--sources DIR | --no-sources] FILE [-o OUT]\n"
    "       vsem-trace --html [--sources DIR | --no-sources] FILE -o OUT.html\n"
    "\n"
    "Reads the trace of a failing run and explains it. FILE is what vsem-verify\n"
    "writes for it: the raw Relacy trace <out>/<run>.trace.txt, or the structured\n"
    "trace <out>/<run>.trace.json; '-' reads standard input (either form, told\n"
    "apart by the content). Relacy's progress lines ('3% (65536/2000000)') in a\n"
    "raw trace are skipped, and so are passing runs before the failing one.\n"
    "\n"
    "  (default)      the summary sentence, then a swimlane view: one column per\n"
    "                 thread, one row per event in global order, each cell\n"
    "                 'kind value order file:line'; '>>' marks the failing event,\n"
    "                 '*' the accesses that conflict with it.\n"
    "  --all          also show Relacy-internal events ([CTOR BEGIN], frames in\n"
    "                 relacy/*.hpp), which are folded away by default\n"
    "  --width N      the width of the text output in columns, N in 80..250 (other\n"
    "                 values are an error); every line fits in it but the first\n"
    "                 (the summary sentence, one line for scripts): an event's text\n"
    "                 wraps inside its lane, nothing is cut. Without --width: $COLUMNS\n"
    "                 when it is a number, else the terminal's width when standard\n"
    "                 output is a terminal, else 140; that default is clamped to 80..250\n"
    "  --json         the structured trace as JSON (to stdout, or to OUT with -o)\n"
    "  --html         a self-contained HTML page (no network), written to OUT: the\n"
    "                 summary, a 'What happened' story (the events that explain the\n"
    "                 failure), the lanes; it opens scrolled to the failing event\n"
    "  --sources DIR  read the source files from DIR (a checkout of the sources the\n"
    "                 trace was made from) rather than from where the trace names\n"
    "                 them; by default they are read from there, to name objects\n"
    "                 ('slot_' for 'slot_.store(item);'): the summary, the story and\n"
    "                 the lanes use these names ('state_@2' when two objects share\n"
    "                 one), and an object with none keeps its address or '@N'. A\n"
    "                 missing or unreadable file names nothing; it is no error\n"
    "  --no-sources   read no source file: objects are '@N' and addresses only\n"
    "  -o, --output   output file for --json / --html\n"
    "  -h, --help     this text\n"
    "\n"
    "When FILE holds only the output of passing runs (the test name, then\n"
    "'iterations: N', 'total time: T', 'throughput: X'), there is nothing to\n"
    "explain: vsem-trace prints 'FILE: no counterexample in this file: test NAME\n"
    "(N iterations) passed' (to standard error when the JSON goes to standard\n"
    "output), writes no output file and exits with 0.\n"
    "\n"
    "Exit status: 0 on success (and for a passing run), 1 on an output error,\n"
    "2 on bad usage or a malformed trace (the message names the line).\n";

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
  if (s.empty() || s.size() > 9) return std::nullopt;  // no overflow
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
  vsem::trace::parse_options options;
  options.read_sources = true;
  bool sources_given = false;
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
    } else if (a == "--sources" || a == "--no-sources") {
      if (sources_given) return bad_usage("--sources or --no-sources given twice");
      sources_given = true;
      if (a == "--no-sources") {
        options.read_sources = false;
        continue;
      }
      if (i + 1 >= argc || argv[i + 1][0] == '\0') return bad_usage("--sources needs a directory");
      options.source_dir = argv[++i];
    } else if (a == "--width") {
      if (i + 1 >= argc) return bad_usage("--width needs a number");
      width = parse_width(argv[++i]);
      if (!width || *width < vsem::trace::min_text_width || *width > vsem::trace::max_text_width) {
        return bad_usage("--width must be a number in 80..250");
      }
    } else if (a.size() > 1 && a[0] == '-') {  // "-" alone is standard input
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

  const bool from_stdin = file == "-";
  const std::string name = from_stdin ? "<stdin>" : file;
  vsem::trace::trace t;
  try {
    t = from_stdin ? vsem::trace::parse_stream(std::cin, name, options)
                   : vsem::trace::parse_file(file, options);
  } catch (const vsem::trace::passing_run& e) {
    std::FILE* to = m == mode::json && output.empty() ? stderr : stdout;
    std::fprintf(to, "%s: %s\n", name.c_str(), e.what());
    return std::fflush(to) == 0 ? 0 : 1;
  } catch (const vsem::trace::parse_error& e) {
    std::fprintf(stderr, "vsem-trace: %s: %s\n", name.c_str(), e.what());
    return 2;
  }

  switch (m) {
    case mode::text: {
      vsem::trace::text_options o;
      o.show_internal = all;
      // render_text() clamps the defaults to min_text_width..max_text_width.
      const char* cols = std::getenv("COLUMNS");
      const auto columns = cols != nullptr ? parse_width(cols) : std::nullopt;
      if (width) {
        o.width = *width;
      } else if (columns) {
        o.width = *columns;
      } else if (winsize ws{}; isatty(STDOUT_FILENO) &&
                               ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        o.width = ws.ws_col;
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
      if (!write_file(output, vsem::trace::render_html(t, from_stdin ? "standard input" : file))) {
        std::fprintf(stderr, "vsem-trace: cannot write %s\n", output.c_str());
        return 1;
      }
      std::printf("%s\nwrote %s\n", t.summary.c_str(), output.c_str());
      return 0;
    }
  }
  return 0;
}

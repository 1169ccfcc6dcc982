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

enum class mode { text, json, html };

// What the command line asks for.
struct command_line {
  mode m = mode::text;
  bool all = false;
  std::optional<unsigned> width;
  std::string file;
  std::string output;
  vsem::trace::parse_options options{.read_sources = true, .source_dir = {}};
  bool sources_given = false;
};

// Reads the options into c. Returns the exit status to stop with (after
// --help, or a bad option), or nothing to go on.
std::optional<int> read_options(int argc, char** argv, command_line& c) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(usage, stdout);
      return 0;
    } else if (a == "--all") {
      c.all = true;
    } else if (a == "--json") {
      c.m = mode::json;
    } else if (a == "--html") {
      c.m = mode::html;
    } else if (a == "-o" || a == "--output") {
      if (i + 1 >= argc) return bad_usage(std::string(a) + " needs a file name");
      c.output = argv[++i];
    } else if (a == "--sources" || a == "--no-sources") {
      if (c.sources_given) return bad_usage("--sources or --no-sources given twice");
      c.sources_given = true;
      if (a == "--no-sources") {
        c.options.read_sources = false;
        continue;
      }
      if (i + 1 >= argc || argv[i + 1][0] == '\0') return bad_usage("--sources needs a directory");
      c.options.source_dir = argv[++i];
    } else if (a == "--width") {
      if (i + 1 >= argc) return bad_usage("--width needs a number");
      c.width = parse_width(argv[++i]);
      if (!c.width || *c.width < vsem::trace::min_text_width ||
          *c.width > vsem::trace::max_text_width) {
        return bad_usage("--width must be a number in 80..250");
      }
    } else if (a.size() > 1 && a[0] == '-') {  // "-" alone is standard input
      return bad_usage("unknown option " + std::string(a));
    } else if (c.file.empty()) {
      c.file = a;
    } else {
      return bad_usage("more than one input file");
    }
  }
  return std::nullopt;
}

// The whole command line: the options, then the checks that need all of them.
// Returns the exit status to stop with, or nothing to go on.
std::optional<int> parse_command_line(int argc, char** argv, command_line& c) {
  if (const auto stop = read_options(argc, argv, c)) return stop;
  if (c.file.empty()) return bad_usage("no trace file given");
  if (c.m == mode::html && c.output.empty()) return bad_usage("--html needs -o OUT.html");
  if (c.m == mode::text && !c.output.empty()) return bad_usage("-o is for --json and --html");
  return std::nullopt;
}

// Parses the trace file (or standard input) into t. Returns the exit status
// to stop with (a passing run, or a malformed trace), or nothing to go on.
std::optional<int> read_trace(const command_line& c, const std::string& name,
                              vsem::trace::trace& t) {
  try {
    t = c.file == "-" ? vsem::trace::parse_stream(std::cin, name, c.options)
                      : vsem::trace::parse_file(c.file, c.options);
  } catch (const vsem::trace::passing_run& e) {
    std::FILE* to = c.m == mode::json && c.output.empty() ? stderr : stdout;
    std::fprintf(to, "%s: %s\n", name.c_str(), e.what());
    return std::fflush(to) == 0 ? 0 : 1;
  } catch (const vsem::trace::parse_error& e) {
    std::fprintf(stderr, "vsem-trace: %s: %s\n", name.c_str(), e.what());
    return 2;
  }
  return std::nullopt;
}

// The default output: the summary and the swimlanes on standard output, as
// wide as --width, else $COLUMNS, else the terminal (render_text() clamps the
// defaults to min_text_width..max_text_width).
int write_text(const command_line& c, const vsem::trace::trace& t) {
  vsem::trace::text_options o;
  o.show_internal = c.all;
  const char* cols = std::getenv("COLUMNS");
  const auto columns = cols != nullptr ? parse_width(cols) : std::nullopt;
  if (c.width) {
    o.width = *c.width;
  } else if (columns) {
    o.width = *columns;
  } else if (winsize ws{};
             isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    o.width = ws.ws_col;
  }
  std::fputs(vsem::trace::render_text(t, o).c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// --json: the structured trace on standard output, or in -o OUT.
int write_json(const command_line& c, const vsem::trace::trace& t) {
  const std::string j = vsem::trace::to_json(t);
  if (c.output.empty()) {
    std::fwrite(j.data(), 1, j.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (!write_file(c.output, j)) {
    std::fprintf(stderr, "vsem-trace: cannot write %s\n", c.output.c_str());
    return 1;
  }
  return 0;
}

// --html: the page in -o OUT.html, then the summary and where it went.
int write_html(const command_line& c, const vsem::trace::trace& t) {
  const bool from_stdin = c.file == "-";
  if (!write_file(c.output, vsem::trace::render_html(t, from_stdin ? "standard input" : c.file))) {
    std::fprintf(stderr, "vsem-trace: cannot write %s\n", c.output.c_str());
    return 1;
  }
  std::printf("%s\nwrote %s\n", t.summary.c_str(), c.output.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  command_line c;
  if (const auto stop = parse_command_line(argc, argv, c)) return *stop;

  const std::string name = c.file == "-" ? "<stdin>" : c.file;
  vsem::trace::trace t;
  if (const auto stop = read_trace(c, name, t)) return *stop;

  switch (c.m) {
    case mode::text:
      return write_text(c, t);
    case mode::json:
      return write_json(c, t);
    case mode::html:
      return write_html(c, t);
  }
  return 0;
}

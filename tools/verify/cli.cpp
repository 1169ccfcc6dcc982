// tools/verify/cli.cpp: the runner's command line.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runner.hpp"
#include "schedule.hpp"

namespace vsem::verify {
namespace {

void usage(std::FILE* f) {
  std::fputs(
      "usage: vsem-verify [list [--porcelain]] [options] [NAME-GLOB...]\n"
      "\n"
      "Runs the Relacy model runs registered in this program (all of the CI tier by\n"
      "default); vsem-verify holds vsem's own, a program built with vsem_add_model the\n"
      "user's. Exit status 0 only when every selected run met its expectation.\n"
      "  list                 list the runs that would be selected, and exit\n"
      "  --porcelain          (with list) one line a run: NAME<TAB>ci|deep<TAB>pass|fail\n"
      "  NAME-GLOB            select runs whose name matches (fnmatch), e.g. 'handoff*'\n"
      "  --run NAME           select the run called NAME exactly (repeatable)\n"
      "  --deep               include the deep tier (bigger configurations, higher bounds)\n"
      "  --models             only runs that must pass\n"
      "  --mutants            the mutant catalogue: each of vsem's mutations against the\n"
      "                       suite (globs then select mutations); prints per mutant the\n"
      "                       run that killed it, the failure, trace length, fewest\n"
      "                       preemptions\n"
      "  --order-sensitivity  weaken each atomic call site the models reach one step at a\n"
      "                       time and report which orderings a model shows needed; each\n"
      "                       site is tried against the model runs that reach it, except\n"
      "                       (without --deep) the runs named by VSEM_SKIP_IN_ORDER_PASS\n"
      "  --sites-under TEXT   (with --order-sensitivity) only the call sites whose file path\n"
      "                       contains TEXT (default: every site outside vsem/model/)\n"
      "  --replay FILE        re-run a saved failing schedule (<out>/<run>.schedule, or\n"
      "                       <run>.simplest.schedule) and print its trace as vsem-trace\n"
      "                       does; the trace is saved next to FILE (<run>.replay.trace.txt,\n"
      "                       or in --out). Status 0 it failed again, 1 it did not, 2 FILE\n"
      "                       is no valid schedule of a registered run\n"
      "  --scheduler S        override the search: full | bound | random\n"
      "  --bound K            context bound for --scheduler bound (default 2; 0..64)\n"
      "  --iterations N       iterations for --scheduler random (default 100000;\n"
      "                       1..1000000000000)\n"
      "  --offset N           start the random scheduler at iteration N (0..1000000000000)\n"
      "  --spurious on|off    override spurious futex wakeups\n"
      "  --time-limit S       stop a simulation after S seconds (1..1000000): the run is\n"
      "                       reported TIME LIMIT and the reports are still written\n"
      "  --out DIR            where traces and schedules go (default verify-results)\n"
      "  --junit FILE         write JUnit XML\n"
      "  --json FILE          write a JSON report\n"
      "  --shard I/N          run only the I-th (0-based) of N parts of the selection\n"
      "                       (0 <= I < N <= 10000)\n"
      "  --no-progress        no progress lines\n"
      "  -h, --help           this text\n",
      f);
}

// The ranges usage() states.
static_assert(max_bound == 64 && max_iterations == 1'000'000'000'000 &&
                  max_offset == 1'000'000'000'000 && max_shards == 10'000,
              "update the ranges in usage()");

}  // namespace

bool parse(int argc, char** argv, cli& c) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "vsem-verify: %s needs a value\n", what);
        std::exit(2);
      }
      return argv[++i];
    };
    // A numeric option's value: digits only, in [lo, hi]; anything else ends
    // the program with status 2 and the accepted range.
    auto number = [&](const char* what, std::uint64_t lo, std::uint64_t hi) -> std::uint64_t {
      std::string error;
      const auto v = parse_number(value(what), lo, hi, error);
      if (!v) {
        std::fprintf(stderr, "vsem-verify: %s: %s\n", what, error.c_str());
        std::exit(2);
      }
      return *v;
    };
    if (a == "list" && i == 1) {
      c.list = true;
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      std::exit(0);
    } else if (a == "--deep") {
      c.deep = true;
    } else if (a == "--models") {
      c.which = cli::models_only;
    } else if (a == "--mutants") {
      c.which = cli::mutants_only;
    } else if (a == "--scheduler") {
      const std::string s = value("--scheduler");
      c.override_search = true;
      if (s == "full")
        c.how.kind = search_kind::full;
      else if (s == "bound")
        c.how.kind = search_kind::bound;
      else if (s == "random")
        c.how.kind = search_kind::random;
      else {
        std::fprintf(stderr, "vsem-verify: unknown scheduler '%s' (full, bound, random)\n",
                     s.c_str());
        return false;
      }
    } else if (a == "--bound") {
      c.how.bound = static_cast<unsigned>(number("--bound", 0, max_bound));
      c.have_bound = true;
    } else if (a == "--iterations") {
      c.how.iterations = number("--iterations", 1, max_iterations);
      c.have_iterations = true;
    } else if (a == "--offset") {
      c.offset = number("--offset", 0, max_offset);
    } else if (a == "--spurious") {
      const std::string s = value("--spurious");
      if (s != "on" && s != "off") {
        std::fprintf(stderr, "vsem-verify: --spurious: expected on or off, got '%s'\n", s.c_str());
        return false;
      }
      c.how.spurious_wakeups = s == "on";
      c.have_spurious = true;
    } else if (a == "--out") {
      c.out_dir = value("--out");
      c.out_given = true;
    } else if (a == "--junit") {
      c.junit = value("--junit");
    } else if (a == "--json") {
      c.json = value("--json");
    } else if (a == "--shard") {
      const std::string s = value("--shard");
      const std::size_t slash = s.find('/');
      std::string error;
      const auto n1 =
          slash == std::string::npos
              ? std::nullopt
              : parse_number(std::string_view(s).substr(slash + 1), 1, max_shards, error);
      const auto i1 =
          n1 ? parse_number(std::string_view(s).substr(0, slash), 0, *n1 - 1, error) : std::nullopt;
      if (!i1) {
        std::fprintf(stderr,
                     "vsem-verify: --shard: expected I/N, whole numbers with 0 <= I < N <= %llu, "
                     "got '%s'\n",
                     static_cast<unsigned long long>(max_shards), s.c_str());
        return false;
      }
      c.shard_index = static_cast<unsigned>(*i1);
      c.shard_count = static_cast<unsigned>(*n1);
    } else if (a == "--order-sensitivity") {
      c.order_sensitivity = true;
    } else if (a == "--replay") {
      c.replay_file = value("--replay");
    } else if (a == "--porcelain") {
      c.porcelain = true;
    } else if (a == "--run") {
      c.exact.push_back(value("--run"));
    } else if (a == "--sites-under") {
      c.sites_under = value("--sites-under");
    } else if (a == "--time-limit") {
      c.time_limit = static_cast<unsigned>(number("--time-limit", 1, 1'000'000));
    } else if (a == "--no-progress") {
      c.quiet_progress = true;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "vsem-verify: unknown option '%s' (vsem-verify --help lists them)\n",
                   a.c_str());
      return false;
    } else {
      c.globs.push_back(a);
    }
  }
  return true;
}

std::string describe(const search& s) {
  switch (s.kind) {
    case search_kind::full:
      return "full";
    case search_kind::bound:
      return "bound " + std::to_string(s.bound);
    case search_kind::random:
      return "random " + std::to_string(s.iterations);
  }
  return "?";
}

search effective_search(const run& r, const cli& c) {
  search how = r.how;
  if (c.override_search) {
    how.kind = c.how.kind;
    how.bound = c.have_bound ? c.how.bound : 2;
    how.iterations = c.have_iterations ? c.how.iterations : 100000;
  } else {
    if (c.have_bound && how.kind == search_kind::bound) how.bound = c.how.bound;
    if (c.have_iterations && how.kind == search_kind::random) how.iterations = c.how.iterations;
  }
  if (c.have_spurious) how.spurious_wakeups = c.how.spurious_wakeups;
  return how;
}

}  // namespace vsem::verify

// tools/verify/cli.cpp: the runner's command line.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

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
      "  --engine E           relacy (default) | genmc: run the same runs on GenMC (RC11,\n"
      "                       every execution once, no bound): each run's model source is\n"
      "                       compiled by clang++-16 and checked by genmc; with --mutants,\n"
      "                       the catalogue on GenMC; with --order-sensitivity, each site\n"
      "                       weakened and checked under RC11\n"
      "  --baseline FILE      (--engine genmc --order-sensitivity) the JSON report of an\n"
      "                       earlier --engine genmc run: its executions order the\n"
      "                       candidate runs, and its runs are not checked again\n"
      "  --genmc DIR          GenMC's install prefix (DIR/bin/genmc, DIR/include); default\n"
      "                       $VSEM_GENMC, else the one this runner was configured with\n"
      "  -h, --help           this text\n",
      f);
}

// The ranges usage() states.
static_assert(max_bound == 64 && max_iterations == 1'000'000'000'000 &&
                  max_offset == 1'000'000'000'000 && max_shards == 10'000,
              "update the ranges in usage()");

// The flags that take no value; --help, --models and --mutants into the
// variables given (parse() applies them after parsing).
void add_flags(CLI::App& app, cli& c, bool& help, bool& models, bool& mutants) {
  app.add_flag("-h,--help", help);
  app.add_flag("--deep", c.deep);
  app.add_flag("--models", models);
  app.add_flag("--mutants", mutants);
  app.add_flag("--porcelain", c.porcelain);
  app.add_flag("--order-sensitivity", c.order_sensitivity);
  app.add_flag("--no-progress", c.quiet_progress);
}

// An option `name` whose value is a whole number in lo..hi, read by the
// schedule files' reader (parse_number()) and handed to set.
template <typename Set>
void add_number(CLI::App& app, const char* name, std::uint64_t lo, std::uint64_t hi, Set set) {
  app.add_option_function<std::string>(name, [=](const std::string& v) {
    std::string error;
    const auto n = parse_number(v, lo, hi, error);
    if (!n) throw CLI::ValidationError(name, error);
    set(*n);
  });
}

// The numeric options: --bound, --iterations, --offset, --time-limit.
void add_numbers(CLI::App& app, cli& c) {
  add_number(app, "--bound", 0, max_bound, [&c](std::uint64_t n) {
    c.how.bound = static_cast<unsigned>(n);
    c.have_bound = true;
  });
  add_number(app, "--iterations", 1, max_iterations, [&c](std::uint64_t n) {
    c.how.iterations = n;
    c.have_iterations = true;
  });
  add_number(app, "--offset", 0, max_offset, [&c](std::uint64_t n) { c.offset = n; });
  add_number(app, "--time-limit", 1, 1'000'000,
             [&c](std::uint64_t n) { c.time_limit = static_cast<unsigned>(n); });
}

// --scheduler and --spurious: the search overrides that are words.
void add_search_words(CLI::App& app, cli& c) {
  app.add_option_function<std::string>("--scheduler", [&c](const std::string& s) {
    if (s == "full") {
      c.how.kind = search_kind::full;
    } else if (s == "bound") {
      c.how.kind = search_kind::bound;
    } else if (s == "random") {
      c.how.kind = search_kind::random;
    } else {
      throw CLI::ValidationError("--scheduler",
                                 "unknown scheduler '" + s + "' (full, bound, random)");
    }
    c.override_search = true;
  });
  app.add_option_function<std::string>("--spurious", [&c](const std::string& s) {
    if (s != "on" && s != "off") {
      throw CLI::ValidationError("--spurious", "expected on or off, got '" + s + "'");
    }
    c.how.spurious_wakeups = s == "on";
    c.have_spurious = true;
  });
}

// --shard I/N: whole numbers with 0 <= I < N <= max_shards.
void add_shard(CLI::App& app, cli& c) {
  app.add_option_function<std::string>("--shard", [&c](const std::string& s) {
    const std::size_t slash = s.find('/');
    std::string error;
    const auto n1 = slash == std::string::npos
                        ? std::nullopt
                        : parse_number(std::string_view(s).substr(slash + 1), 1, max_shards, error);
    const auto i1 =
        n1 ? parse_number(std::string_view(s).substr(0, slash), 0, *n1 - 1, error) : std::nullopt;
    if (!i1) {
      throw CLI::ValidationError("--shard", "expected I/N, whole numbers with 0 <= I < N <= " +
                                                std::to_string(max_shards) + ", got '" + s + "'");
    }
    c.shard_index = static_cast<unsigned>(*i1);
    c.shard_count = static_cast<unsigned>(*n1);
  });
}

// The options that name files and directories, --engine, --run and the
// positional words (`list`, then the NAME-GLOBs).
void add_files_and_selection(CLI::App& app, cli& c) {
  app.add_option_function<std::string>("--out", [&c](const std::string& s) {
    c.out_dir = s;
    c.out_given = true;
  });
  app.add_option("--junit", c.junit);
  app.add_option("--json", c.json);
  app.add_option("--replay", c.replay_file);
  app.add_option("--sites-under", c.sites_under);
  app.add_option("--genmc", c.genmc_prefix);
  app.add_option("--baseline", c.baseline);
  app.add_option_function<std::string>("--engine", [&c](const std::string& s) {
    if (s != "relacy" && s != "genmc") {
      throw CLI::ValidationError("--engine", "unknown engine '" + s + "' (relacy, genmc)");
    }
    c.genmc = s == "genmc";
  });
  app.add_option("--run", c.exact)
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("globs", c.globs);  // `list` first, then NAME-GLOBs
}

// The one line that says what is wrong with the command line, from CLI11's
// error.
void report_parse_error(const CLI::ParseError& e) {
  std::string what = e.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    what = what.substr(0, what.find(':')) + " needs a value";
  } else if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    // "The following argument(s) were not expected: --a --b"
    what =
        "unknown option '" + what.substr(what.find(": ") + 2) + "' (vsem-verify --help lists them)";
  }
  std::fprintf(stderr, "vsem-verify: %s\n", what.c_str());
}

}  // namespace

bool parse(int argc, char** argv, cli& c) {
  // CLI11 parses; the values are checked here, so that every bad one gets one
  // line that names the option and what it accepts (numbers: digits only, in
  // the range usage() states, by the same reader as schedule files). CLI11
  // runs the options' checks in the order they are added.
  CLI::App app{"vsem-verify"};
  app.set_help_flag();  // usage() is the help
  bool help = false, models = false, mutants = false;
  add_flags(app, c, help, models, mutants);
  add_numbers(app, c);
  add_search_words(app, c);
  add_shard(app, c);
  add_files_and_selection(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    report_parse_error(e);
    return false;
  }
  if (help) {
    usage(stdout);
    std::exit(0);
  }
  if (!c.globs.empty() && c.globs.front() == "list" && argc > 1 &&
      std::string_view(argv[1]) == "list") {
    c.list = true;
    c.globs.erase(c.globs.begin());
  }
  if (mutants) {
    c.which = cli::mutants_only;
  } else if (models) {
    c.which = cli::models_only;
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

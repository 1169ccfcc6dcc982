// tools/verify/genmc.cpp: `--engine genmc`, the registered runs on GenMC.
//
// GenMC checks a program compiled to LLVM IR under RC11, visiting every
// consistent execution once (optimal dynamic partial-order reduction), with
// no bound. A run's model is the same source Relacy checks: the model file is
// compiled with -DVSEM_ENGINE_GENMC (so vsem::engine is vsem::genmc and the
// registrations compile away) inside a two-line wrapper whose main() runs the
// run's model type (vsem::genmc::run<T>). Steps per run:
//   1. clang++-16 -O0 (optnone off) -S -emit-llvm, with the mutant, the spin
//      limit and the weakened site as -D definitions (vsem/genmc/platform.hpp),
//      -fno-exceptions, -fno-sized-deallocation (GenMC knows operator
//      delete(void*) only) and -mlong-double-64 (GenMC's interpreter has no
//      x87 80-bit arithmetic, which the deadline helpers of vsem/deadline.hpp
//      use for range checks; the models' durations are far inside a double's
//      exact range);
//   2. opt-16 -passes=sroa,instcombine,sroa: GenMC 0.11 cannot interpret a
//      memcpy of a small struct under LLVM 16's opaque pointers (a
//      std::source_location or a time_point passed by value); the passes turn
//      those stack copies into loads and stores and leave shared accesses
//      alone. With a weakened site (order sensitivity) also simplifycfg, which
//      merges the blocks that a compare-exchange with a run-time memory order
//      becomes: without it GenMC's function inliner produces invalid IR for
//      such a compare-exchange (an assertion in GenMC, no verdict). GenMC
//      cannot interpret the `freeze` instructions simplifycfg adds, so they
//      become no-op casts (freeze only matters for undef and poison values,
//      which these programs do not compute);
//   3. genmc -check-liveness --disable-spin-assume --disable-estimation
//      -input-from-bitcode-file: -check-liveness reports a thread blocked for
//      good in the futex model (the lost wakeup) as a liveness violation. The
//      futex model marks its wait loop for GenMC itself; GenMC's automatic
//      spin-assume transformation is off because it also takes
//      compare-exchange retry loops for spin loops and then reports a thread
//      that would retry and succeed as blocked (a false liveness violation).
// Runs that differ only in their Relacy search (bound, random, deep) are one
// GenMC check; a run with spurious wakeups is the same check too, since the
// GenMC platform does not model them (said in its line).
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "genmc.hpp"
#include "genmc_files.hpp"

#ifndef VSEM_VERIFY_GENMC_PREFIX
#define VSEM_VERIFY_GENMC_PREFIX ""
#endif
#ifndef VSEM_VERIFY_INCLUDE_DIRS
#define VSEM_VERIFY_INCLUDE_DIRS ""
#endif

namespace vsem::verify {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

bool file_exists(const std::string& p) {
  return std::ifstream(p).good();
}

// Runs a shell command; returns its exit status (128+signal when killed).
int shell(const std::string& cmd) {
  const int st = std::system(cmd.c_str());
  if (st == -1) return 127;
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

// GenMC's error line to the nearest Relacy failure kind.
rl::test_result_e kind_of(const std::string& e) {
  if (e.find("Liveness") != std::string::npos) return rl::test_result_deadlock;
  if (e.find("race") != std::string::npos) return rl::test_result_data_race;
  if (e.find("freed") != std::string::npos || e.find("after free") != std::string::npos)
    return rl::test_result_access_to_freed_memory;
  if (e.find("ouble free") != std::string::npos) return rl::test_result_double_free;
  if (e.find("uninitialized") != std::string::npos) return rl::test_result_unitialized_access;
  if (e.find("leak") != std::string::npos) return rl::test_result_memory_leak;
  return rl::test_result_user_assert_failed;  // safety (assertion) violations and the rest
}

}  // namespace

genmc_check run_genmc(const genmc_tools& t, const run& r, vsem::mutation m, const std::string& base,
                      unsigned time_limit, const weakened_site& weaken) {
  genmc_check k;
  k.report = base + ".genmc.txt";
  const std::string wrapper = base + ".genmc.cpp", ll = base + ".ll", opt_ll = base + ".opt.ll";
  std::ofstream(wrapper) << "// vsem-verify --engine genmc: run " << r.name << "\n"
                         << "#include \"" << r.source_file << "\"\n"
                         << "int main() { return vsem::genmc::run<" << r.model_type << ">(); }\n";
  std::string cc = quote(t.clang) +
                   " -std=c++20 -fno-exceptions -fno-sized-deallocation -mlong-double-64 -g "
                   "-Xclang -disable-O0-optnone -S -emit-llvm"
                   " -DVSEM_ENGINE_GENMC -DVSEM_CHECKS=1 -DVSEM_GENMC_MUTANT=" +
                   std::to_string(static_cast<int>(m)) +
                   " -DVSEM_GENMC_SPIN=" + std::to_string(r.how.spin_limit);
  if (weaken.line != 0) {
    cc += " " + quote("-DVSEM_GENMC_WEAKEN_FILE=\"" + weaken.file_tail + "\"") +
          " -DVSEM_GENMC_WEAKEN_LINE=" + std::to_string(weaken.line) +
          " -DVSEM_GENMC_WEAKEN_ORDER=" + std::to_string(static_cast<int>(weaken.order));
  }
  for (const auto& dir : t.includes) cc += " -I" + quote(dir);
  cc += " -idirafter " + quote(t.genmc_include) + " " + quote(wrapper) + " -o " + quote(ll);
  const auto t0 = clock_type::now();
  const std::string passes =
      weaken.line != 0 ? "sroa,instcombine,sroa,simplifycfg" : "sroa,instcombine,sroa";
  if (shell(cc + " >" + quote(k.report) + " 2>&1") != 0 ||
      shell(quote(t.opt) + " -passes=" + passes + " -S " + quote(ll) + " -o " + quote(opt_ll) +
            " >>" + quote(k.report) + " 2>&1") != 0 ||
      !unfreeze(opt_ll)) {
    k.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    return k;
  }
  k.compiled = true;
  std::string cmd =
      quote(t.genmc) +
      " -check-liveness --disable-spin-assume --disable-estimation -print-error-trace "
      "-input-from-bitcode-file " +
      quote(opt_ll);
  if (time_limit > 0) cmd = "timeout -s KILL " + std::to_string(time_limit) + " " + cmd;
  const auto t1 = clock_type::now();
  const int st = shell(cmd + " >" + quote(k.report) + " 2>&1");
  k.killed = time_limit > 0 && (st == 137 || st == 124);
  k.seconds = std::chrono::duration<double>(clock_type::now() - t1).count();
  std::ifstream in(k.report);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Error", 0) == 0 && !k.error) {
      k.error = true;
      k.error_text = line.substr(line.find(':') == std::string::npos ? 0 : line.find(':') + 2);
    }
    const auto number_after = [&line](const char* label, unsigned long& out) {
      if (line.rfind(label, 0) == 0)
        out = std::strtoul(line.c_str() + std::strlen(label), nullptr, 10);
    };
    number_after("Number of complete executions explored: ", k.executions);
    if (line.rfind("No errors were detected", 0) == 0) k.finished = true;
    if (k.checker_error.empty() &&
        (line.rfind("ERROR:", 0) == 0 || line.find("UNREACHABLE") != std::string::npos ||
         line.rfind("Unhandled", 0) == 0)) {
      k.checker_error = line;
    }
  }
  if (k.error && k.error_text.find("Mixed-size") != std::string::npos) {
    // GenMC rejects a program that reads a location with one size and writes it
    // with another, even a thread's own stack temporary: a limit of the checker,
    // not a property of the model, so no verdict.
    k.error = false;
    k.checker_error = "GenMC: " + k.error_text +
                      " (GenMC checks no program with mixed-size "
                      "accesses to one location; no verdict)";
  }
  if (k.error) {
    k.finished = true;
    k.kind = kind_of(k.error_text);
    k.where = where_it_failed(k.report);
    append_trace_context(k.report, r.name, opt_ll);  // for vsem-trace
    (void)structure_trace(k.report);                 // <base>.genmc.json, as for Relacy
  }
  if (st != 0 && !k.error) k.finished = false;  // killed at the time limit, or crashed
  std::remove(ll.c_str());
  return k;
}

// The skip entry of run r when --engine genmc leaves it out (not with --deep).
const genmc_skip* genmc_skipped(const run& r, const cli& c) {
  if (c.deep) return nullptr;
  std::string name = r.name;
  if (name.rfind("mutant/", 0) == 0) name = name.substr(name.find('@') + 1);
  for (const genmc_skip& s : genmc_skips()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// The identity of a GenMC check: runs with the same key are one check.
std::string genmc_key(const run& r, vsem::mutation m) {
  return r.source_file + "|" + r.model_type + "|" + std::to_string(static_cast<int>(m)) + "|" +
         std::to_string(r.how.spin_limit);
}

namespace {

outcome judge(const run& r, vsem::mutation m, const genmc_check& k) {
  outcome o;
  o.r = &r;
  o.how = full_search();
  o.engine = "genmc";
  o.iterations = k.executions;
  o.seconds = k.seconds;
  o.trace = k.report;
  o.result = k.error ? k.kind : rl::test_result_success;
  if (k.error) {
    o.summary =
        k.error_text.substr(0, k.error_text.find('!')) + (k.where.empty() ? "" : ": " + k.where);
  }
  const bool must_fail = r.must_fail() || m != r.mutant;
  if (!k.compiled) {
    o.verdict = "COMPILE ERROR";
    o.detail = "see " + k.report;
    o.ok = false;
  } else if (!k.finished && !k.killed) {
    o.verdict = "CHECKER ERROR";
    o.detail = k.checker_error.empty() ? "genmc stopped without a verdict" : k.checker_error;
    o.ok = false;
  } else if (!k.finished) {
    o.verdict = "TIME LIMIT";
    o.detail = "GenMC did not finish; no verdict";
    o.ok = false;
  } else if (!must_fail) {
    o.ok = !k.error;
    o.verdict = o.ok ? "PASS" : "FAIL";
    o.detail = k.error ? k.error_text : "";
  } else {
    o.ok = k.error;
    o.verdict = k.error ? "CAUGHT" : "MISSED";
    if (k.error) {
      o.detail = k.error_text;
      if (k.kind != r.expected && r.expected != rl::test_result_success)
        o.detail += std::string(" (Relacy: ") + rl::test_result_str(r.expected) + ")";
    }
  }
  return o;
}

}  // namespace

bool find_genmc_tools(const cli& c, genmc_tools& t) {
  std::string prefix = c.genmc_prefix;
  if (prefix.empty()) prefix = env_or("VSEM_GENMC", VSEM_VERIFY_GENMC_PREFIX);
  t.genmc = prefix + "/bin/genmc";
  t.genmc_include = prefix + "/include";
  t.clang = env_or("VSEM_GENMC_CLANG", t.clang);
  t.opt = env_or("VSEM_GENMC_OPT", t.opt);
  t.includes = split(env_or("VSEM_GENMC_INCLUDES", VSEM_VERIFY_INCLUDE_DIRS), ':');
  if (prefix.empty() || !file_exists(t.genmc) || !file_exists(t.genmc_include + "/genmc.h")) {
    std::fprintf(stderr,
                 "vsem-verify: GenMC not found%s%s; build it with ci/genmc.sh and pass its "
                 "prefix with --genmc DIR (or $VSEM_GENMC)\n",
                 prefix.empty() ? "" : " under ", prefix.c_str());
    return false;
  }
  return true;
}

namespace {

void print_line(const outcome& o, const std::string& name) {
  std::printf("%-44s %-13s %11lu %8.2f  %s%s%s\n", name.c_str(), "rc11-all", o.iterations,
              o.seconds, o.ok ? "" : "UNEXPECTED ", o.verdict.c_str(),
              o.detail.empty() ? "" : (" (" + o.detail + ")").c_str());
  if (!o.summary.empty() && (!o.ok || o.r->must_fail()))
    std::printf("    GenMC: %s\n", o.summary.c_str());
  if (!o.ok || o.r->must_fail()) std::printf("    GenMC report: %s\n", o.trace.c_str());
  std::fflush(stdout);
}

int genmc_mutants(const cli& c, const genmc_tools& t, const std::vector<const run*>& models,
                  std::vector<outcome>& results) {
  std::printf("%-30s %-44s %-32s %11s %s\n", "MUTANT", "KILLED BY", "GENMC ERROR", "EXECUTIONS",
              "VERDICT");
  int missed = 0;
  for (int i = 1; i < static_cast<int>(vsem::mutation::count_); ++i) {
    const auto m = static_cast<vsem::mutation>(i);
    bool matched = c.globs.empty();
    for (const auto& g : c.globs) matched = matched || g == vsem::name(m);
    if (!matched) continue;
    if (vsem::caught_by_clients_only(m)) {
      std::printf("%-30s %-44s %-32s %11s %s\n", vsem::name(m), "(generated clients)", "-", "-",
                  "CLIENTS ONLY: Relacy, vsem-lin-clients");
      continue;
    }
    std::vector<const run*> tries;
    for (const run& r : registry()) {
      if (r.mutant == m) tries.push_back(&r);
    }
    const bool designated = !tries.empty();
    if (!designated) tries = models;
    std::map<std::string, bool> seen;
    outcome killed;
    const genmc_skip* left_out = nullptr;
    bool tried = false;
    for (const run* r : tries) {
      if (const genmc_skip* skip = genmc_skipped(*r, c)) {
        left_out = skip;
        continue;
      }
      tried = true;
      if (seen[genmc_key(*r, m)]) continue;
      seen[genmc_key(*r, m)] = true;
      const std::string base = c.out_dir + "/" + sanitize(run_name_with(*r, m));
      const genmc_check k = run_genmc(t, *r, m, base, c.time_limit);
      outcome o = judge(*r, m, k);
      if (designated) results.push_back(o);
      if (k.error) {
        killed = o;
        break;
      }
    }
    if (killed.r == nullptr && !tried && left_out != nullptr) {
      std::printf("%-30s %-44s %-32s %11s %s\n", vsem::name(m), "-", "-", "-", "SKIPPED");
      std::printf("    its runs are left out of this tier: %s\n", left_out->reason.c_str());
      continue;
    }
    if (killed.r == nullptr) {
      ++missed;
      std::printf("%-30s %-44s %-32s %11s %s\n", vsem::name(m), "-", "-", "-",
                  "UNEXPECTED SURVIVED");
      continue;
    }
    std::string killer = killed.r->name;
    if (killer.rfind("mutant/", 0) == 0) killer = killer.substr(killer.find('@') + 1);
    // GenMC's error without its "!" (and without what judge() appended).
    const std::string error = killed.detail.substr(0, killed.detail.find('!'));
    std::printf("%-30s %-44s %-32s %11lu %s\n", vsem::name(m), killer.c_str(), error.c_str(),
                killed.iterations, designated ? "CAUGHT" : "KILLED");
    std::printf("    GenMC: %s; report %s\n",
                (killed.summary.empty() ? killed.detail : killed.summary).c_str(),
                killed.trace.c_str());
    std::fflush(stdout);
  }
  return missed;
}

// The selected runs that must pass.
std::vector<const run*> model_runs(const std::vector<const run*>& selected) {
  std::vector<const run*> models;
  for (const run* r : selected) {
    if (!r->must_fail()) models.push_back(r);
  }
  return models;
}

// --mutants on GenMC: the catalogue against the selected model runs, its
// summary and the reports (times from t0). Returns the exit status.
int genmc_mutant_pass(const cli& c, const genmc_tools& t, const std::vector<const run*>& selected,
                      clock_type::time_point t0) {
  std::vector<outcome> results;
  const int missed = genmc_mutants(c, t, model_runs(selected), results);
  const double total = std::chrono::duration<double>(clock_type::now() - t0).count();
  int bad = 0;
  for (const auto& o : results) bad += o.ok ? 0 : 1;
  std::printf(
      "\nsummary: %d mutation(s) survived on GenMC, %d designated run(s) missed, "
      "%.1f s\n",
      missed, bad, total);
  std::printf("%d passed, %d failed\n", static_cast<int>(vsem::mutation::count_) - 1 - missed,
              missed + bad);
  if (!c.junit.empty()) write_junit(c.junit, results, total);
  if (!c.json.empty()) write_json(c.json, results, total);
  return missed + bad == 0 ? 0 : 1;
}

// The number of names in VSEM_GENMC_SKIP that are no registered run (a line
// for each).
int bad_skip_names() {
  int bad_names = 0;
  for (const genmc_skip& skip : genmc_skips()) {
    if (registered_run(skip.name) == nullptr) {
      std::printf("VSEM_GENMC_SKIP names '%s', which is no run\n", skip.name.c_str());
      ++bad_names;
    }
  }
  return bad_names;
}

// The outcome of run r, which VSEM_GENMC_SKIP leaves out of this tier.
outcome skipped_outcome(const run* r, const genmc_skip& skip) {
  outcome o;
  o.r = r;
  o.how = full_search();
  o.engine = "genmc";
  o.ok = true;
  o.verdict = "SKIPPED";
  o.detail = skip.reason;
  return o;
}

// Checks each selected run on GenMC, a line each, into results: a run left out
// is SKIPPED, a run that is the same GenMC check as an earlier one gets its
// outcome. results must not reallocate (the earlier outcomes are pointed to).
void check_runs(const cli& c, const genmc_tools& t, const std::vector<const run*>& selected,
                std::vector<outcome>& results) {
  std::map<std::string, const outcome*> done;
  for (const run* r : selected) {
    const std::string key = genmc_key(*r, r->mutant);
    if (const genmc_skip* skip = genmc_skipped(*r, c)) {
      results.push_back(skipped_outcome(r, *skip));
      print_line(results.back(), r->name);
      continue;
    }
    const auto same = done.find(key);
    if (same != done.end()) {
      outcome o = *same->second;
      o.r = r;
      o.seconds = 0;
      o.detail = "same GenMC check as " + same->second->r->name +
                 (r->how.spurious_wakeups ? "; spurious wakeups: Relacy only" : "");
      results.push_back(o);
      print_line(results.back(), r->name);
      continue;
    }
    const genmc_check k =
        run_genmc(t, *r, r->mutant, c.out_dir + "/" + sanitize(r->name), c.time_limit);
    results.push_back(judge(*r, r->mutant, k));
    done[key] = &results.back();
    print_line(results.back(), r->name);
  }
}

// The summary of the runs checked on GenMC and the reports; the exit status
// (bad VSEM_GENMC_SKIP names count as failures).
int genmc_summary(const cli& c, const std::vector<outcome>& results, int bad_names, double total) {
  int bad = 0, passed = 0, models = 0, caught = 0, mutants = 0;
  for (const auto& o : results) {
    bad += o.ok ? 0 : 1;
    (o.r->must_fail() ? mutants : models) += 1;
    (o.r->must_fail() ? caught : passed) += o.ok ? 1 : 0;
  }
  std::printf("\nsummary (GenMC): %d/%d model runs passed, %d/%d mutants caught, %.1f s\n", passed,
              models, caught, mutants, total);
  std::printf("%d passed, %d failed\n", static_cast<int>(results.size()) - bad, bad + bad_names);
  if (!c.junit.empty()) write_junit(c.junit, results, total);
  if (!c.json.empty()) write_json(c.json, results, total);
  return bad + bad_names == 0 ? 0 : 1;
}

}  // namespace

int genmc_main(const cli& c, const std::vector<const run*>& selected) {
  if (!c.replay_file.empty()) {
    std::fprintf(stderr,
                 "vsem-verify: --engine genmc runs models, --mutants and --order-sensitivity\n");
    return 2;
  }
  genmc_tools t;
  if (!find_genmc_tools(c, t)) return 2;
  make_dirs(c.out_dir);
  std::printf(
      "vsem-verify %s on GenMC (%s): RC11, every execution once, no bound; reports in "
      "%s/\n",
      VSEM_VERSION_STRING, t.genmc.c_str(), c.out_dir.c_str());
  const auto t0 = clock_type::now();
  if (c.order_sensitivity) {
    const int bad = genmc_order_sensitivity(c, t, model_runs(selected));
    std::printf("%d passed, %d failed\n", bad == 0 ? 1 : 0, bad == 0 ? 0 : 1);
    return bad == 0 ? 0 : 1;
  }
  if (c.which == cli::mutants_only) return genmc_mutant_pass(c, t, selected, t0);
  std::printf("%-44s %-13s %11s %8s  %s\n", "RUN", "SEARCH", "EXECUTIONS", "SECONDS", "RESULT");
  std::vector<outcome> results;
  results.reserve(selected.size());  // check_runs() keeps pointers into it
  const int bad_names = bad_skip_names();
  check_runs(c, t, selected, results);
  const double total = std::chrono::duration<double>(clock_type::now() - t0).count();
  return genmc_summary(c, results, bad_names, total);
}

}  // namespace vsem::verify

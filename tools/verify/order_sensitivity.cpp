// tools/verify/order_sensitivity.cpp: `--order-sensitivity`, each atomic call site weakened in
// turn.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runner.hpp"

namespace vsem::verify {

const char* order_name(std::memory_order o) {
  switch (o) {
    case std::memory_order_relaxed:
      return "relaxed";
    case std::memory_order_consume:
      return "consume";
    case std::memory_order_acquire:
      return "acquire";
    case std::memory_order_release:
      return "release";
    case std::memory_order_acq_rel:
      return "acq_rel";
    case std::memory_order_seq_cst:
      return "seq_cst";
  }
  return "?";
}

// The orders one step weaker than `o` for an operation of kind `op`.
std::vector<std::memory_order> weaker(std::memory_order o, const std::string& op) {
  using mo = std::memory_order;
  const bool is_load = op == "load", is_store = op == "store";
  switch (o) {
    case mo::seq_cst:
      if (is_load) return {mo::acquire};
      if (is_store) return {mo::release};
      return {mo::acq_rel};
    case mo::acq_rel:
      return {mo::acquire, mo::release};
    case mo::acquire:
    case mo::consume:
    case mo::release:
      return {mo::relaxed};
    case mo::relaxed:
      return {};
  }
  return {};
}

// The comment that argues for the ordering at a site: the // lines just above
// it (or on it), joined.
std::string site_argument(const std::string& file, unsigned line) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  if (line == 0 || line > lines.size()) return "";
  std::string arg;
  const std::string& self = lines[line - 1];
  if (auto p = self.find("//"); p != std::string::npos) arg = self.substr(p + 2);
  for (unsigned k = line - 1; k > 0 && k + 4 > line; --k) {
    const std::string& l = lines[k - 1];
    const auto p = l.find_first_not_of(' ');
    if (p == std::string::npos || l.compare(p, 2, "//") != 0) break;
    arg = l.substr(p + 2) + arg;
  }
  return arg;
}

std::vector<reached_site> reach_sites(const cli& c, const std::vector<const run*>& models,
                                      const std::function<bool(const run*)>& in_pass,
                                      const std::optional<search>& how) {
  std::vector<reached_site> sites;
  vsem::model::options rec;
  rec.record_sites_under = c.sites_under.c_str();  // "": every site
  make_dirs(c.out_dir);
  for (const run* r : models) {
    vsem::model::clear_reached_sites();
    const std::string tp = c.out_dir + "/order_baseline.trace.txt";
    const attempt a = simulate_once(*r, how ? *how : effective_search(*r, c), vsem::mutation::none,
                                    tp, true, 0, "", rec);
    const auto& t = vsem::model::reached_sites();
    for (int i = 0; i < t.used; ++i) {
      // The model platform's own atomics are Relacy's, not the code under test.
      if (std::strstr(t.sites[i].file, "/vsem/model/") != nullptr) continue;
      auto it = std::find_if(sites.begin(), sites.end(), [&](const reached_site& x) {
        return x.s.line == t.sites[i].line && std::strcmp(x.s.file, t.sites[i].file) == 0;
      });
      if (it == sites.end()) {
        sites.push_back({t.sites[i], {}});
        it = sites.end() - 1;
      }
      if (in_pass(r)) it->runs.push_back({a.iterations, r});
    }
    std::remove(tp.c_str());
  }
  vsem::model::clear_reached_sites();
  std::sort(sites.begin(), sites.end(), [](const reached_site& a, const reached_site& b) {
    const int f = std::strcmp(a.s.file, b.s.file);
    return f != 0 ? f < 0 : a.s.line < b.s.line;
  });
  for (auto& sr : sites) {
    std::stable_sort(sr.runs.begin(), sr.runs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return sites;
}

namespace {

// The number of names in VSEM_SKIP_IN_ORDER_PASS that are no registered run (a
// line for each).
int unknown_skip_names(const std::vector<std::string>& skips) {
  int bad = 0;
  for (const std::string& name : skips) {
    if (registered_run(name) == nullptr) {
      std::printf("VSEM_SKIP_IN_ORDER_PASS names '%s', which is no run\n", name.c_str());
      ++bad;
    }
  }
  return bad;
}

// The line of one site weakened to w: its runs are simulated with the site
// weakened until one fails ("needed", with what failed) or meets a checker
// error; else "not shown needed", with the argument at the site. ++bad for a
// checker error, or when neither "needed" nor argued for.
void check_weakened(const cli& c, const reached_site& sr, const std::string& shown,
                    const std::string& arg, std::memory_order w, int& bad) {
  vsem::model::options weak;
  weak.weaken_file = sr.s.file;
  weak.weaken_line = sr.s.line;
  weak.weaken_order = w;
  std::string verdict = "not shown needed", evidence = arg;
  for (const auto& [executions, r] : sr.runs) {
    const std::string tp =
        c.out_dir + "/order_" + std::to_string(sr.s.line) + "_" + order_name(w) + ".trace.txt";
    const attempt a =
        simulate_once(*r, effective_search(*r, c), vsem::mutation::none, tp, true, 0, "", weak);
    if (a.checker_error) {
      verdict = "checker error";
      evidence = r->name + ": " + a.checker_what;
      break;
    }
    if (a.result != rl::test_result_success) {
      verdict = "needed";
      evidence = r->name + ": " + structure_trace(tp);
      break;
    }
    std::remove(tp.c_str());
  }
  if ((verdict != "needed" && arg.empty()) || verdict == "checker error") ++bad;
  std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", shown.c_str(), sr.s.operation,
              order_name(sr.s.order), order_name(w), verdict.c_str(), evidence.c_str());
}

// The lines of one reached site: one per one-step-weaker order (check_weakened()),
// or "weakest" when there is none (++bad without an argument). Returns the
// site as shown ("file:line").
std::string check_site(const cli& c, const reached_site& sr, int& bad) {
  const std::string file = sr.s.file;
  const std::string shown = shown_path(file) + ":" + std::to_string(sr.s.line);
  const std::string arg = site_argument(file, sr.s.line);
  const auto weaker_orders = weaker(sr.s.order, sr.s.operation);
  if (weaker_orders.empty()) {
    std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", shown.c_str(), sr.s.operation,
                order_name(sr.s.order), "-", "weakest", arg.c_str());
    if (arg.empty()) ++bad;
    return shown;
  }
  for (const auto w : weaker_orders) check_weakened(c, sr, shown, arg, w, bad);
  return shown;
}

// Uncovered: atomic calls in the files the models reach that no model
// reached (lines of vsem's mutant-only code excepted: they run only with
// their mutant on). A line for each; returns how many.
int uncovered_sites(const std::vector<reached_site>& sites,
                    const std::vector<std::string>& reached) {
  int bad = 0;
  std::vector<std::string> files;
  for (const auto& sr : sites) {
    if (std::find(files.begin(), files.end(), sr.s.file) == files.end())
      files.emplace_back(sr.s.file);
  }
  for (const std::string& f : files) {
    std::ifstream in(f);
    std::string l, prev1, prev2;
    for (unsigned n = 1; std::getline(in, l); ++n, prev2 = prev1, prev1 = l) {
      const bool atomic_call =
          l.find("std::memory_order_") != std::string::npos &&
          (l.find(".load(") != std::string::npos || l.find(".store(") != std::string::npos ||
           l.find(".fetch_") != std::string::npos ||
           l.find(".compare_exchange") != std::string::npos);
      if (!atomic_call) continue;
      const bool mutant_only = (prev1 + prev2 + l).find("mutat") != std::string::npos;
      const std::string shown = shown_path(f) + ":" + std::to_string(n);
      if (std::find(reached.begin(), reached.end(), shown) != reached.end() || mutant_only) {
        continue;
      }
      ++bad;
      std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", shown.c_str(), "?", "?", "-", "UNCOVERED",
                  "no model reaches this atomic call");
    }
  }
  return bad;
}

}  // namespace

// `vsem-verify --order-sensitivity`: for every atomic call site (in files
// whose path contains --sites-under; every file but the model platform's by
// default) that the models reach, and every one-step-weaker memory order, run the models
// that reach the site with that one site weakened; the site's order is
// "needed" when a model then fails. Sites the models never reach are listed as
// uncovered. Returns the number of sites that fail the check (uncovered, or
// neither shown needed nor argued for by a comment).
//
// Which runs: a baseline pass runs every selected model run once, recording
// the sites it reaches. The weakened runs of the CI pass (without --deep) then
// use only the runs not named by VSEM_SKIP_IN_ORDER_PASS (vsem's:
// models/order_skips.cpp, searches of more than about 3 s); --deep uses them
// all. For each site the runs are tried in the order of the number of
// executions their baseline search made (deterministic, so the order is too),
// fewest first, until one fails. Nothing here depends on how long a run took,
// so the verdicts do not depend on the load of the machine.
int order_sensitivity(const cli& c, const std::vector<const run*>& models) {
  const auto& skips = order_pass_skips();
  int bad = unknown_skip_names(skips);
  const auto in_pass = [&](const run* r) {
    return c.deep || std::find(skips.begin(), skips.end(), r->name) == skips.end();
  };
  std::string left_out;
  for (const run* r : models) {
    if (!in_pass(r)) left_out += (left_out.empty() ? "" : ", ") + r->name;
  }
  std::printf("order sensitivity: baseline pass over %zu model runs; %s\n", models.size(),
              left_out.empty()
                  ? "weakened sites are tried against all of them"
                  : ("left out of the weakened runs as slow (VSEM_SKIP_IN_ORDER_PASS): " + left_out)
                        .c_str());
  std::vector<reached_site> sites = reach_sites(c, models, in_pass, std::nullopt);
  std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", "SITE", "OP", "ORDER", "WEAKER", "VERDICT",
              "MODEL (what fails) / ARGUMENT (the comment at the site)");
  std::vector<std::string> reached;
  for (auto& sr : sites) reached.push_back(check_site(c, sr, bad));
  bad += uncovered_sites(sites, reached);
  std::printf("\n%zu sites reached; %d site(s) uncovered or without a verdict or argument%s\n",
              sites.size(), bad,
              c.deep ? "" : " (CI pass: the runs listed as slow skipped; --deep runs all)");
  return bad;
}

}  // namespace vsem::verify

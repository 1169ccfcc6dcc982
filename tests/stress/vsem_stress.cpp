// tests/stress/vsem_stress.cpp: vsem-stress, the stress harness for
// vsem::counting_semaphore and vsem::channel.
//
//   vsem-stress [--scenario NAME|all] [--threads N] [--ops N] [--duration SECONDS]
//               [--platform os|fault] [--mode ci|soak] [--seed S]
//               [--check-linearizability] [--list] [--help]
//
// Each scenario has the shape of a semaphore bug that shipped somewhere (lost
// wakeups in barrier-driven rounds, timeouts that swallow a permit, a release
// that touches a semaphore its waiter has already destroyed, ...), runs many
// threads against one object, and checks an invariant at the end. Scenarios
// are templates over the platform, so `--platform fault` runs the very same
// code on vsem::fault::platform (early futex returns, yields and sleeps around
// every atomic; rate and seed from VSEM_FAULT_RATE and VSEM_FAULT_SEED, the
// latter defaulting to --seed) and fails a scenario in which no fault was
// injected.
//
// Output: one line per scenario,
//
//   NAME  platform=P threads=T ops=N seconds=S ops/s=R longest_wait=W [details] PASS
//   NAME  platform=P threads=T ops=N seconds=S ops/s=R longest_wait=W [details] FAIL: reason
//
// where longest_wait is the longest single blocking call (acquire, timed
// acquire, push, pop and their timed forms), measured with steady_clock, and
// `--platform fault` adds the faults injected during the scenario. A final
// line counts the scenarios that passed and failed.
//
// --check-linearizability: every scenario but destroy_after_acquire (whose
// semaphores live for one acquire and one release each) records the history
// of each channel and semaphore it runs (tests/lin/recorder.hpp) and checks it
// against its specification (tests/lin/checker.hpp) when that object's run
// ends. A history with a violation prints a report (the rule, the calls
// involved with their stamps and threads) and fails its scenario. Each
// scenario's line is followed by
//
//   lin NAME  histories=H calls=N check_seconds=S check_calls/s=R violations=V
//
// and a final line sums them up. Recording costs two fetch_adds on a shared
// counter per call, so scenarios do fewer operations in their time cap.
//
// Modes. `--mode ci` (the default) runs each scenario once: it stops after its
// --ops operations (default: per scenario, scaled by VSEM_STRESS_SCALE and,
// under ThreadSanitizer or AddressSanitizer, scaled down) or after a time cap
// of 2 s (--duration overrides the cap), whichever comes first. `--mode soak`
// runs each scenario repeatedly for --duration seconds (default 60), printing
// a progress line every 5 s.
//
// Never hangs. Every blocking call is watched: a call still blocked after 10 s
// (1 s in tiny_timeouts) makes the watchdog print a FAIL line with the state
// of the objects involved (debug_snapshot()) and exit at once.
//
// Exit status: 0 every scenario passed; 1 a scenario failed; 2 bad command
// line; 3 the watchdog found a blocked call.
//
// This file is the driver: the command line, the scenario table, the run loop
// (ci and soak) and the result lines. The scenarios are in
// semaphore_scenarios.cpp, semaphore_destroy_scenario.cpp and
// channel_scenarios.cpp; the watchdog and what a scenario gets and reports in
// harness.hpp. The GoogleTest stress tests run the same scenario functions.
//
// The harness never synchronises through vsem itself: threads start, meet and
// stop through std::barrier, std::mutex, std::thread::join and plain atomics,
// so that a bug in vsem cannot hide behind it.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <vsem/fault/platform.hpp>
#include <vsem/platform.hpp>

#include "lin/session.hpp"
#include "stress/channel_scenarios.hpp"
#include "stress/harness.hpp"
#include "stress/semaphore_scenarios.hpp"
#include "support/test_support.hpp"

// Sanitizer builds run the same scenarios with fewer default operations (the
// harness only; nothing in impl/ knows about sanitizers).
#if defined(__SANITIZE_THREAD__)
#define VSEM_STRESS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VSEM_STRESS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define VSEM_STRESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VSEM_STRESS_ASAN 1
#endif
#endif

namespace {

using namespace vsem_stress;

#if defined(VSEM_STRESS_TSAN)
constexpr const char* sanitizer = "tsan";
constexpr double sanitizer_ops_factor = 0.5;
#elif defined(VSEM_STRESS_ASAN)
constexpr const char* sanitizer = "asan";
constexpr double sanitizer_ops_factor = 0.5;
#else
constexpr const char* sanitizer = "none";
constexpr double sanitizer_ops_factor = 1.0;
#endif

// --mode ci: the default time cap of one scenario.
constexpr double ci_time_cap_seconds = 2.0;
// --mode soak: the default duration of one scenario, and the progress period.
constexpr double soak_default_seconds = 60.0;
constexpr nanos soak_progress_period = 5s;

// ---- the driver ----------------------------------------------------------------

using scenario_fn = outcome (*)(const context&);

struct scenario {
  const char* name;
  const char* summary;
  long long default_ops;  // in ci mode, before scaling
  bool recorded;          // records its histories with --check-linearizability
  scenario_fn os;
  scenario_fn fault;
};

#define VSEM_STRESS_SCENARIO(fn) &fn<vsem::os_platform>, &fn<vsem::fault::platform>

const scenario scenarios[] = {
    {"barrier_rounds",
     "N acquirers block in each std::barrier round; one releaser adds N permits (N x release(1) "
     "or release(N)); every round must finish (libc++ lost-wakeup shape)",
     120'000, true, VSEM_STRESS_SCENARIO(barrier_rounds)},
    {"timed_vs_release_n",
     "N threads in try_acquire_for/until with random short timeouts race release(n) with random "
     "n; taken + left == released, no waiter left",
     200'000, true, VSEM_STRESS_SCENARIO(timed_vs_release_n)},
    {"tiny_timeouts",
     "try_acquire_for(1ns/1us), try_acquire_until(now/past) and hostile deadlines on a semaphore "
     "at 0 from N threads; every call returns false within 1 s",
     500'000, true, VSEM_STRESS_SCENARIO(tiny_timeouts)},
    {"destroy_after_acquire",
     "an acquirer destroys its semaphore (heap, binary, stack frame) as soon as acquire() returns "
     "while the releaser may still be in release() (glibc bug 12674 shape)",
     200'000, false, VSEM_STRESS_SCENARIO(destroy_after_acquire)},
    {"permits",
     "N threads share a k-permit semaphore (k = 1, N/2, N-1): never more than k holders, k "
     "permits left at the end",
     2'000'000, true, VSEM_STRESS_SCENARIO(permits)},
    {"channel_exactly_once",
     "N/2 producers, N/2 consumers through vsem::channel<uint64_t> of capacity 1, 64, 1024: "
     "every item exactly once, per-producer order, close() under load",
     600'000, true, VSEM_STRESS_SCENARIO(channel_exactly_once)},
};

#undef VSEM_STRESS_SCENARIO

struct options {
  std::string scenario = "all";
  int threads = 8;
  long long ops = 0;     // 0: each scenario's default, scaled
  double duration = -1;  // < 0: the mode's default
  std::string platform = "os";
  bool soak = false;
  std::uint64_t seed = 1;
  bool check_linearizability = false;
  bool list = false;
  bool help = false;
};

void usage(std::FILE* to) {
  std::fprintf(
      to,
      "usage: vsem-stress [--scenario NAME|all] [--threads N] [--ops N] [--duration SECONDS]\n"
      "                   [--platform os|fault] [--mode ci|soak] [--seed S]\n"
      "                   [--check-linearizability] [--list] [--help]\n"
      "\n"
      "Stress scenarios for vsem::counting_semaphore and vsem::channel.\n"
      "  --scenario NAME  one scenario (see --list), or all (default)\n"
      "  --threads N      contending threads, 1..512 (default 8; see --list for roles)\n"
      "  --ops N          operations per scenario run (default: per scenario, times\n"
      "                   VSEM_STRESS_SCALE, times 0.5 under TSan or ASan)\n"
      "  --duration S     soak: seconds per scenario (default 60); ci: time cap per\n"
      "                   scenario (default 2)\n"
      "  --platform P     os (vsem::os_platform, default) or fault (vsem::fault::platform:\n"
      "                   VSEM_FAULT_RATE percent, VSEM_FAULT_SEED defaults to --seed)\n"
      "  --mode M         ci: each scenario once (default); soak: repeatedly for --duration,\n"
      "                   with progress every 5 s\n"
      "  --seed S         seed of the harness's random choices (default 1)\n"
      "  --check-linearizability\n"
      "                   record each channel's and semaphore's history and check it\n"
      "                   (a violation prints a report and fails the scenario)\n"
      "  --list           list the scenarios and exit\n"
      "  --help           this text\n"
      "Exit status: 0 passed, 1 a scenario failed, 2 bad usage, 3 watchdog (a blocked call).\n");
}

bool parse_int(const char* s, long long lo, long long hi, long long& out) {
  if (s == nullptr || *s == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool parse_u64(const char* s, std::uint64_t& out) {
  if (s == nullptr || *s == '\0' || *s == '-' || *s == '+') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  out = v;
  return true;
}

bool parse_seconds(const char* s, double& out) {
  if (s == nullptr || *s == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s, &end);
  if (errno != 0 || *end != '\0' || !(v > 0) || !(v <= 1e7)) return false;
  out = v;
  return true;
}

const scenario* find_scenario(const std::string& name) {
  for (const auto& s : scenarios) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

// Parses argv into `o`; on error prints why and returns false.
bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const char* value = nullptr;
    std::string name = arg;
    if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = argv[i] + eq + 1;
    }
    auto need_value = [&]() -> const char* {
      if (value != nullptr) return value;
      if (i + 1 >= argc) return nullptr;
      return argv[++i];
    };
    auto bad = [&](const char* what) {
      std::fprintf(stderr, "vsem-stress: %s: %s\n", name.c_str(), what);
      return false;
    };
    if (name == "--help" || name == "-h") {
      o.help = true;
    } else if (name == "--list") {
      o.list = true;
    } else if (name == "--check-linearizability") {
      o.check_linearizability = true;
    } else if (name == "--scenario") {
      const char* v = need_value();
      if (v == nullptr) return bad("needs a scenario name or all");
      o.scenario = v;
      if (o.scenario != "all" && find_scenario(o.scenario) == nullptr) {
        return bad("unknown scenario (see --list)");
      }
    } else if (name == "--threads") {
      long long v = 0;
      if (!parse_int(need_value(), 1, 512, v)) return bad("needs a number from 1 to 512");
      o.threads = static_cast<int>(v);
    } else if (name == "--ops") {
      long long v = 0;
      if (!parse_int(need_value(), 1, 1'000'000'000'000LL, v)) {
        return bad("needs a number from 1 to 10^12");
      }
      o.ops = v;
    } else if (name == "--duration") {
      if (!parse_seconds(need_value(), o.duration)) {
        return bad("needs a number of seconds, > 0 and <= 10^7");
      }
    } else if (name == "--platform") {
      const char* v = need_value();
      if (v == nullptr || (std::strcmp(v, "os") != 0 && std::strcmp(v, "fault") != 0)) {
        return bad("needs os or fault");
      }
      o.platform = v;
    } else if (name == "--mode") {
      const char* v = need_value();
      if (v == nullptr || (std::strcmp(v, "ci") != 0 && std::strcmp(v, "soak") != 0)) {
        return bad("needs ci or soak");
      }
      o.soak = std::strcmp(v, "soak") == 0;
    } else if (name == "--seed") {
      if (!parse_u64(need_value(), o.seed)) return bad("needs an unsigned 64-bit number");
    } else {
      std::fprintf(stderr, "vsem-stress: unknown argument '%s' (try --help)\n", arg.c_str());
      return false;
    }
  }
  return true;
}

// Faults injected by vsem::fault::platform so far (process-wide).
struct fault_counts {
  std::uint64_t early_wait_returns = 0;
  std::uint64_t yields = 0;
  std::uint64_t sleeps = 0;
  std::uint64_t total() const { return early_wait_returns + yields + sleeps; }
};

fault_counts read_faults() {
  const auto& s = vsem::fault::stats();
  return {s.early_wait_returns.load(), s.yields.load(), s.sleeps.load()};
}

fault_counts operator-(const fault_counts& a, const fault_counts& b) {
  return {a.early_wait_returns - b.early_wait_returns, a.yields - b.yields, a.sleeps - b.sleeps};
}

void print_result(const scenario& s, const options& o, const outcome& r,
                  const fault_counts* faults) {
  const double secs = seconds_of(r.elapsed);
  const double rate = secs > 0 ? static_cast<double>(r.ops) / secs : 0.0;
  std::string extra = r.detail;
  if (faults != nullptr) {
    extra += format("%sfaults(early_wait_returns=%llu yields=%llu sleeps=%llu)",
                    extra.empty() ? "" : " ",
                    static_cast<unsigned long long>(faults->early_wait_returns),
                    static_cast<unsigned long long>(faults->yields),
                    static_cast<unsigned long long>(faults->sleeps));
  }
  const std::string verdict = r.failure.empty() ? "PASS" : "FAIL: " + r.failure;
  std::printf("%s ops=%-9lld seconds=%-6.2f ops/s=%-9.0f longest_wait=%-8s %s %s\n",
              label(s.name, o.platform.c_str(), r.threads).c_str(), r.ops, secs, rate,
              human(r.longest).c_str(), extra.c_str(), verdict.c_str());
  std::fflush(stdout);
}

// The ops of one run of `s`: --ops, or the default scaled.
long long ops_for(const scenario& s, const options& o) {
  if (o.ops > 0) return o.ops;
  const double v =
      static_cast<double>(s.default_ops) * vsem_test::stress_scale() * sanitizer_ops_factor;
  return std::max<long long>(1, static_cast<long long>(v));
}

// Runs `s` once (ci) or for --duration (soak) and prints its line. True on
// PASS. `lin`: record and check the histories (null: do not).
bool run_scenario(const scenario& s, const options& o, vsem_lin::session* lin) {
  const bool fault = o.platform == "fault";
  const scenario_fn fn = fault ? s.fault : s.os;
  const long long ops = ops_for(s, o);
  const fault_counts faults_before = read_faults();
  const auto start = steady::now();
  outcome total;
  if (!o.soak) {
    const double cap = o.duration > 0 ? o.duration : ci_time_cap_seconds;
    const context cx{
        s.name,
        o.platform.c_str(),
        o.threads,
        ops,
        start + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(cap)),
        o.seed,
        lin};
    total = fn(cx);
  } else {
    const double duration = o.duration > 0 ? o.duration : soak_default_seconds;
    const auto end = start + std::chrono::duration_cast<steady::duration>(
                                 std::chrono::duration<double>(duration));
    auto next_progress = start + soak_progress_period;
    long long runs = 0;
    while (steady::now() < end) {
      const auto now = steady::now();
      // Each run ends at the next progress line at the latest.
      const context cx{s.name,
                       o.platform.c_str(),
                       o.threads,
                       ops,
                       std::min(end, std::max(next_progress, now + 100ms)),
                       o.seed + static_cast<std::uint64_t>(runs),
                       lin};
      outcome r = fn(cx);
      ++runs;
      total.threads = r.threads;
      total.ops += r.ops;
      total.longest = std::max(total.longest, r.longest);
      total.detail = format("runs=%lld last_run(%s)", runs, r.detail.c_str());
      if (!r.failure.empty()) {
        total.failure = format("run %lld (seed %llu): %s", runs,
                               static_cast<unsigned long long>(cx.seed), r.failure.c_str());
        break;
      }
      const auto t = steady::now();
      if (t >= next_progress && t < end) {
        const double secs = seconds_of(t - start);
        std::printf(
            "  progress %s: %.0f of %.0f s, runs=%lld ops=%lld ops/s=%.0f "
            "longest_wait=%s\n",
            s.name, secs, duration, runs, total.ops, static_cast<double>(total.ops) / secs,
            human(total.longest).c_str());
        std::fflush(stdout);
        while (next_progress <= t) next_progress += soak_progress_period;
      }
    }
  }
  total.elapsed = steady::now() - start;
  if (fault) {
    const fault_counts injected = read_faults() - faults_before;
    if (injected.total() == 0 && total.failure.empty()) {
      total.failure = "no fault was injected (is VSEM_FAULT_RATE 0?)";
    }
    print_result(s, o, total, &injected);
  } else {
    print_result(s, o, total, nullptr);
  }
  return total.failure.empty();
}

// The linearizability line of scenario `s`: the checks between `before` and `now`.
void print_lin(const scenario& s, const vsem_lin::session::totals& before,
               const vsem_lin::session::totals& now) {
  if (!s.recorded) {
    std::printf("lin %-21s not recorded (each semaphore lives for one acquire and one release)\n",
                s.name);
  } else {
    const double secs = now.seconds - before.seconds;
    const std::size_t calls = now.ops - before.ops;
    std::printf(
        "lin %-21s histories=%zu calls=%zu check_seconds=%.2f check_calls/s=%.0f "
        "violations=%zu\n",
        s.name, now.histories - before.histories, calls, secs,
        secs > 0 ? static_cast<double>(calls) / secs : 0.0, now.violations - before.violations);
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) return 2;
  if (o.help) {
    usage(stdout);
    return 0;
  }
  if (o.list) {
    for (const auto& s : scenarios) std::printf("%-21s %s\n", s.name, s.summary);
    return 0;
  }
  // The fault platform reads its seed once, at first use: default it to --seed.
  const std::string seed_text = std::to_string(o.seed);
  ::setenv("VSEM_FAULT_SEED", seed_text.c_str(), 0);

  const double cap =
      o.duration > 0 ? o.duration : (o.soak ? soak_default_seconds : ci_time_cap_seconds);
  std::printf(
      "vsem-stress: platform=%s mode=%s seed=%llu threads=%d sanitizer=%s "
      "ops_scale=%g %s=%gs%s\n",
      o.platform.c_str(), o.soak ? "soak" : "ci", static_cast<unsigned long long>(o.seed),
      o.threads, sanitizer, vsem_test::stress_scale() * sanitizer_ops_factor,
      o.soak ? "duration" : "time_cap", cap,
      o.platform == "fault"
          ? format(" fault_rate=%s%% fault_seed=%s",
                   std::getenv("VSEM_FAULT_RATE") ? std::getenv("VSEM_FAULT_RATE") : "5",
                   std::getenv("VSEM_FAULT_SEED"))
                .c_str()
          : "");
  std::fflush(stdout);

  const auto start = steady::now();
  int ran = 0;
  int failed = 0;
  vsem_lin::session lin(stdout);
  for (const auto& s : scenarios) {
    if (o.scenario != "all" && o.scenario != s.name) continue;
    ++ran;
    const auto before = lin.total();
    const bool recording = o.check_linearizability && s.recorded;
    if (!run_scenario(s, o, recording ? &lin : nullptr)) ++failed;
    if (o.check_linearizability) print_lin(s, before, lin.total());
  }
  if (o.check_linearizability) {
    const auto t = lin.total();
    std::printf(
        "vsem-stress: linearizability: %zu histories, %zu calls checked in %.2f s (%.0f calls/s), "
        "%zu with a violation\n",
        t.histories, t.ops, t.seconds, t.ops_per_second(), t.violations);
  }
  std::printf("vsem-stress: %d scenario(s), %d passed, %d failed, %.1f s\n", ran, ran - failed,
              failed, seconds_of(steady::now() - start));
  return failed == 0 ? 0 : 1;
}

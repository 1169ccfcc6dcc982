// vsem-bench: vsem::counting_semaphore against its peers, all in one program.
//
// Peers (the `id` is the second component of every benchmark name):
//   raw_atomic  a std::atomic<int> used directly: the limit. Uncontended, one
//               fetch_sub + one fetch_add; where a thread must wait (handoff,
//               contended) it busy-waits (load, CAS, pause; yields every 1024
//               failed checks so that a shared CPU still makes progress).
//   vsem        vsem::counting_semaphore<> (spins an adaptive, per-thread
//               budget of 4..2048 re-checks with occasional full-length
//               probes, then sleeps on a futex; see vsem/platform.hpp)
//   std         std::counting_semaphore<> (libstdc++ atomic-wait based)
//   posix       POSIX sem_t (sem_wait / sem_post)
//   moodycamel  moodycamel::LightweightSemaphore (spins 10000 re-checks, then
//               sleeps on a sem_t)
//   mutex_cv    a semaphore built from std::mutex + std::condition_variable
//   raw_cas     (uncontended only) a 64-bit std::atomic used as vsem's acquire
//               uses its state word: a relaxed load, then a compare-exchange
//               loop while the count is positive; release is one fetch_add.
//               The floor of any acquire that must see the count before it
//               takes a permit (see bench/README.md, "The uncontended pair").
//
// Benchmarks (names are <family>/<peer>/<variant>):
//   uncontended/<peer>/count:{1,2}
//       one thread, acquire + release per iteration, starting count 1 or 2.
//       Time per iteration = ns per pair; items_per_second = pairs/s.
//   handoff/<peer>/{unpinned,cross_cpu,same_cpu}/real_time
//       two threads ping-pong through two semaphores that start at 0 (the
//       seed's pattern). Each iteration is kRoundTrips round trips;
//       items_per_second = round trips/s. cross_cpu pins the two threads to
//       CPUs 0 and 1, same_cpu pins both to CPU 0.
//   contended/<peer>/real_time/threads:{2,4}
//       N threads loop acquire + release on one semaphore holding 1 permit;
//       items_per_second = acquire+release pairs/s over all threads.
//
//   channel/<queue>/{1p1c,2p2c}/cap:{1,64,1024}/real_time
//       bounded producer/consumer queues (the queue peers are listed below):
//       P producer threads push the ints 1..kChannelItems (producer p pushes
//       every P-th one), C consumer threads each pop a fixed share of them
//       (consumers stop by count, never by close(), so that every queue runs
//       the same protocol). One iteration moves kChannelItems items (100000,
//       or --vsem_channel_items=N); items_per_second = items/s. The threads
//       live for the whole benchmark and start each iteration together; the
//       sum of the consumed items is checked after every iteration (the
//       benchmark reports an error on a mismatch).
//
//   spin_sweep/spin:<N>/<placement>/real_time   (only with --vsem_spin_sweep)
//       the handoff for vsem with Platform::spin_limit() = N (0 ... 4096), to
//       show how much of the handoff figure is the spin policy.
//
// Queue peers of the channel family (the `queue` component of the name):
//   vsem                  vsem::channel<int> (two vsem counting semaphores, slots
//                         and items, + a vsem binary semaphore around the ring)
//   std_ring              the same design from the standard library: two
//                         std::counting_semaphore<> + a std::mutex around a ring
//   moodycamel_bounded    moodycamel::BlockingConcurrentQueue<int>, bounded by a
//                         moodycamel::LightweightSemaphore counting free slots
//   moodycamel_rwcb       moodycamel::BlockingReaderWriterCircularBuffer<int>
//                         (single producer, single consumer: 1p1c only; needs
//                         Debian's libreaderwriterqueue-dev, else left out)
//   tbb                   tbb::concurrent_bounded_queue<int> with set_capacity()
//   mutex_cv              std::mutex + 2 std::condition_variable + std::deque
//   moodycamel_unbounded  moodycamel::BlockingConcurrentQueue<int>, unbounded
//                         (the capacity does not apply: a reference, not a peer)
// and, only with --vsem_channel_diag, vsem::channel's design rebuilt from parts
// (two vsem::counting_semaphore<>, slots and items, around a ring guarded by):
//   diag_vsem_binsem_inside  a vsem binary semaphore, items released inside
//                            the lock (what vsem::channel does)
//   diag_vsem_binsem         a vsem binary semaphore, items released after it
//   diag_vsem_mutex          a std::mutex, items released after it
//
// Unless the command line says otherwise, each benchmark runs for at least
// 0.2 s (--benchmark_min_time=0.2).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <vsem/semaphore.hpp>

#include "bench_common.hpp"

namespace {

using vsem_bench::channel_items;
using vsem_bench::kRoundTrips;

void print_help() {
  benchmark::PrintDefaultHelp();
  std::fprintf(stdout,
               "vsem-bench options:\n"
               "          [--vsem_spin_sweep]   also run vsem's handoff at spin limits 0..4096\n"
               "          [--vsem_channel_diag] also run vsem::channel's design rebuilt from "
               "parts\n"
               "          [--vsem_channel_items=<n>]  items moved per channel iteration "
               "(default 100000)\n"
               "Default here: --benchmark_min_time=0.2 (a later command-line value wins).\n");
}

}  // namespace

int main(int argc, char** argv) {
  // A short default minimum time; a --benchmark_min_time given on the command
  // line comes later in argv and wins.
  // --vsem_spin_sweep (ours, not Google Benchmark's) adds the spin_sweep family;
  // --vsem_channel_items=N sets the items moved per channel iteration;
  // --vsem_channel_diag adds the diag_* queues to the channel family.
  std::vector<char*> args;
  bool spin_sweep = false;
  bool channel_diag = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = i > 0 ? std::string_view(argv[i]) : std::string_view();
    constexpr std::string_view items_flag = "--vsem_channel_items=";
    if (arg == "--vsem_spin_sweep") {
      spin_sweep = true;
    } else if (arg == "--vsem_channel_diag") {
      channel_diag = true;
    } else if (arg.starts_with(items_flag)) {
      char* end = nullptr;
      const long long n = std::strtoll(argv[i] + items_flag.size(), &end, 10);
      if (end == argv[i] + items_flag.size() || *end != '\0' || n < 2 || n > 100000000) {
        std::fprintf(stderr, "vsem-bench: --vsem_channel_items wants an integer in 2..100000000\n");
        return 1;
      }
      channel_items = n;
    } else {
      args.push_back(argv[i]);
    }
  }
  static char default_min_time[] = "--benchmark_min_time=0.2";
  args.insert(args.begin() + 1, default_min_time);
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);

  std::string command_line;
  for (int i = 1; i < argc; ++i) command_line += (i > 1 ? " " : "") + std::string(argv[i]);

  benchmark::Initialize(&args_count, args.data(), print_help);
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;

  benchmark::AddCustomContext("vsem_version", VSEM_VERSION_STRING);
  benchmark::AddCustomContext("command_line", command_line);
  benchmark::AddCustomContext(
      "vsem_spin_limit",
      "an adaptive " + std::to_string(vsem::os_platform::min_spin) + ".." +
          std::to_string(vsem::os_platform::max_spin) + " (with a full-length probe every " +
          std::to_string(vsem::os_platform::min_probe_interval) + ".." +
          std::to_string(vsem::os_platform::max_probe_interval) + " slow paths at the minimum)");
  benchmark::AddCustomContext("moodycamel_max_spins", "10000");
  benchmark::AddCustomContext("handoff_round_trips_per_iteration", std::to_string(kRoundTrips));
  benchmark::AddCustomContext("channel_items_per_iteration", std::to_string(channel_items));
  benchmark::AddCustomContext("channel_rwcb", VSEM_BENCH_HAVE_RWCB ? "yes" : "no");
  benchmark::AddCustomContext("vsem_checks", vsem::checks_enabled ? "on" : "off");

  // Put the process in multi-threaded mode before anything is measured: while a
  // process has never had a second thread, glibc's mutex takes a single-thread
  // shortcut (uncontended mutex_cv measured 9.7 ns per pair before any thread
  // existed and 23 ns after), so the pthread-based peers' uncontended figures
  // would depend on whether a multi-threaded benchmark happened to run first.
  // A semaphore is only ever used with several threads.
  std::thread([] {}).join();

  vsem_bench::register_all();
  vsem_bench::register_channel(channel_diag);
  if (spin_sweep) vsem_bench::register_spin_sweep();

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

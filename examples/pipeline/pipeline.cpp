// examples/pipeline/pipeline.cpp: the seed program (Zaccone, "Python Parallel
// Programming Cookbook", thread synchronisation with semaphores) grown from
// one producer, one consumer and one item to N producers and M consumers
// moving K items through a bounded vsem::channel<int>.
//
// Each producer makes its share of the item numbers 0..K-1 and pushes them
// (blocking while the channel is full); each consumer pops until the channel
// is closed and drained (blocking while it is empty). When every producer is
// done, main closes the channel. Producers and consumers each keep a checksum
// (count, sum and xor of the item numbers); the summary says whether they
// match, i.e. whether every item was consumed exactly once.
//
//   pipeline [--producers N] [--consumers M] [--items K] [--capacity C]
//            [--verbose] [--help]
//
// With --verbose every item is reported in the seed's words (spelling
// included): "producer notify : producted item number X" and
// "Consumer notify : consumed item number X". Exit status: 0 when the
// checksums match, 1 when they do not, 2 on a bad command line.

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <vsem/channel.hpp>

namespace {

struct options {
  long producers = 2;
  long consumers = 2;
  long items = 20;
  long capacity = 4;
  bool verbose = false;
};

// The count, sum and xor of a set of item numbers: equal for the items
// produced and the items consumed exactly when nothing was lost or
// duplicated (short of a coincidence no single fault produces).
struct checksum {
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  std::uint64_t xor_all = 0;

  void add(int item) {
    ++count;
    sum += static_cast<std::uint64_t>(item);
    xor_all ^= static_cast<std::uint64_t>(item);
  }
  void add(const checksum& o) {
    count += o.count;
    sum += o.sum;
    xor_all ^= o.xor_all;
  }
  bool operator==(const checksum&) const = default;
};

std::mutex print_mutex;

// Prints one whole line; lines from different threads never interleave.
void say(const std::string& line) {
  std::lock_guard<std::mutex> lock(print_mutex);
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
}

void usage(std::FILE* out) {
  const options d;
  std::fprintf(out,
               "usage: vsem_pipeline [--producers N] [--consumers M] [--items K] [--capacity C]\n"
               "                [--verbose] [--help]\n"
               "\n"
               "N producer threads push the item numbers 0..K-1 into a vsem::channel<int>\n"
               "of capacity C; M consumer threads pop them until the channel is closed.\n"
               "Prints a summary and checks that every item was consumed exactly once.\n"
               "\n"
               "  --producers N  producer threads, 1..1024 (default %ld)\n"
               "  --consumers M  consumer threads, 1..1024 (default %ld)\n"
               "  --items K      items in all, 0..1000000000 (default %ld)\n"
               "  --capacity C   channel capacity, 1..1000000 (default %ld)\n"
               "  --verbose      print a line for every item produced and consumed\n"
               "  --help         print this help and exit\n"
               "\n"
               "Exit status: 0 checksums match, 1 mismatch, 2 bad command line.\n",
               d.producers, d.consumers, d.items, d.capacity);
}

// Parses a decimal number in [lo, hi].
bool parse_number(const char* text, long lo, long hi, long& out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

// Returns 0 to go on, or the exit status to stop with.
int parse(int argc, char** argv, options& o) {
  struct numeric {
    const char* flag;
    long* value;
    long lo, hi;
  };
  const numeric numerics[] = {
      {"--producers", &o.producers, 1, 1024},
      {"--consumers", &o.consumers, 1, 1024},
      {"--items", &o.items, 0, 1000000000},
      {"--capacity", &o.capacity, 1, 1000000},
  };
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strcmp(a, "--help") == 0 || std::strcmp(a, "-h") == 0) {
      usage(stdout);
      return -1;
    }
    if (std::strcmp(a, "--verbose") == 0 || std::strcmp(a, "-v") == 0) {
      o.verbose = true;
      continue;
    }
    bool known = false;
    for (const numeric& n : numerics) {
      if (std::strcmp(a, n.flag) != 0) continue;
      known = true;
      if (!parse_number(i + 1 < argc ? argv[i + 1] : nullptr, n.lo, n.hi, *n.value)) {
        std::fprintf(stderr, "vsem_pipeline: %s needs a number in %ld..%ld\n", n.flag, n.lo, n.hi);
        usage(stderr);
        return 2;
      }
      ++i;
    }
    if (!known) {
      std::fprintf(stderr, "vsem_pipeline: unknown option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  return 0;
}

// What the threads record: per producer and consumer a checksum, per
// producer the pushes the channel refused.
struct tallies {
  std::vector<checksum> produced;
  std::vector<checksum> consumed;
  std::vector<long> rejected;
};

// Moves the items from the producers through the channel to the consumers
// and closes the channel when every producer is done; returns the seconds
// it took.
double run_pipeline(const options& o, tallies& t) {
  const int producers = static_cast<int>(o.producers);
  const int consumers = static_cast<int>(o.consumers);
  const long items = o.items;
  vsem::channel<int> channel(static_cast<std::size_t>(o.capacity));

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> consumer_threads;
  for (int c = 0; c < consumers; ++c) {
    consumer_threads.emplace_back([&, c] {
      checksum& mine = t.consumed[static_cast<std::size_t>(c)];
      // pop() blocks while the channel is empty; once it is closed and
      // drained, pop() returns `closed` instead of an item.
      while (auto r = channel.pop()) {
        const int item = *r.value;
        mine.add(item);
        if (o.verbose) say("Consumer notify : consumed item number " + std::to_string(item));
      }
    });
  }
  std::vector<std::thread> producer_threads;
  for (int p = 0; p < producers; ++p) {
    producer_threads.emplace_back([&, p] {
      // Producer p makes the item numbers [begin, end): the K items split
      // as evenly as possible.
      const long begin = items * p / producers;
      const long end = items * (p + 1) / producers;
      checksum& mine = t.produced[static_cast<std::size_t>(p)];
      for (long i = begin; i < end; ++i) {
        const int item = static_cast<int>(i);
        if (o.verbose) say("producer notify : producted item number " + std::to_string(item));
        // push() blocks while the channel is full.
        if (channel.push(item) != vsem::channel_status::done) {
          ++t.rejected[static_cast<std::size_t>(p)];  // cannot happen: closed only after us
          continue;
        }
        mine.add(item);
      }
    });
  }
  for (auto& th : producer_threads) th.join();
  channel.close();  // every item is in; consumers drain the rest and stop
  for (auto& th : consumer_threads) th.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Prints the summary: the counts, per consumer its share, whether the
// checksums match, the throughput, and on a mismatch both checksums. Returns
// whether they match (every item consumed exactly once, no push refused).
bool report(const options& o, const tallies& t, double seconds) {
  checksum all_produced, all_consumed;
  for (const auto& c : t.produced) all_produced.add(c);
  for (const auto& c : t.consumed) all_consumed.add(c);
  long all_rejected = 0;
  for (long r : t.rejected) all_rejected += r;
  const bool match = all_produced == all_consumed && all_rejected == 0 &&
                     all_produced.count == static_cast<std::uint64_t>(o.items);

  std::printf("vsem_pipeline: %d producers, %d consumers, capacity %ld, %ld items\n",
              static_cast<int>(o.producers), static_cast<int>(o.consumers), o.capacity, o.items);
  std::printf("items produced: %llu\n", static_cast<unsigned long long>(all_produced.count));
  std::printf("items consumed: %llu\n", static_cast<unsigned long long>(all_consumed.count));
  for (std::size_t c = 0; c < t.consumed.size(); ++c) {
    std::printf("consumer %d consumed %llu items\n", static_cast<int>(c),
                static_cast<unsigned long long>(t.consumed[c].count));
  }
  std::printf("checksum match: %s\n", match ? "yes" : "no");
  std::printf("elapsed: %.3f s, %.0f items/s\n", seconds,
              seconds > 0 ? static_cast<double>(all_consumed.count) / seconds : 0.0);
  if (!match) {
    std::printf(
        "mismatch: produced count %llu sum %llu xor %llu, consumed count %llu sum %llu xor "
        "%llu, rejected pushes %ld\n",
        static_cast<unsigned long long>(all_produced.count),
        static_cast<unsigned long long>(all_produced.sum),
        static_cast<unsigned long long>(all_produced.xor_all),
        static_cast<unsigned long long>(all_consumed.count),
        static_cast<unsigned long long>(all_consumed.sum),
        static_cast<unsigned long long>(all_consumed.xor_all), all_rejected);
  }
  std::fflush(stdout);
  return match;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int rc = parse(argc, argv, o); rc != 0) return rc < 0 ? 0 : rc;

  tallies t;
  t.produced.resize(static_cast<std::size_t>(o.producers));
  t.consumed.resize(static_cast<std::size_t>(o.consumers));
  t.rejected.assign(static_cast<std::size_t>(o.producers), 0);
  const double seconds = run_pipeline(o, t);
  return report(o, t, seconds) ? 0 : 1;
}

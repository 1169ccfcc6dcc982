// vsem-channel-peer: vsem::channel<std::uint64_t> (and, as the simple C++
// reference, two std::counting_semaphore + a std::mutex-guarded ring) in the
// harness shape shared with the crossbeam-channel (bench/peers/rust) and Go
// (bench/peers/go) peers; bench/peers/run.sh drives all of them.
//
//   vsem-channel-peer [--impl vsem|std_ring] --producers P --capacity C --items N [--pin]
//
// P producer threads and P consumer threads; producer p pushes the items
// p+1, p+1+P, p+1+2P, ... up to N (so 1..N in all), consumer c pops a fixed
// share of N (they stop by count, not by close()). The sum of everything
// popped must equal N(N+1)/2, else the program exits with status 1. With
// --pin, producers are pinned to CPU 0 and consumers to CPU 1
// (pthread_setaffinity_np, per thread). The timed span starts when every
// thread is running and waiting at a barrier and ends when the last consumer
// has finished. Prints one line of JSON:
//   {"system": "vsem", "producers": P, "consumers": P, "capacity": C, "items": N,
//    "pinned": false, "threads": "os", "seconds": s, "mitems_per_s": x, "checksum_ok": true}
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <vsem/channel.hpp>

namespace {

using item = std::uint64_t;

// vsem::channel<item>: push and pop return results; in this harness nothing
// closes the channel, so anything but `done` is an error.
class vsem_queue {
 public:
  explicit vsem_queue(std::size_t capacity) : ch_(capacity) {}
  bool push(item v) { return ch_.push(v) == vsem::channel_status::done; }
  bool pop(item& v) {
    auto r = ch_.pop();
    if (!r) return false;
    v = *r.value;
    return true;
  }

 private:
  vsem::channel<item> ch_;
};

// The textbook bounded buffer from the standard library: `slots` counts free
// places, `items` stored items, a std::mutex guards the ring; each semaphore
// is released after the unlock.
class std_ring_queue {
 public:
  explicit std_ring_queue(std::size_t capacity)
      : ring_(capacity), slots_(static_cast<std::ptrdiff_t>(capacity)), items_(0) {}
  bool push(item v) {
    slots_.acquire();
    {
      std::lock_guard<std::mutex> lock(m_);
      ring_[tail_] = v;
      tail_ = next(tail_);
    }
    items_.release();
    return true;
  }
  bool pop(item& v) {
    items_.acquire();
    {
      std::lock_guard<std::mutex> lock(m_);
      v = ring_[head_];
      head_ = next(head_);
    }
    slots_.release();
    return true;
  }

 private:
  std::size_t next(std::size_t i) const { return i + 1 == ring_.size() ? 0 : i + 1; }

  std::vector<item> ring_;
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
  std::mutex m_;
  std::counting_semaphore<> slots_;
  std::counting_semaphore<> items_;
};

struct options {
  std::string impl = "vsem";
  int producers = 1;
  std::size_t capacity = 64;
  std::uint64_t items = 1000000;
  bool pin = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "vsem-channel-peer: %s\n"
               "usage: vsem-channel-peer [--impl vsem|std_ring] --producers P --capacity C "
               "--items N [--pin]\n",
               why);
  std::exit(2);
}

std::uint64_t parse_number(const char* text, const char* flag) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v == 0) {
    std::fprintf(stderr, "vsem-channel-peer: %s wants a positive integer, got '%s'\n", flag, text);
    std::exit(2);
  }
  return v;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (arg == "--impl") {
      o.impl = value();
      if (o.impl != "vsem" && o.impl != "std_ring") usage("--impl is vsem or std_ring");
    } else if (arg == "--producers") {
      const std::uint64_t p = parse_number(value(), "--producers");
      if (p > 64) usage("--producers is 1..64");
      o.producers = static_cast<int>(p);
    } else if (arg == "--capacity") {
      const std::uint64_t c = parse_number(value(), "--capacity");
      if (c > (1u << 30)) usage("--capacity is 1..2^30");
      o.capacity = static_cast<std::size_t>(c);
    } else if (arg == "--items") {
      o.items = parse_number(value(), "--items");
      if (o.items > (std::uint64_t{1} << 32)) usage("--items is 1..2^32");
    } else if (arg == "--pin") {
      o.pin = true;
    } else {
      usage("unknown argument");
    }
  }
  return o;
}

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  const int err = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (err != 0) {
    std::fprintf(stderr, "vsem-channel-peer: pthread_setaffinity_np(CPU %d): %s\n", cpu,
                 std::strerror(err));
    std::exit(2);
  }
}

template <class Queue>
int run(const options& o) {
  Queue q(o.capacity);
  const int p = o.producers;
  const std::uint64_t n = o.items;
  std::atomic<std::uint64_t> sum{0};
  std::atomic<bool> failed{false};
  std::barrier start(2 * p + 1);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(2 * p));
  for (int k = 0; k < p; ++k) {
    threads.emplace_back([&, k] {
      if (o.pin) pin_to(0);
      start.arrive_and_wait();
      for (std::uint64_t v = static_cast<std::uint64_t>(k) + 1; v <= n;
           v += static_cast<std::uint64_t>(p)) {
        if (!q.push(v)) {
          failed.store(true);
          return;
        }
      }
    });
  }
  for (int k = 0; k < p; ++k) {
    const std::uint64_t share = n / static_cast<std::uint64_t>(p) +
                                (static_cast<std::uint64_t>(k) < n % static_cast<std::uint64_t>(p));
    threads.emplace_back([&, share] {
      if (o.pin) pin_to(1);
      start.arrive_and_wait();
      std::uint64_t local = 0;
      for (std::uint64_t i = 0; i < share; ++i) {
        item v = 0;
        if (!q.pop(v)) {
          failed.store(true);
          return;
        }
        local += v;
      }
      sum.fetch_add(local);
    });
  }
  start.arrive_and_wait();
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& t : threads) t.join();
  const auto t1 = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  const std::uint64_t expected = n * (n + 1) / 2;
  const bool ok = !failed.load() && sum.load() == expected;
  std::printf(
      "{\"system\": \"%s\", \"producers\": %d, \"consumers\": %d, \"capacity\": %zu, "
      "\"items\": %llu, \"pinned\": %s, \"threads\": \"os\", \"seconds\": %.6f, "
      "\"mitems_per_s\": %.4f, \"checksum_ok\": %s}\n",
      o.impl.c_str(), p, p, o.capacity, static_cast<unsigned long long>(n),
      o.pin ? "true" : "false", seconds, static_cast<double>(n) / seconds / 1e6,
      ok ? "true" : "false");
  if (!ok) {
    std::fprintf(stderr, "vsem-channel-peer: checksum mismatch: got %llu, expected %llu%s\n",
                 static_cast<unsigned long long>(sum.load()),
                 static_cast<unsigned long long>(expected),
                 failed.load() ? " (an operation failed)" : "");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.impl == "vsem" ? run<vsem_queue>(o) : run<std_ring_queue>(o);
}

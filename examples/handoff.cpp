// examples/handoff.cpp: the seed program (Zaccone, "Python Parallel
// Programming Cookbook", thread synchronisation with semaphores) on vsem.
//
// Five iterations; in each, a producer thread makes an item (a random number
// in 0..1000) and releases a semaphore initialised to 0, and a consumer thread
// acquires it and then reads the item. The semaphore's release happens before
// the acquire, so the consumer always sees the item the producer wrote. The
// output lines are the seed's, spelling included.
//
//   handoff [--delay-ms N | --seed-delay] [--help]

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include <vsem/semaphore.hpp>

namespace {

constexpr int iterations = 5;
constexpr long default_delay_ms = 10;
constexpr long seed_delay_ms = 3000;  // the seed's time.sleep(3)

std::mutex print_mutex;

// Prints one whole line; lines from different threads never interleave.
void say(const std::string& line) {
  std::lock_guard<std::mutex> lock(print_mutex);
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: vsem_handoff [--delay-ms N | --seed-delay] [--help]\n"
               "\n"
               "Five producer/consumer handoffs through a vsem::counting_semaphore\n"
               "initialised to 0 (the seed program, in C++).\n"
               "\n"
               "  --delay-ms N   producer waits N ms before producing (default %ld)\n"
               "  --seed-delay   producer waits %ld ms, as the seed's time.sleep(3)\n"
               "  --help         print this help and exit\n",
               default_delay_ms, seed_delay_ms);
}

// Parses a non-negative decimal number of milliseconds.
bool parse_ms(const char* text, long& out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || v < 0 || v > 24L * 3600 * 1000) return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  long delay_ms = default_delay_ms;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--seed-delay") == 0) {
      delay_ms = seed_delay_ms;
    } else if (std::strcmp(argv[i], "--delay-ms") == 0) {
      if (!parse_ms(i + 1 < argc ? argv[i + 1] : nullptr, delay_ms)) {
        std::fprintf(stderr, "vsem_handoff: --delay-ms needs a number of milliseconds\n");
        usage(stderr);
        return 2;
      }
      ++i;
    } else {
      std::fprintf(stderr, "vsem_handoff: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }

  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> item_number(0, 1000);

  for (int i = 0; i < iterations; ++i) {
    say("We will do five iterations:");
    // Initialised to 0: a "semaphore event" whose only purpose is to order the
    // consumer after the producer.
    vsem::counting_semaphore<> semaphore(0);
    int item = 0;  // written by the producer before release, read after acquire
    const int next_item = item_number(rng);

    std::thread producer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      item = next_item;
      say("producer notify : producted item number " + std::to_string(item));
      semaphore.release();
    });
    std::thread consumer([&] {
      say("consumer is waiting.");
      semaphore.acquire();
      say("Consumer notify : consumed item number " + std::to_string(item) + " ");
    });
    producer.join();
    consumer.join();
  }
  say("program terminated");
  return 0;
}

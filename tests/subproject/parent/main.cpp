// A parent project's program on vsem as a subproject: <vsem/vsem.hpp> gives
// the semaphore, the channel and the version generated from project(VERSION).
#include <vsem/vsem.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

int main() {
  if (std::strcmp(VSEM_VERSION_STRING, VSEM_EXPECTED_VERSION_STRING) != 0) {
    std::fprintf(stderr, "vsem version %s, expected %s\n", VSEM_VERSION_STRING,
                 VSEM_EXPECTED_VERSION_STRING);
    return 1;
  }
  vsem::channel<int> ch(2);
  std::thread producer([&] {
    for (int i = 1; i <= 3; ++i) {
      if (ch.push(i) != vsem::channel_status::done) std::abort();
    }
    ch.close();
  });
  int sum = 0;
  while (auto r = ch.pop()) sum += *r.value;
  producer.join();
  if (sum != 6) {
    std::fprintf(stderr, "channel sum %d, expected 6\n", sum);
    return 1;
  }
  std::printf("vsem %s as a subproject: ok\n", VSEM_VERSION_STRING);
  return 0;
}

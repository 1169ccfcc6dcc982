// A user program built against an installed vsem: the headers compile with
// strict warnings, and a semaphore hands a value from one thread to another.
#include <vsem/vsem.hpp>

#include <cstdio>
#include <cstring>
#include <thread>

int main() {
#ifdef VSEM_EXPECTED_VERSION_STRING
  if (std::strcmp(VSEM_VERSION_STRING, VSEM_EXPECTED_VERSION_STRING) != 0) {
    std::fprintf(stderr, "installed version %s, expected %s\n", VSEM_VERSION_STRING,
                 VSEM_EXPECTED_VERSION_STRING);
    return 1;
  }
#endif
  vsem::counting_semaphore<> ready(0);
  vsem::binary_semaphore done(0);
  int value = 0;
  std::thread producer([&] {
    value = 42;
    ready.release();
    done.acquire();
  });
  ready.acquire();
  const bool ok = value == 42;
  done.release();
  producer.join();
  if (!ok) {
    std::fprintf(stderr, "handoff failed: %d\n", value);
    return 1;
  }
  std::printf("vsem %s: ok\n", VSEM_VERSION_STRING);
  return 0;
}

// tests/semaphore/semaphore_ordering_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, ordering: release() happens before the acquire that takes its permit; one
// behaviour per test, in the style of libc++'s test/std/thread/thread.semaphore. Typed over the
// platforms in support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_ordering : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_ordering, vsem_test::platforms);

// Plain (non-atomic) data written before release() is visible after the
// acquire() that takes its permit (ThreadSanitizer checks the handoff).
TYPED_TEST(semaphore_ordering, release_happens_before_acquire) {
  for (int i = 0; i < 50; ++i) {
    counting<TypeParam> s(0);
    std::string data;
    thread_group consumer;
    consumer.spawn([&] {
      s.acquire();
      EXPECT_EQ(data, "payload " + std::to_string(i));
    });
    std::thread producer([&] {
      data = "payload " + std::to_string(i);
      s.release();
    });
    producer.join();
    consumer.join();
  }
}

// The same through a successful try_acquire() (spinning).
TYPED_TEST(semaphore_ordering, release_happens_before_try_acquire) {
  for (int i = 0; i < 50; ++i) {
    counting<TypeParam> s(0);
    int data = 0;
    thread_group consumer;
    consumer.spawn([&] {
      while (!s.try_acquire()) std::this_thread::yield();
      EXPECT_EQ(data, i + 1);
    });
    std::thread producer([&] {
      data = i + 1;
      s.release();
    });
    producer.join();
    consumer.join();
  }
}

// The same through a successful try_acquire_for().
TYPED_TEST(semaphore_ordering, release_happens_before_try_acquire_for) {
  for (int i = 0; i < 50; ++i) {
    counting<TypeParam> s(0);
    int data = 0;
    thread_group consumer;
    consumer.spawn([&] {
      ASSERT_TRUE(s.try_acquire_for(must_happen_within));
      EXPECT_EQ(data, i + 1);
    });
    std::thread producer([&] {
      data = i + 1;
      s.release();
    });
    producer.join();
    consumer.join();
  }
}

// One release(n) happens before each of the n acquires that take its permits.
TYPED_TEST(semaphore_ordering, release_n_happens_before_each_acquirer) {
  for (int i = 0; i < 20; ++i) {
    counting<TypeParam> s(0);
    int data = 0;
    thread_group g;
    for (int k = 0; k < 3; ++k) {
      g.spawn([&] {
        s.acquire();
        EXPECT_EQ(data, 42);
      });
    }
    std::thread producer([&] {
      data = 42;
      s.release(3);
    });
    producer.join();
    EXPECT_TRUE(g.wait_all());
  }
}

// The seed program's pattern: a semaphore initialised to 0; the producer
// writes an item, then releases; the consumer acquires, then reads the same
// item. Five iterations, as in the seed.
TYPED_TEST(semaphore_ordering, seed_producer_consumer_handoff) {
  std::mt19937 rng(12345);
  for (int iteration = 0; iteration < 5; ++iteration) {
    counting<TypeParam> s(0);
    int item = -1;
    int consumed = -2;
    const int to_produce = std::uniform_int_distribution<int>(0, 1000)(rng);
    std::thread producer([&] {
      std::this_thread::sleep_for(1ms);
      item = to_produce;
      s.release();
    });
    thread_group consumer;
    consumer.spawn([&] {
      s.acquire();
      consumed = item;
    });
    producer.join();
    consumer.join();
    EXPECT_EQ(consumed, to_produce) << "iteration " << iteration;
  }
}

}  // namespace

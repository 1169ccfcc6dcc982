// tests/channel/channel_destroy_test.cpp: destroying a vsem::channel as soon
// as an operation returns `closed`, in real execution (impl/vsem/channel.hpp,
// "Destruction").
//
// The pattern: the thread that owns the channel (a consumer that pops until
// `closed`, or a producer whose push returned `closed`) destroys it at once,
// while the thread that called close() may still be inside close(), and a
// producer whose push stored an item may still be returning. Each round
// allocates a fresh channel on the heap, so that the asan presets report a
// heap-use-after-free the moment any thread touches a destroyed channel (on
// the stack, the next round's channel would reuse the same bytes and hide
// it); the last test keeps the channel truly on the owner's stack.
//
// Rounds scale with VSEM_STRESS_SCALE (default 1: 4,000 rounds per test,
// a few seconds under AddressSanitizer). A failure shows as a sanitizer
// report (asan presets) or a crash; the tests also check every result.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include <vsem/channel.hpp>
#include <vsem/semaphore.hpp>

#include "support/test_support.hpp"

namespace {

using vsem::channel_status;
using vsem_test::scaled;

long rounds() {
  return scaled(4'000);
}

// A consumer pops until `closed` and destroys the channel; the producer pushes
// one item and then closes, and may still be inside close() (or returning from
// its push) when the channel is destroyed.
TEST(channel_destroy_on_closed, consumer_destroys_while_producer_closes) {
  for (long round = 0; round < rounds(); ++round) {
    auto ch = std::make_unique<vsem::channel<int>>(1);
    std::thread producer([c = ch.get()] {
      EXPECT_EQ(c->push(1), channel_status::done);
      c->close();
    });
    int popped = 0;
    for (;;) {
      auto r = ch->pop();
      if (r.status == channel_status::closed) break;
      ASSERT_EQ(r.status, channel_status::done);
      ++popped;
    }
    ch.reset();  // close() may still be running
    producer.join();
    ASSERT_EQ(popped, 1);
  }
}

// A producer blocked on a full channel gets `closed` and destroys the channel
// while the closer may still be inside close().
TEST(channel_destroy_on_closed, producer_destroys_while_closer_closes) {
  for (long round = 0; round < rounds(); ++round) {
    auto ch = std::make_unique<vsem::channel<int>>(1);
    ASSERT_EQ(ch->try_push(0), channel_status::done);  // full
    std::thread closer([c = ch.get()] { c->close(); });
    int item = 1;
    while (ch->push(item) == channel_status::done) ++item;
    ch.reset();  // close() may still be running
    closer.join();
  }
}

// Producers in flight: a producer pushes one item; the consumer pops it and
// only then tells a third thread to close, so the push is done but may still
// be inside push() when close() runs and when the consumer destroys the
// channel on `closed`.
TEST(channel_destroy_on_closed, consumer_destroys_with_producer_in_flight) {
  for (long round = 0; round < rounds(); ++round) {
    auto ch = std::make_unique<vsem::channel<int>>(1);
    vsem::binary_semaphore popped(0);
    std::thread producer([c = ch.get()] { EXPECT_EQ(c->push(7), channel_status::done); });
    std::thread closer([c = ch.get(), &popped] {
      popped.acquire();
      c->close();
    });
    auto r = ch->pop();
    ASSERT_EQ(r.status, channel_status::done);
    ASSERT_EQ(*r.value, 7);
    popped.release();
    ASSERT_EQ(ch->pop().status, channel_status::closed);
    ch.reset();  // close() and the producer's push may still be returning
    producer.join();
    closer.join();
  }
}

// Two producers race try_push with close(); each returns done or closed; the
// last of the two producers and the consumer to finish destroys the channel
// ("last one out"), while close() may still be running.
TEST(channel_destroy_on_closed, last_user_destroys_while_closer_closes) {
  for (long round = 0; round < rounds(); ++round) {
    auto* ch = new vsem::channel<int>(2);
    std::atomic<int> users{3};
    auto done_with = [&users](vsem::channel<int>* c) {
      // acq_rel: the last user out has synchronised with the others' last calls.
      if (users.fetch_sub(1, std::memory_order_acq_rel) == 1) delete c;
    };
    std::thread closer([ch] { ch->close(); });
    std::thread p0([ch, &done_with] {
      const auto s = ch->try_push(1);
      EXPECT_TRUE(s == channel_status::done || s == channel_status::closed) << name(s);
      done_with(ch);
    });
    std::thread p1([ch, &done_with] {
      const auto s = ch->push(2);
      EXPECT_TRUE(s == channel_status::done || s == channel_status::closed) << name(s);
      done_with(ch);
    });
    while (ch->pop().status != channel_status::closed) {
    }
    done_with(ch);
    p0.join();
    p1.join();
    closer.join();
  }
}

// The stack-allocated channel: a consumer's channel lives in its own frame and
// is destroyed when the pop loop sees `closed`; the producer's close() may
// still be running when the frame is left.
TEST(channel_destroy_on_closed, stack_channel_destroyed_on_closed) {
  for (long round = 0; round < rounds(); ++round) {
    std::optional<std::thread> producer;
    int popped = 0;
    {
      vsem::channel<int> ch(1);
      producer.emplace([&ch] {
        EXPECT_EQ(ch.push(1), channel_status::done);
        EXPECT_EQ(ch.push(2), channel_status::done);
        ch.close();
      });
      while (ch.pop().status == channel_status::done) ++popped;
    }  // destroyed here
    producer->join();
    ASSERT_EQ(popped, 2);
  }
}

}  // namespace

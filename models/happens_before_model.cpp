// Model: release happens-before the acquire that consumes its permit
// (happens_before), over several items and rounds.
//
// Property: plain data (P::var, race-checked by Relacy) written before a
// release() is read without a data race, and with the written value, after
// the acquire() that took one of that release's permits; and data read before
// a release() may be overwritten without a race after the matching acquire (the
// reverse direction, needed to reuse a buffer). Checked with
//   * ping_pong: two threads, two semaphores, two rounds; one shared message
//     slot written by both sides in turn;
//   * fan_out: one producer writes two item slots, then releases two permits
//     (two release(1) in round 0, one release(2) in round 1); two consumers
//     take permits and read the slot of the ticket they draw next (a relaxed
//     counter: it assigns slots but orders nothing, so all happens-before comes
//     from the semaphore). Both slots of a round are written before its first
//     release, so the value a ticket must see does not depend on which permit
//     of the round its consumer took. After reading, a consumer acknowledges
//     through a second semaphore; the producer rewrites both slots for round 1
//     once both items of round 0 are acknowledged.
#include <vsem/semaphore.hpp>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;

struct ping_pong : vsem::engine::test<ping_pong, 2> {
  static constexpr int rounds = 2;
  vsem::counting_semaphore<1, P> ping{0}, pong{0};
  P::var<int> message;

  void thread(unsigned index) {
    for (int r = 0; r < rounds; ++r) {
      if (index == 0) {
        message.store(100 * r + 1);  // the request of round r
        ping.release();
        pong.acquire();
        VSEM_MODEL_ASSERT(message.load() == 100 * r + 2);
      } else {
        ping.acquire();
        VSEM_MODEL_ASSERT(message.load() == 100 * r + 1);
        message.store(100 * r + 2);  // the reply overwrites the request
        pong.release();
      }
    }
  }
};

struct fan_out : vsem::engine::test<fan_out, 3> {
  static constexpr int rounds = 2;
  vsem::counting_semaphore<2, P> items{0}, acks{0};
  P::atomic<int> next_ticket{0};  // relaxed: assigns slots, orders nothing
  P::var<int> slot[2];
  static constexpr vsem::symmetric_threads symmetric{1, 2};  // the two consumers

  static int expected(int ticket) { return 10 * (ticket / 2) + 1 + ticket % 2; }

  void thread(unsigned index) {
    if (index == 0) {  // the producer
      for (int r = 0; r < rounds; ++r) {
        if (r > 0) {  // both items of round r - 1 have been read
          acks.acquire();
          acks.acquire();
        }
        slot[0].store(expected(2 * r));
        slot[1].store(expected(2 * r + 1));
        if (r % 2 == 0) {
          items.release();
          items.release();
        } else {
          items.release(2);
        }
      }
    } else {  // a consumer: takes two items, from whichever rounds
      for (int i = 0; i < rounds; ++i) {
        items.acquire();
        const int ticket = next_ticket.fetch_add(1, std::memory_order_relaxed);
        VSEM_MODEL_ASSERT(slot[ticket % 2].load() == expected(ticket));
        if (ticket / 2 + 1 < rounds) acks.release();
      }
    }
  }

  void after() {
    VSEM_MODEL_ASSERT(items.debug_snapshot().count == 0);
    VSEM_MODEL_ASSERT(acks.debug_snapshot().count == 0);
  }
};

using namespace vsem::verify;

VSEM_REGISTER_RUNS(
    model_run<ping_pong>("happens_before/ping_pong",
                         "happens_before: data written before release is read race-free after "
                         "the acquire that consumed it",
                         "2 threads, 2 semaphores, 2 rounds, 1 shared slot", context_bound(8)),
    model_run<ping_pong>("happens_before/ping_pong/deep",
                         "happens_before: data written before release is read race-free after "
                         "the acquire that consumed it",
                         "2 threads, 2 semaphores, 2 rounds, 1 shared slot", context_bound(12),
                         tier::deep),
    model_run<ping_pong>("happens_before/ping_pong/spurious",
                         "happens_before, spurious futex wakeups on",
                         "2 threads, 2 semaphores, 2 rounds, 1 shared slot",
                         with_spurious(context_bound(2))),
    model_run<fan_out>(
        "happens_before/fan_out",
        "happens_before: data written before release is read race-free after "
        "the acquire that consumed it",
        "1 producer (2 x release(1), then release(2)), 2 consumers, 2 slots, 2 rounds",
        context_bound(2)),
    model_run<fan_out>(
        "happens_before/fan_out/deep",
        "happens_before: data written before release is read race-free after "
        "the acquire that consumed it",
        "1 producer (2 x release(1), then release(2)), 2 consumers, 2 slots, 2 rounds",
        context_bound(3), tier::deep),
    model_run<fan_out>(
        "happens_before/fan_out/random", "happens_before, spurious futex wakeups on",
        "1 producer (2 x release(1), then release(2)), 2 consumers, 2 slots, 2 rounds",
        with_spurious(random_search(300000))),
    mutant_run<ping_pong>(vsem::mutation::relaxed_acquire, "happens_before/ping_pong",
                          "a relaxed permit-taking acquire gives no happens-before: data race",
                          full_search(), rl::test_result_data_race, "semaphore.hpp",
                          "state_.fetch_sub(1, acquire_order())"))

}  // namespace

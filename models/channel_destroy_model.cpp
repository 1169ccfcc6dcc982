// Models of destroying a vsem::channel when an operation returns `closed`
// (impl/vsem/channel.hpp, "Destruction"), named channel_destroy_on_closed/*.
//
// Property: a thread that sees `closed` as the result of a push or a pop may
// destroy the channel at once, while the close() call that closed it is still
// running and while pushes that stored their item are still returning; no
// thread then touches freed memory (Relacy reports ACCESS TO FREED MEMORY; the
// model binary is built with -fno-lifetime-dse, and the channel and every item
// live on the model's heap, so a leak or double free fails the run too).
// Each model has a producer in flight (between claiming its ticket and
// handing its item over) while close() runs.
//
// Only legitimate destructions are modelled: every other thread has returned
// from its calls (a "last one out deletes" count), except the two calls the
// rule allows to still be running. Mutants channel_notify_after_publish (a
// push that wakes consumers after its last permitted access) and
// channel_report_closed_early (a push or pop that reports closed without
// waiting for close() to finish) are caught: the first as an access to freed
// memory, the second by the destructor's contract check (the channel is
// destroyed while close() is still running).
#include <vsem/channel.hpp>
#include <vsem/semaphore.hpp>

#include <utility>

#include <vsem/verify/registry.hpp>

namespace {

using P = vsem::engine::platform;
using vsem::channel_status;

// An item owning a heap payload (a lost or doubly destroyed item fails the run).
struct item {
  P::var<int>* payload;
  explicit item(int v) : payload(new P::var<int>(v)) {}
  item(item&& o) noexcept : payload(std::exchange(o.payload, nullptr)) {}
  item(const item&) = delete;
  item& operator=(const item&) = delete;
  item& operator=(item&&) = delete;
  ~item() { delete payload; }
  int value() const { return payload->load(); }
};

using channel = vsem::basic_channel<item, P>;

// The consumer owns the channel: it pops until `closed`, then deletes it.
// A producer pushes one item; the consumer pops it and only then lets the
// closer close (a handshake), so the push always stores its item, yet may
// still be returning from push (in flight) while close() runs and when the
// consumer deletes the channel.
struct consumer_destroys : vsem::engine::test<consumer_destroys, 3> {
  channel* ch = nullptr;
  vsem::basic_binary_semaphore<P> popped{0};  // consumer -> closer: item 0 arrived

  void before() { ch = new channel(1); }

  void thread(unsigned index) {
    if (index == 0) {  // producer
      VSEM_MODEL_ASSERT(ch->push(item(7)) == channel_status::done);
    } else if (index == 1) {  // consumer and owner
      auto r = ch->pop();
      VSEM_MODEL_ASSERT(r.status == channel_status::done && r.value->value() == 7);
      popped.release();
      while (ch->pop().status != channel_status::closed) {
        VSEM_MODEL_ASSERT(false);  // nothing else was pushed
      }
      delete ch;  // close() may still be running; the producer may still be returning
    } else {      // closer
      popped.acquire();
      ch->close();
    }
  }
};

// Producers own the channel: each pushes until its push does not return
// `done` (two at most, capacity 2, no consumer, so a third push blocks until
// close() wakes it), and the last producer out deletes the channel while
// close() may still be running. A push that returns `closed` keeps its item.
struct producer_destroys : vsem::engine::test<producer_destroys, 3> {
  channel* ch = nullptr;
  vsem::engine::platform::atomic<int> users{2};  // producers still using the channel

  void before() { ch = new channel(2); }

  void thread(unsigned index) {
    if (index < 2) {  // producer
      for (int s = 0; s < 2; ++s) {
        item m(int(index) * 10 + s);
        const channel_status st = ch->push(std::move(m));
        if (st != channel_status::done) {
          VSEM_MODEL_ASSERT(st == channel_status::closed && m.value() == int(index) * 10 + s);
          break;
        }
      }
      // acq_rel: the last one out has synchronised with the other's last call.
      if (users.fetch_sub(1, std::memory_order_acq_rel) == 1) delete ch;
    } else {  // closer
      ch->close();
    }
  }
};

// As consumer_destroys, but the consumer polls with try_pop() and
// try_pop_for(0) before it blocks in pop(), and the closer closes without a handshake while a
// second producer's try_push races with it: that producer and the consumer count as users, and the
// last user out deletes the channel.
struct poller_destroys : vsem::engine::test<poller_destroys, 3> {
  channel* ch = nullptr;
  vsem::engine::platform::atomic<int> users{2};  // producer and consumer

  void before() { ch = new channel(1); }

  void done_with_channel() {
    // acq_rel: the last one out has synchronised with the other's last call.
    if (users.fetch_sub(1, std::memory_order_acq_rel) == 1) delete ch;
  }

  void thread(unsigned index) {
    if (index == 0) {  // producer: one try_push that may race with close()
      item m(5);
      const channel_status st = ch->try_push(std::move(m));
      VSEM_MODEL_ASSERT(st == channel_status::done || st == channel_status::closed);
      done_with_channel();
    } else if (index == 1) {  // consumer: polls twice, then blocks, until closed
      for (int k = 0;; ++k) {
        auto r = k == 0   ? ch->try_pop()
                 : k == 1 ? ch->try_pop_for(std::chrono::nanoseconds(0))
                          : ch->pop();  // bounded polling: an endless poll is a livelock
        if (r.status == channel_status::closed) break;
        VSEM_MODEL_ASSERT(r.status == channel_status::done || r.status == channel_status::empty ||
                          r.status == channel_status::timed_out);
      }
      done_with_channel();
    } else {  // closer
      ch->close();
    }
  }
};

using namespace vsem::verify;

constexpr const char* no_use_after_free =
    "a thread that sees closed may destroy the channel while close() and done pushes return";

VSEM_REGISTER_RUNS(
    model_run<consumer_destroys>(
        "channel_destroy_on_closed/consumer", no_use_after_free,
        "1 producer (in flight), 1 consumer that pops until closed and deletes, 1 closer, "
        "capacity 1",
        context_bound(3)),
    model_run<consumer_destroys>("channel_destroy_on_closed/consumer_random_spurious",
                                 no_use_after_free,
                                 "as channel_destroy_on_closed/consumer, spurious futex wakeups",
                                 with_spurious(random_search(300000))),
    model_run<producer_destroys>(
        "channel_destroy_on_closed/producer", no_use_after_free,
        "2 producers (push until closed, last out deletes), 1 closer, capacity 2",
        context_bound(2)),
    model_run<producer_destroys>("channel_destroy_on_closed/producer_random_spurious",
                                 no_use_after_free,
                                 "as channel_destroy_on_closed/producer, spurious futex wakeups",
                                 with_spurious(random_search(300000))),
    model_run<producer_destroys>("channel_destroy_on_closed/producer_deep", no_use_after_free,
                                 "as channel_destroy_on_closed/producer", context_bound(3),
                                 tier::deep),
    model_run<poller_destroys>(
        "channel_destroy_on_closed/poller", no_use_after_free,
        "1 producer (try_push racing close), 1 consumer polling try_pop/try_pop_for(0), "
        "last out deletes; 1 closer, capacity 1",
        context_bound(3)),
    model_run<poller_destroys>("channel_destroy_on_closed/poller_random_spurious",
                               no_use_after_free,
                               "as channel_destroy_on_closed/poller, spurious futex wakeups",
                               with_spurious(random_search(300000))),
    mutant_run<consumer_destroys>(
        vsem::mutation::channel_notify_after_publish, "channel_destroy_on_closed/consumer",
        "a push that wakes consumers after handing its item over reads the channel its "
        "consumer may already have freed",
        context_bound(3), rl::test_result_access_to_freed_memory, "channel_wait.hpp",
        "std::uint64_t e = place.load(std::memory_order_seq_cst);"),
    mutant_run<producer_destroys>(
        vsem::mutation::channel_report_closed_early, "channel_destroy_on_closed/producer",
        "a push that reports closed before close() has finished lets its caller free the "
        "channel under close()",
        context_bound(2), rl::test_result_user_assert_failed, "channel.hpp",
        "(tail & closed_bit) == 0 || (poppers & finished_bit) != 0"),
    mutant_run<consumer_destroys>(
        vsem::mutation::channel_woken_sleeps_unregistered, "channel_destroy_on_closed/consumer",
        "a consumer that a wake counted out and that sleeps again as if still counted takes "
        "back a registration it no longer holds: the count wraps, and the destructor finds a "
        "sleeper that is not there",
        context_bound(3), rl::test_result_user_assert_failed, "channel_wait.hpp",
        "timed_out = !Platform::wait_until(place, static_cast<std::uint32_t>(e), deadline);"))

}  // namespace

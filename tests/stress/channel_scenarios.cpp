// tests/stress/channel_scenarios.cpp: vsem-stress's channel_exactly_once
// scenario (channel_scenarios.hpp says what it checks): producers and
// consumers move numbered items through a vsem::channel, closed three ways.

#include "stress/channel_scenarios.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <vsem/channel.hpp>
#include <vsem/fault/platform.hpp>
#include <vsem/platform.hpp>

#include "lin/recorder.hpp"
#include "lin/session.hpp"
#include "stress/harness.hpp"

namespace vsem_stress {

namespace {

using vsem_lin::op;
using vsem_lin::record;

// One push attempt: push() (always when `blocking`, else half the time),
// try_push() or try_push_for() with a random short timeout. The caller retries
// on full and timed_out. Recorded in `log` unless it is null.
template <class Channel>
vsem::channel_status push_one(Channel& ch, std::uint64_t item, rng& r, watch_slot& slot,
                              nanos& longest, bool blocking, vsem_lin::thread_log* log) {
  const auto how = blocking ? 0 : r.below(4);
  if (how < 2) {
    return timed_call(slot, "push()", longest,
                      [&] { return record(log, op::push, item, [&] { return ch.push(item); }); });
  }
  if (how == 2) return record(log, op::try_push, item, [&] { return ch.try_push(item); });
  const nanos t(r.below(100'000));
  return timed_call(slot, "try_push_for()", longest, [&] {
    return record(log, op::push_for, item, [&] { return ch.try_push_for(item, t); });
  });
}

// One pop attempt, as push_one. The caller retries on empty and timed_out.
template <class Channel>
vsem::pop_result<std::uint64_t> pop_one(Channel& ch, rng& r, watch_slot& slot, nanos& longest,
                                        bool blocking, vsem_lin::thread_log* log) {
  const auto how = blocking ? 0 : r.below(4);
  if (how < 2) {
    return timed_call(slot, "pop()", longest,
                      [&] { return record(log, op::pop, 0, [&] { return ch.pop(); }); });
  }
  if (how == 2) return record(log, op::try_pop, 0, [&] { return ch.try_pop(); });
  const nanos t(r.below(100'000));
  return timed_call(slot, "try_pop_for()", longest,
                    [&] { return record(log, op::pop_for, 0, [&] { return ch.try_pop_for(t); }); });
}

constexpr int item_seq_bits = 40;
constexpr std::uint64_t item_seq_mask = (std::uint64_t{1} << item_seq_bits) - 1;

// How a channel_run ends.
enum class closing {
  after_producers,  // when every producer is done and consumers sleep in pop() on the empty channel
  under_load,       // while producers push and consumers pop
  while_full,       // while producers sleep in push() on the full channel, no consumer running
};

const char* name(closing c) {
  switch (c) {
    case closing::after_producers:
      return "close after the producers";
    case closing::under_load:
      return "close under load";
    case closing::while_full:
      return "close while full";
  }
  return "?";
}

// Totals of channel_exactly_once over its sub-runs.
struct channel_totals {
  long long items = 0;          // popped (== pushed when correct)
  long long closed_pushes = 0;  // pushes that returned closed
};

// One sub-run of channel_exactly_once: producers push their numbered items
// through a channel of `capacity`; consumers pop; the channel is closed as
// `how` says. Every item pushed must be popped exactly once, in order per
// producer as seen by each consumer, and every blocked thread must return.
// With cx.lin, every call on the channel is recorded (thread numbers: the
// producers, the consumers, then the main thread) and the history checked.
// The watchdog is declared last: its describe() reads the rest.
template <class P>
class channel_run {
 public:
  using status = vsem::channel_status;

  channel_run(const context& cx, std::size_t capacity, closing how, long long items,
              steady::time_point deadline, failure_log& failures, longest_wait& longest)
      : cx_(cx),
        capacity_(capacity),
        how_(how),
        np_(std::max(1, cx.threads / 2)),
        nc_(std::max(1, cx.threads - np_)),
        per_producer_(items_per_producer(capacity, how, items, np_)),
        ch_(capacity),
        seen_(static_cast<std::size_t>(np_ * per_producer_)),
        pushed_(static_cast<std::size_t>(np_), 0),
        popped_(static_cast<std::size_t>(nc_), 0),
        consumers_block_(how == closing::while_full),
        main_slot_(np_ + nc_),
        phase_(name(how)),
        stream_(10'000 * capacity + 1000 * static_cast<std::uint64_t>(how)),
        failures_(failures),
        longest_(longest),
        rec_(cx.lin != nullptr ? std::make_unique<vsem_lin::recorder>(np_ + nc_ + 1) : nullptr),
        dog_(label(cx, np_ + nc_), np_ + nc_ + 1, blocked_limit, deadline,
             [this] { return describe(); }) {}

  void run(channel_totals& totals) {
    crew producers;
    crew consumers;
    for (int p = 0; p < np_; ++p) producers.spawn([this, p] { producer(p); });
    for (int c = 0; c < nc_; ++c) consumers.spawn([this, c] { consumer(c); });
    close_as_planned(producers, consumers);
    join(consumers, "joining the consumers");
    long long total_popped = 0;
    for (long long v : popped_) total_popped += v;
    check_items(total_popped);
    check_closed_and_drained();
    check_linearizable();
    totals.items += total_popped;
    totals.closed_pushes += closed_pushes_.load();
  }

 private:
  static long long items_per_producer(std::size_t capacity, closing how, long long items, int np) {
    long long per_producer = std::max<long long>(1, items / np);
    if (how == closing::under_load) per_producer *= 2;  // close at a quarter
    if (how == closing::while_full) per_producer = static_cast<long long>(capacity) / np + 2;
    return per_producer;
  }

  std::string describe() {
    return format(
        "capacity %zu, %s: %lld pushed, %lld popped so far, %d of %d producers done, "
        "closed=%d",
        capacity_, phase_, pushed_so_far_.load(std::memory_order_relaxed),
        popped_so_far_.load(std::memory_order_relaxed),
        producers_finished_.load(std::memory_order_relaxed), np_, ch_.is_closed() ? 1 : 0);
  }

  // Thread i's log (main_slot_ for the main thread), or null when not recording.
  vsem_lin::thread_log* log(int i) { return rec_ ? rec_->log(i) : nullptr; }

  // Checks the recorded history, if any (after every thread is joined).
  void check_linearizable() {
    if (!rec_) return;
    const std::string where = format("%s capacity %zu, %s", cx_.scenario, capacity_, phase_);
    if (!cx_.lin->check(where, vsem_lin::channel_history{capacity_, rec_->take()})) {
      failures_.add(format("capacity %zu, %s: not linearizable (report above)", capacity_, phase_));
    }
  }

  // On an unexpected result: report it and close the channel, so that every
  // thread winds down instead of waiting for items that will not come. `lg`:
  // the calling thread's log.
  void broken(const std::string& why, vsem_lin::thread_log* lg) {
    failures_.add(format("capacity %zu, %s: %s", capacity_, phase_, why.c_str()));
    record(lg, op::close, 0, [&] { ch_.close(); });
  }

  void producer(int p) {
    rng r(cx_.seed, 6'000'000 + stream_ + static_cast<std::uint64_t>(p));
    nanos mine{0};
    long long seq = 0;
    for (; seq < per_producer_ && !dog_.stop_requested(); ++seq) {
      const std::uint64_t item =
          (static_cast<std::uint64_t>(p) << item_seq_bits) | static_cast<std::uint64_t>(seq);
      status s = status::full;
      while (s == status::full || s == status::timed_out) {
        s = push_one(ch_, item, r, dog_.slot(p), mine, how_ == closing::while_full, log(p));
        if (s == status::full) std::this_thread::yield();
      }
      if (s == status::done) {
        pushed_so_far_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      if (s == status::closed) {
        closed_pushes_.fetch_add(1, std::memory_order_relaxed);
        if (how_ == closing::after_producers && !failures_.any()) {
          broken("a push returned closed before close()", log(p));
        }
      } else {
        broken(format("a push returned %s", vsem::name(s)), log(p));
      }
      break;  // `item` was not pushed
    }
    pushed_[static_cast<std::size_t>(p)] = seq;
    producers_finished_.fetch_add(1, std::memory_order_relaxed);
    longest_.merge(mine);
  }

  void consumer(int c) {
    rng r(cx_.seed, 7'000'000 + stream_ + static_cast<std::uint64_t>(c));
    nanos mine{0};
    std::vector<long long> last(static_cast<std::size_t>(np_), -1);  // per producer
    long long mine_popped = 0;
    for (;;) {
      const bool blocking = consumers_block_.load(std::memory_order_relaxed);
      const auto res = pop_one(ch_, r, dog_.slot(np_ + c), mine, blocking, log(np_ + c));
      if (res.status == status::closed) break;
      if (res.status == status::empty) {
        std::this_thread::yield();
        continue;
      }
      if (res.status == status::timed_out) continue;
      if (res.status != status::done || !res.value) {
        broken(format("a pop returned %s", vsem::name(res.status)), log(np_ + c));
        continue;  // drain what is left, then see closed
      }
      if (!check_popped(c, *res.value, last)) continue;
      ++mine_popped;
      popped_so_far_.fetch_add(1, std::memory_order_relaxed);
    }
    popped_[static_cast<std::size_t>(c)] = mine_popped;
    longest_.merge(mine);
  }

  // Consumer c popped `item`: counts it, and checks it is one a producer makes
  // (false if not), not popped before and after its producer's `last` item.
  bool check_popped(int c, std::uint64_t item, std::vector<long long>& last) {
    vsem_lin::thread_log* const lg = log(np_ + c);
    const std::uint64_t p = item >> item_seq_bits;
    const long long seq = static_cast<long long>(item & item_seq_mask);
    if (p >= static_cast<std::uint64_t>(np_) || seq >= per_producer_) {
      broken(format("popped item %#llx, which no producer makes",
                    static_cast<unsigned long long>(item)),
             lg);
      return false;
    }
    // relaxed: a count per item; read after the join.
    if (seen_[p * static_cast<std::uint64_t>(per_producer_) + static_cast<std::uint64_t>(seq)]
            .fetch_add(1, std::memory_order_relaxed) != 0) {
      broken(format("item %llu:%lld popped twice", static_cast<unsigned long long>(p), seq), lg);
    }
    if (seq <= last[p]) {
      broken(format("consumer %d popped producer %llu's item %lld after its item %lld", c,
                    static_cast<unsigned long long>(p), seq, last[p]),
             lg);
    }
    last[p] = seq;
    return true;
  }

  // The main thread's waits are watched too: a lost item or a thread that
  // close() failed to wake fires the watchdog instead of hanging here.
  template <class Done>
  void main_wait(const char* what, Done done) {
    timed_call(dog_.slot(main_slot_), what, ignored_, [&] {
      while (!done() && !failures_.any()) std::this_thread::sleep_for(100us);
    });
  }
  void join(crew& c, const char* what) {
    timed_call(dog_.slot(main_slot_), what, ignored_, [&] { c.join(); });
  }

  // The main thread closes the channel.
  void close() {
    record(log(main_slot_), op::close, 0, [&] { ch_.close(); });
  }

  // Starts the threads and closes the channel as `how` says; returns with the
  // producers joined.
  void close_as_planned(crew& producers, crew& consumers) {
    switch (how_) {
      case closing::after_producers:
        producers.start();
        consumers.start();
        join(producers, "joining the producers");
        // Consumers drain the channel, then sleep in pop(): close() must wake them.
        consumers_block_.store(true, std::memory_order_relaxed);
        main_wait("waiting for the consumers to drain the channel", [&] {
          return producers_finished_.load(std::memory_order_relaxed) == np_ &&
                 popped_so_far_.load(std::memory_order_relaxed) ==
                     pushed_so_far_.load(std::memory_order_relaxed);
        });
        std::this_thread::sleep_for(2ms);
        close();
        break;
      case closing::under_load:
        close_under_load(producers, consumers);
        break;
      case closing::while_full:
        producers.start();
        main_wait("waiting for the producers to fill the channel", [&] {
          return pushed_so_far_.load(std::memory_order_relaxed) >=
                     static_cast<long long>(capacity_) ||
                 producers_finished_.load(std::memory_order_relaxed) == np_;
        });
        std::this_thread::sleep_for(2ms);  // the producers left fall asleep in push()
        close();                           // must wake them: they return closed
        join(producers, "joining the producers blocked in push() on a full channel");
        consumers.start();  // they drain what was pushed, then see closed
        break;
    }
  }

  void close_under_load(crew& producers, crew& consumers) {
    producers.start();
    consumers.start();
    const long long trigger = std::max<long long>(1, np_ * per_producer_ / 4);
    main_wait("waiting for a quarter of the items", [&] {
      return popped_so_far_.load(std::memory_order_relaxed) >= trigger ||
             producers_finished_.load(std::memory_order_relaxed) == np_ || dog_.stop_requested();
    });
    close();  // producers are still pushing: they stop at `closed`
    join(producers, "joining the producers after close()");
  }

  // After the join: every item pushed was popped exactly once, none other.
  void check_items(long long total_popped) {
    long long total_pushed = 0;
    for (long long v : pushed_) total_pushed += v;
    int reported = 0;
    for (int p = 0; p < np_; ++p) {
      for (long long seq = 0; seq < per_producer_; ++seq) {
        const unsigned got = seen_[static_cast<std::size_t>(p * per_producer_ + seq)].load(
            std::memory_order_relaxed);
        const unsigned expected = seq < pushed_[static_cast<std::size_t>(p)] ? 1 : 0;
        if (got != expected && reported++ < 3) {
          failures_.add(format("capacity %zu, %s: item %d:%lld popped %u times, expected %u",
                               capacity_, phase_, p, seq, got, expected));
        }
      }
    }
    if (total_popped != total_pushed) {
      failures_.add(format("capacity %zu, %s: %lld pushed but %lld popped", capacity_, phase_,
                           total_pushed, total_popped));
    }
    if (how_ == closing::while_full && total_pushed != static_cast<long long>(capacity_)) {
      failures_.add(format("capacity %zu, %s: %lld items fitted", capacity_, phase_, total_pushed));
    }
  }

  // Closed and drained: every operation reports closed at once.
  void check_closed_and_drained() {
    vsem_lin::thread_log* const lg = log(main_slot_);
    timed_call(dog_.slot(main_slot_), "operations on a closed, drained channel", ignored_, [&] {
      const std::uint64_t probe = ~std::uint64_t{0};  // an item no producer makes
      if (record(lg, op::try_pop, 0, [&] { return ch_.try_pop(); }).status != status::closed ||
          record(lg, op::pop_for, 0, [&] { return ch_.try_pop_for(1ms); }).status !=
              status::closed ||
          record(lg, op::pop, 0, [&] { return ch_.pop(); }).status != status::closed ||
          record(lg, op::try_push, probe, [&] { return ch_.try_push(probe); }) != status::closed ||
          record(lg, op::push, probe, [&] { return ch_.push(probe); }) != status::closed ||
          record(lg, op::push_for, probe, [&] { return ch_.try_push_for(probe, 1ms); }) !=
              status::closed) {
        failures_.add(format("capacity %zu, %s: a closed, drained channel did not report closed",
                             capacity_, phase_));
      }
    });
  }

  const context& cx_;
  const std::size_t capacity_;
  const closing how_;
  const int np_;
  const int nc_;
  const long long per_producer_;
  channel_of<P> ch_;
  // seen_[p * per_producer_ + seq]: how often producer p's item seq was popped.
  std::vector<std::atomic<std::uint8_t>> seen_;
  std::vector<long long> pushed_;  // [p] by producer p
  std::vector<long long> popped_;  // [c] by consumer c
  // relaxed atomics: progress for the main thread and the watchdog.
  std::atomic<long long> pushed_so_far_{0};
  std::atomic<long long> popped_so_far_{0};
  std::atomic<int> producers_finished_{0};
  std::atomic<long long> closed_pushes_{0};
  std::atomic<bool> consumers_block_;  // only pop() from now on
  const int main_slot_;
  const char* const phase_;
  const std::uint64_t stream_;
  failure_log& failures_;
  longest_wait& longest_;
  nanos ignored_{0};                         // the main thread's waits: watched, not measured
  std::unique_ptr<vsem_lin::recorder> rec_;  // the history, with cx.lin
  watchdog dog_;
};

}  // namespace

template <class P>
outcome channel_exactly_once(const context& cx) {
  const int np = std::max(1, cx.threads / 2);
  const int nc = std::max(1, cx.threads - np);
  failure_log failures;
  longest_wait longest;
  channel_totals totals;
  const auto start = steady::now();
  const std::size_t capacities[] = {1, 64, 1024};
  constexpr int runs = 6;  // with a time budget: after_producers and under_load
  int run = 0;
  for (const std::size_t capacity : capacities) {
    for (const closing how : {closing::after_producers, closing::under_load}) {
      ++run;
      const auto deadline = split(start, cx.deadline, static_cast<double>(run) / runs);
      // At most 2^24 items per sub-run: the per-item counts stay small.
      const long long items = std::clamp<long long>(cx.ops / runs, 1, 1LL << 24);
      channel_run<P>(cx, capacity, how, items, deadline, failures, longest).run(totals);
    }
    // At most capacity + 2 items per producer; not cut short by the time budget.
    channel_run<P>(cx, capacity, closing::while_full, 0, steady::time_point::max(), failures,
                   longest)
        .run(totals);
  }
  outcome out;
  out.threads = np + nc;
  out.ops = totals.items;
  out.longest = longest.get();
  out.detail = format("producers=%d consumers=%d closed_pushes=%lld", np, nc, totals.closed_pushes);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

template outcome channel_exactly_once<vsem::os_platform>(const context&);
template outcome channel_exactly_once<vsem::fault::platform>(const context&);

}  // namespace vsem_stress

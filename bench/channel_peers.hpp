// The queue peers of vsem-bench's channel family (see vsem_bench.cpp): push(int)
// / pop(int&), constructed from a capacity.
#pragma once

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

// Debian's lightweightsemaphore.h relies on includes made by this header.
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/lightweightsemaphore.h>
#include <tbb/concurrent_queue.h>
#if VSEM_BENCH_HAVE_RWCB
#include <readerwriterqueue/readerwritercircularbuffer.h>
#endif

#include <vsem/channel.hpp>
#include <vsem/semaphore.hpp>

#include "semaphore_peers.hpp"

namespace vsem_bench {

// ---- channel peers: push(int) / pop(int&), constructed from a capacity -----
// Each returns false only when the queue refused the operation (vsem's channel
// when closed, which never happens here; moodycamel when allocation failed).
// `spsc` marks a queue that allows one producer and one consumer only.

class vsem_channel_queue {
 public:
  static constexpr bool spsc = false;
  explicit vsem_channel_queue(std::size_t capacity) : ch_(capacity) {}
  bool push(int v) { return ch_.push(v) == vsem::channel_status::done; }
  bool pop(int& v) {
    auto r = ch_.pop();
    if (!r) return false;
    v = *r.value;
    return true;
  }

 private:
  vsem::channel<int> ch_;
};

// A lock made of a vsem binary semaphore, as vsem::channel guards its ring.
class vsem_binary_lock {
 public:
  void lock() noexcept { s_.acquire(); }
  void unlock() noexcept { s_.release(); }

 private:
  vsem::binary_semaphore s_{1};
};

// The textbook bounded buffer: `slots` counts free places, `items` stored
// items, a Lock guards the ring. With Sem = std_semaphore and Lock = std::mutex
// it is vsem::channel's design built from the standard library. The
// diagnostic variants (--vsem_channel_diag) take vsem::channel apart: vsem's
// semaphores with either lock, and with the item's release inside the lock
// (ReleaseUnderLock, as vsem::channel::put does) or after it.
template <class Sem, class Lock = std::mutex, bool ReleaseUnderLock = false>
class two_semaphore_ring {
 public:
  static constexpr bool spsc = false;
  explicit two_semaphore_ring(std::size_t capacity)
      : ring_(capacity), slots_(static_cast<std::ptrdiff_t>(capacity)), items_(0) {}
  bool push(int v) {
    slots_.acquire();
    m_.lock();
    ring_[tail_] = v;
    tail_ = next(tail_);
    if constexpr (ReleaseUnderLock) {
      items_.release();
      m_.unlock();
    } else {
      m_.unlock();
      items_.release();
    }
    return true;
  }
  bool pop(int& v) {
    items_.acquire();
    m_.lock();
    v = ring_[head_];
    head_ = next(head_);
    m_.unlock();
    slots_.release();
    return true;
  }

 private:
  std::size_t next(std::size_t i) const { return i + 1 == ring_.size() ? 0 : i + 1; }

  std::vector<int> ring_;
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
  Lock m_;
  Sem slots_;
  Sem items_;
};

// moodycamel's MPMC queue bounded by a semaphore counting free slots.
class moodycamel_bounded_queue {
 public:
  static constexpr bool spsc = false;
  explicit moodycamel_bounded_queue(std::size_t capacity)
      : q_(capacity), slots_(static_cast<moodycamel::LightweightSemaphore::ssize_t>(capacity)) {}
  bool push(int v) {
    slots_.wait();
    return q_.enqueue(v);
  }
  bool pop(int& v) {
    q_.wait_dequeue(v);
    slots_.signal();
    return true;
  }

 private:
  moodycamel::BlockingConcurrentQueue<int> q_;
  moodycamel::LightweightSemaphore slots_;
};

// moodycamel's MPMC queue unbounded: the capacity is ignored.
class moodycamel_unbounded_queue {
 public:
  static constexpr bool spsc = false;
  explicit moodycamel_unbounded_queue(std::size_t /*capacity*/) {}
  bool push(int v) { return q_.enqueue(v); }
  bool pop(int& v) {
    q_.wait_dequeue(v);
    return true;
  }

 private:
  moodycamel::BlockingConcurrentQueue<int> q_;
};

#if VSEM_BENCH_HAVE_RWCB
class moodycamel_rwcb_queue {
 public:
  static constexpr bool spsc = true;
  explicit moodycamel_rwcb_queue(std::size_t capacity) : q_(capacity) {}
  bool push(int v) {
    q_.wait_enqueue(v);
    return true;
  }
  bool pop(int& v) {
    q_.wait_dequeue(v);
    return true;
  }

 private:
  moodycamel::BlockingReaderWriterCircularBuffer<int> q_;
};
#endif

class tbb_bounded_queue {
 public:
  static constexpr bool spsc = false;
  explicit tbb_bounded_queue(std::size_t capacity) {
    q_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  }
  bool push(int v) {
    q_.push(v);
    return true;
  }
  bool pop(int& v) {
    q_.pop(v);
    return true;
  }

 private:
  tbb::concurrent_bounded_queue<int> q_;
};

class mutex_cv_queue {
 public:
  static constexpr bool spsc = false;
  explicit mutex_cv_queue(std::size_t capacity) : capacity_(capacity) {}
  bool push(int v) {
    {
      std::unique_lock lock(m_);
      not_full_.wait(lock, [this] { return q_.size() < capacity_; });
      q_.push_back(v);
    }
    not_empty_.notify_one();
    return true;
  }
  bool pop(int& v) {
    {
      std::unique_lock lock(m_);
      not_empty_.wait(lock, [this] { return !q_.empty(); });
      v = q_.front();
      q_.pop_front();
    }
    not_full_.notify_one();
    return true;
  }

 private:
  const std::size_t capacity_;
  std::mutex m_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<int> q_;
};

}  // namespace vsem_bench

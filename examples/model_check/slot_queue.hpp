// slot_queue.hpp: a user's code built on vsem, written once for any platform.
//
// A queue of one slot between a producer and a consumer: put() waits for the
// slot to be empty, fills it and signals `full`; take() waits for `full`,
// takes the item and signals `empty`. The Platform parameter is
// vsem::os_platform (the default of vsem's types) in the real program and
// vsem::model::platform when Relacy checks it: the same source, two builds.
#pragma once

#include <vsem/semaphore.hpp>

// The first version. take() hands the slot back before it has read it.
template <class Platform>
class slot_queue_v1 {
 public:
  void put(int item) {
    empty_.acquire();
    slot_.store(item);
    full_.release();
  }
  int take() {
    full_.acquire();
    empty_.release();     // the producer may now overwrite the slot...
    return slot_.load();  // ...while it is read here: a data race
  }

 private:
  vsem::counting_semaphore<1, Platform> full_{0}, empty_{1};
  typename Platform::template var<int> slot_;
};

// The fix: read the slot, then hand it back.
template <class Platform>
class slot_queue {
 public:
  void put(int item) {
    empty_.acquire();
    slot_.store(item);
    full_.release();
  }
  int take() {
    full_.acquire();
    const int item = slot_.load();
    empty_.release();
    return item;
  }

 private:
  vsem::counting_semaphore<1, Platform> full_{0}, empty_{1};
  typename Platform::template var<int> slot_;
};

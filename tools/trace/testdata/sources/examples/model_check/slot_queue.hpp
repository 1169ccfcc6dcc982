// clang-format off
// A stand-in for examples/model_check/slot_queue.hpp (vsem-trace's testdata):
// the lines that inputs/slot_queue_v1_named.trace.txt names, at the same line
// numbers.
//
//
//
//
//
//
//
//
//
template <class Platform>
class slot_queue_v1 {
 public:
  void put(int item) {
    slot_.store(item);
  }

  int take() {
    full_.acquire();
    empty_.release();     // the producer may now overwrite the slot...
    return slot_.load();  // ...while it is read here: a data race
  }

// tests/lin/session.hpp: the linearizability checks of one vsem-stress run
// (--check-linearizability): scenarios record each object's history
// (recorder.hpp) and hand it to check() when the object's run ends; a history
// with a violation gets its report printed at once; totals() sums up.
#pragma once

#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>

#include "lin/checker.hpp"

namespace vsem_lin {

class session {
 public:
  // What the checks so far add up to.
  struct totals {
    std::size_t histories = 0;
    std::size_t ops = 0;         // calls checked
    double seconds = 0;          // time spent checking
    std::size_t violations = 0;  // histories that failed
    // Calls checked per second of checking.
    double ops_per_second() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
  };

  // Reports go to `out` (stdout in vsem-stress).
  explicit session(std::FILE* out) : out_(out) {}

  // Checks `h`, recorded where `where` says (scenario and sub-run); when it
  // has a violation, prints the report to `out` first. Returns report::ok().
  // Thread-safe; the check runs on the calling thread.
  bool check(const std::string& where, const channel_history& h) {
    return add(where, vsem_lin::check(h));
  }
  bool check(const std::string& where, const semaphore_history& h) {
    return add(where, vsem_lin::check(h));
  }

  // The totals of every check so far.
  totals total() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return totals_;
  }

 private:
  bool add(const std::string& where, const report& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++totals_.histories;
    totals_.ops += r.ops;
    totals_.seconds += r.seconds;
    if (r.ok()) return true;
    ++totals_.violations;
    std::fprintf(out_, "LINEARIZABILITY VIOLATION in %s: %s", where.c_str(), r.text().c_str());
    std::fflush(out_);
    return false;
  }

  std::FILE* out_;
  mutable std::mutex mutex_;
  totals totals_;
};

}  // namespace vsem_lin

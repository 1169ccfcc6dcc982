// tests/lin/brute_force.hpp: what the checker's tests compare it with: the
// exact search of exact.hpp, and ev(), a short way to write a call by hand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lin/checker.hpp"
#include "lin/exact.hpp"
#include "lin/spec.hpp"

namespace vsem_lin_test {

using vsem_lin::event;
using vsem_lin::op;
using vsem_lin::result;

// A call by thread `thread` between stamps `inv` and `resp`.
inline event ev(std::uint32_t thread, std::uint64_t inv, std::uint64_t resp, op kind, result res,
                std::uint64_t value = 0) {
  return event{inv, resp, value, thread, kind, res};
}

using vsem_lin::linearizable;

}  // namespace vsem_lin_test

// vsem/deadline.hpp: deadline arithmetic for vsem's timed waits.
//
// Timed calls take any std::chrono duration or time point and turn it into a
// deadline on the platform's clock once, at the call. These helpers do that
// without overflow: a wait longer than the clock can represent saturates at
// the clock's time_point::max() (wait forever).
#pragma once

#include <chrono>
#include <cmath>
#include <ratio>
#include <type_traits>

namespace vsem::detail {

// 128-bit integers (a GNU extension of g++ and clang) for exact tick arithmetic.
__extension__ typedef __int128 deadline_int;
__extension__ typedef unsigned __int128 deadline_uint;

// The time from Clock::now() until `abs`, in long double seconds, so that no
// duration type overflows (time_point<C, hours>::max(), system_clock's min()).
// NaN only if `abs` is NaN.
template <class Clock, class Duration>
std::chrono::duration<long double> time_left(const std::chrono::time_point<Clock, Duration>& abs) {
  using wide = std::chrono::duration<long double>;
  return wide(abs.time_since_epoch()) - wide(Clock::now().time_since_epoch());
}

// now + rel on clock C, rounded up to C's tick; C::time_point::max() (wait
// forever) when that does not fit. Any Rep and Period, with no overflow: an
// integer count (of at most 64 bits) is scaled exactly in 128 bits; anything
// else (floating point) in long double, exact to its precision, and compared
// with the room left before it is converted. A zero or negative rel gives now;
// a NaN rel waits forever, as a NaN deadline never passes. C::rep must be a
// signed integer of at most 64 bits (steady_clock, the model clock).
template <class C, class Rep, class Period>
typename C::time_point deadline_after(typename C::time_point now,
                                      const std::chrono::duration<Rep, Period>& rel) {
  using crep = typename C::rep;
  static_assert(std::is_integral_v<crep> && std::is_signed_v<crep> && sizeof(crep) <= 8);
  using ticks_per = std::ratio_divide<Period, typename C::period>;  // C ticks per rel tick
  constexpr auto num = ticks_per::num, den = ticks_per::den;        // both > 0
  const deadline_int start = now.time_since_epoch().count();
  const deadline_int room = C::time_point::max().time_since_epoch().count() - start;
  deadline_int ticks;  // C ticks to add, 0 < ticks < room
  if constexpr (std::is_integral_v<Rep>) {
    static_assert(sizeof(Rep) <= 8);
    if (rel <= rel.zero()) return now;
    // count < 2^64 and num, den < 2^63: the product and the rounding fit.
    const deadline_uint up = (deadline_uint(rel.count()) * num + (den - 1)) / den;
    if (up >= deadline_uint(room)) return C::time_point::max();
    ticks = deadline_int(up);
  } else {
    const long double scaled = static_cast<long double>(rel.count()) * num / den;
    if (scaled <= 0) return now;
    const long double up = std::ceil(scaled);
    if (!(up < static_cast<long double>(room))) return C::time_point::max();  // or NaN
    ticks = static_cast<deadline_int>(up);
  }
  return typename C::time_point(typename C::duration(static_cast<crep>(start + ticks)));
}
}  // namespace vsem::detail

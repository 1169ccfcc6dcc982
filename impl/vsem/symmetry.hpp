// vsem/symmetry.hpp: declaring interchangeable model threads.
#pragma once

namespace vsem {

// Model threads `first`..`last` (thread indexes, inclusive) do the same thing
// whatever their index: any two of them could swap places. A model declares
// it as a static member,
//   static constexpr vsem::symmetric_threads symmetric{1, 3};  // the 3 waiters
// and a checker may then explore one order of those threads instead of all of
// them (GenMC's symmetry reduction; the Relacy platform ignores it). Declare
// only what holds: threads that branch on their index differently, or own
// different data, are not symmetric, and a wrong declaration hides executions.
// The default, {0, 0}, declares nothing.
struct symmetric_threads {
  unsigned first = 0;
  unsigned last = 0;
};

}  // namespace vsem

// tests/lin/checker_semaphore_test.cpp: the semaphore rules of the
// linearizability checker (checker.hpp) on hand-made histories, as
// checker_channel_test.cpp does for the channel: for each rule, a history that
// breaks it must be flagged, and a legal one close to it must pass (and be
// linearizable by the exhaustive search). Stamps are written [inv, resp].

#include <gtest/gtest.h>

#include "lin/brute_force.hpp"
#include "lin/checker.hpp"
#include "lin/spec.hpp"

namespace {

using vsem_lin::op;
using vsem_lin::result;
using vsem_lin::rule;
using vsem_lin::semaphore_history;
using vsem_lin_test::ev;
using vsem_lin_test::linearizable;

void expect_flagged(const semaphore_history& h, rule r) {
  const auto rep = vsem_lin::check(h);
  EXPECT_FALSE(rep.ok());
  EXPECT_TRUE(rep.flags(r)) << "expected " << vsem_lin::name(r) << "; got:\n" << rep.text();
  EXPECT_FALSE(linearizable(h)) << "the search finds this history linearizable";
}

void expect_legal(const semaphore_history& h) {
  const auto rep = vsem_lin::check(h);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_TRUE(linearizable(h)) << "the search finds no linearization";
}

TEST(lin_semaphore, malformed_histories_are_refused) {
  const auto flagged = [](const semaphore_history& h) {
    const auto rep = vsem_lin::check(h);
    EXPECT_TRUE(rep.flags(rule::malformed)) << rep.text();
  };
  flagged({0, {ev(0, 1, 2, op::pop, result::closed)}});             // a channel op
  flagged({1, {ev(0, 1, 2, op::try_acquire, result::timed_out)}});  // try_acquire fails as empty
  flagged({1, {ev(0, 3, 2, op::acquire, result::done)}});           // resp < inv
  flagged({-1, {}});                                                // negative initial count
  expect_legal({1, {ev(0, 1, 2, op::acquire, result::done)}});
}

TEST(lin_semaphore, overdraw) {
  expect_flagged({0, {ev(0, 1, 2, op::acquire, result::done)}}, rule::overdraw);
  expect_flagged(
      {1,
       {ev(0, 1, 2, op::acquire, result::done), ev(1, 3, 4, op::try_acquire, result::done),
        ev(2, 5, 6, op::release, result::done, 1)}},
      rule::overdraw);
  // release(2) covers two acquires, and a release may overlap its acquire.
  expect_legal(
      {0,
       {ev(0, 1, 2, op::release, result::done, 2), ev(1, 3, 4, op::acquire, result::done),
        ev(2, 5, 8, op::acquire_for, result::done), ev(1, 6, 7, op::release, result::done, 1),
        ev(1, 9, 10, op::try_acquire, result::done)}});
}

TEST(lin_semaphore, failed_while_available) {
  expect_flagged({1, {ev(0, 1, 2, op::try_acquire, result::empty)}}, rule::failed_while_available);
  expect_flagged({0,
                  {ev(0, 1, 2, op::release, result::done, 1),
                   ev(1, 3, 4, op::acquire_for, result::timed_out)}},
                 rule::failed_while_available);
  // An overlapping acquire may have taken the permit ...
  expect_legal(
      {1, {ev(0, 1, 4, op::acquire, result::done), ev(1, 2, 3, op::try_acquire, result::empty)}});
  // ... or the release may not have happened yet.
  expect_legal(
      {0,
       {ev(0, 2, 5, op::release, result::done, 1), ev(1, 1, 3, op::acquire_for, result::timed_out),
        ev(1, 6, 7, op::try_acquire, result::done)}});
}

}  // namespace

// tests/lin/checker_channel_test.cpp: the channel rules of the linearizability
// checker (checker.hpp) on hand-made histories. Each rule has a history that
// breaks it, which must be flagged with that rule, and a legal history close
// to it, which must pass; the legal ones are also confirmed linearizable by the
// exhaustive search (brute_force.hpp). Stamps are written [inv, resp].

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lin/brute_force.hpp"
#include "lin/checker.hpp"
#include "lin/spec.hpp"

namespace {

using vsem_lin::channel_history;
using vsem_lin::op;
using vsem_lin::result;
using vsem_lin::rule;
using vsem_lin_test::ev;
using vsem_lin_test::linearizable;

constexpr std::size_t roomy = 8;  // a capacity no history here reaches

// Expects `h` flagged with `r`.
void expect_flagged(const channel_history& h, rule r) {
  const auto rep = vsem_lin::check(h);
  EXPECT_FALSE(rep.ok());
  EXPECT_TRUE(rep.flags(r)) << "expected " << vsem_lin::name(r) << "; got:\n" << rep.text();
  EXPECT_FALSE(linearizable(h)) << "the search finds this history linearizable";
}

// Expects `h` to pass, and to be linearizable indeed.
void expect_legal(const channel_history& h) {
  const auto rep = vsem_lin::check(h);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_TRUE(linearizable(h)) << "the search finds no linearization";
}

TEST(lin_channel, malformed_histories_are_refused) {
  const auto flagged = [](const channel_history& h) {
    const auto rep = vsem_lin::check(h);
    EXPECT_TRUE(rep.flags(rule::malformed)) << rep.text();
  };
  flagged({roomy, {ev(0, 5, 5, op::push, result::done, 1)}});  // resp == inv
  flagged({roomy,
           {ev(0, 1, 2, op::push, result::done, 1),  // a stamp twice
            ev(1, 2, 3, op::pop, result::done, 1)}});
  flagged({roomy, {ev(0, 1, 2, op::acquire, result::done)}});   // a semaphore op
  flagged({roomy, {ev(0, 1, 2, op::push, result::empty, 1)}});  // push cannot be empty
  flagged({roomy,
           {ev(0, 1, 2, op::push, result::done, 1),  // item pushed twice
            ev(1, 3, 4, op::push, result::done, 1)}});
  flagged({0, {}});  // capacity 0
  expect_legal({roomy, {ev(0, 1, 2, op::push, result::done, 1)}});
}

TEST(lin_channel, pop_unpushed) {
  expect_flagged({roomy, {ev(0, 1, 2, op::pop, result::done, 7)}}, rule::pop_unpushed);
  // A push that did not return done stored nothing.
  expect_flagged(
      {1,
       {ev(0, 1, 2, op::push, result::done, 6), ev(1, 3, 4, op::try_push, result::full, 7),
        ev(2, 5, 6, op::pop, result::done, 7)}},
      rule::pop_unpushed);
  expect_legal(
      {roomy, {ev(0, 1, 4, op::push, result::done, 7), ev(1, 2, 3, op::pop, result::done, 7)}});
}

TEST(lin_channel, pop_before_push) {
  expect_flagged(
      {roomy, {ev(0, 3, 4, op::push, result::done, 7), ev(1, 1, 2, op::pop, result::done, 7)}},
      rule::pop_before_push);
  expect_legal(
      {roomy, {ev(0, 2, 3, op::push, result::done, 7), ev(1, 1, 4, op::pop, result::done, 7)}});
}

TEST(lin_channel, pop_twice) {
  expect_flagged({roomy,
                  {ev(0, 1, 2, op::push, result::done, 7), ev(1, 3, 4, op::pop, result::done, 7),
                   ev(2, 5, 6, op::try_pop, result::done, 7)}},
                 rule::pop_twice);
  expect_legal(
      {roomy,
       {ev(0, 1, 2, op::push, result::done, 7), ev(0, 3, 4, op::push, result::done, 8),
        ev(1, 5, 6, op::pop, result::done, 7), ev(2, 7, 8, op::try_pop, result::done, 8)}});
}

TEST(lin_channel, fifo_order) {
  expect_flagged({roomy,
                  {ev(0, 1, 2, op::push, result::done, 1), ev(0, 3, 4, op::push, result::done, 2),
                   ev(1, 5, 6, op::pop, result::done, 2), ev(1, 7, 8, op::pop, result::done, 1)}},
                 rule::fifo_order);
  // Overlapping pops may return the items in either order ...
  expect_legal({roomy,
                {ev(0, 1, 2, op::push, result::done, 1), ev(0, 3, 4, op::push, result::done, 2),
                 ev(1, 5, 8, op::pop, result::done, 2), ev(2, 6, 7, op::pop, result::done, 1)}});
  // ... and so may the pops of items whose pushes overlapped.
  expect_legal({roomy,
                {ev(0, 1, 4, op::push, result::done, 1), ev(1, 2, 3, op::push, result::done, 2),
                 ev(2, 5, 6, op::pop, result::done, 2), ev(2, 7, 8, op::pop, result::done, 1)}});
}

TEST(lin_channel, fifo_skipped) {
  expect_flagged({roomy,
                  {ev(0, 1, 2, op::push, result::done, 1), ev(0, 3, 4, op::push, result::done, 2),
                   ev(1, 5, 6, op::pop, result::done, 2)}},
                 rule::fifo_skipped);
  expect_legal({roomy,
                {ev(0, 1, 4, op::push, result::done, 1), ev(1, 2, 3, op::push, result::done, 2),
                 ev(2, 5, 6, op::pop, result::done, 2)}});
}

TEST(lin_channel, over_capacity) {
  expect_flagged(
      {1, {ev(0, 1, 2, op::push, result::done, 1), ev(0, 3, 4, op::push, result::done, 2)}},
      rule::over_capacity);
  // The second push may take the place that the overlapping pop frees.
  expect_legal({1,
                {ev(0, 1, 2, op::push, result::done, 1), ev(1, 3, 6, op::pop, result::done, 1),
                 ev(0, 4, 5, op::push, result::done, 2)}});
}

TEST(lin_channel, empty_while_nonempty) {
  expect_flagged({roomy,
                  {ev(0, 1, 2, op::push, result::done, 1), ev(1, 3, 4, op::try_pop, result::empty),
                   ev(1, 5, 6, op::pop, result::done, 1)}},
                 rule::empty_while_nonempty);
  expect_flagged(
      {roomy,
       {ev(0, 1, 2, op::push, result::done, 1), ev(1, 3, 4, op::pop_for, result::timed_out)}},
      rule::empty_while_nonempty);
  expect_legal({roomy,
                {ev(0, 2, 3, op::push, result::done, 1), ev(1, 1, 4, op::try_pop, result::empty),
                 ev(1, 5, 6, op::pop, result::done, 1)}});
  // The item may be taken by an overlapping pop.
  expect_legal({roomy,
                {ev(0, 1, 2, op::push, result::done, 1), ev(2, 3, 6, op::pop, result::done, 1),
                 ev(1, 4, 5, op::pop_for, result::timed_out)}});
}

TEST(lin_channel, full_while_room) {
  expect_flagged({1, {ev(0, 1, 2, op::try_push, result::full, 1)}}, rule::full_while_room);
  expect_flagged(
      {2,
       {ev(0, 1, 2, op::push, result::done, 1), ev(1, 3, 4, op::push_for, result::timed_out, 2)}},
      rule::full_while_room);
  expect_legal(
      {1, {ev(0, 1, 2, op::push, result::done, 1), ev(1, 3, 4, op::try_push, result::full, 2)}});
  // The place may be taken by an overlapping push.
  expect_legal(
      {1,
       {ev(0, 1, 4, op::push, result::done, 1), ev(1, 2, 3, op::push_for, result::timed_out, 2)}});
}

TEST(lin_channel, closed_before_close) {
  expect_flagged({roomy, {ev(0, 1, 2, op::push, result::closed, 1)}}, rule::closed_before_close);
  expect_flagged(
      {roomy, {ev(0, 1, 2, op::try_pop, result::closed), ev(1, 3, 4, op::close, result::done)}},
      rule::closed_before_close);
  expect_flagged(
      {roomy, {ev(0, 1, 2, op::is_closed, result::closed), ev(1, 3, 4, op::close, result::done)}},
      rule::closed_before_close);
  expect_legal({roomy,
                {ev(0, 1, 4, op::push, result::closed, 1), ev(1, 2, 3, op::close, result::done),
                 ev(2, 5, 6, op::pop, result::closed)}});
}

TEST(lin_channel, open_after_closed) {
  expect_flagged(
      {roomy, {ev(0, 1, 2, op::close, result::done), ev(1, 3, 4, op::try_pop, result::empty)}},
      rule::open_after_closed);
  expect_flagged({roomy,
                  {ev(0, 1, 2, op::close, result::done), ev(1, 3, 4, op::push, result::done, 1),
                   ev(1, 5, 6, op::pop, result::done, 1)}},
                 rule::open_after_closed);
  // A closed result proves it as well as close() returning does.
  expect_flagged({roomy,
                  {ev(0, 1, 6, op::close, result::done), ev(1, 2, 3, op::pop, result::closed),
                   ev(2, 4, 5, op::is_closed, result::open)}},
                 rule::open_after_closed);
  // Open results from calls that began before close() returned.
  expect_legal({roomy,
                {ev(0, 1, 6, op::close, result::done), ev(1, 2, 3, op::try_pop, result::empty),
                 ev(2, 4, 5, op::is_closed, result::open)}});
}

TEST(lin_channel, closed_before_drained) {
  expect_flagged({roomy,
                  {ev(0, 1, 2, op::push, result::done, 1), ev(0, 3, 4, op::close, result::done),
                   ev(1, 5, 6, op::pop, result::closed), ev(2, 7, 8, op::pop, result::done, 1)}},
                 rule::closed_before_drained);
  expect_flagged({roomy,
                  {ev(0, 1, 2, op::push, result::done, 1), ev(0, 3, 4, op::close, result::done),
                   ev(1, 5, 6, op::try_pop, result::closed)}},
                 rule::closed_before_drained);
  expect_legal({roomy,
                {ev(0, 1, 2, op::push, result::done, 1), ev(0, 3, 4, op::close, result::done),
                 ev(1, 5, 8, op::pop, result::closed), ev(2, 6, 7, op::pop, result::done, 1)}});
}

// A stalled push(a) holds ticket 0; push(b) stored b at ticket 1 and
// returned; pop C1 waits for a; try_pop C2 reports empty. b was inside
// throughout C2's call (pushed before, popped after), so no linearization
// exists, although the count of items certainly inside (b's push minus C1's
// pop) is 0. A channel that decided "empty" from a count of stored items,
// apart from the tickets, could do this; the item rule flags it.
TEST(lin_channel, empty_while_one_item_is_inside_throughout) {
  const channel_history h{
      roomy,
      {ev(0, 1, 10, op::push, result::done, 0xa), ev(1, 2, 3, op::push, result::done, 0xb),
       ev(2, 4, 11, op::pop, result::done, 0xa), ev(3, 5, 6, op::try_pop, result::empty),
       ev(3, 12, 13, op::pop, result::done, 0xb)}};
  EXPECT_FALSE(linearizable(h));
  expect_flagged(h, rule::empty_while_nonempty);
}

// push(a) on an empty channel of capacity 1 reports closed; meanwhile
// try_push reported full, although nothing was ever stored. A push that
// reports closed takes no place (a channel that held one until it found the
// channel closed could do this).
TEST(lin_channel, full_while_a_closing_push_is_in_progress) {
  const channel_history h{
      1,
      {ev(0, 1, 6, op::push, result::closed, 0xa), ev(1, 2, 3, op::try_push, result::full, 0xb),
       ev(2, 4, 5, op::close, result::done)}};
  EXPECT_FALSE(linearizable(h));
  expect_flagged(h, rule::full_while_room);
}

// The report names the rule, the operations, their stamps and threads.
TEST(lin_channel, the_report_is_readable) {
  const auto rep = vsem_lin::check(channel_history{
      roomy,
      {ev(3, 10, 11, op::push, result::done, 1), ev(3, 12, 13, op::push, result::done, 2),
       ev(5, 14, 15, op::pop, result::done, 2), ev(6, 16, 17, op::pop, result::done, 1)}});
  const std::string text = rep.text();
  EXPECT_NE(text.find("fifo_order"), std::string::npos) << text;
  EXPECT_NE(text.find("T3 [10, 11] push(0x1) -> done"), std::string::npos) << text;
  EXPECT_NE(text.find("T5 [14, 15] pop() -> done 0x2"), std::string::npos) << text;
  EXPECT_EQ(rep.found, 1u) << text;
}

}  // namespace

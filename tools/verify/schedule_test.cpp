// Unit tests of vsem-verify's schedule reader (models/schedule.hpp): the files
// vsem-verify writes are read back; every kind of bad file is rejected with
// the line and the reason.
#include "schedule.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace vv = vsem::verify;

vv::schedule_context context() {
  vv::schedule_context c;
  c.find_run = [](std::string_view name) -> std::optional<vv::run_facts> {
    if (name == "handoff") return vv::run_facts{2, "none"};
    if (name == "many_roles/cap1_1each") return vv::run_facts{4, "none"};
    if (name == "mutant/skip_wake@handoff") return vv::run_facts{2, "skip_wake"};
    return std::nullopt;
  };
  c.mutations = {"none", "relaxed_release", "skip_wake"};
  return c;
}

// As vsem-verify writes them (verify_main.cpp, write_schedule).
const std::string full =
    "# vsem-verify schedule: replay with `vsem-verify --replay x.schedule`\n"
    "run mutant/skip_wake@handoff\n"
    "search full 0\n"
    "spurious 0\n"
    "spin 1\n"
    "mutant skip_wake\n"
    "state 11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0 \n";
const std::string bound =
    "run many_roles/cap1_1each\n"
    "search bound 2\n"
    "spurious 0\n"
    "spin 1\n"
    "mutant relaxed_acquire_is_unknown_here\n"
    "state 1 20 4 0 0 4 0 0 4 0 0 4 0 0 4 0 0 4 0 0 4 0 0 3 0 0 3 0 0 2 0 1 3 0 0 3 0 0 3 0 0 2 "
    "0 0 2 0 0 2 0 1 2 0 0 2 0 0 2 0 1 2 0 0 \n";
const std::string random =
    "run handoff\n"
    "search random 500000\n"
    "offset 0\n"
    "spurious 1\n"
    "spin 1\n"
    "mutant relaxed_release\n"
    "state 444 \n";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

// The error for `text`, as "LINE: MESSAGE"; "ok" when it is read.
std::string error_of(const std::string& text) {
  const auto r = vv::read_schedule(text, context());
  if (r.value) return "ok";
  EXPECT_EQ(r.error.message.find('\n'), std::string::npos);
  return std::to_string(r.error.line) + ": " + r.error.message;
}

// Passes when the error for `text` is at `line` and contains `part`.
void expect_error(const std::string& text, std::size_t line, const std::string& part) {
  const std::string e = error_of(text);
  EXPECT_EQ(e.rfind(std::to_string(line) + ": ", 0), 0u) << e;
  EXPECT_NE(e.find(part), std::string::npos) << e;
}

TEST(Read, FullSearchScheduleAsWritten) {
  const auto r = vv::read_schedule(full, context());
  ASSERT_TRUE(r.value) << r.error.message;
  const vv::schedule& s = *r.value;
  EXPECT_EQ(s.run, "mutant/skip_wake@handoff");
  EXPECT_EQ(s.mutant, "skip_wake");
  EXPECT_EQ(s.kind, vv::schedule_search::full);
  EXPECT_EQ(s.facts.threads, 2u);
  EXPECT_EQ(s.iteration, 11u);
  ASSERT_EQ(s.decisions.size(), 6u);
  EXPECT_EQ(s.decisions[1].index, 1u);
  EXPECT_EQ(s.state, "11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0");
  EXPECT_EQ(s.state_line, 7u);
}

TEST(Read, BoundAndRandomSchedules) {
  const auto b = vv::read_schedule(
      replace(bound, "relaxed_acquire_is_unknown_here", "relaxed_release"), context());
  ASSERT_TRUE(b.value) << b.error.message;
  EXPECT_EQ(b.value->kind, vv::schedule_search::bound);
  EXPECT_EQ(b.value->bound, 2u);
  EXPECT_EQ(b.value->decisions.size(), 20u);

  const auto r = vv::read_schedule(random, context());
  ASSERT_TRUE(r.value) << r.error.message;
  EXPECT_EQ(r.value->kind, vv::schedule_search::random);
  EXPECT_EQ(r.value->iterations, 500000u);
  EXPECT_TRUE(r.value->spurious);
  EXPECT_EQ(r.value->state, "444");
  EXPECT_TRUE(r.value->decisions.empty());
}

TEST(Read, CommentsBlankLinesTabsAndCrlf) {
  std::string t = "\r\n  # comment\n\n";
  for (char c : full) {
    if (c == '\n') t += "\r";
    t += c == ' ' ? '\t' : c;
  }
  EXPECT_EQ(error_of(t), "ok");
  // No offset line in a random schedule: offset 0 (files before offsets were saved).
  EXPECT_EQ(error_of(replace(random, "offset 0\n", "")), "ok");
}

TEST(Reject, TheReviewersStates) {
  // Bus error before: 99 decisions announced, 2 numbers given.
  expect_error(
      replace(full, "state 11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0 ", "state 99 99 99 99"), 7,
      "99 decisions announced");
  // Segmentation fault before: a 50-number state, 16 decisions that choose
  // among 99 threads.
  std::string fifty = "state 1 16";
  for (int i = 0; i < 16; ++i) fifty += " 99 98 0";
  expect_error(replace(full, "state 11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0 ", fifty), 7,
               "decision 1 of 16: a thread choice of 99 alternatives; at most 2");
  std::string garbage = "state 1 16";
  for (int i = 0; i < 48; ++i) garbage += " 99";
  expect_error(replace(full, "state 11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0 ", garbage), 7,
               "type 99 is not a Relacy choice kind");
  // Read by Relacy as an empty state (a whole new search) before.
  expect_error(replace(full, "state 11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0 ", "state abc def"), 7,
               "got 'abc' (digits only)");
}

TEST(Reject, StateNotOfThisRun) {
  const std::string head = "state 11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0 ";
  expect_error(replace(full, head, "state 11 1 3 2 0"), 7,
               "a thread choice of 3 alternatives; at most 2 (the run has 2 threads)");
  expect_error(replace(full, head, "state 11 1 2 2 0"), 7, "index 2 is not below its count 2");
  expect_error(replace(full, head, "state 11 1 2 0 9"), 7, "type 9 is not a Relacy choice kind");
  expect_error(replace(full, head, "state 11 2 2 0 0 3 0 1"), 7,
               "decision 2 of 2: a load choice of 3 alternatives; at most 2");
  expect_error(replace(full, head, "state 11 2 2 0 0 4 0 4"), 7,
               "a wake-up choice of 4 alternatives; at most 3");
  expect_error(replace(full, head, "state 11 1 2 0 1"), 7, "the first choice of an execution");
  expect_error(replace(full, head, "state 11 1 0 0 0"), 7, "count 0");
  expect_error(replace(full, head, "state 11"), 7, "found only the iteration");
  expect_error(replace(full, head, "state 11 0"), 7,
               "number of decisions: expected a whole number from 1");
  expect_error(replace(full, head, "state 11 100001"), 7, "too large");
  expect_error(replace(full, head, "state 11 1 2 0 0 7"), 7, "found 4");
  expect_error(replace(full, head, "state 11 1 2 -1 0"), 7, "(negative)");
  expect_error(replace(full, head, "state 11 1 99999999999 0 0"), 7, "too large");
  expect_error(replace(full, head, "state 18446744073709551616 1 2 0 0"), 7, "the iteration");
  // Random: one number, inside the search the file names.
  expect_error(replace(random, "state 444 ", "state 500000"), 7,
               "iteration 500000 is outside the random search of this schedule (iterations 0 "
               "to 499999)");
  expect_error(replace(replace(random, "offset 0", "offset 1000"), "state 444 ", "state 999"), 7,
               "(iterations 1000 to 500999)");
  expect_error(replace(random, "state 444 ", "state 444 1 2 0 0"), 7, "one number");
}

TEST(Reject, RunMutantAndSearch) {
  const std::string bound_ok = replace(bound, "relaxed_acquire_is_unknown_here", "relaxed_release");
  expect_error(replace(full, "run mutant/skip_wake@handoff", "run nosuch"), 2,
               "no run named 'nosuch'");
  expect_error(bound, 5, "unknown mutation 'relaxed_acquire_is_unknown_here' (known: none, ");
  expect_error(replace(full, "mutant skip_wake", "mutant relaxed_release"), 6,
               "is the skip_wake mutant, but this schedule names mutation 'relaxed_release'");
  expect_error(replace(full, "search full 0", "search dfs 0"), 3, "unknown scheduler 'dfs'");
  expect_error(replace(full, "search full 0", "search full 3"), 3,
               "a full search has no parameter: expected 'search full 0', got 'search full 3'");
  expect_error(replace(full, "search full 0", "search full"), 3, "needs a kind and a number");
  expect_error(replace(bound_ok, "search bound 2", "search bound 65"), 2,
               "context bound: expected a whole number from 0 to 64, got '65' (too large)");
  expect_error(replace(bound_ok, "search bound 2", "search bound -3"), 2, "(negative)");
  expect_error(replace(random, "random 500000", "random 0"), 2,
               "random iterations: expected a whole number from 1 to 1000000000000, got '0'");
  expect_error(replace(random, "random 500000", "random 99999999999999999999"), 2, "too large");
  expect_error(replace(random, "offset 0", "offset x"), 3, "offset: expected");
  expect_error(replace(full, "spin 1", "spin 1\noffset 5"), 6, "random search only");
  expect_error(replace(full, "spurious 0", "spurious 2"), 4, "spurious: expected");
  expect_error(replace(full, "spin 1", "spin 4096"), 5,
               "spin: expected a whole number from 0 to 2048");
}

TEST(Reject, MissingExtraAndGarbageLines) {
  expect_error(replace(full, "spin 1\n", ""), 7, "no 'spin' line (the file ends here)");
  expect_error(replace(full, "state 11 6 2 0 0 2 1 0 2 1 0 2 1 0 2 1 0 2 1 0 \n", ""), 7,
               "no 'state' line");
  expect_error(full + "run handoff\n", 8, "a second 'run' line (the first is line 2)");
  expect_error(full + "hello world\n", 8, "unknown line 'hello'");
  expect_error(replace(full, "run mutant/skip_wake@handoff", "run handoff extra"), 2,
               "unexpected text after the run: 'extra'");
  expect_error(replace(full, "spin 1", "spin"), 5, "'spin' needs a value");
  expect_error(replace(full, "spin 1", "spin 1\x01"), 5, "unexpected byte 0x01");
  expect_error(std::string("\x7f"
                           "ELF\x02\x01\x01",
                           7),
               1, "unexpected byte 0x7f");
  expect_error("", 1, "no 'run' line");
  expect_error(std::string(vv::max_schedule_bytes + 1, '#'), 1, "bytes; a schedule is at most");
}

TEST(Numbers, ParseNumber) {
  std::string e;
  EXPECT_EQ(vv::parse_number("0", 0, 5, e), 0u);
  EXPECT_EQ(vv::parse_number("18446744073709551615", 0, UINT64_MAX, e), UINT64_MAX);
  EXPECT_FALSE(vv::parse_number("18446744073709551616", 0, UINT64_MAX, e));
  EXPECT_EQ(e,
            "expected a whole number from 0 to 18446744073709551615, got "
            "'18446744073709551616' (too large)");
  EXPECT_FALSE(vv::parse_number("abc", 1, 9, e));
  EXPECT_EQ(e, "expected a whole number from 1 to 9, got 'abc' (digits only)");
  EXPECT_FALSE(vv::parse_number("-5", 1, 9, e));
  EXPECT_EQ(e, "expected a whole number from 1 to 9, got '-5' (negative)");
  EXPECT_FALSE(vv::parse_number("0", 1, 9, e));
  EXPECT_EQ(e, "expected a whole number from 1 to 9, got '0' (too small)");
  EXPECT_FALSE(vv::parse_number("", 1, 9, e));
  EXPECT_FALSE(vv::parse_number("+5", 1, 9, e));
  EXPECT_FALSE(vv::parse_number(" 5", 1, 9, e));
  EXPECT_FALSE(vv::parse_number("0x5", 1, 9, e));
  EXPECT_FALSE(vv::parse_number("5e3", 1, 9999, e));
  EXPECT_FALSE(vv::parse_number("1\n", 1, 9, e));
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

}  // namespace

// Tests of the names (label tool): test names, function names, paths, object
// names from the source lines, invalid UTF-8.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "trace.hpp"
#include "trace_test_util.hpp"

namespace {

using namespace trace_test;

TEST(Names, ReadableTestName) {
  EXPECT_EQ(vt::readable_test_name("N12_GLOBAL__N_17handoffE"), "handoff");
  EXPECT_EQ(vt::readable_test_name("8my_model"), "my_model");
  EXPECT_EQ(vt::readable_test_name("my_model"), "my_model");
  EXPECT_EQ(vt::readable_test_name("N4vsem5model7handoffE"), "vsem::model::handoff");
  EXPECT_EQ(vt::readable_test_name("N12_GLOBAL__N_17handoffILi2EEE"), "handoff<2>");
  EXPECT_EQ(vt::readable_test_name("handoffILi2EE"), "handoff<2>");  // Relacy drops the "7"
  EXPECT_EQ(vt::readable_test_name("i"), "i");                       // not "int"
  EXPECT_EQ(vt::readable_test_name("mutant/skip_wake@handoff"), "mutant/skip_wake@handoff");
  EXPECT_EQ(vt::readable_test_name("condvar_test"), "condvar_test");
  EXPECT_EQ(vt::readable_test_name("N12_GLOBAL__N_1"), "N12_GLOBAL__N_1");
  EXPECT_EQ(vt::readable_test_name(""), "");
  const std::string long_name(300, 'a');
  EXPECT_EQ(vt::readable_test_name(long_name), long_name);
  // The runner's readable first line is kept in the trace as it is.
  const vt::trace t = vt::parse(replace(good, "handoff\n", "mutant/skip_wake@handoff\n"));
  EXPECT_EQ(t.test_display, "mutant/skip_wake@handoff");
  EXPECT_NE(vt::render_text(t).find("test mutant/skip_wake@handoff |"), std::string::npos);
  EXPECT_EQ(vt::parse_file(testdata("mutant_skip_wake_handoff.trace.txt")).test_display, "handoff");
}

// ---- helpers -----------------------------------------------------------------------------
TEST(Helpers, ShortFunction) {
  EXPECT_EQ(vt::short_function(
                "vsem::detail::wait_status vsem::counting_semaphore<LeastMaxValue, "
                "Platform>::acquire_slow(typename Platform::clock::time_point) [with bool Timed = "
                "false; long int LeastMaxValue = 2; Platform = vsem::model::platform]"),
            "vsem::counting_semaphore<LeastMaxValue, Platform>::acquire_slow(typename "
            "Platform::clock::time_point)");
  EXPECT_EQ(vt::short_function("vsem::counting_semaphore<LeastMaxValue, Platform>::snapshot "
                               "vsem::counting_semaphore<LeastMaxValue, "
                               "Platform>::debug_snapshot() const [with long int L = 2]"),
            "vsem::counting_semaphore<LeastMaxValue, Platform>::debug_snapshot() const");
  EXPECT_EQ(vt::short_function("void (anonymous namespace)::handoff::thread(unsigned int)"),
            "(anonymous namespace)::handoff::thread(unsigned int)");
  EXPECT_EQ(vt::short_function("void vsem::counting_semaphore<2>::release(std::ptrdiff_t) "
                               "[LeastMaxValue = 2, Platform = vsem::model::platform]"),
            "vsem::counting_semaphore<2>::release(std::ptrdiff_t)");
  EXPECT_EQ(vt::short_function("bool operator<(const a&, const b&)"),
            "operator<(const a&, const b&)");
  EXPECT_EQ(vt::short_function("fiber_proc_impl"), "fiber_proc_impl");
  EXPECT_EQ(vt::short_function(""), "");
  EXPECT_EQ(vt::short_function("))(((<<>>]] [["), vt::short_function("))(((<<>>]] [["));
}

TEST(Helpers, FunctionName) {
  EXPECT_EQ(vt::function_name("void vsem::counting_semaphore<LeastMaxValue, "
                              "Platform>::release(std::ptrdiff_t) [with long int L = 1]"),
            "release");
  EXPECT_EQ(vt::function_name("vsem::counting_semaphore<L, P>::~counting_semaphore() [with L = 1]"),
            "~counting_semaphore");
  EXPECT_EQ(vt::function_name("vsem::foo::operator bool() const"), "operator bool");
  EXPECT_EQ(vt::function_name("bool operator<(const a&, const b&)"), "operator<");
  EXPECT_EQ(vt::function_name("void f<int>(int)"), "f");
  EXPECT_EQ(vt::function_name("thread"), "thread");
  EXPECT_EQ(vt::function_name(""), "");
}

TEST(Helpers, DisplayPath) {
  EXPECT_EQ(vt::display_path("/src/vsem/impl/vsem/semaphore.hpp"), "impl/vsem/semaphore.hpp");
  EXPECT_EQ(vt::display_path("/src/v/tools/trace/x.cpp", "/src/v/"), "tools/trace/x.cpp");
  EXPECT_EQ(vt::display_path("/src/v/tools/trace/x.cpp"), "/src/v/tools/trace/x.cpp");
  EXPECT_EQ(vt::display_path("/src/u/impl/v/impl/vsem/s.hpp", "/src/u/impl/v/"), "impl/vsem/s.hpp");
  EXPECT_EQ(vt::display_path("/usr/include/relacy/context.hpp", "/src/v/"),
            "/usr/include/relacy/context.hpp");
  EXPECT_EQ(vt::display_path("/src/u/src/vsem/models/handoff_model.cpp"),
            "models/handoff_model.cpp");
  EXPECT_EQ(vt::display_path("/builds/x/tests/unit/a.cpp"), "tests/unit/a.cpp");
  EXPECT_EQ(vt::display_path("/ci/examples/handoff.cpp"), "examples/handoff.cpp");
  EXPECT_EQ(vt::display_path("/usr/include/relacy/context.hpp"), "/usr/include/relacy/context.hpp");
  EXPECT_EQ(vt::display_path("gen.cpp"), "gen.cpp");
  EXPECT_EQ(vt::display_path("/opt/reimpl/x.cpp"), "/opt/reimpl/x.cpp");
  EXPECT_EQ(vt::display_path(""), "");
}

TEST(Helpers, SourceRoot) {
  using files = std::vector<std::string_view>;
  EXPECT_EQ(vt::source_root(files{"/src/v/impl/vsem/semaphore.hpp", "/src/v/models/m.cpp",
                                  "/usr/include/relacy/context.hpp"}),
            "/src/v/");
  // One source directory only: backs up to where it starts.
  EXPECT_EQ(vt::source_root(files{"/src/v/impl/vsem/a.hpp", "/src/v/impl/vsem/b.hpp"}), "/src/v/");
  // A checkout inside a directory that is itself called impl/.
  EXPECT_EQ(vt::source_root(files{"/src/u/impl/v/impl/vsem/s.hpp", "/src/u/impl/v/models/m.cpp"}),
            "/src/u/impl/v/");
  EXPECT_EQ(vt::source_root(files{"/src/u/impl/v/impl/vsem/s.hpp"}), "/src/u/impl/v/");
  EXPECT_EQ(vt::source_root(files{"impl/vsem/s.hpp", "models/m.cpp"}), "");
  EXPECT_EQ(vt::source_root(files{"/usr/include/relacy/context.hpp", "gen.cpp"}), "");
  EXPECT_EQ(vt::source_root(files{}), "");
  // Two checkouts: no common root continues with a source directory in both.
  EXPECT_EQ(vt::source_root(files{"/a/impl/x.hpp", "/b/models/y.cpp"}), "");
}

// File names are shown relative to the checkout the trace was made in, whatever
// its path, files outside vsem's source directories included.
TEST(Parse, PathsRelativeToTheTracesCheckout) {
  const std::string t = replace_all(
      replace_all(good, "/src/vsem/models/m.cpp(5)", "/ci/job 7/src/tools/helper.hpp(5)"),
      "/src/vsem/", "/ci/job 7/src/");
  const vt::trace p = vt::parse(t);
  ASSERT_GE(p.events.size(), 2u);
  EXPECT_EQ(p.events[0].file, "tools/helper.hpp");
  EXPECT_EQ(p.events[0].raw_file, "/ci/job 7/src/tools/helper.hpp");
  EXPECT_EQ(p.events[1].file, "models/m.cpp");
}

// ---- object names from the source ------------------------------------------------
TEST(ObjectNames, TheReceiverOfTheOperationOnTheLine) {
  const auto name = [](std::string_view line, event_kind k, std::string_view op = {},
                       std::string_view arg = {}) {
    return vt::source_object_name(line, k, op, arg).value_or("<none>");
  };
  EXPECT_EQ(name("    slot_.store(item);", event_kind::store), "slot_");
  EXPECT_EQ(name("    return slot_.load();  // a data race", event_kind::load), "slot_");
  EXPECT_EQ(name("  if (c.turn.load(std::memory_order_acquire) == me) {", event_kind::atomic_load),
            "c.turn");
  EXPECT_EQ(name("  auto s = cells_[i].seq.load(acquire);", event_kind::atomic_load),
            "cells_[i].seq");
  EXPECT_EQ(name("  this->state_.fetch_add(1, o);", event_kind::rmw, "fetch_add", "1"), "state_");
  EXPECT_EQ(name("  p->next.exchange(nullptr);", event_kind::rmw, "exchange"), "p->next");
  EXPECT_EQ(name("  n->next->store(x);", event_kind::atomic_store), "n->next");
  EXPECT_EQ(name("  while (!state_.compare_exchange_weak(s, s - 1)) {", event_kind::cas), "state_");
  EXPECT_EQ(name("  x.load() + x.load()", event_kind::atomic_load), "x");  // one receiver
  // The model platform's futex wait: a fetch_add(0) at the caller's line.
  EXPECT_EQ(name("    Platform::wait(state_, 0);", event_kind::rmw, "fetch_add", "0"), "state_");
  EXPECT_EQ(name("  P::wake(&state_, 1);", event_kind::futex_wake), "state_");
  EXPECT_EQ(name("  futex_wait(&w_, 0);", event_kind::futex_wait), "w_");
  // Relacy's accessor.
  EXPECT_EQ(name("  d($) = 7;", event_kind::store), "d");
  EXPECT_EQ(name("  a($).store(1, rl::mo_release);", event_kind::atomic_store), "a");
  // Conservative: no name for none, several or unnamable receivers.
  EXPECT_EQ(name("  a.load() + b.load()", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  x($) = y($);", event_kind::store), "<none>");
  EXPECT_EQ(name("  get().load();", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  (*p).load();", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  a.load() + get().load()", event_kind::atomic_load), "<none>");
  EXPECT_EQ(name("  int x = 0;", event_kind::load), "<none>");
  // The operation must be the event's: a line edited since the trace names nothing.
  EXPECT_EQ(name("    slot_.store(item);", event_kind::load), "<none>");
  EXPECT_EQ(name("  a.compare_exchange_strong(e, 1);", event_kind::rmw, "exchange"), "<none>");
  EXPECT_EQ(name("  a.fetch_sub(1); b.fetch_add(1);", event_kind::rmw, "fetch_add", "1"), "b");
  EXPECT_EQ(name("    Platform::wait(state_, 0);", event_kind::rmw, "fetch_add", "1"), "<none>");
  EXPECT_EQ(name("  Platform::wake(self, n);", event_kind::rmw, "fetch_add", "0"), "<none>");
  EXPECT_EQ(name("  x.load();", event_kind::fence), "<none>");
  // Comments and literals do not count.
  EXPECT_EQ(name("  // slot_.store(1)", event_kind::store), "<none>");
  EXPECT_EQ(name("  log(\"x.store(\"); /* z.store( */ y.store(1);", event_kind::store), "y");
  EXPECT_EQ(name("  y.store('(' + 1'000);", event_kind::store), "y");
  EXPECT_EQ(name(std::string(vt::max_line_bytes + 1, ' ') + "y.store(1);", event_kind::store),
            "<none>");
}

// inputs/slot_queue_v1_named.trace.txt: examples/model_check's slot_queue_v1 as
// vsem-verify caught it, its paths moved to /ci/vsem/ (which does not exist);
// testdata/sources/ holds the lines it names.
const std::string named_trace = "inputs/slot_queue_v1_named.trace.txt";

vt::parse_options sources_in(const std::string& dir) {
  vt::parse_options o;
  o.read_sources = true;
  o.source_dir = dir;
  return o;
}

TEST(ObjectNames, InTheSentenceTheStoryTheLanesTheJsonAndTheHtml) {
  const vt::trace t = vt::parse_file(testdata(named_trace), sources_in(testdata("sources")));
  check_invariants(t);
  EXPECT_EQ(t.summary,
            "data race: thread 0 wrote slot_ at examples/model_check/slot_queue.hpp:18 while "
            "thread 1's read at :24 is not ordered before it");
  // Two semaphores' state_, told apart by their labels; slot_ is @3.
  EXPECT_EQ(t.events[1].object_name, "state_@1");  // its constructor's line names nothing
  EXPECT_EQ(t.events[2].object_name, "state_@2");
  EXPECT_EQ(t.events[8].object_name, "slot_");
  EXPECT_EQ(t.events[13].object_name, "state_@2");  // Platform::wait(state_, 0)
  for (const auto& e : t.events) {
    if (!e.object) {
      EXPECT_EQ(e.object_name, "");
    }
  }
  // The racing store: Relacy logged "value=0" for a store of 2.
  const vt::event& f = t.events.at(30);
  EXPECT_EQ(t.failing_event, 30u);
  EXPECT_NE(f.text.find("store, value=0"), std::string::npos);
  EXPECT_FALSE(f.value_recorded);
  EXPECT_FALSE(f.value.has_value());
  EXPECT_TRUE(t.events[8].value_recorded);
  std::string story;
  for (const auto& st : t.story) story += st.text + "\n";
  EXPECT_PRED2(contains, story,
               "the racing access: thread 0 in put at examples/model_check/slot_queue.hpp:18: "
               "write to slot_ (value not recorded)\n");
  EXPECT_PRED2(contains, story,
               "the earlier access: thread 1 in take at examples/model_check/slot_queue.hpp:24: "
               "read of slot_ returned 1\n");

  vt::text_options o;
  o.width = 140;
  const std::string text = vt::render_text(t, o);
  EXPECT_PRED2(contains, text, "| slot_ write 1 ");
  EXPECT_PRED2(contains, text, "| slot_ read 1 ");
  EXPECT_PRED2(contains, text, "| slot_ write ? ");
  EXPECT_PRED2(contains, text, "| state_@1 fetch_add 0->1 rel ");
  EXPECT_PRED2(contains, text, "| state_@2 load 1 rlx ");
  EXPECT_PRED2(contains, text,
               "objects: state_@1=0x561f4eb47828 (atomic), state_@2=0x561f4eb47860 (atomic), "
               "slot_=0x561f4eb47898 (var)");
  EXPECT_EQ(text.find("@3"), std::string::npos) << text;

  const std::string j = vt::to_json(t);
  EXPECT_TRUE(json_checker(j).valid());
  EXPECT_PRED2(contains, j,
               "{\"index\": 30, \"thread\": 0, \"kind\": \"store\", \"op\": \"store\", \"object\": "
               "\"0x561f4eb47898\", \"object_name\": \"slot_\", \"value\": null, "
               "\"value_recorded\": false,");
  EXPECT_PRED2(contains, j, "\"object\": \"0x561f4eb47828\", \"object_name\": \"state_@1\"");
  const vt::trace r = vt::parse(j);  // the JSON keeps the names
  EXPECT_EQ(r.events[30].object_name, "slot_");
  EXPECT_FALSE(r.events[30].value_recorded);
  EXPECT_EQ(vt::to_json(r), j);
  EXPECT_EQ(vt::render_text(r, o), text);

  const std::string h = vt::render_html(t);
  EXPECT_PRED2(contains, h, "<span class=\"mark\">&gt;&gt;</span>slot_ write ?</div>");
  EXPECT_PRED2(contains, h,
               "id=\"ev-30\" tabindex=\"0\" data-i=\"30\" data-kind=\"store\" "
               "data-obj=\"@3\"");
  EXPECT_PRED2(contains, h, "<tr><td>@3</td><td><code>slot_</code></td>");
  EXPECT_PRED2(contains, h, "value not recorded");
}

TEST(ObjectNames, WithoutTheSourcesObjectsKeepTheirAddresses) {
  const std::string address_summary =
      "data race: thread 0 wrote 0x561f4eb47898 at examples/model_check/slot_queue.hpp:18 while "
      "thread 1's read at :24 is not ordered before it";
  const vt::trace plain = vt::parse_file(testdata(named_trace));  // sources not read
  EXPECT_EQ(plain.summary, address_summary);
  for (const auto& e : plain.events) EXPECT_EQ(e.object_name, "");
  const std::string text = vt::render_text(plain);
  EXPECT_PRED2(contains, text, "| @3 write ? ");  // not recorded, names or not
  EXPECT_PRED2(contains, text, "| @1 fetch_add 0->1 rel ");
  EXPECT_PRED2(contains, vt::to_json(plain), "\"object_name\": null");
  // Where the trace says the sources are, there are none (/ci/vsem/): the same.
  vt::parse_options o;
  o.read_sources = true;
  EXPECT_EQ(vt::to_json(vt::parse_file(testdata(named_trace), o)), vt::to_json(plain));
  // A directory without them, or with something else under their names: the same.
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "vsem-trace-sources";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "impl/vsem/semaphore.hpp");  // a directory
  EXPECT_EQ(vt::to_json(vt::parse_file(testdata(named_trace), sources_in(dir.string()))),
            vt::to_json(plain));
  // Only slot_queue.hpp: slot_ named, the semaphores not.
  std::filesystem::create_directories(dir / "examples/model_check");
  std::filesystem::copy_file(testdata("sources/examples/model_check/slot_queue.hpp"),
                             dir / "examples/model_check/slot_queue.hpp");
  const vt::trace part = vt::parse_file(testdata(named_trace), sources_in(dir.string()));
  EXPECT_EQ(part.summary.substr(0, 32), "data race: thread 0 wrote slot_ ");
  EXPECT_EQ(part.events[1].object_name, "");
  EXPECT_PRED2(contains, vt::render_text(part), "| @1 fetch_add 0->1 rel ");
  // Too large a file names nothing; a short one names what it has.
  std::filesystem::resize_file(dir / "examples/model_check/slot_queue.hpp",
                               vt::max_source_bytes + 1);
  EXPECT_EQ(vt::parse_file(testdata(named_trace), sources_in(dir.string())).summary,
            address_summary);
  std::ofstream(dir / "examples/model_check/slot_queue.hpp", std::ios::trunc)
      << std::string(17, '\n') << "slot_.store(1);\n";
  EXPECT_EQ(vt::parse_file(testdata(named_trace), sources_in(dir.string())).summary.substr(0, 32),
            "data race: thread 0 wrote slot_ ");
  std::filesystem::remove_all(dir);
}

// An object takes the name most of its events give it; none on a tie.
TEST(ObjectNames, TheNameMostEventsGive) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "vsem-trace-m";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "models");
  const auto summary = [&](const std::string& source, const std::string& trace) {
    std::ofstream(dir / "models/m.cpp", std::ios::trunc) << source;
    return vt::parse(trace, sources_in(dir.string())).summary;
  };
  std::string lines(4, '\n');
  lines += "x.store(1);\n";                       // line 5
  lines += std::string(3, '\n') + "x.load();\n";  // line 9
  EXPECT_EQ(summary(lines, good),
            "data race: thread 1 read x at models/m.cpp:9 while thread 0's write at :5 is not "
            "ordered before it");
  std::string tie(4, '\n');
  tie += "x.store(1);\n" + std::string(3, '\n') + "y.load();\n";
  EXPECT_EQ(summary(tie, good), vt::parse(good).summary);
  // Two events say y, one x.
  const std::string three =
      replace_all(replace_all(good, "(3):", "(4):"),
                  "[2] 1: DATA RACE (data race detected), in g, /src/vsem/models/m.cpp(9)",
                  "[2] 1: <0x10> load, value=0, in g, /src/vsem/models/m.cpp(10)\n[3] 1: DATA RACE "
                  "(data race detected), in g, /src/vsem/models/m.cpp(10)");
  EXPECT_EQ(summary(tie + "y.load();\n", three).substr(0, 28), "data race: thread 1 read y a");
  std::filesystem::remove_all(dir);
}

TEST(Helpers, InvalidUtf8BecomesReplacementCharacters) {
  const std::string bad = replace_all(good, "in f,", "in f\xff\xfe,");
  const vt::trace t = vt::parse(bad);
  const std::string j = vt::to_json(t);
  EXPECT_TRUE(json_checker(j).valid());
  EXPECT_TRUE(valid_utf8(j));
  EXPECT_NE(j.find("\\ufffd"), std::string::npos);
  EXPECT_TRUE(valid_utf8(vt::render_html(t)));
  EXPECT_TRUE(valid_utf8(vt::render_text(t)));
}

}  // namespace

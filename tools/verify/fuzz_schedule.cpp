// libFuzzer target (label fuzz): any input is either read as a schedule whose
// state fits the run it names (every decision within the run's limits, the
// normalised state read back unchanged), or rejected with one line naming a
// line of the input. Built with -fsanitize=fuzzer,address,undefined.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "schedule.hpp"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

namespace vv = vsem::verify;

const vv::schedule_context& context() {
  static const vv::schedule_context c = [] {
    vv::schedule_context x;
    x.find_run = [](std::string_view name) -> std::optional<vv::run_facts> {
      if (name == "handoff") return vv::run_facts{2, "none"};
      if (name == "many_roles/cap1_1each") return vv::run_facts{4, "none"};
      if (name == "mutant/skip_wake@handoff") return vv::run_facts{2, "skip_wake"};
      if (name == "one") return vv::run_facts{1, "none"};
      return std::nullopt;
    };
    x.mutations = {"none", "relaxed_release", "skip_wake"};
    return x;
  }();
  return c;
}

std::size_t count_lines(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t pos = 0; pos < text.size(); ++n) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) return n + 1;
    pos = end + 1;
  }
  return n;
}

std::string file_of(const vv::schedule& s) {
  const char* kind = s.kind == vv::schedule_search::full    ? "full"
                     : s.kind == vv::schedule_search::bound ? "bound"
                                                            : "random";
  const std::uint64_t param = s.kind == vv::schedule_search::full    ? 0
                              : s.kind == vv::schedule_search::bound ? s.bound
                                                                     : s.iterations;
  return "run " + s.run + "\nsearch " + kind + " " + std::to_string(param) + "\noffset " +
         std::to_string(s.offset) + "\nspurious " + (s.spurious ? "1" : "0") + "\nspin " +
         std::to_string(s.spin) + "\nmutant " + s.mutant + "\nstate " + s.state + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const vv::schedule_result r = vv::read_schedule(text, context());
  if (!r.value) {
    const std::string& m = r.error.message;
    require(!m.empty() && m.find('\n') == std::string::npos);
    require(r.error.line >= 1 && r.error.line <= count_lines(text) + 1);
    return 0;
  }
  const vv::schedule& s = *r.value;
  require(context().find_run(s.run).has_value());
  require(s.facts.threads >= 1);
  require(s.facts.mutant == "none" || s.facts.mutant == s.mutant);
  require(s.bound <= vv::max_bound && s.spin >= 0 &&
          static_cast<std::uint64_t>(s.spin) <= vv::max_spin);
  if (s.kind == vv::schedule_search::random) {
    require(s.decisions.empty());
    require(s.iterations >= 1 && s.iteration >= s.offset && s.iteration - s.offset < s.iterations);
  } else {
    require(!s.decisions.empty() && s.decisions.size() <= vv::max_decisions);
    require(s.decisions[0].type == vv::decision_thread);
    for (const vv::decision& d : s.decisions) {
      require(d.type <= vv::decision_user && d.index < d.count);
      require(d.count <= (d.type == vv::decision_thread ? s.facts.threads
                          : d.type == vv::decision_user ? s.facts.threads + 1
                                                        : 2));
    }
  }
  // The normalised file reads back as the same schedule.
  const vv::schedule_result again = vv::read_schedule(file_of(s), context());
  require(again.value.has_value());
  require(again.value->state == s.state && again.value->run == s.run &&
          again.value->mutant == s.mutant && again.value->iteration == s.iteration);
  return 0;
}

// models/lin/runs.cpp: the runs of vsem-lin-clients.
//   CI tier: every generated client (clients.hpp) of the CI space below, each
//     run "lin/<client>" with context bound 2.
//   Deep tier: the CI space again with context bound 3 ("lin-deep/<client>"),
//     and every client of the larger deep space that the CI space lacks
//     ("lin-deep/<client>", context bound 2).
//   Mutants: one run per mutation that only linearizability catches
//     (mutation.hpp, caught_by_clients_only), on a client of the CI space,
//     with the CI search: it must fail with a history that has no
//     linearization, at the model's check.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <vsem/verify/registry.hpp>

#include "client_models.hpp"
#include "clients.hpp"

namespace {

using vsem::verify::run;
using vsem::verify::tier;
using vsem_clients::bound;
using vsem_clients::client;
using vsem_clients::object;

// The spaces (docs/verification.md, "Generated clients"): per object, the
// bounds enumerated.
const std::vector<bound> ci_space[] = {{{2, 3}, {3, 3}}, {{2, 4}, {3, 3}}};
const std::vector<bound> deep_space[] = {{{2, 4}, {3, 4}}, {{2, 5}, {3, 4}}};
constexpr unsigned ci_bound = 2;
constexpr unsigned deep_bound = 3;

std::string configuration(const client& c) {
  std::string s = std::to_string(c.threads) + " threads, " + std::to_string(c.total()) + " calls";
  if (c.obj == object::channel) {
    return s + ", capacity " + std::to_string(c.size) + ", " + std::to_string(c.initial) +
           " inside at the start";
  }
  return s + ", count " + std::to_string(c.initial) + " at the start";
}

template <class Model>
run client_run(const client& c, const std::string& name, unsigned preemptions, tier level) {
  run r = vsem::verify::model_run<Model>(name, "every history has a linearization (spec.hpp)",
                                         configuration(c), vsem::verify::context_bound(preemptions),
                                         level);
  r.simulate = [c](rl::test_params& p) {
    static client kept;
    kept = c;
    vsem_clients::current_client() = &kept;
    return vsem::model::simulate<Model>(p);
  };
  return r;
}

run client_run(const client& c, const std::string& name, unsigned preemptions, tier level) {
  using namespace vsem_clients;
  if (c.obj == object::channel) {
    return c.threads == 2 ? client_run<channel_client<2>>(c, name, preemptions, level)
                          : client_run<channel_client<3>>(c, name, preemptions, level);
  }
  return c.threads == 2 ? client_run<semaphore_client<2>>(c, name, preemptions, level)
                        : client_run<semaphore_client<3>>(c, name, preemptions, level);
}

// Every client of `space` for `obj`, in enumeration order.
std::vector<client> clients_of(object obj, const std::vector<bound>& space) {
  std::vector<client> all;
  for (const bound& b : space) {
    const auto some = vsem_clients::enumerate(obj, b);
    all.insert(all.end(), some.begin(), some.end());
  }
  return all;
}

// Client `name` of `all` with mutation m: must fail with a history that has
// no linearization, reported at the model's check.
run mutant_client_run(vsem::mutation m, const std::vector<client>& all, const std::string& name,
                      const std::string& property) {
  const client* c = vsem_clients::find(all, name);
  if (c == nullptr) {
    std::fprintf(stderr, "vsem-lin-clients: no generated client %s\n", name.c_str());
    std::abort();
  }
  run r = client_run(*c, "", ci_bound, tier::ci);
  r.name = std::string("mutant/") + vsem::name(m) + "@lin/" + name;
  r.property = property;
  r.mutant = m;
  r.expect(rl::test_result_user_assert_failed)
      .at("client_models.hpp", "VSEM_MODEL_FAIL(failure_text());  // a history without");
  return r;
}

void add(run r) {
  r.source_file = __FILE__;
  vsem::verify::genmc_skips().push_back(
      {r.name, "a generated client: Relacy only (the client is chosen at run time)"});
  vsem::verify::registry().push_back(std::move(r));
}

struct client_registrar {
  client_registrar() {
    for (const object obj : {object::channel, object::semaphore}) {
      const auto k = static_cast<std::size_t>(obj);
      const std::vector<client> ci = clients_of(obj, ci_space[k]);
      std::set<std::string> in_ci;
      for (const client& c : ci) {
        add(client_run(c, "lin/" + c.name(), ci_bound, tier::ci));
        in_ci.insert(c.name());
      }
      for (const client& c : ci) {
        add(client_run(c, "lin-deep/" + c.name(), deep_bound, tier::deep));
      }
      for (const client& c : clients_of(obj, deep_space[k])) {
        if (in_ci.count(c.name()) == 0) {
          add(client_run(c, "lin-deep/" + c.name(), ci_bound, tier::deep));
        }
      }
    }
    const auto channels = clients_of(object::channel, ci_space[0]);
    const auto semaphores = clients_of(object::semaphore, ci_space[1]);
    add(mutant_client_run(vsem::mutation::channel_empty_while_claimed, channels,
                          "channel/cap2-in0/push+push.try_pop",
                          "try_pop reports empty while the other thread's push is storing, "
                          "after this thread's push returned: no linearization"));
    add(mutant_client_run(vsem::mutation::channel_full_while_claimed, channels,
                          "channel/cap2-in2/pop+pop.try_push",
                          "try_push reports full while the other thread's pop is moving out, "
                          "after this thread's pop returned: no linearization"));
    add(mutant_client_run(vsem::mutation::try_acquire_defers, semaphores,
                          "semaphore/count0/acquire+release2.try_acquire",
                          "try_acquire fails while a woken waiter is still registered, although "
                          "release(2) left a permit for it: no linearization"));
  }
};

const client_registrar registered;

}  // namespace

// tests/stress/channel_scenarios.hpp: vsem-stress's scenario for
// vsem::channel, run under the watchdog (harness.hpp); outcome::failure is
// empty when every check held. Defined for vsem::os_platform and
// vsem::fault::platform (channel_scenarios.cpp).
#pragma once

#include "stress/harness.hpp"

namespace vsem_stress {

// 6. channel_exactly_once: P producers and C consumers move numbered items
// through a vsem::channel<uint64_t> of capacity 1, 64 and 1024. Every item
// pushed must be popped exactly once (a per-item count) and each consumer must
// see each producer's items in order. Each capacity is closed three ways:
// after the producers finish, with the consumers asleep in pop(); under load,
// while producers push (those that get `closed` stop; every item pushed
// before is still popped); and while full, with producers asleep in push().
// Every blocked thread must wake, and afterwards every operation reports
// closed. --threads N: N/2 producers and N - N/2 consumers (at least one
// each). ops: items.
template <class P>
outcome channel_exactly_once(const context& cx);

}  // namespace vsem_stress

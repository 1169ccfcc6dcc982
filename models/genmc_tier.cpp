// models/genmc_tier.cpp: the model runs that `vsem-verify --engine genmc` leaves
// out of its CI tier (without --deep), each with the reason, reported SKIPPED
// with it. A fixed list, so the tier is the same however loaded the machine
// is; vsem-verify fails when a name here matches no run. Figures: executions
// and seconds where a check finished; "> N s" where it did not finish within N
// seconds on the reference machine (2 cores, loaded), 2026-12-01. Runs that
// are one GenMC check (they differ only in their Relacy search) are listed
// together. `--deep` runs them all.
#include <vsem/verify/registry.hpp>

// Too large for the tier's 10-minute budget (GenMC explores every execution,
// with no bound: three or four threads with several blocking operations each).
VSEM_GENMC_SKIP("too large for the CI tier: 127,296 executions, 197 s", "binary_semaphore/lock_3x1",
                "binary_semaphore/lock_3x1/random")
VSEM_GENMC_SKIP("too large for the CI tier: 52,072 executions, 87 s", "permits_conserved/mixed",
                "permits_conserved/mixed/random")
// With the semaphore's second word (tokens, 2026-12-02): two threads taking a
// binary semaphore twice each no longer finish in 90 s; a claimant, a timed
// acquire and two releasers take 32 s.
VSEM_GENMC_SKIP("too large for the CI tier: > 90 s (2026-12-02)", "binary_semaphore/lock_2x2",
                "binary_semaphore/lock_2x2/random")
VSEM_GENMC_SKIP("too large for the CI tier: 7,406 executions, 32 s (2026-12-02)",
                "claims/claimant_and_timed_2_releasers")
VSEM_GENMC_SKIP("too large for the CI tier: 1,328 executions, 113-143 s",
                "channel_destroy_on_closed/consumer",
                "channel_destroy_on_closed/consumer_random_spurious")
// The channel's delivery models: 1 producer, 1 consumer, capacity 1, 1 item
// (channel_1p1c_cap1/one_item) is the largest that finishes, in 64 executions;
// 2 items, capacity 2, or a second producer or consumer with 1 item, did not
// finish in 400 s.
VSEM_GENMC_SKIP("too large for the CI tier: > 400 s (2026-12-02)", "channel_1p1c_cap1",
                "channel_2p1c_cap1", "channel_2p1c_cap1/random_spurious", "channel_2p1c_cap1/order",
                "channel_1p2c_cap1", "channel_1p1c_cap2")
VSEM_GENMC_SKIP("too large for the CI tier: > 150 s (2026-12-02)", "channel_close_wakes_all",
                "channel_closed_is_final", "channel_closed_is_final/random_spurious",
                "channel_close_race_cap3", "channel_close_race_cap3/start2")
VSEM_GENMC_SKIP("too large for the CI tier: > 45 s", "channel_destroy_on_closed/producer",
                "channel_destroy_on_closed/producer_random_spurious",
                "channel_destroy_on_closed/poller",
                "channel_destroy_on_closed/poller_random_spurious", "channel_2p1c_cap2",
                "channel_1p2c_cap2", "channel_1p2c_cap2/random_spurious")
VSEM_GENMC_SKIP("too large for the CI tier: > 30 s", "channel_2p2c_cap1",
                "channel_2p2c_cap1/random_spurious", "channel_2p2c_cap2",
                "channel_close_under_load", "channel_close_under_load/random_spurious",
                "channel_destroy_after_close_cap3", "happens_before/fan_out",
                "happens_before/fan_out/random", "many_roles/cap1_1each",
                "many_roles/cap1_1each/random", "many_roles/cap2_1each",
                "many_roles/cap2_2each/random", "no_lost_wakeup/3_waiters_release_1_1_1",
                "no_lost_wakeup/3_waiters_release_1_1_1/random",
                "no_lost_wakeup/3_waiters_release_3", "no_lost_wakeup/3_waiters_release_3/random",
                "no_lost_wakeup/2_waiters_2_releasers",
                "no_lost_wakeup/2_waiters_2_releasers/random", "no_lost_wakeup/waiters_and_try",
                "no_lost_wakeup/waiters_and_try/random", "no_lost_wakeup/waiters_and_barger",
                "no_lost_wakeup/waiters_and_barger/random")

// GenMC reports "access to freed memory" in this model, and vsem-trace shows
// where (2026-12-02): thread 1, in the second turn of try_acquire_until()'s
// retry loop, writes the duration that the GenMC platform's clock read returns
// (world::now(), <chrono> code) into its own stack temporary, inside the timed
// futex wait's deadline check. That is the GenMC platform's code and the
// thread's own stack, no object of vsem's; Relacy, AddressSanitizer and the
// stress tests see no such access, and the report stays the same without
// lifetime markers or with the inliner run first. GenMC's stack model is the
// suspect; until that is settled the run stays out of the tier.
VSEM_GENMC_SKIP(
    "GenMC reports the platform's own clock temporary (world::now(), a stack slot of the "
    "timed futex wait) as freed in try_acquire_until()'s second turn; no vsem object; not seen "
    "by Relacy or ASan",
    "timed_acquire/no_lost_permit_2", "timed_acquire/no_lost_permit_2/random")

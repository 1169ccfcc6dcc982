// vsem/model/relacy.hpp: the Relacy Race Detector engine, without its macros.
//
// relacy/relacy_std.hpp does not compile with libstdc++ 12 (it injects
// rl::atomic into namespace std), and relacy/relacy.hpp ends with a macro block
// that redefines new, delete, malloc, free, assert, errno and the
// memory_order_* names, which breaks ordinary C++ after the include. This
// header includes the component headers that relacy.hpp includes, in the same
// order, minus stdlib/windows.hpp, stdlib/pthread.hpp and the macro block.
// What remains: rl::atomic, rl::var, rl::mutex, rl::condition_variable,
// rl::thread_local_var, rl::test_suite, rl::simulate, rl::dyn_thread, fences,
// and the `$` / RL_* macros.
//
// Build requirements for binaries that include it (the `model` preset sets
// them): -fno-sized-deallocation (context.hpp replaces the unsized global
// operator delete; g++'s sized delete would bypass it and crash), and
// -fno-lifetime-dse (without it g++ -O2 deletes the store in Relacy's
// destructors that marks memory freed, hiding use-after-free). Include Relacy
// as a system header (-isystem or /usr/include) to stay warning-free.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC system_header
#endif

#include <relacy/atomic.hpp>
#include <relacy/atomic_fence.hpp>
#include <relacy/backoff.hpp>
#include <relacy/base.hpp>
#include <relacy/context.hpp>
#include <relacy/context_base_impl.hpp>
#include <relacy/dyn_thread.hpp>
#include <relacy/stdlib/condition_variable.hpp>
#include <relacy/stdlib/event.hpp>
#include <relacy/stdlib/mutex.hpp>
#include <relacy/stdlib/semaphore.hpp>
#include <relacy/test_suite.hpp>
#include <relacy/thread_local.hpp>
#include <relacy/var.hpp>

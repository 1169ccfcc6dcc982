// vsem/vsem.hpp: everything in vsem's real build, in one include.
#pragma once

#include "config.hpp"
#include "platform.hpp"
#include "semaphore.hpp"

#include "channel.hpp"  // vsem::channel

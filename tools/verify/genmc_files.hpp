// tools/verify/genmc_files.hpp: the textual rewrites vsem-verify makes to the
// LLVM IR it hands to GenMC, and what it reads back from GenMC's report
// (genmc.cpp). Apart from runner.hpp, like
// baseline.hpp: g++ 12 reports a false -Wmismatched-new-delete inside Relacy's
// headers when they share a translation unit with this code.
#pragma once

#include <string>

namespace vsem::verify {

// Rewrites each `%x = freeze T %y` of an LLVM IR file as `%x = bitcast T %y to
// T`, which GenMC 0.11 can interpret. False when the file cannot be rewritten.
bool unfreeze(const std::string& path);

// One sentence from GenMC's report (run with -print-error-trace) saying where
// the error happened: for each "Trace to (T, I)" section, thread T and the
// last vsem or model line it reached (a .hpp or .cpp other than the GenMC
// platform's; an atomic access shows as the line that called the platform's
// wrapper), e.g. "thread 2 at binary_semaphore_model.cpp:31 and thread 1
// at binary_semaphore_model.cpp:31". "" when the report has no such section.
std::string where_it_failed(const std::string& report_path);

// Appends to GenMC's report the lines vsem-trace reads to show it
// (tools/trace/parse_genmc.cpp): "vsem-verify: run NAME", then one
// "vsem-verify: file PATH in DIR" for each source file of the LLVM IR file
// `ll` (its DIFile entries), since GenMC names files by their base name only.
void append_trace_context(const std::string& report_path, const std::string& run_name,
                          const std::string& ll);

}  // namespace vsem::verify

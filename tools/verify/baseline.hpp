// tools/verify/baseline.hpp: reading an earlier JSON report (report.cpp writes
// it). Apart from runner.hpp: nlohmann::json's parser and Relacy's headers in
// one translation unit trip g++ 12's -Wmismatched-new-delete inside Relacy.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vsem::verify {

// (run name, executions) of the passing GenMC runs of a JSON report written by
// write_json(); empty (after a message on stdout) when the file cannot be read.
std::vector<std::pair<std::string, unsigned long>> passing_executions(const std::string& path);

}  // namespace vsem::verify

// tools/verify/baseline.cpp: see baseline.hpp.
#include "baseline.hpp"

#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace vsem::verify {

std::vector<std::pair<std::string, unsigned long>> passing_executions(const std::string& path) {
  std::vector<std::pair<std::string, unsigned long>> out;
  try {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str());
    for (const auto& r : j.at("runs")) {
      if (r.value("engine", "") == "genmc" && r.value("verdict", "") == "PASS") {
        out.emplace_back(r.at("name").get<std::string>(), r.at("iterations").get<unsigned long>());
      }
    }
  } catch (const std::exception& e) {
    std::printf("%s: %s; every run is checked first\n", path.c_str(), e.what());
    out.clear();
  }
  return out;
}

}  // namespace vsem::verify

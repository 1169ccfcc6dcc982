// tools/verify/genmc_files.cpp: see genmc_files.hpp.
#include "genmc_files.hpp"

#include <cstring>
#include <fstream>
#include <vector>

namespace vsem::verify {

bool unfreeze(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::string out, line;
  bool changed = false;
  while (std::getline(in, line)) {
    const auto at = line.find(" = freeze ");
    if (at != std::string::npos) {
      const auto operand = at + std::strlen(" = freeze ");
      const auto space = line.find(' ', operand);  // the type ends here
      if (space != std::string::npos) {
        const std::string type = line.substr(operand, space - operand);
        auto end = line.find(',', space);  // before any metadata attachment
        if (end == std::string::npos) end = line.size();
        line = line.substr(0, at) + " = bitcast " + line.substr(operand, end - operand) + " to " +
               type + line.substr(end);
        changed = true;
      }
    }
    out += line;
    out += '\n';
  }
  in.close();
  if (!changed) return true;
  std::ofstream(path) << out;
  return true;
}

std::string where_it_failed(const std::string& report_path) {
  std::ifstream in(report_path);
  std::vector<std::string> parts;
  std::string thread, last;
  const auto flush = [&] {
    if (!thread.empty() && !last.empty()) parts.push_back("thread " + thread + " at " + last);
    thread.clear();
    last.clear();
  };
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("Trace to (", 0) == 0) {
      flush();
      thread = l.substr(10, l.find(',') - 10);
      continue;
    }
    if (thread.empty() || l.empty() || l[0] != '[') {
      if (!l.empty() && l[0] != '[') flush();
      continue;
    }
    // "[function] file: line: source"
    const auto close = l.find("] ");
    const auto colon = l.find(": ", close);
    if (close == std::string::npos || colon == std::string::npos) continue;
    const std::string file = l.substr(close + 2, colon - close - 2);
    const auto line_end = l.find(':', colon + 2);
    const std::string line = l.substr(colon + 2, line_end - colon - 2);
    const auto ends = [&file](const char* tail) {
      const std::size_t n = std::strlen(tail);
      return file.size() >= n && file.compare(file.size() - n, n, tail) == 0;
    };
    if ((ends(".hpp") || ends(".cpp")) && file != "platform.hpp") last = file + ":" + line;
  }
  flush();
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : " and ") + parts[i];
  return out;
}

void append_trace_context(const std::string& report_path, const std::string& run_name,
                          const std::string& ll) {
  std::ifstream in(ll);
  std::ofstream out(report_path, std::ios::app);
  out << "vsem-verify: run " << run_name << "\n";
  // !13 = !DIFile(filename: "impl/vsem/semaphore.hpp", directory: "/src/vsem", ...)
  const auto field = [](const std::string& l, const char* name) {
    const std::string key = std::string(name) + ": \"";
    const auto at = l.find(key);
    if (at == std::string::npos) return std::string();
    const auto from = at + key.size();
    return l.substr(from, l.find('"', from) - from);
  };
  for (std::string l; std::getline(in, l);) {
    if (l.find("!DIFile(") == std::string::npos) continue;
    const std::string file = field(l, "filename"), dir = field(l, "directory");
    if (!file.empty()) out << "vsem-verify: file " << file << " in " << dir << "\n";
  }
}

}  // namespace vsem::verify

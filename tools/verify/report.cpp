// tools/verify/report.cpp: the JUnit XML and JSON reports of a runner.
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "runner.hpp"
#include "text_util.hpp"

namespace vsem::verify {
namespace {

// XML escaping: the trace library's (tools/trace/text_util.hpp).
std::string xml_escape(const std::string& s) {
  std::string out;
  vsem::trace::detail::append_html(out, s);
  return out;
}

}  // namespace

void write_junit(const std::string& path, const std::vector<outcome>& v, double total) {
  std::ofstream f(path);
  int failures = 0;
  for (const auto& o : v) failures += o.ok ? 0 : 1;
  const bool genmc = !v.empty() && v.front().engine == "genmc";
  f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites><testsuite name=\"vsem-verify\" tests=\"" << v.size() << "\" failures=\""
    << failures << "\" time=\"" << total << "\">\n";
  for (const auto& o : v) {
    f << "  <testcase classname=\"" << (genmc ? "vsem.genmc" : "vsem.models") << "\" name=\""
      << xml_escape(o.r->name) << "\" time=\"" << o.seconds << "\">";
    if (!o.ok) {
      f << "<failure message=\"" << xml_escape(o.verdict + ": " + o.detail) << "\">"
        << xml_escape("trace: " + o.trace) << "</failure>";
    }
    f << "<system-out>"
      << xml_escape(o.r->property + " | " + describe(o.how) + " | " + std::to_string(o.iterations) +
                    (genmc ? " executions" : " iterations"))
      << "</system-out></testcase>\n";
  }
  f << "</testsuite></testsuites>\n";
}

void write_json(const std::string& path, const std::vector<outcome>& v, double total) {
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const auto& o : v) {
    runs.push_back({{"name", o.r->name},
                    {"engine", o.engine},
                    {"property", o.r->property},
                    {"configuration", o.r->configuration},
                    {"search", describe(o.how)},
                    {"spurious_wakeups", o.how.spurious_wakeups},
                    {"mutant", vsem::name(o.r->mutant)},
                    {"expected", rl::test_result_str(o.r->expected)},
                    {"result", rl::test_result_str(o.result)},
                    {"verdict", o.verdict},
                    {"ok", o.ok},
                    {"iterations", o.iterations},
                    {"seconds", o.seconds},
                    {"detail", o.detail},
                    {"summary", o.summary},
                    {"trace", o.trace}});
  }
  const nlohmann::ordered_json report = {
      {"tool", "vsem-verify"}, {"seconds", total}, {"runs", std::move(runs)}};
  // error_handler_t::replace: a detail quoting a damaged trace stays a valid report.
  std::ofstream(path) << report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                      << "\n";
}

}  // namespace vsem::verify

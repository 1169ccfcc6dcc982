// The reader of GenMC's error report: read_genmc_report(). See genmc_report.hpp.
#include "genmc_report.hpp"

#include <string>
#include <string_view>

#include "internal.hpp"

namespace vsem::trace::detail {

namespace {

// "(2, 57)" at the start of s; advances s past it.
std::optional<node_id> take_node(std::string_view& s) {
  if (!s.starts_with('(')) return std::nullopt;
  const auto comma = s.find(", ");
  const auto close = s.find(')');
  if (comma == std::string_view::npos || close == std::string_view::npos || comma > close)
    return std::nullopt;
  node_id n;
  if (!parse_decimal(s.substr(1, comma - 1), n.thread) ||
      !parse_decimal(s.substr(comma + 2, close - comma - 2), n.index))
    return std::nullopt;
  s.remove_prefix(close + 1);
  return n;
}

// "(location, value)" at the start of l, then "[(t, i)]", "[INIT]" or "[BOTTOM]".
void take_operands(std::string_view& l, graph_event& g) {
  if (l.starts_with('(')) {
    const auto close = l.find(')');
    const auto comma = l.rfind(", ", close);
    if (close != std::string_view::npos && comma != std::string_view::npos) {
      g.location = std::string(l.substr(1, comma - 1));
      g.value = std::string(l.substr(comma + 2, close - comma - 2));
      l = trim(l.substr(close + 1));
    }
  }
  if (l.starts_with("[(")) {
    std::string_view r = l.substr(1);
    g.reads_from = take_node(r);
    l = trim(r.starts_with(']') ? r.substr(1) : r);
  } else if (l.starts_with("[INIT]") || l.starts_with("[BOTTOM]")) {
    l = trim(l.substr(l.find(']') + 1));
  }
}

// "\t(2, 31): URrlx (loc, 0) [(0, 40)] semaphore.hpp:253"
std::optional<graph_event> parse_graph_line(std::string_view l) {
  while (!l.empty() && (l.front() == '\t' || l.front() == ' ')) l.remove_prefix(1);
  graph_event g;
  const auto id = take_node(l);
  if (!id || !l.starts_with(": ")) return std::nullopt;
  g.id = *id;
  l.remove_prefix(2);
  const auto sp = l.find_first_of(" (");
  g.label = std::string(l.substr(0, sp));
  if (g.label.empty()) return std::nullopt;
  l = trim(l.substr(sp == std::string_view::npos ? l.size() : sp));
  take_operands(l, g);
  const auto last_space = l.rfind(' ');
  const std::string_view tail = last_space == std::string_view::npos ? l : l.substr(last_space + 1);
  const auto colon = tail.rfind(':');
  if (colon != std::string_view::npos && colon > 0 &&
      parse_decimal(tail.substr(colon + 1), g.line)) {
    g.file = std::string(tail.substr(0, colon));
    l = trim(l.substr(0, l.size() - tail.size()));
  }
  g.rest = std::string(l);
  return g;
}

class report_reader {
 public:
  explicit report_reader(std::string_view text) : text_(text) {}

  genmc_report run() {
    for (std::string_view l; next_line(l);) line(l);
    if (r_.result.empty()) throw parse_error(0, "not a GenMC error report: no 'Error: ' line");
    if (r_.threads.empty()) throw parse_error(0, "GenMC report without an execution graph");
    return std::move(r_);
  }

 private:
  bool next_line(std::string_view& l) {
    if (pos_ >= text_.size()) return false;
    const auto end = text_.find('\n', pos_);
    l = text_.substr(pos_, end == std::string_view::npos ? text_.size() - pos_ : end - pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    ++line_no_;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.size() > max_line_bytes) throw parse_error(line_no_, "line too long");
    return true;
  }

  void line(std::string_view l) {
    if (l.starts_with("Error: ") || l.starts_with("Error detected: ")) {
      error(l);
    } else if (l.starts_with("Warning: ")) {  // GenMC goes on; its graph is not the error's
      section_ = section::warning;
    } else if (section_ == section::warning) {
      // skipped up to the error
    } else if (l.starts_with("Event (") && l.ends_with("in graph:")) {
      std::string_view s = l.substr(6);
      r_.failing = take_node(s);
      if (const auto with = s.find("with event "); with != std::string_view::npos) {
        std::string_view c = s.substr(with + 11);
        r_.conflict = take_node(c);
      }
      section_ = section::graph;
    } else if (l == "Coherence:") {
      section_ = section::coherence;
    } else if (l.starts_with("Trace to (")) {
      std::string_view s = l.substr(9);
      trace_to_ = take_node(s);
      section_ = section::trace_to;
    } else if (section_ == section::graph && (l.starts_with('<') || l.starts_with('\t'))) {
      graph_line(l);
    } else if (section_ == section::coherence) {
      coherence_line(l);
    } else if (section_ == section::trace_to && l.starts_with('[')) {
      trace_to_line(l);
    } else if (l.starts_with("Assertion violation: ")) {
      r_.message = std::string(l);
    } else if (l.starts_with("vsem-verify: run ")) {
      r_.run_name = std::string(l.substr(17));
    } else if (l.starts_with("vsem-verify: file ")) {
      file_line(l.substr(18));
    }
  }

  // The error line: what is read from here on is the error's report (a graph
  // read before it belonged to an earlier report, which is dropped).
  void error(std::string_view l) {
    std::string result(trim(l.substr(l.find(':') + 1)));
    if (result.ends_with('!')) result.pop_back();
    r_ = genmc_report{};
    r_.result = std::move(result);
    section_ = section::other;
    trace_to_.reset();
  }

  void graph_line(std::string_view l) {
    if (l.starts_with('<')) {  // "<-1, 0> main:" / "<0, 2> fn:"
      const auto comma = l.find(", ");
      const auto gt = l.find('>');
      unsigned id = 0;
      if (comma == std::string_view::npos || gt == std::string_view::npos ||
          !parse_decimal(l.substr(comma + 2, gt - comma - 2), id) || id >= max_threads)
        throw parse_error(line_no_, "expected '<parent, thread> function:'");
      if (r_.threads.size() <= id) r_.threads.resize(id + 1);
      return;
    }
    auto g = parse_graph_line(l);
    if (!g) throw parse_error(line_no_, "expected '(thread, index): event'");
    if (g->id.thread >= max_threads) throw parse_error(line_no_, "too many threads");
    if (++r_.event_count > max_events) throw parse_error(line_no_, "too many events");
    if (r_.threads.size() <= g->id.thread) r_.threads.resize(g->id.thread + 1);
    r_.threads[g->id.thread].push_back(std::move(*g));
  }

  // "name: [ (0, 40): Wna (G#(0, 216), 0) (2, 32): UWrlx (G#(0, 216), 42) ]"
  void coherence_line(std::string_view l) {
    const auto open = l.find(": [ ");
    if (open == std::string_view::npos) return;
    const std::string name(l.substr(0, open));
    std::string_view s = l.substr(open + 4);
    for (std::size_t rank = 0;; ++rank) {
      const auto at = s.find('(');
      if (at == std::string_view::npos) break;
      s.remove_prefix(at);
      const auto id = take_node(s);
      const auto p = s.find(" (");
      const auto vc = s.find("), ");
      if (!id || p == std::string_view::npos || vc == std::string_view::npos) break;
      const std::string address(s.substr(p + 2, vc + 1 - p - 2));
      r_.address[*id] = address;
      r_.co_rank[*id] = rank;
      if (rank == 0 && !name.empty()) r_.name_address[name] = address;
      s.remove_prefix(vc + 3);
    }
  }

  // "[function] file: line: source"
  void trace_to_line(std::string_view l) {
    const auto close = l.find("] ");
    const auto colon = l.find(": ", close);
    unsigned n = 0;
    if (trace_to_ && close != std::string_view::npos && colon != std::string_view::npos &&
        parse_decimal(l.substr(colon + 2, l.find(':', colon + 2) - colon - 2), n))
      r_.trace_end[*trace_to_] = {std::string(l.substr(close + 2, colon - close - 2)), n};
  }

  // "impl/vsem/semaphore.hpp in /src/vsem"
  void file_line(std::string_view s) {
    const auto in = s.rfind(" in ");
    if (in == std::string_view::npos) return;
    const std::string rel(s.substr(0, in)), dir(s.substr(in + 4));
    const std::string full = !rel.empty() && rel.front() == '/' ? rel : dir + "/" + rel;
    const std::string base = full.substr(full.rfind('/') + 1);
    auto [it, fresh] = r_.paths.try_emplace(base, full);
    if (!fresh && it->second != full) it->second.clear();  // two files share the name
  }

  enum class section { other, warning, graph, coherence, trace_to };
  std::string_view text_;
  std::size_t pos_ = 0, line_no_ = 0;
  section section_ = section::other;
  std::optional<node_id> trace_to_;
  genmc_report r_;
};

}  // namespace

access_label split_label(std::string_view l) {
  for (std::string_view k : {"UR", "UW", "CR", "CW", "R", "W", "F"}) {
    if (!l.starts_with(k)) continue;
    const auto o = l.substr(k.size());
    if (o == "na" || o == "rlx" || o == "acq" || o == "rel" || o == "ar" || o == "acqrel" ||
        o == "sc")
      return {k, o};
  }
  return {};
}

const graph_event* genmc_report::find(node_id id) const {
  if (id.thread >= threads.size()) return nullptr;
  for (const auto& g : threads[id.thread]) {
    if (g.id.index == id.index) return &g;
  }
  return nullptr;
}

std::string genmc_report::location_key(const graph_event& g) const {
  if (const auto a = address.find(g.id); a != address.end()) return a->second;
  if (g.reads_from) {
    if (const auto a = address.find(*g.reads_from); a != address.end()) return a->second;
  }
  if (const auto a = name_address.find(g.location); a != name_address.end()) return a->second;
  return g.location;
}

std::string genmc_report::resolve(const std::string& base) const {
  const auto p = paths.find(base);
  return p != paths.end() && !p->second.empty() ? p->second : base;
}

std::optional<unsigned> genmc_report::thread_named(const graph_event& g) {
  const auto k = g.rest.find("thread ");
  unsigned t = 0;
  if (k == std::string::npos) return std::nullopt;
  const auto end = g.rest.find(']', k);
  if (end == std::string::npos ||
      !parse_decimal(std::string_view(g.rest).substr(k + 7, end - k - 7), t))
    return std::nullopt;
  return t;
}

genmc_report read_genmc_report(std::string_view text) {
  return report_reader(text).run();
}

}  // namespace vsem::trace::detail

// models/schedule.cpp: reads and checks vsem-verify schedule files (see schedule.hpp).
//
// What a Relacy state is (relacy/context.hpp, context_impl::simulate, and the
// schedulers' set_state_impl): "<iteration>" followed by what the scheduler
// saved. The random scheduler saves nothing: its iteration number seeds the
// generator that makes every choice. The tree-search schedulers (full search,
// context bound; full_search_scheduler.hpp) save the path through their search
// tree: "<n> <count index type> x n", one triple per choice the execution made,
// in order. Relacy reads it with `>>` and no checks (text that is not numbers
// reads as an empty state, which silently restarts the whole search), and in
// replay it returns the saved `index` as the choice. It compares the saved
// `count` and `type` with the choice actually being made only in RL_VERIFYs,
// compiled out unless _DEBUG or RL_DO_ASSERT; without them a thread choice
// index >= the number of runnable threads indexes past Relacy's running-thread
// vector (the bus error / segmentation fault of `state 99 99 99 99`).
//
// Checked here, statically: the format (numbers only, the announced number of
// decisions present, nothing after them), each index below its count, each
// type a Relacy decision kind, each count within what that kind of choice can
// have in a run of this many threads, the first choice a thread choice, and a
// random state's iteration inside the search the file names.
//
// Not checkable statically: whether each decision's count and type are the
// ones this run's execution actually meets at that step (how many threads are
// runnable then, whether the step is a load, a CAS, a timed wait ...): that
// depends on executing the model. vsem-verify's models are built with
// RL_DO_ASSERT=1, so Relacy stops at the first decision that does not fit
// ("RELACY INTERNAL ASSERT FAILED: 'n.count_ == limit'", then abort());
// vsem-verify replays in a child process and reports that, or any crash, as a
// state that does not belong to the run (models/verify_main.cpp, replay()).
#include "schedule.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace vsem::verify {

std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t lo, std::uint64_t hi,
                                          std::string& error) {
  const auto fail = [&](const char* why) -> std::optional<std::uint64_t> {
    std::string shown(text.substr(0, 40));
    if (text.size() > 40) shown += "...";
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';
    }
    error = "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
            ", got '" + shown + "'" + why;
    return std::nullopt;
  };
  if (text.empty()) return fail(" (empty)");
  if (text[0] == '-' && text.size() > 1) return fail(" (negative)");
  std::uint64_t v = 0;
  bool too_large = false;
  for (const char c : text) {
    if (c < '0' || c > '9') return fail(" (digits only)");
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
      too_large = true;
    } else {
      v = v * 10 + d;
    }
  }
  if (too_large || v > hi) return fail(" (too large)");
  if (v < lo) return fail(" (too small)");
  return v;
}

namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::string quoted(std::string_view s) {
  std::string out(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return "'" + out + "'";
}

const char* decision_name(unsigned type) {
  switch (type) {
    case decision_thread:
      return "thread choice";
    case decision_load:
      return "load choice";
    case decision_cas:
      return "CAS-failure choice";
    case decision_realloc:
      return "free-deferral choice";
    case decision_user:
      return "wake-up choice";
  }
  return "?";
}

// The largest count a choice of `type` can have in a run of `threads` threads
// under the tree-search schedulers (relacy/*.hpp, every call of rand()):
//   thread choice:  among the runnable threads (full_search_scheduler.hpp)
//   load, CAS, free deferral: yes or no (thread.hpp, atomic.hpp, context.hpp;
//                   4 alternatives only under the random scheduler)
//   wake-up choice: one of the timed or spuriously woken threads, or none
//                   (full_search_scheduler.hpp), or a waiter of a waitset
//                   (waitset.hpp). vsem's models never call rl::rand()
//                   themselves, which would allow any count.
unsigned max_count(unsigned type, unsigned threads) {
  switch (type) {
    case decision_thread:
      return threads;
    case decision_load:
    case decision_cas:
    case decision_realloc:
      return 2;
    case decision_user:
      return threads + 1;
  }
  return 0;
}

struct line_of {
  std::size_t number = 0;  // 0: absent
  std::vector<std::string_view> words;
};

class reader {
 public:
  reader(std::string_view text, const schedule_context& context) : text_(text), context_(context) {}

  schedule_result run() {
    if (!lines()) return failed();
    if (!check()) return failed();
    return {std::move(s_), {}};
  }

 private:
  static constexpr std::array<std::string_view, 7> keys = {"run",  "search", "offset", "spurious",
                                                           "spin", "mutant", "state"};

  bool error(std::size_t line, std::string message) {
    error_ = {line, std::move(message)};
    return false;
  }
  schedule_result failed() { return {std::nullopt, error_}; }

  line_of& slot(std::string_view key) {
    return found_[static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) -
                                           keys.begin())];
  }

  bool lines() {
    if (text_.size() > max_schedule_bytes) {
      return error(1, "the file is " + std::to_string(text_.size()) +
                          " bytes; a schedule is at most " + std::to_string(max_schedule_bytes));
    }
    std::size_t pos = 0, number = 0;
    while (pos < text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      pos = end + 1;
      ++number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      const std::size_t first = line.find_first_not_of(" \t");
      if (first == std::string_view::npos || line[first] == '#') continue;
      for (const char c : line) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u > 0x7E) {
          static constexpr char hex[] = "0123456789abcdef";
          return error(number, std::string("unexpected byte 0x") + hex[u >> 4] + hex[u & 15] +
                                   " (a schedule is plain ASCII text; not a schedule file?)");
        }
      }
      auto words = split_words(line);
      const std::string_view key = words.front();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        return error(number,
                     "unknown line " + quoted(key) +
                         " (expected run, search, offset, spurious, spin, mutant or state)");
      }
      line_of& l = slot(key);
      if (l.number != 0) {
        return error(number, "a second '" + std::string(key) + "' line (the first is line " +
                                 std::to_string(l.number) + ")");
      }
      words.erase(words.begin());
      const std::size_t want = key == "search" ? 2 : 1;
      if (words.empty()) {
        return error(number, "'" + std::string(key) + "' needs a value");
      }
      if (key != "state" && words.size() != want) {
        if (words.size() < want) {
          return error(number, "'search' needs a kind and a number, e.g. 'search bound 2'");
        }
        return error(number,
                     "unexpected text after the " + std::string(key) + ": " + quoted(words[want]));
      }
      l = {number, std::move(words)};
    }
    end_line_ = number + 1;
    for (const auto key : {"run", "search", "spurious", "spin", "mutant", "state"}) {
      if (slot(key).number == 0) {
        return error(end_line_, std::string("no '") + key + "' line (the file ends here)");
      }
    }
    return true;
  }

  bool number(const line_of& l, std::string_view word, std::uint64_t lo, std::uint64_t hi,
              const std::string& what, std::uint64_t& out) {
    std::string e;
    const auto v = parse_number(word, lo, hi, e);
    if (!v) return error(l.number, what + ": " + e);
    out = *v;
    return true;
  }

  bool check() {
    // run
    const line_of& run = slot("run");
    s_.run = std::string(run.words[0]);
    const auto facts = context_.find_run ? context_.find_run(s_.run) : std::nullopt;
    if (!facts) {
      return error(run.number,
                   "no run named " + quoted(s_.run) + " (`vsem-verify list --deep` lists them)");
    }
    s_.facts = *facts;

    // mutant
    const line_of& mutant = slot("mutant");
    s_.mutant = std::string(mutant.words[0]);
    const auto& known = context_.mutations;
    if (std::find(known.begin(), known.end(), s_.mutant) == known.end()) {
      std::string list;
      for (const auto& m : known) list += (list.empty() ? "" : ", ") + m;
      return error(mutant.number,
                   "unknown mutation " + quoted(s_.mutant) + " (known: " + list + ")");
    }
    if (s_.facts.mutant != "none" && s_.mutant != s_.facts.mutant) {
      return error(mutant.number, "run " + quoted(s_.run) + " is the " + s_.facts.mutant +
                                      " mutant, but this schedule names mutation " +
                                      quoted(s_.mutant));
    }

    // search
    const line_of& search = slot("search");
    const std::string_view kind = search.words[0];
    const std::string_view param = search.words[1];
    if (kind == "full") {
      s_.kind = schedule_search::full;
      if (param != "0") {
        return error(search.number,
                     "a full search has no parameter: expected 'search full 0', "
                     "got 'search full " +
                         std::string(param.substr(0, 40)) + "'");
      }
    } else if (kind == "bound") {
      s_.kind = schedule_search::bound;
      if (!number(search, param, 0, max_bound, "context bound", s_.bound)) return false;
    } else if (kind == "random") {
      s_.kind = schedule_search::random;
      if (!number(search, param, 1, max_iterations, "random iterations", s_.iterations)) {
        return false;
      }
    } else {
      return error(search.number,
                   "unknown scheduler " + quoted(kind) + " (expected full, bound or random)");
    }

    // offset (random only; optional)
    if (const line_of& offset = slot("offset"); offset.number != 0) {
      if (!number(offset, offset.words[0], 0, max_offset, "offset", s_.offset)) return false;
      if (s_.kind != schedule_search::random && s_.offset != 0) {
        return error(offset.number, "an offset applies to the random search only");
      }
    }

    // spurious, spin
    std::uint64_t v = 0;
    const line_of& spurious = slot("spurious");
    if (!number(spurious, spurious.words[0], 0, 1, "spurious", v)) return false;
    s_.spurious = v == 1;
    const line_of& spin = slot("spin");
    if (!number(spin, spin.words[0], 0, max_spin, "spin", v)) return false;
    s_.spin = static_cast<int>(v);

    return state();
  }

  // An error in the state line: "state: m".
  bool bad_state(const std::string& m) { return error(s_.state_line, "state: " + m); }

  bool state() {
    const line_of& l = slot("state");
    const auto& w = l.words;
    s_.state_line = l.number;
    std::string e;
    const auto iteration = parse_number(w[0], 0, std::numeric_limits<std::uint64_t>::max() - 1, e);
    if (!iteration) return bad_state("the iteration: " + e);
    s_.iteration = *iteration;
    if (s_.kind == schedule_search::random) return random_state(w);
    return tree_state(w);
  }

  // A random search's state: the failing iteration alone, inside the search.
  bool random_state(const std::vector<std::string_view>& w) {
    // random_scheduler.hpp saves no decisions: the iteration seeds every choice.
    if (w.size() != 1) {
      return bad_state("a random-search state is one number, the failing iteration; found " +
                       std::to_string(w.size()) + " numbers");
    }
    const std::uint64_t last = s_.offset + s_.iterations - 1;
    if (s_.iteration < s_.offset || s_.iteration > last) {
      return bad_state("iteration " + std::to_string(s_.iteration) +
                       " is outside the random search of this schedule (iterations " +
                       std::to_string(s_.offset) + " to " + std::to_string(last) + ")");
    }
    s_.state = std::to_string(s_.iteration);
    return true;
  }

  // A full or bound search's state: the iteration, the number of decisions,
  // then count, index and type for each decision (read_decision()).
  bool tree_state(const std::vector<std::string_view>& w) {
    if (w.size() < 2) {
      return bad_state("a " + std::string(s_.kind == schedule_search::full ? "full" : "bound") +
                       "-search state is the iteration, the number of decisions, then 3 numbers "
                       "(count index type) per decision; found only the iteration");
    }
    std::string e;
    const auto n = parse_number(w[1], 1, max_decisions, e);
    if (!n) return bad_state("the number of decisions: " + e);
    const std::uint64_t given = w.size() - 2;
    if (given != *n * 3) {
      return bad_state(std::to_string(*n) + " decisions announced, so " + std::to_string(*n * 3) +
                       " numbers (count index type per decision) should follow; found " +
                       std::to_string(given));
    }
    s_.state = std::to_string(s_.iteration) + " " + std::to_string(*n);
    for (std::uint64_t i = 0; i < *n; ++i) {
      if (!read_decision(w, i, *n)) return false;
    }
    return true;
  }

  // Decision i (0-based) of n: three numbers that must make a choice this
  // run's threads can meet (the first one a thread choice); appended to the
  // decisions and the normalised state.
  bool read_decision(const std::vector<std::string_view>& w, std::uint64_t i, std::uint64_t n) {
    const unsigned threads = s_.facts.threads;
    const std::string which = "decision " + std::to_string(i + 1) + " of " + std::to_string(n);
    std::string e;
    std::uint64_t f[3] = {};
    static constexpr const char* field[] = {"count", "index", "type"};
    for (int k = 0; k < 3; ++k) {
      const auto x = parse_number(w[2 + i * 3 + k], 0, std::numeric_limits<unsigned>::max(), e);
      if (!x) return bad_state(which + ", " + field[k] + ": " + e);
      f[k] = *x;
    }
    decision d{static_cast<unsigned>(f[0]), static_cast<unsigned>(f[1]),
               static_cast<unsigned>(f[2])};
    if (d.type > decision_user) {
      return bad_state(which + ": type " + std::to_string(d.type) +
                       " is not a Relacy choice kind (0 thread, 1 load, 2 CAS failure, 3 free "
                       "deferral, 4 wake-up)");
    }
    if (d.count == 0) return bad_state(which + ": count 0 (a choice has at least one alternative)");
    if (d.index >= d.count) {
      return bad_state(which + ": index " + std::to_string(d.index) + " is not below its count " +
                       std::to_string(d.count));
    }
    const unsigned most = max_count(d.type, threads);
    if (d.count > most) {
      std::string why = d.type == decision_thread
                            ? " (the run has " + std::to_string(threads) + " threads)"
                        : d.type == decision_user
                            ? " (the run has " + std::to_string(threads) + " threads, plus none)"
                            : " (yes or no)";
      return bad_state(which + ": a " + decision_name(d.type) + " of " + std::to_string(d.count) +
                       " alternatives; at most " + std::to_string(most) + why);
    }
    if (i == 0 && d.type != decision_thread) {
      return bad_state(which +
                       ": the first choice of an execution is its first thread (type 0), not a " +
                       decision_name(d.type));
    }
    s_.decisions.push_back(d);
    for (const unsigned x : {d.count, d.index, d.type}) {
      s_.state += ' ';
      s_.state += std::to_string(x);
    }
    return true;
  }

  std::string_view text_;
  const schedule_context& context_;
  std::array<line_of, keys.size()> found_{};
  std::size_t end_line_ = 1;
  schedule s_;
  schedule_error error_;
};

}  // namespace

schedule_result read_schedule(std::string_view text, const schedule_context& context) {
  return reader(text, context).run();
}

}  // namespace vsem::verify

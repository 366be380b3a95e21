// bench/cli/progress_line.hpp — the line `threadlab run` keeps up to date on a terminal while it
// runs: which pair of how many, which one, the time so far and an estimate of what is left.
//
//   [3/52] skynet on hybrid (2 workers) · 0:41 elapsed · about 2:10 left
//
// The line is rewritten in place (carriage return, then erase to the end of the line), so a
// terminal shows one line however long the run; a pair that errored leaves a line of its own
// above it, since the table prints errors only at the end. The estimate is the mean time of the
// pairs done so far times the pairs left: pairs differ, so it is rough, and it says "about".
// Used only when stderr is a terminal and --quiet was not given; stdout never sees it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

#include "bench/run/results.hpp"
#include "bench/run/runner.hpp"

namespace threadlab {

class progress_line {
 public:
  using clock = std::chrono::steady_clock;

  // progress_line(err, now) — draws on err; now: the clock (replaceable, so that tests can move
  // time). The run starts at construction.
  explicit progress_line(std::ostream& err, std::function<clock::time_point()> now = clock::now);
  // ~progress_line — erases the line, leaving the terminal as it found it.
  ~progress_line();
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;

  // starting(index, total, workload, model, point) — pair index (from 0) of total is about to
  // run: redraw the line. The runner_options::starting signature.
  void starting(std::size_t index, std::size_t total, const std::string& workload,
                const std::string& model, const sweep_point& point);
  // finished(done, total, r) — a record is complete: an error gets a line of its own. The
  // runner_options::progress signature.
  void finished(std::size_t done, std::size_t total, const record& r);

  // format_duration(d) — "0:41", "12:05", "1:02:03".
  static std::string format_duration(clock::duration d);

 private:
  std::ostream& err_;
  std::function<clock::time_point()> now_;
  clock::time_point start_;
  bool drawn_ = false;  // a line is on the screen, to erase before writing anything else
};

}  // namespace threadlab

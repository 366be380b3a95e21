// bench/cli/progress_line.cpp — the in-place progress line of `threadlab run`.
#include "bench/cli/progress_line.hpp"

#include <fmt/format.h>

#include <utility>

namespace threadlab {

namespace {

// erase — back to the start of the line and clear it (ANSI "erase in line", understood by every
// terminal emulator in use).
constexpr std::string_view erase = "\r\x1b[K";

}  // namespace

progress_line::progress_line(std::ostream& err, std::function<clock::time_point()> now)
    : err_(err), now_(std::move(now)), start_(now_()) {}

progress_line::~progress_line() {
  if (drawn_) err_ << erase << std::flush;
}

std::string progress_line::format_duration(clock::duration d) {
  const auto total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  const long long s = total < 0 ? 0 : total;
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

void progress_line::starting(std::size_t index, std::size_t total, const std::string& workload,
                             const std::string& model, const sweep_point& point) {
  const clock::duration elapsed = now_() - start_;
  std::string left = "estimating what is left";
  if (index > 0) {
    const auto per_pair = elapsed / static_cast<long>(index);
    left = "about " + format_duration(per_pair * static_cast<long>(total - index)) + " left";
  }
  // A baseline runs with no model, so its workers mean nothing.
  const std::string pair = model == baseline_model
                               ? workload + " (baseline)"
                               : fmt::format("{} on {} ({} worker{})", workload, model,
                                             point.workers, point.workers == 1 ? "" : "s");
  err_ << erase
       << fmt::format("[{}/{}] {} · {} elapsed · {}", index + 1, total, pair,
                      format_duration(elapsed), left)
       << std::flush;
  drawn_ = true;
}

void progress_line::finished(std::size_t done, std::size_t total, const record& r) {
  if (r.status != record_status::error) return;
  err_ << erase
       << fmt::format("[{}/{}] {} on {}: error: {}\n", done, total, r.workload, r.model, r.reason)
       << std::flush;
  drawn_ = false;
}

}  // namespace threadlab

// tests/soak/heartbeat.cpp — the progress line (heartbeat.hpp).
#include "heartbeat.hpp"

#include <cstdio>
#include <sstream>
#include <utility>

namespace threadlab::soak {

heartbeat::heartbeat(std::chrono::milliseconds period, std::chrono::milliseconds stuck_after)
    : period_(period), stuck_after_(stuck_after), thread_([this] { loop(); }) {}

heartbeat::~heartbeat() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stop_changed_.notify_one();
  thread_.join();
}

void heartbeat::round_started(std::uint64_t seed, std::string_view model, unsigned workers,
                              std::function<std::string()> progress) {
  std::lock_guard lock(mutex_);
  running_ = true;
  seed_ = seed;
  model_ = std::string(model);
  workers_ = workers;
  round_start_ = std::chrono::steady_clock::now();
  progress_ = std::move(progress);
}

void heartbeat::round_finished() {
  std::lock_guard lock(mutex_);
  running_ = false;
  progress_ = nullptr;  // what it read is about to go
  ++rounds_;
}

std::uint64_t heartbeat::rounds() const {
  std::lock_guard lock(mutex_);
  return rounds_;
}

void heartbeat::say(const std::string& line) {
  std::lock_guard lock(print_mutex_);
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void heartbeat::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const bool stopping = stop_changed_.wait_for(lock, period_, [this] { return stop_; });
    print_progress(lock);
    if (stopping) return;
  }
}

// print_progress(lock) — one progress line, and the stuck round's activities when it has run
// past stuck_after. Called with mutex_ held (lock), which keeps the round's activities alive
// while progress_ reads them; released only around the printing.
void heartbeat::print_progress(std::unique_lock<std::mutex>& lock) {
  using std::chrono::duration;
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto now = std::chrono::steady_clock::now();
  std::ostringstream line;
  line.setf(std::ios::fixed);
  line.precision(1);
  line << "progress rounds=" << rounds_ << " elapsed_s=" << duration<double>(now - start_).count();
  std::string stuck;
  if (running_) {
    const auto ran = duration_cast<milliseconds>(now - round_start_);
    line << " seed=" << seed_ << " model=" << model_ << " workers=" << workers_
         << " round_ms=" << ran.count();
    if (ran >= stuck_after_ && progress_) stuck = progress_();
  }
  lock.unlock();
  say(line.str());
  std::istringstream activities(stuck);
  for (std::string a; std::getline(activities, a);) say("stuck: " + a);
  lock.lock();
}

}  // namespace threadlab::soak

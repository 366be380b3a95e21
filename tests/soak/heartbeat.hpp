// tests/soak/heartbeat.hpp — the soak's progress line, printed by a kernel thread of its own
// once a period, whatever the models do.
//
// The line is what scripts/soak.sh reads to know that rounds finish, and, when they stop
// finishing, which round hangs:
//
//   progress rounds=1234 elapsed_s=61.0 seed=5678 model=hybrid workers=2 round_ms=3
//
// rounds counts the finished rounds; seed, model and workers name the round running now, and
// round_ms how long it has run. A round that runs longer than `stuck_after` also gets a line per
// activity with its counters so far ("stuck: channel #0: pushed 120, received 80, ..."): what
// is known of a hang before the script kills the process.
//
// The heartbeat runs outside every model (a std::thread), so a model that hangs every one of
// its threads cannot silence it. Every line goes through say(), which the main thread also uses
// for its own lines, so the two never interleave mid-line.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace threadlab::soak {

class heartbeat {
 public:
  // heartbeat(period, stuck_after) — starts the printing thread.
  heartbeat(std::chrono::milliseconds period, std::chrono::milliseconds stuck_after);
  heartbeat(const heartbeat&) = delete;
  heartbeat& operator=(const heartbeat&) = delete;
  // ~heartbeat — stops the printing thread (after one last line).
  ~heartbeat();

  // round_started(seed, model, workers, progress) — the round now running; progress() says
  // its activities' counters so far, and is called from the heartbeat's thread until
  // round_finished() returns (so what it reads must outlive that call, and be safe to read
  // concurrently: atomics).
  void round_started(std::uint64_t seed, std::string_view model, unsigned workers,
                     std::function<std::string()> progress);
  // round_finished() — the round is over; counts it.
  void round_finished();
  // rounds() — rounds finished so far.
  std::uint64_t rounds() const;
  // say(line) — prints line and a newline on stdout and flushes, never in the middle of
  // another line.
  void say(const std::string& line);

 private:
  void loop();
  void print_progress(std::unique_lock<std::mutex>& lock);

  const std::chrono::milliseconds period_;
  const std::chrono::milliseconds stuck_after_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  mutable std::mutex mutex_;
  std::condition_variable stop_changed_;
  bool stop_ = false;  // every member from here on: guarded by mutex_
  std::uint64_t rounds_ = 0;
  bool running_ = false;
  std::uint64_t seed_ = 0;
  std::string model_;
  unsigned workers_ = 0;
  std::chrono::steady_clock::time_point round_start_;
  std::function<std::string()> progress_;
  std::mutex print_mutex_;  // orders whole lines on stdout
  std::thread thread_;      // declared last: starts once the members it reads exist
};

}  // namespace threadlab::soak

// hybrid/src/monitor.hpp — the monitor: a kernel thread that notices workers stuck in one green
// thread and hands them to spare carriers (Go's sysmon, in our own design).
//
// Every `period` (options::monitor_period, default 1 ms) while some worker is busy, the monitor
// looks at each worker: has it picked a new thread since the last look (its dispatch count)? Is
// its carrier in user code, or in the scheduler? A worker that has stayed inside one thread's
// user code for `handoff_after` (default 10 ms), or for one period when its kernel thread is
// asleep in the kernel (state S or D in /proc/self/task/TID/stat: a blocking system call), is
// taken from its carrier by the hand-off protocol (carrier.hpp) and given to a spare carrier,
// which runs the worker's other threads. The stuck carrier runs its thread on alone, and the
// kernel time-slices it against the rest, as it does for 1:1 threads.
//
// When every worker is idle, the monitor sleeps until one wakes (scheduler::wake_monitor): an
// idle scheduler stays at 0% CPU.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "parker.hpp"

namespace hybrid::detail {

class scheduler;
class carrier;
class worker;

// asymmetric_fences_available() — whether membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) works in
// this process (registering it on the first call). Without it the monitor cannot take a worker
// safely, and runs do without one.
bool asymmetric_fences_available() noexcept;

class monitor {
 public:
  monitor(scheduler& s, std::chrono::microseconds period, std::chrono::microseconds handoff_after);
  ~monitor();  // stops and joins the thread
  monitor(const monitor&) = delete;
  monitor& operator=(const monitor&) = delete;

  // start() — start the monitor's kernel thread. Throws std::system_error if it cannot.
  void start();
  // wake() — a worker became busy while the monitor slept: look again. Any thread.
  void wake() noexcept { parker_.unpark(); }
  // handoffs() — workers handed to spare carriers so far.
  std::uint64_t handoffs() const noexcept { return handoffs_.load(std::memory_order_relaxed); }

 private:
  // view — what the monitor saw of one worker at its last look.
  struct view {
    std::uint64_t dispatches = 0;
    carrier* carried_by = nullptr;
    std::chrono::steady_clock::time_point since{};  // when it last made progress
  };
  void loop();
  // examine(w, v, now) — look at w; hand it off if it is stuck.
  void examine(worker& w, view& v, std::chrono::steady_clock::time_point now);
  // take(w, c, dispatches) — the monitor's half of the hand-off protocol; true when w now
  // belongs to a spare carrier.
  bool take(worker& w, carrier& c, std::uint64_t dispatches);

  scheduler& sched_;
  const std::chrono::microseconds period_;
  const std::chrono::microseconds handoff_after_;
  parker parker_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> handoffs_{0};
  std::vector<view> views_;  // the monitor thread's own
  std::thread thread_;
};

// blocked_in_kernel(tid) — true when kernel thread tid of this process sleeps in the kernel
// (state S or D), read from /proc/self/task/TID/stat; false when it runs or cannot be read.
bool blocked_in_kernel(int tid) noexcept;

}  // namespace hybrid::detail

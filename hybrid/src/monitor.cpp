// hybrid/src/monitor.cpp — the monitor's loop and its half of the hand-off (monitor.hpp,
// carrier.hpp).
#include "monitor.hpp"

#include <fcntl.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "carrier.hpp"
#include "scheduler.hpp"
#include "worker.hpp"

namespace hybrid::detail {

namespace {
int membarrier(int cmd) noexcept { return static_cast<int>(::syscall(__NR_membarrier, cmd, 0, 0)); }
}  // namespace

bool asymmetric_fences_available() noexcept {
  // Registered once per process; the answer does not change.
  static const bool available = membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
  return available;
}

bool blocked_in_kernel(int tid) noexcept {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  // "TID (comm) S ...": the state follows the last ')' (comm may itself contain one).
  const char* close_paren = std::strrchr(buf, ')');
  if (close_paren == nullptr || close_paren[1] != ' ') return false;
  const char state = close_paren[2];
  return state == 'S' || state == 'D';
}

monitor::monitor(scheduler& s, std::chrono::microseconds period,
                 std::chrono::microseconds handoff_after)
    : sched_(s), period_(period), handoff_after_(handoff_after), views_(s.worker_count()) {}

monitor::~monitor() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  parker_.unpark();
  thread_.join();
}

void monitor::start() {
  thread_ = std::thread([this] { loop(); });
}

void monitor::loop() {
  while (!stop_.load(std::memory_order_acquire)) {
    if (sched_.monitor_may_sleep()) {
      // Every worker is idle: nothing can be stuck. Sleep until one wakes (or the run ends).
      parker_.park(std::chrono::steady_clock::time_point::max());
      for (view& v : views_) v = view{};  // time spent asleep is no one's progress
      continue;
    }
    parker_.park(std::chrono::steady_clock::now() + period_);
    const auto now = std::chrono::steady_clock::now();
    for (unsigned i = 0; i < views_.size(); ++i) examine(sched_.worker_at(i), views_[i], now);
  }
}

void monitor::examine(worker& w, view& v, std::chrono::steady_clock::time_point now) {
  carrier* c = w.carried_by();
  const std::uint64_t d = w.dispatches();
  if (c == nullptr || d != v.dispatches || c != v.carried_by || v.since == decltype(now){}) {
    v = view{d, c, now};  // progress, or a first look
    return;
  }
  // acquire: pairs with leave_runtime's release (what the carrier did in the scheduler).
  if (!c->in_user.load(std::memory_order_acquire)) {
    v.since = now;  // in the scheduler: running it, or idle
    return;
  }
  const auto stuck = now - v.since;
  if (stuck < period_) return;
  if (stuck < handoff_after_ && !blocked_in_kernel(c->tid.load(std::memory_order_relaxed))) return;
  if (take(w, *c, d)) v = view{d, nullptr, now};
}

bool monitor::take(worker& w, carrier& c, std::uint64_t dispatches) {
  carrier* spare = sched_.reserve_spare();
  if (spare == nullptr) return false;  // at the bound (options::max_spare_carriers)
  std::uint32_t expected = claim_none;
  if (!c.claim.compare_exchange_strong(expected, claim_taking, std::memory_order_acq_rel)) {
    sched_.return_spare(spare);
    return false;
  }
  // Every running thread of the process passes a full barrier: the StoreLoad fence the carrier's
  // side omits (carrier.hpp).
  membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
  // acquire: as in examine.
  if (c.in_user.load(std::memory_order_acquire) && w.dispatches() == dispatches &&
      w.carried_by() == &c) {
    sched_.count_carried_off();
    // Counted before the worker moves on: the run may end as soon as the spare carries it.
    handoffs_.fetch_add(1, std::memory_order_relaxed);
    w.in_transit();
    // release: pairs with the acquire in enter_runtime_slow.
    c.claim.store(claim_taken, std::memory_order_release);
    sched_.give_to_spare(*spare, w);
    return true;
  }
  c.claim.store(claim_none, std::memory_order_release);  // it moved on meanwhile: withdraw
  sched_.return_spare(spare);
  return false;
}

}  // namespace hybrid::detail

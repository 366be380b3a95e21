// green_threads/src/blocking.cpp — blocking(fn): the world's helper pool (helper_pool.hpp).
#include <green_threads/blocking.hpp>

#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <boost/fiber/future/future.hpp>

#include "green_threads/detail/world.hpp"
#include "helper_pool.hpp"
#include "observing.hpp"

namespace green_threads::detail {

helper_pool::~helper_pool() {
  {
    const std::lock_guard guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

std::size_t helper_pool::helpers() const {
  const std::lock_guard guard(mutex_);
  return threads_.size();
}

void helper_pool::run(void (*call)(void*) noexcept, void* state) {
  auto done = std::make_shared<boost::fibers::promise<void>>();
  boost::fibers::future<void> finished = done->get_future();
  {
    const std::lock_guard guard(mutex_);
    jobs_.push_back(job{call, state, done});
    // One more helper when none is idle to take this job (and the limit allows it).
    if (idle_ < jobs_.size() && threads_.size() < limit_) {
      try {
        threads_.emplace_back([this] { serve(); });
      } catch (const std::system_error&) {
        if (threads_.empty()) {  // nobody would ever take the job
          jobs_.pop_back();
          throw;
        }
      }
    }
  }
  wake_.notify_one();
  // For a tracer: the fiber is blocked on the call (observing.hpp); unset again in case get()
  // found the value ready and never parked.
  pending_wait = wait_note{wait_kind::blocking_call, 0};
  finished.get();  // parks this fiber only; the helper's set_value readies it
  pending_wait = {};
}

void helper_pool::serve() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) return;  // stopping, and nothing left to do
    job j = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    j.call(j.state);  // noexcept: the caller's wrapper keeps fn's exception
    j.done->set_value();
    lock.lock();
  }
}

void run_on_helper(void (*call)(void*) noexcept, void* state) {
  world* w = current_world();
  if (w == nullptr || w->helpers == nullptr) {
    throw std::logic_error("green_threads::blocking: called outside green_threads::run");
  }
  w->helpers->run(call, state);
}

}  // namespace green_threads::detail

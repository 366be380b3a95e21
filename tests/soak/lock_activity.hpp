// tests/soak/lock_activity.hpp — M::mutex and M::condition_variable: a counter that only the
// mutex protects stays exact, and a mailbox built from them hands every item over exactly once.
//
// How (lock_plan): `counters` threads each add 1 to a plain (not atomic) counter under one
// M::mutex `increments` times: mostly with lock(), sometimes spinning on try_lock() with a
// yield between tries, now and then yielding while holding the lock. Beside them, a mailbox: a
// bounded std::deque guarded by a second M::mutex, with two M::condition_variables (not full,
// not empty). Producers wait while it is full, consumers while it is empty and producers are
// left; half the producers use the stoppable wait with a predicate, the others a bare wait in
// a loop (the contract allows spurious wake-ups). The last producer wakes every consumer.
//
// Checked, after M::run: the counter equals counters * increments (a mutex that let two
// threads in at once would lose increments); the mailbox's consumers received every item, in
// count and in the sum of hashes.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stop_token>
#include <string>
#include <utility>

#include "activity_support.hpp"
#include "bench/model.hpp"
#include "plan.hpp"

namespace threadlab::soak {

class lock_activity {
 public:
  lock_activity(const lock_plan& p, std::string name) : plan_(p), name_(std::move(name)) {}

  // run<M>() — the activity's root thread. Never throws.
  template <model M>
  void run() {
    guarded(notes_, "root", [&] { run_root<M>(); });
  }

  void check(findings& out) const {
    notes_.copy_to(out, name_);
    expect_equal(out, name_, "mutex-protected counter",
                 std::uint64_t{plan_.counters} * plan_.increments, counter_);
    const std::uint64_t items = std::uint64_t{plan_.mail_producers} * plan_.items_per_producer;
    expect_equal(out, name_, "mailbox items sent", items, mail_sent_.load());
    expect_equal(out, name_, "mailbox items received (count)", items, mail_received_.load());
    expect_equal(out, name_, "mailbox items received (hash sum) vs sent", mail_sent_hash_.load(),
                 mail_received_hash_.load());
  }

  std::string progress() const {
    return name_ + ": " + std::to_string(sections_.load()) + " critical sections, mailbox sent " +
           std::to_string(mail_sent_.load()) + ", received " +
           std::to_string(mail_received_.load());
  }

 private:
  // mailbox<M> — the bounded queue of items, made of the model's mutex and condition variables.
  template <model M>
  struct mailbox {
    typename M::mutex mutex;
    typename M::condition_variable not_full;
    typename M::condition_variable not_empty;
    std::deque<std::uint64_t> items;  // guarded by mutex
    unsigned producers_left = 0;      // guarded by mutex
  };

  template <model M>
  void run_root() {
    typename M::mutex counter_mutex;
    mailbox<M> box;
    box.producers_left = plan_.mail_producers;
    thread_list<M> threads;
    for (unsigned t = 0; t < plan_.counters; ++t) {
      threads.spawn([this, &counter_mutex, t] {
        guarded(notes_, "counter " + std::to_string(t), [&] { count<M>(counter_mutex, t); });
      });
    }
    for (unsigned c = 0; c < plan_.mail_consumers; ++c) {
      threads.spawn([this, &box, c] {
        guarded(notes_, "mail consumer " + std::to_string(c), [&] { receive<M>(box); });
      });
    }
    for (unsigned p = 0; p < plan_.mail_producers; ++p) {
      threads.spawn([this, &box, p](std::stop_token token) {
        guarded(notes_, "mail producer " + std::to_string(p), [&] { send<M>(box, p, token); });
      });
    }
    join_all_noting(threads, notes_, "thread");
  }

  template <model M>
  void count(typename M::mutex& mutex, unsigned t) {
    rng r(plan_.seed ^ mix(t + 1));
    for (std::uint32_t i = 0; i < plan_.increments; ++i) {
      if (r.one_in(plan_.try_lock_one_in)) {
        while (!mutex.try_lock()) M::yield();
      } else {
        mutex.lock();
      }
      const std::uint64_t before = counter_;
      if (r.one_in(16)) M::yield();  // another thread wanting the lock must wait meanwhile
      counter_ = before + 1;
      mutex.unlock();
      sections_.fetch_add(1, std::memory_order_relaxed);
      if (r.one_in(8)) M::yield();
    }
  }

  template <model M>
  void send(mailbox<M>& box, unsigned p, std::stop_token token) {
    const bool stoppable_wait = p % 2 == 0;
    for (std::uint32_t i = 0; i < plan_.items_per_producer; ++i) {
      const std::uint64_t item = (std::uint64_t{p} << 32) | i;
      std::unique_lock lock(box.mutex);
      if (stoppable_wait) {
        // Nobody requests a stop: the wait returns only once there is room.
        box.not_full.wait(lock, token, [&] { return box.items.size() < plan_.mail_capacity; });
      } else {
        while (box.items.size() >= plan_.mail_capacity) box.not_full.wait(lock);
      }
      box.items.push_back(item);
      mail_sent_.fetch_add(1, std::memory_order_relaxed);
      mail_sent_hash_.fetch_add(mix(item), std::memory_order_relaxed);
      lock.unlock();
      box.not_empty.notify_one();
    }
    std::unique_lock lock(box.mutex);
    if (--box.producers_left == 0) {
      lock.unlock();
      box.not_empty.notify_all();  // consumers waiting on an empty box: nothing more will come
    }
  }

  template <model M>
  void receive(mailbox<M>& box) {
    for (;;) {
      std::unique_lock lock(box.mutex);
      while (box.items.empty() && box.producers_left > 0) box.not_empty.wait(lock);
      if (box.items.empty()) return;  // no producer left, nothing left
      const std::uint64_t item = box.items.front();
      box.items.pop_front();
      lock.unlock();
      box.not_full.notify_one();
      mail_received_.fetch_add(1, std::memory_order_relaxed);
      mail_received_hash_.fetch_add(mix(item), std::memory_order_relaxed);
    }
  }

  const lock_plan plan_;
  const std::string name_;
  notes notes_;
  // counter_ — written only under the run's counter mutex; read by check() after M::run.
  std::uint64_t counter_ = 0;
  // Observed; read by check() after M::run and by progress() at any time.
  std::atomic<std::uint64_t> sections_{0};
  std::atomic<std::uint64_t> mail_sent_{0};
  std::atomic<std::uint64_t> mail_sent_hash_{0};
  std::atomic<std::uint64_t> mail_received_{0};
  std::atomic<std::uint64_t> mail_received_hash_{0};
};

}  // namespace threadlab::soak

// tests/conformance/channel_test.cpp — M::channel<T> on every model: per-producer FIFO order,
// push blocking while full, close waking blocked receivers and senders, draining after close,
// and many producers with many consumers losing and duplicating nothing.
//
// Threads that block on the channel are spawned threads waiting on the body (which on a fixed
// pool runs outside the pool), with no more of them blocked at once than max_waiting_threads;
// so every test also runs on models without waits_on_threads. Items are ints, the one element
// type the contract promises: item = producer * items_per_producer + sequence number.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

TEST_CASE_TEMPLATE_DEFINE("channel: items from one producer arrive in the order pushed", M,
                          channel_fifo_per_producer) {
  for_each_worker_count<M>("channel FIFO per producer", [](const run_options& options) {
    constexpr int producer_count = 3;
    constexpr int items_per_producer = 300;
    std::vector<int> next_expected(producer_count, 0);  // per producer
    int out_of_order = 0;
    int out_of_range = 0;
    int failed_pushes = 0;
    M::run(options, [&] {
      // Small capacity, so producers block on a full channel and are resumed by pops.
      typename M::template channel<int> channel(4);
      std::atomic<int> push_failures{0};
      std::vector<typename M::thread> producers;
      for (int p = 0; p < producer_count; ++p) {
        producers.push_back(M::spawn([&channel, &push_failures, p] {
          for (int i = 0; i < items_per_producer; ++i) {
            if (!channel.push(p * items_per_producer + i)) {
              push_failures.fetch_add(1, std::memory_order_relaxed);
            }
          }
        }));
      }
      // The body is the consumer: it pops exactly as many items as were pushed.
      for (int received = 0; received < producer_count * items_per_producer; ++received) {
        const std::optional<int> item = channel.pop();
        if (!item || *item < 0 || *item >= producer_count * items_per_producer) {
          ++out_of_range;
          continue;
        }
        const int producer = *item / items_per_producer;
        const int sequence = *item % items_per_producer;
        if (sequence != next_expected[producer]) ++out_of_order;
        next_expected[producer] = sequence + 1;
      }
      for (auto& producer : producers) producer.join();
      failed_pushes = push_failures.load(std::memory_order_relaxed);
    });
    CHECK(out_of_range == 0);
    CHECK(out_of_order == 0);
    CHECK(failed_pushes == 0);
    for (int p = 0; p < producer_count; ++p) CHECK(next_expected[p] == items_per_producer);
  });
}
TEST_CASE_TEMPLATE_APPLY(channel_fifo_per_producer, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("channel: push blocks while full and resumes when a pop makes room", M,
                          channel_push_blocks_when_full) {
  for_each_worker_count<M>("channel push blocks when full", [](const run_options& options) {
    constexpr int capacity = 2;
    bool filled = false;
    int pushed_while_full = -1;
    std::optional<int> first;
    bool resumed = false;
    int failed_pushes = 0;  // written by the producer, read after join
    std::vector<std::optional<int>> rest;
    M::run(options, [&] {
      typename M::template channel<int> channel(capacity);
      std::atomic<int> pushed{0};  // pushes that have returned
      // The producer pushes one more item than fits; its last push blocks on the body.
      auto producer = M::spawn([&] {
        for (int i = 0; i < capacity + 1; ++i) {
          if (!channel.push(i)) ++failed_pushes;
          pushed.fetch_add(1, std::memory_order_relaxed);
        }
      });
      filled = eventually<M>([&] { return pushed.load(std::memory_order_relaxed) == capacity; });
      M::sleep_for(5ms);  // give a push that does not block the chance to return
      pushed_while_full = pushed.load(std::memory_order_relaxed);
      first = channel.pop();  // makes room: the blocked push must complete
      resumed =
          eventually<M>([&] { return pushed.load(std::memory_order_relaxed) == capacity + 1; });
      for (int i = 0; i < capacity; ++i) rest.push_back(channel.pop());
      producer.join();
    });
    CHECK(filled);
    CHECK(pushed_while_full == capacity);
    CHECK(first == std::optional<int>(0));
    CHECK(resumed);
    CHECK(failed_pushes == 0);
    REQUIRE(rest.size() == capacity);
    CHECK(rest[0] == std::optional<int>(1));
    CHECK(rest[1] == std::optional<int>(2));
  });
}
TEST_CASE_TEMPLATE_APPLY(channel_push_blocks_when_full, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("channel: close wakes every receiver blocked in pop with nullopt", M,
                          channel_close_wakes_receivers) {
  for_each_worker_count<M>("channel close wakes receivers", [](const run_options& options) {
    const int receiver_count = static_cast<int>(max_waiting_threads<M>(options, 3));
    bool all_started = false;
    int nullopts = 0;
    M::run(options, [&] {
      typename M::template channel<int> channel(4);
      std::atomic<int> started{0};
      std::atomic<int> returned{0};
      std::atomic<int> returned_empty{0};
      std::vector<typename M::thread> receivers;
      for (int r = 0; r < receiver_count; ++r) {
        receivers.push_back(M::spawn([&] {
          started.fetch_add(1, std::memory_order_relaxed);
          if (!channel.pop()) returned_empty.fetch_add(1, std::memory_order_relaxed);
          returned.fetch_add(1, std::memory_order_relaxed);
        }));
      }
      all_started =
          eventually<M>([&] { return started.load(std::memory_order_relaxed) == receiver_count; });
      M::sleep_for(5ms);  // let them block in pop (a receiver not yet blocked passes too)
      channel.close();
      must_eventually<M>([&] { return returned.load(std::memory_order_relaxed) == receiver_count; },
                         "close did not wake the receivers blocked in pop");
      for (auto& receiver : receivers) receiver.join();
      nullopts = returned_empty.load(std::memory_order_relaxed);
    });
    CHECK(all_started);
    CHECK(nullopts == receiver_count);
  });
}
TEST_CASE_TEMPLATE_APPLY(channel_close_wakes_receivers, models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "channel: close wakes every sender blocked in push and push returns false", M,
    channel_close_wakes_senders) {
  for_each_worker_count<M>("channel close wakes senders", [](const run_options& options) {
    const int sender_count = static_cast<int>(max_waiting_threads<M>(options, 3));
    bool all_started = false;
    int successful_pushes = -1;
    std::optional<int> drained;
    std::optional<int> after_drain = 0;
    M::run(options, [&] {
      typename M::template channel<int> channel(1);
      const bool filled = channel.push(0);  // full: every further push blocks
      std::atomic<int> started{0};
      std::atomic<int> returned{0};
      std::atomic<int> returned_true{filled ? 0 : 100};
      std::vector<typename M::thread> senders;
      for (int s = 0; s < sender_count; ++s) {
        senders.push_back(M::spawn([&, s] {
          started.fetch_add(1, std::memory_order_relaxed);
          if (channel.push(s + 1)) returned_true.fetch_add(1, std::memory_order_relaxed);
          returned.fetch_add(1, std::memory_order_relaxed);
        }));
      }
      all_started =
          eventually<M>([&] { return started.load(std::memory_order_relaxed) == sender_count; });
      M::sleep_for(5ms);  // let them block in push (a sender not yet blocked passes too)
      channel.close();
      must_eventually<M>([&] { return returned.load(std::memory_order_relaxed) == sender_count; },
                         "close did not wake the senders blocked in push");
      for (auto& sender : senders) sender.join();
      successful_pushes = returned_true.load(std::memory_order_relaxed);
      drained = channel.pop();      // the item pushed before close is still delivered
      after_drain = channel.pop();  // then the closed channel is empty
    });
    CHECK(all_started);
    CHECK(successful_pushes == 0);
    CHECK(drained == std::optional<int>(0));
    CHECK(after_drain == std::nullopt);
  });
}
TEST_CASE_TEMPLATE_APPLY(channel_close_wakes_senders, models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "channel: after close pop drains the items in order then returns nullopt and push returns "
    "false",
    M, channel_drains_after_close) {
  for_each_worker_count<M>("channel drains after close", [](const run_options& options) {
    constexpr int item_count = 5;
    bool all_pushed = false;
    bool pushed_after_close = true;
    std::vector<std::optional<int>> popped;
    M::run(options, [&] {
      typename M::template channel<int> channel(8);
      all_pushed = true;
      for (int i = 0; i < item_count; ++i) all_pushed = channel.push(i) && all_pushed;
      channel.close();
      pushed_after_close = channel.push(item_count);
      // One pop more than was pushed, and one more again: nullopt stays nullopt.
      for (int i = 0; i < item_count + 2; ++i) popped.push_back(channel.pop());
    });
    CHECK(all_pushed);
    CHECK_FALSE(pushed_after_close);
    REQUIRE(popped.size() == item_count + 2);
    for (int i = 0; i < item_count; ++i) CHECK(popped[i] == std::optional<int>(i));
    CHECK(popped[item_count] == std::nullopt);
    CHECK(popped[item_count + 1] == std::nullopt);
  });
}
TEST_CASE_TEMPLATE_APPLY(channel_drains_after_close, models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "channel: many producers and many consumers receive every item exactly once", M,
    channel_many_producers_many_consumers) {
  for_each_worker_count<M>("channel many producers many consumers", [](const run_options& options) {
    constexpr int producer_count = 4;
    constexpr int items_per_producer = 500;
    constexpr int item_count = producer_count * items_per_producer;
    // The body is one consumer. On a fixed pool at most workers - 1 spawned consumers may block
    // in pop at once, so that one pool thread is always left to run the producers.
    const int spawned_consumer_count = has(M::capabilities, capability::waits_on_threads)
                                           ? 2
                                           : static_cast<int>(std::min(2u, options.workers - 1));
    std::vector<int> times_received(item_count, 0);
    std::int64_t received_sum = 0;
    int out_of_range = 0;
    int failed_pushes = 0;
    M::run(options, [&] {
      typename M::template channel<int> channel(8);
      std::vector<std::atomic<int>> receipts(item_count);
      std::atomic<int> received{0};
      std::atomic<std::int64_t> sum{0};
      std::atomic<int> bad_items{0};
      std::atomic<int> push_failures{0};
      // consume — pops until the channel is closed; whoever receives the last item closes it.
      auto consume = [&] {
        std::int64_t local_sum = 0;
        while (const std::optional<int> item = channel.pop()) {
          if (*item < 0 || *item >= item_count) {
            bad_items.fetch_add(1, std::memory_order_relaxed);
          } else {
            receipts[*item].fetch_add(1, std::memory_order_relaxed);
            local_sum += *item;
          }
          if (received.fetch_add(1, std::memory_order_relaxed) + 1 == item_count) channel.close();
        }
        sum.fetch_add(local_sum, std::memory_order_relaxed);
      };
      std::vector<typename M::thread> threads;
      for (int c = 0; c < spawned_consumer_count; ++c) threads.push_back(M::spawn(consume));
      for (int p = 0; p < producer_count; ++p) {
        threads.push_back(M::spawn([&, p] {
          for (int i = 0; i < items_per_producer; ++i) {
            if (!channel.push(p * items_per_producer + i)) {
              push_failures.fetch_add(1, std::memory_order_relaxed);
            }
          }
        }));
      }
      consume();
      for (auto& thread : threads) thread.join();
      for (int i = 0; i < item_count; ++i)
        times_received[i] = receipts[i].load(std::memory_order_relaxed);
      received_sum = sum.load(std::memory_order_relaxed);
      out_of_range = bad_items.load(std::memory_order_relaxed);
      failed_pushes = push_failures.load(std::memory_order_relaxed);
    });
    int missing = 0;
    int duplicated = 0;
    for (int count : times_received) {
      if (count == 0) ++missing;
      if (count > 1) ++duplicated;
    }
    CHECK(missing == 0);
    CHECK(duplicated == 0);
    CHECK(out_of_range == 0);
    CHECK(failed_pushes == 0);
    CHECK(received_sum == std::int64_t{item_count} * (item_count - 1) / 2);
  });
}
TEST_CASE_TEMPLATE_APPLY(channel_many_producers_many_consumers, models_under_test);

}  // namespace
}  // namespace threadlab::conformance

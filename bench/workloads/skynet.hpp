// bench/workloads/skynet.hpp — the skynet benchmark: a tree of a million threads.
//
// What it shows: how a model copes with very many short-lived threads that wait for each
// other. Every node spawns 10 children and joins them; a leaf returns its index; each node
// sums its children's results. With the default 1,000,000 leaves the tree has 1,111,110
// spawned threads (10 + 100 + ... + 1,000,000), plus the body as the root.
//
// How: node(first, leaves) with leaves == 1 returns `first`; otherwise it spawns 10 children
// node(first + i * leaves / 10, leaves / 10), each writing its result into slot i of an array
// on the parent's stack, joins all 10, and returns the sum of the slots. join() makes the
// child's write visible to the parent (the contract: every effect of a thread happens-before
// join returns).
//
// Scaling: a model whose thread_limit cannot hold the whole tree (a 1:1 model, whose threads
// may all be alive at once) runs the largest power of 10 whose tree fits, marks the result
// scaled, and says so in the note. ns_per_leaf stays comparable across sizes.
//
// Coroutine form (run_async): each node is a coroutine spawning its children as threads and
// co_awaiting their joins; the slots are in the parent's frame instead of on its stack.
//
// Timed: the whole tree, from the root's first spawn to its last join.
// Checked: the root's sum is leaves * (leaves - 1) / 2 (499,999,500,000 for 1,000,000).
// Reported: ns_per_leaf (headline), total_ms, threads_per_s, threads (spawned, a count).
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct skynet {
  static constexpr std::string_view name = "skynet";
  static constexpr std::string_view description =
      "a tree of threads, 10 children per node, leaves summed via join: ns per leaf";
  static constexpr capability requires_caps = capability::nested_joins;
  static constexpr std::uint64_t default_size = 1'000'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (leaves (a power of
  // ten): 1,111 threads).
  static constexpr std::uint64_t smoke_size = 100;
  static constexpr std::uint64_t trace_size = 1'000;
  static constexpr std::uint64_t fan_out = 10;

  // is_power_of_ten(n) — true for 1, 10, 100, ...
  static constexpr bool is_power_of_ten(std::uint64_t n) {
    if (n == 0) return false;
    while (n % fan_out == 0) n /= fan_out;
    return n == 1;
  }

  // spawned_threads(leaves) — threads a tree with `leaves` leaves spawns, the root excluded:
  // 10 + 100 + ... + leaves. Precondition: is_power_of_ten(leaves).
  static constexpr std::uint64_t spawned_threads(std::uint64_t leaves) {
    std::uint64_t total = 0;
    for (std::uint64_t level = leaves; level > 1; level /= fan_out) total += level;
    return total;
  }

  // fitting_leaves(leaves, limit) — the largest power of 10 not above `leaves` whose tree,
  // root included, has at most `limit` threads (at least 1: a lone root).
  // Precondition: is_power_of_ten(leaves).
  static constexpr std::uint64_t fitting_leaves(std::uint64_t leaves, std::uint64_t limit) {
    while (leaves > 1 && spawned_threads(leaves) + 1 > limit) leaves /= fan_out;
    return leaves;
  }

  // run<M>(opts, size) — builds and sums a tree with `size` leaves (or fewer, see Scaling).
  // Precondition: size is a power of 10; otherwise throws std::invalid_argument.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    const std::uint64_t leaves = leaves_for<M>(opts, size);
    std::uint64_t sum = 0;
    double total_ns = 0;
    M::run(opts, [&] {
      const auto start = bench_clock::now();
      sum = node<M>(0, leaves);
      total_ns = elapsed_ns(start, bench_clock::now());
    });
    return report<M>(size, leaves, sum, total_ns);
  }

  // run_async<M>(opts, size) — run's coroutine form: each node is a coroutine that co_awaits its
  // ten children's joins.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    const std::uint64_t leaves = leaves_for<M>(opts, size);
    std::uint64_t sum = 0;
    double total_ns = 0;
    M::run(opts, [&]() -> typename M::template task<void> {
      const auto start = bench_clock::now();
      co_await async_node<M>(0, leaves, sum);
      total_ns = elapsed_ns(start, bench_clock::now());
    });
    return report<M>(size, leaves, sum, total_ns);
  }

 private:
  // leaves_for<M>(opts, size) — the leaves M runs for `size` (see Scaling). Throws
  // std::invalid_argument unless size is a power of 10.
  template <class M>
  static std::uint64_t leaves_for(const run_options& opts, std::uint64_t size) {
    if (!is_power_of_ten(size)) {
      throw std::invalid_argument("skynet: size must be a power of 10 (1, 10, 100, ...), got " +
                                  std::to_string(size));
    }
    return fitting_leaves(size, support::thread_budget<M>(opts));
  }

  // report<M>(size, leaves, sum, total_ns) — both forms' check (the sum of the leaf indices)
  // and sample.
  template <class M>
  static sample report(std::uint64_t size, std::uint64_t leaves, std::uint64_t sum,
                       double total_ns) {
    const std::uint64_t expected = leaves * (leaves - 1) / 2;
    support::expect_equal("skynet: sum of leaf indices", expected, sum);

    const std::uint64_t threads = spawned_threads(leaves);
    sample s;
    s.size = leaves;
    s.metrics = {
        support::metric("ns_per_leaf", "ns", support::per_unit(total_ns, leaves)),
        support::metric("total_ms", "ms", total_ns / 1e6),
        support::metric("threads_per_s", "threads/s", support::per_second(threads, total_ns),
                        false),
        support::metric("threads", "threads", static_cast<double>(threads)),
    };
    s.check = "sum = " + support::grouped(expected);
    if (leaves != size) {
      s.scaled = true;
      s.note = "scaled to " + support::grouped(leaves) + " leaves: thread_limit " +
               support::grouped(M::thread_limit) + " cannot hold " +
               support::grouped(spawned_threads(size) + 1) + " threads";
    }
    return s;
  }

  // node<M>(first, leaves) — the sum of first .. first + leaves - 1, computed by a subtree.
  // Precondition: called on a thread of M; leaves is a power of 10.
  template <model M>
  static std::uint64_t node(std::uint64_t first, std::uint64_t leaves) {
    if (leaves == 1) return first;
    const std::uint64_t child_leaves = leaves / fan_out;
    std::array<std::uint64_t, fan_out> results{};
    support::fixed_thread_group<M, fan_out> children;
    for (std::uint64_t i = 0; i < fan_out; ++i) {
      std::uint64_t* slot = &results[i];
      const std::uint64_t child_first = first + i * child_leaves;
      children.spawn(
          [slot, child_first, child_leaves] { *slot = node<M>(child_first, child_leaves); });
    }
    children.join_all();
    std::uint64_t sum = 0;
    for (std::uint64_t r : results) sum += r;
    return sum;
  }

  // async_node<M>(first, leaves, out) — node's coroutine form: writes the subtree's sum to out.
  // The results and the children's handles live in this coroutine's frame (no allocation
  // besides the frames). A child that throws is rethrown by its join after every join.
  template <stackless_model M>
  static typename M::template task<void> async_node(std::uint64_t first, std::uint64_t leaves,
                                                    std::uint64_t& out) {
    if (leaves == 1) {
      out = first;
      co_return;
    }
    const std::uint64_t child_leaves = leaves / fan_out;
    std::array<std::uint64_t, fan_out> results{};
    std::array<typename M::thread, fan_out> children;
    for (std::uint64_t i = 0; i < fan_out; ++i) {
      std::uint64_t* slot = &results[i];
      const std::uint64_t child_first = first + i * child_leaves;
      children[i] = M::spawn([slot, child_first, child_leaves]() {
        return async_node<M>(child_first, child_leaves, *slot);
      });
    }
    std::exception_ptr first_error;
    for (typename M::thread& child : children) {
      try {
        co_await child.join();
      } catch (...) {
        if (!first_error) first_error = std::current_exception();
      }
    }
    if (first_error) std::rethrow_exception(first_error);
    std::uint64_t sum = 0;
    for (std::uint64_t r : results) sum += r;
    out = sum;
  }
};

// The tree's arithmetic, checked where it is written.
static_assert(skynet::spawned_threads(1'000'000) == 1'111'110);
static_assert(skynet::fitting_leaves(1'000'000, 10'000) == 1'000);
static_assert(skynet::fitting_leaves(1'000'000, 1'111'111) == 1'000'000);
static_assert(skynet::is_power_of_ten(1) && skynet::is_power_of_ten(1'000'000) &&
              !skynet::is_power_of_ten(20) && !skynet::is_power_of_ten(0));

}  // namespace threadlab::workloads

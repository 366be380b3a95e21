// tests/soak/tree_activity.hpp — nested spawns: a tree of threads, each inner node spawning
// and joining its children, with exceptions thrown at leaves and seen at their parent's join.
//
// How (tree_plan): the root thread is node 0; node n's children are n * fanout + 1 ...
// n * fanout + fanout, down to `depth` levels. A leaf yields now and then and returns its id,
// or throws soak_error(id) when the plan says so (leaf_throws). An inner node sums what its
// children returned, and counts and sums the ids its joins saw thrown.
//
// Checked, after M::run: every node ran once and every spawned node was joined once; the sum of
// returned ids is the sum of the non-throwing leaves' ids; the exceptions seen are exactly the
// throwing leaves (count and sum of ids), each at its own parent's join of that very leaf.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "activity_support.hpp"
#include "bench/model.hpp"
#include "plan.hpp"

namespace threadlab::soak {

class tree_activity {
 public:
  tree_activity(const tree_plan& p, std::string name) : plan_(p), name_(std::move(name)) {}

  // run<M>() — the activity's root thread: node 0. Never throws.
  template <model M>
  void run() {
    guarded(notes_, "root", [&] { leaf_sum_.store(node<M>(0, 0)); });
  }

  void check(findings& out) const {
    notes_.copy_to(out, name_);
    expected e;
    expect_node(0, 0, e);
    expect_equal(out, name_, "nodes that ran", e.nodes, nodes_run_.load());
    expect_equal(out, name_, "joins", e.nodes - 1, joins_.load());
    expect_equal(out, name_, "sum of the ids returned by leaves", e.leaf_sum, leaf_sum_.load());
    expect_equal(out, name_, "exceptions seen at join", e.thrown, thrown_seen_.load());
    expect_equal(out, name_, "sum of the ids thrown", e.thrown_sum, thrown_sum_.load());
  }

  std::string progress() const {
    return name_ + ": " + std::to_string(nodes_run_.load()) + " nodes ran, " +
           std::to_string(joins_.load()) + " joined";
  }

 private:
  struct expected {
    std::uint64_t nodes = 0;
    std::uint64_t leaf_sum = 0;
    std::uint64_t thrown = 0;
    std::uint64_t thrown_sum = 0;
  };

  std::uint64_t child_id(std::uint64_t id, unsigned i) const { return id * plan_.fanout + i + 1; }

  // expect_node(id, level, e) — what node id must contribute, from the plan alone.
  void expect_node(std::uint64_t id, unsigned level, expected& e) const {
    ++e.nodes;
    if (level == plan_.depth) {
      if (leaf_throws(plan_, id)) {
        ++e.thrown;
        e.thrown_sum += id;
      } else {
        e.leaf_sum += id;
      }
      return;
    }
    for (unsigned i = 0; i < plan_.fanout; ++i) expect_node(child_id(id, i), level + 1, e);
  }

  // node<M>(id, level) — node id's work on its own thread: a leaf's id, or its subtree's sum.
  template <model M>
  std::uint64_t node(std::uint64_t id, unsigned level) {
    nodes_run_.fetch_add(1, std::memory_order_relaxed);
    rng r(plan_.seed ^ mix(id));
    if (level == plan_.depth) {
      pause<M>(r, plan_.yield_one_in);
      if (leaf_throws(plan_, id)) throw soak_error(id);
      return id;
    }
    std::vector<std::uint64_t> results(plan_.fanout, 0);
    thread_list<M> children;
    for (unsigned i = 0; i < plan_.fanout; ++i) {
      children.spawn(
          [this, &results, id, i, level] { results[i] = node<M>(child_id(id, i), level + 1); });
      pause<M>(r, plan_.yield_one_in);
    }
    std::uint64_t sum = 0;
    for (unsigned i = 0; i < plan_.fanout; ++i) {
      const std::exception_ptr e = children.join(i);
      joins_.fetch_add(1, std::memory_order_relaxed);
      const std::uint64_t child = child_id(id, i);
      if (!e) {
        sum += results[i];
        continue;
      }
      try {
        std::rethrow_exception(e);
      } catch (const soak_error& s) {
        thrown_seen_.fetch_add(1, std::memory_order_relaxed);
        thrown_sum_.fetch_add(s.id(), std::memory_order_relaxed);
        if (s.id() != child) {
          notes_.add("the join of node " + std::to_string(child) + " rethrew node " +
                     std::to_string(s.id()) + "'s exception");
        }
      } catch (...) {
        notes_.add("the join of node " + std::to_string(child) + " rethrew " +
                   describe(std::current_exception()));
      }
    }
    return sum;
  }

  const tree_plan plan_;
  const std::string name_;
  notes notes_;
  // Observed; read by check() after M::run and by progress() at any time.
  std::atomic<std::uint64_t> nodes_run_{0};
  std::atomic<std::uint64_t> joins_{0};
  std::atomic<std::uint64_t> leaf_sum_{0};
  std::atomic<std::uint64_t> thrown_seen_{0};
  std::atomic<std::uint64_t> thrown_sum_{0};
};

}  // namespace threadlab::soak

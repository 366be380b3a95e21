// tests/soak/plan.hpp — a round's program, drawn from its seed.
//
// A round of the soak runs one random program on one model. The program is data: a `plan`, a
// list of activities (channels, a spawn tree, locks, sleeps, exceptions, sockets), each with its
// sizes and its random choices already made. The activities' files (channel_activity.hpp, ...)
// run a plan on a model and check what happened against what the plan says must happen.
//
// The same seed always draws the same plan (draw_plan uses its own generator, not the standard
// library's distributions, whose results differ between implementations), so a failing round is
// replayed by its seed. The interleaving of the threads is not part of the plan: it is the
// machine's, and differs on every run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/model.hpp"

namespace threadlab::soak {

// rng — splitmix64: a small, fast generator whose sequence is fixed by its seed on every
// platform (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014).
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}
  // next() — the next 64 random bits.
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // between(lo, hi) — uniform in [lo, hi] (the small bias of a modulo does not matter here).
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + next() % (hi - lo + 1); }
  // one_in(n) — true with probability 1/n; never when n is 0.
  bool one_in(std::uint64_t n) { return n != 0 && next() % n == 0; }

 private:
  std::uint64_t state_;
};

// mix(x) — splitmix64's finalizer: the hash the activities sum over what they send and receive,
// so that a lost message and a duplicated one do not cancel out in the sums.
inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// channel_plan — producers push per_producer values each into one bounded channel; consumers
// (and the activity's root thread, which consumes too) pop them. The last producer to finish
// closes the channel; with close_after > 0 a consumer closes it early instead, once that many
// values were received, and pushes after that fail. stoppable consumers pop with a stop token
// that the root triggers while values are still flowing.
struct channel_plan {
  unsigned producers = 1;
  unsigned consumers = 0;  // besides the root
  unsigned stoppable = 0;  // of the consumers, how many pop with a stop token (the first ones)
  std::size_t capacity = 1;
  std::uint32_t per_producer = 1;
  std::uint64_t close_after = 0;  // 0: closed by the last producer
  unsigned yield_one_in = 0;      // a push or pop is followed by a yield with this odds
  unsigned sleep_one_in = 0;      // ... or by a sleep of sleep_us
  unsigned sleep_us = 0;
  std::uint64_t seed = 0;  // for the threads' own random choices
  // lose_one — a fault planted on purpose, never drawn (threadlab-soak --lose-value-at-round):
  // the root's consumer leaves one value it received uncounted, as a lost message would.
  bool lose_one = false;
};

// tree_plan — nested spawns: every inner node spawns `fanout` children and joins them, down to
// `depth` levels; a leaf returns its id, or throws it (leaf_throws: one leaf in throw_one_in,
// fixed by the seed). An inner node's result is the sum of what its children returned; the ids
// its joins saw thrown are counted apart.
struct tree_plan {
  unsigned depth = 1;
  unsigned fanout = 1;
  unsigned throw_one_in = 0;
  unsigned yield_one_in = 0;
  std::uint64_t seed = 0;
};

// lock_plan — `counters` threads each add 1 to a plain counter under M::mutex `increments`
// times (some with try_lock, some holding the lock across a yield); and a mailbox, a bounded
// queue made of M::mutex and two M::condition_variables, carrying items_per_producer items
// from each of mail_producers to mail_consumers.
struct lock_plan {
  unsigned counters = 1;
  std::uint32_t increments = 1;
  unsigned try_lock_one_in = 0;
  unsigned mail_producers = 1;
  unsigned mail_consumers = 1;
  std::size_t mail_capacity = 1;
  std::uint32_t items_per_producer = 1;
  std::uint64_t seed = 0;
};

// sleep_plan — `threads` threads each sleep `sleeps` times for a drawn duration (up to
// max_sleep_us), some through M::sleep_for and some as a kernel sleep inside M::blocking; every
// sleep must last at least what was asked, and every blocking call must run exactly once.
struct sleep_plan {
  unsigned threads = 1;
  unsigned sleeps = 1;
  unsigned max_sleep_us = 0;
  unsigned blocking_one_in = 0;
  std::uint64_t seed = 0;
};

// exception_kind — how one thread of an exception activity ends.
enum class exception_kind {
  returns,         // normally
  throws_error,    // throws soak_error carrying its id
  throws_integer,  // throws its id as a bare std::uint64_t
  rethrows_child,  // spawns a child that throws soak_error, joins it and lets it propagate
};

// exception_plan — threads that end as `kinds` says, after `yields` yields each; the root joins
// each one and must see exactly the exception (type and id) that thread threw, or none.
struct exception_plan {
  std::vector<exception_kind> kinds;
  unsigned yields = 0;
};

// socket_plan — an echo server on 127.0.0.1 (an acceptor thread, a handler thread per
// connection) and `connections` client threads, each sending `bytes` bytes in chunks of up to
// `chunk` and reading each chunk's echo before the next; every byte is checked, and each client
// reads end of file after its shutdown.
struct socket_plan {
  unsigned connections = 1;
  std::uint32_t bytes = 1;
  std::uint32_t chunk = 1;
  std::uint64_t seed = 0;
};

// plan — one round's program.
struct plan {
  std::uint64_t seed = 0;
  unsigned workers = 1;  // run_options::workers for models that have workers
  std::vector<channel_plan> channels;
  std::vector<tree_plan> trees;
  std::vector<lock_plan> locks;
  std::vector<sleep_plan> sleeps;
  std::vector<exception_plan> exceptions;
  std::vector<socket_plan> sockets;
};

// thread_budget — at most this many threads of the model are spawned in one round (activity
// roots included): enough for every activity to have a few, few enough that a round of kernel
// threads takes milliseconds, and that a fixed pool can be given a worker for each (round.hpp).
inline constexpr std::size_t thread_budget = 96;

// draw_plan(seed, caps) — the program of the round with this seed, for a model with these
// capabilities: sockets only with capability::net. Always at least one channel activity.
plan draw_plan(std::uint64_t seed, capability caps);

// spawned_threads(p) — how many threads of the model p spawns in all, activity roots included.
std::size_t spawned_threads(const plan& p);

// leaf_throws(t, leaf) — whether leaf `leaf` (its id, see tree_activity.hpp) of tree t throws.
inline bool leaf_throws(const tree_plan& t, std::uint64_t leaf) {
  return t.throw_one_in != 0 && mix(t.seed ^ leaf) % t.throw_one_in == 0;
}

// describe(p) — the plan as text, one line per activity, for a failure report.
std::string describe(const plan& p);

}  // namespace threadlab::soak

// tests/soak/plan.cpp — drawing a round's program from its seed (plan.hpp), counting its
// threads, and describing it.
//
// Sizes are chosen so that a round takes milliseconds on every model (kernel threads are the
// slowest to spawn: about 100 of them cost a few ms), so that a soak of minutes runs thousands
// of rounds, each with a fresh world: what leaks per world (a stack, a descriptor, a mapping)
// shows as growth. Chosen, not measured.
#include "plan.hpp"

#include <sstream>

namespace threadlab::soak {
namespace {

std::size_t tree_nodes(const tree_plan& t) {
  std::size_t nodes = 0;
  std::size_t level = 1;
  for (unsigned d = 0; d < t.depth; ++d) {
    level *= t.fanout;
    nodes += level;
  }
  return nodes;  // spawned nodes: the root node runs on the activity's root thread
}

std::size_t threads_of(const channel_plan& c) { return 1 + c.producers + c.consumers; }
std::size_t threads_of(const tree_plan& t) { return 1 + tree_nodes(t); }
std::size_t threads_of(const lock_plan& l) {
  return 1 + l.counters + l.mail_producers + l.mail_consumers;
}
std::size_t threads_of(const sleep_plan& s) { return 1 + s.threads; }
std::size_t threads_of(const exception_plan& e) {
  std::size_t n = 1 + e.kinds.size();
  for (exception_kind k : e.kinds) n += k == exception_kind::rethrows_child;
  return n;
}
std::size_t threads_of(const socket_plan& s) { return 2 + 2 * std::size_t{s.connections}; }

channel_plan draw_channel(rng& r) {
  channel_plan c;
  c.producers = static_cast<unsigned>(r.between(1, 4));
  c.consumers = static_cast<unsigned>(r.between(0, 3));
  c.stoppable = static_cast<unsigned>(r.between(0, c.consumers));
  c.capacity = r.between(1, 8);
  c.per_producer = static_cast<std::uint32_t>(r.between(10, 400));
  if (r.one_in(4)) c.close_after = r.between(1, std::uint64_t{c.producers} * c.per_producer);
  c.yield_one_in = static_cast<unsigned>(r.between(2, 32));
  if (r.one_in(3)) {
    c.sleep_one_in = static_cast<unsigned>(r.between(64, 512));
    c.sleep_us = static_cast<unsigned>(r.between(0, 200));
  }
  c.seed = r.next();
  return c;
}

tree_plan draw_tree(rng& r) {
  tree_plan t;
  t.fanout = static_cast<unsigned>(r.between(1, 4));
  t.depth = static_cast<unsigned>(r.between(1, 3));
  while (t.depth > 1 && tree_nodes(t) > 40) --t.depth;
  t.throw_one_in = r.one_in(2) ? static_cast<unsigned>(r.between(2, 8)) : 0;
  t.yield_one_in = static_cast<unsigned>(r.between(1, 4));
  t.seed = r.next();
  return t;
}

lock_plan draw_locks(rng& r) {
  lock_plan l;
  l.counters = static_cast<unsigned>(r.between(2, 6));
  l.increments = static_cast<std::uint32_t>(r.between(20, 500));
  l.try_lock_one_in = static_cast<unsigned>(r.between(2, 8));
  l.mail_producers = static_cast<unsigned>(r.between(1, 3));
  l.mail_consumers = static_cast<unsigned>(r.between(1, 3));
  l.mail_capacity = r.between(1, 4);
  l.items_per_producer = static_cast<std::uint32_t>(r.between(10, 200));
  l.seed = r.next();
  return l;
}

sleep_plan draw_sleeps(rng& r) {
  sleep_plan s;
  s.threads = static_cast<unsigned>(r.between(1, 4));
  s.sleeps = static_cast<unsigned>(r.between(1, 4));
  s.max_sleep_us = static_cast<unsigned>(r.between(0, 1500));
  s.blocking_one_in = static_cast<unsigned>(r.between(2, 4));
  s.seed = r.next();
  return s;
}

exception_plan draw_exceptions(rng& r) {
  exception_plan e;
  const auto n = r.between(2, 6);
  for (std::uint64_t i = 0; i < n; ++i)
    e.kinds.push_back(static_cast<exception_kind>(r.next() % 4));
  e.yields = static_cast<unsigned>(r.between(0, 3));
  return e;
}

socket_plan draw_sockets(rng& r) {
  socket_plan s;
  s.connections = static_cast<unsigned>(r.between(1, 4));
  s.bytes = static_cast<std::uint32_t>(r.between(1, 32 * 1024));
  s.chunk = static_cast<std::uint32_t>(r.between(1, 4096));
  s.seed = r.next();
  return s;
}

const char* kind_name(exception_kind k) {
  switch (k) {
    case exception_kind::returns:
      return "returns";
    case exception_kind::throws_error:
      return "throws soak_error";
    case exception_kind::throws_integer:
      return "throws an integer";
    case exception_kind::rethrows_child:
      return "rethrows its child's soak_error";
  }
  return "?";
}

}  // namespace

plan draw_plan(std::uint64_t seed, capability caps) {
  rng r(seed);
  plan p;
  p.seed = seed;
  p.workers = static_cast<unsigned>(r.between(1, 4));
  std::size_t threads = 0;
  // add(list, item) — keeps the activity if the round's thread budget still holds it.
  auto add = [&](auto& list, auto item) {
    const std::size_t more = threads_of(item);
    if (threads + more > thread_budget) return;
    threads += more;
    list.push_back(std::move(item));
  };
  add(p.channels, draw_channel(r));
  // Then, in a random order, 0 to 2 activities of each kind.
  for (int k = 0; k < 12; ++k) {
    switch (r.next() % 6) {
      case 0:
        add(p.channels, draw_channel(r));
        break;
      case 1:
        add(p.trees, draw_tree(r));
        break;
      case 2:
        add(p.locks, draw_locks(r));
        break;
      case 3:
        add(p.sleeps, draw_sleeps(r));
        break;
      case 4:
        add(p.exceptions, draw_exceptions(r));
        break;
      case 5:
        if (has(caps, capability::net)) add(p.sockets, draw_sockets(r));
        break;
    }
    if (r.one_in(3)) break;
  }
  return p;
}

std::size_t spawned_threads(const plan& p) {
  std::size_t n = 0;
  for (const auto& a : p.channels) n += threads_of(a);
  for (const auto& a : p.trees) n += threads_of(a);
  for (const auto& a : p.locks) n += threads_of(a);
  for (const auto& a : p.sleeps) n += threads_of(a);
  for (const auto& a : p.exceptions) n += threads_of(a);
  for (const auto& a : p.sockets) n += threads_of(a);
  return n;
}

std::string describe(const plan& p) {
  std::ostringstream out;
  out << "seed " << p.seed << ", " << p.workers << " workers, " << spawned_threads(p)
      << " threads\n";
  for (std::size_t i = 0; i < p.channels.size(); ++i) {
    const channel_plan& c = p.channels[i];
    out << "  channel #" << i << ": " << c.producers << " producers x " << c.per_producer
        << " values, " << c.consumers << " consumers (" << c.stoppable
        << " stoppable) and the root, capacity " << c.capacity;
    if (c.close_after != 0) out << ", closed after " << c.close_after << " received";
    out << ", yield 1 in " << c.yield_one_in;
    if (c.sleep_one_in != 0) out << ", sleep " << c.sleep_us << " us 1 in " << c.sleep_one_in;
    out << "\n";
  }
  for (std::size_t i = 0; i < p.trees.size(); ++i) {
    const tree_plan& t = p.trees[i];
    out << "  tree #" << i << ": depth " << t.depth << ", fanout " << t.fanout << ", "
        << tree_nodes(t) << " spawned nodes, ";
    if (t.throw_one_in == 0) {
      out << "no leaf throws\n";
    } else {
      out << "leaves throw 1 in " << t.throw_one_in << "\n";
    }
  }
  for (std::size_t i = 0; i < p.locks.size(); ++i) {
    const lock_plan& l = p.locks[i];
    out << "  locks #" << i << ": " << l.counters << " threads x " << l.increments
        << " increments (try_lock 1 in " << l.try_lock_one_in << "), mailbox of capacity "
        << l.mail_capacity << ": " << l.mail_producers << " producers x " << l.items_per_producer
        << " items, " << l.mail_consumers << " consumers\n";
  }
  for (std::size_t i = 0; i < p.sleeps.size(); ++i) {
    const sleep_plan& s = p.sleeps[i];
    out << "  sleeps #" << i << ": " << s.threads << " threads x " << s.sleeps
        << " sleeps of up to " << s.max_sleep_us << " us, 1 in " << s.blocking_one_in
        << " inside blocking()\n";
  }
  for (std::size_t i = 0; i < p.exceptions.size(); ++i) {
    const exception_plan& e = p.exceptions[i];
    out << "  exceptions #" << i << ":";
    for (exception_kind k : e.kinds) out << " [" << kind_name(k) << "]";
    out << ", " << e.yields << " yields first\n";
  }
  for (std::size_t i = 0; i < p.sockets.size(); ++i) {
    const socket_plan& s = p.sockets[i];
    out << "  sockets #" << i << ": " << s.connections << " connections x " << s.bytes
        << " bytes in chunks of up to " << s.chunk << "\n";
  }
  return out.str();
}

}  // namespace threadlab::soak

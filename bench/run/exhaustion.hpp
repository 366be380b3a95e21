// bench/run/exhaustion.hpp — the one-line diagnosis of a run that hit an operating-system
// limit: which limit, its value, the usage when it was hit, and what failed, e.g.
//
//   out of address space: RLIMIT_AS (ulimit -v) is 1 GiB and the process had mapped 1017 MiB
//   when spawning thread 118 failed
//
// (the harness appends where: "(workload memory on model kernel, repetition 1)").
//
// The diagnosis proper, diagnose_exhaustion, is a pure function of the failure's kind and a
// snapshot of the limits and their use (run/limits.hpp), so the tests give it any values. The
// rest takes that snapshot at the moment of failure: rethrow_diagnosed, called where a thread is
// spawned, a stack carved or a connection accepted, turns the exception in flight into a
// resource_exhausted carrying the line while the threads and descriptors that used the limit
// up still exist.
//
// A process that has run out of memory or descriptors may have none left to read /proc with
// or to build the line: hold_exhaustion_reserve() sets aside 16 MiB of address space and two
// descriptors, and the diagnosis gives them back before it reads anything.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench/run/limits.hpp"

namespace threadlab {

// exhaustion_kind — what the failure says ran out.
enum class exhaustion_kind {
  tasks,               // EAGAIN: the kernel refused a thread or process (pthread_create, fork)
  memory,              // ENOMEM or std::bad_alloc: memory, address space or mappings
  descriptors,         // EMFILE: the process's descriptors
  system_descriptors,  // ENFILE: the system's file table
};

// exhaustion_kind_of_errno(err) — the kind of an errno value; nullopt when it is not one of
// running out (EAGAIN, ENOMEM, EMFILE, ENFILE).
std::optional<exhaustion_kind> exhaustion_kind_of_errno(int err);

// exhaustion_kind_of(e) — the kind of an exception: a std::system_error of one of those errno
// values, or std::bad_alloc; nullopt for anything else (and for a null e).
std::optional<exhaustion_kind> exhaustion_kind_of(const std::exception_ptr& e);

// diagnose_exhaustion(kind, at, action, detail) — the line: "out of <what>: <limit> is <value>
// and <whose usage> when <action> failed", naming the first limit that `at` shows reached or
// within a small margin of it (descriptors; the user's tasks, the system's tasks against
// threads-max and pid_max; memory mappings, address space, available memory). detail is the
// failure's own text (the exception's what()): it ends the line, ": <detail>", when there is
// no action (an exception from inside a model, whose text says what failed) or when no limit
// was near, and the line then gives every figure read instead of one limit.
std::string diagnose_exhaustion(exhaustion_kind kind, const limits_snapshot& at,
                                std::string_view action, std::string_view detail = {});

// resource_exhausted — a run hit a limit; what() is diagnose_exhaustion's line.
class resource_exhausted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// rethrow_diagnosed(action, number) — called inside a catch block: when the exception being
// handled is an exhaustion (exhaustion_kind_of), throws resource_exhausted with the line for
// "<action> <number>" (number with thousands separators) and a snapshot taken now, the reserve
// given back first; else rethrows the exception unchanged.
[[noreturn]] void rethrow_diagnosed(const char* action, std::uint64_t number);

// diagnosis_of(e, action) — the line for e, with a snapshot taken now (the reserve given back
// first) and e's what() as the detail; nullopt when e is not an exhaustion. For a
// resource_exhausted, its own line.
std::optional<std::string> diagnosis_of(const std::exception_ptr& e, std::string_view action = {});

// released_reserve — what release_exhaustion_reserve gave back; a diagnosis adds it to the
// usage it reads, which is then the usage when the failure happened.
struct released_reserve {
  std::uint64_t bytes = 0;
  std::uint64_t descriptors = 0;
};

// hold_exhaustion_reserve() — sets the reserve aside unless it is held; call it again after a
// diagnosis used it. release_exhaustion_reserve() — gives it back (nothing when not held). Both
// for the single thread that runs a pair (the child process of run/isolation.hpp) and the
// threads it spawns; a race between two failing threads at worst leaves one without a reserve.
void hold_exhaustion_reserve();
released_reserve release_exhaustion_reserve();

}  // namespace threadlab

// kernel_threads/src/runtime.cpp — which run a kernel thread belongs to, and how a run's
// configuration is described.
#include <kernel_threads/runtime.hpp>

#include <string>

namespace kernel_threads {

namespace detail {

namespace {
// bound_world — the run of the calling kernel thread; written only by world_binding on the
// same thread, so it needs no synchronisation.
thread_local world* bound_world = nullptr;
}  // namespace

world* current_world() noexcept { return bound_world; }

world_binding::world_binding(world& w) noexcept : previous_(bound_world) { bound_world = &w; }

world_binding::~world_binding() { bound_world = previous_; }

}  // namespace detail

std::string describe_stack(std::size_t stack_size) {
  const std::size_t bytes = stack_size != 0 ? stack_size : default_stack_size();
  std::string text = "stack " + std::to_string(bytes / 1024);
  text += stack_size != 0 ? " KiB (requested)"
                          : " KiB (glibc default reserve = soft RLIMIT_STACK, 8 MiB stock)";
  return text;
}

std::string describe(const options& o) {
  return "one kernel thread per thread; " + describe_stack(o.stack_size) +
         ", committed on touch; scheduled by the kernel (CFS)";
}

}  // namespace kernel_threads

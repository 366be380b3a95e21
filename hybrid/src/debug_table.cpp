// hybrid/src/debug_table.cpp — filling the table scripts/gdb/hybrid.py reads (debug_table.hpp).
#include "debug_table.hpp"

#include "carrier.hpp"
#include "scheduler.hpp"
#include "stack_pool.hpp"
#include "thread_control.hpp"
#include "worker.hpp"

extern "C" {
// Not static, and kept even when nothing in the program reads it: the debugger does.
[[gnu::used]] hybrid::detail::debug_table hybrid_debug;
}

namespace hybrid::detail {

namespace {

// offset(object, field) — the byte offset of field inside object, as this build lays it out
// (offsetof is not defined for classes that are not standard-layout).
template <class Object, class Field>
std::uint32_t offset(const Object& object, const Field& field) noexcept {
  return static_cast<std::uint32_t>(reinterpret_cast<const char*>(&field) -
                                    reinterpret_cast<const char*>(&object));
}

}  // namespace

// Reads only where fields are (their addresses), never their values: no lock is needed for that.
void publish_debug_table(const scheduler& s) noexcept HYBRID_NO_THREAD_SAFETY_ANALYSIS {
  debug_table& t = hybrid_debug;
  t.sched_stacks = offset(s, s.stacks);
  t.sched_carriers = offset(s, s.carriers_);
  t.pool_slabs = offset(s.stacks, s.stacks.slabs_);
  t.pool_stack_size = offset(s.stacks, s.stacks.stack_size_);
  const stack_pool::slab slab{nullptr, 0};
  t.slab_bytes_size = sizeof(stack_pool::slab);
  t.slab_base = offset(slab, slab.base);
  t.slab_carved = offset(slab, slab.carved);
  t.control_footprint = control_footprint;
  const worker& w = *s.workers_.front();
  t.worker_index = offset(w, w.index_);
  const carrier& c = *s.carriers_.front();
  t.carrier_current = offset(c, c.current);
  t.carrier_held = offset(c, c.held);
  static const thread_control sample;  // only its layout is read
  t.thread_id = offset(sample, sample.id);
  t.thread_name = offset(sample, sample.name);
  t.thread_name_size = sizeof(sample.name);
  t.thread_state = offset(sample, sample.state);
  t.thread_waiting_on = offset(sample, sample.waiting_on);
  t.thread_waiting_detail = offset(sample, sample.waiting_detail);
  t.thread_context = offset(sample, sample.context);
  static_assert(sizeof(thread_state) == 1 && sizeof(wait_reason) == 1);
  for (unsigned i = 0; i <= static_cast<unsigned>(thread_state::terminated); ++i) {
    t.state_names[i] = to_string(static_cast<thread_state>(i));
  }
  for (unsigned i = 0; i <= static_cast<unsigned>(wait_reason::blocking_call); ++i) {
    t.wait_names[i] = describe(static_cast<wait_reason>(i));
  }
  t.scheduler = &s;
}

void retract_debug_table() noexcept { hybrid_debug.scheduler = nullptr; }

}  // namespace hybrid::detail

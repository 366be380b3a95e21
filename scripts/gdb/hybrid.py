"""scripts/gdb/hybrid.py — hybrid's green threads in gdb: `hybrid threads`, `hybrid bt N`.

gdb sees kernel threads. A green thread parked in a channel or a mutex is only a saved context
on its own stack, so `info threads` and `thread apply all bt` never show it. Load this file in
gdb (`source scripts/gdb/hybrid.py`) with a process that runs a hybrid world stopped, and:

  hybrid threads   every green thread alive: id, name, state, the worker running it (running
                   threads only) and what a blocked thread waits for
  hybrid bt N      the backtrace of green thread N (an id, or a name) where it is parked, by
                   loading the registers its switch saved; for a running thread, where to look
                   instead

The script reads one exported symbol, `hybrid_debug` (hybrid/src/debug_table.hpp): the running
world and the byte offsets of the fields it needs, measured by the compiler on that very build,
so it works on a release binary without debug information. `hybrid bt` writes the saved
registers into the selected kernel thread for the length of the backtrace and puts them back
after: a live process only (a core file cannot take registers). The saved context's layout is
Boost.Context's x86-64 System V fcontext (jump_fcontext: mxcsr/x87 control word, r12-r15, rbx,
rbp, then the return address; the stack pointer continues above them). It is private to
Boost.Context and changed between the Boost versions hybrid is tested with: 1.81 reserves a
slot for the shadow-stack pointer after the control words, which moves every register down by
8 bytes. The script reads which layout the process has from jump_fcontext's first instruction,
the one that makes room for the frame (saved_layout below).

Boost.Fiber's fibers (the green and boost_fiber_ws models) are not covered: their contexts sit
in private members of boost::fibers::context, reachable only with Boost's debug information
(Debian ships none for libboost_fiber), and the scheduler's ready queue is an intrusive list of
its own. Without DWARF there is no stable layout to read.
"""
import struct

import gdb

TABLE_VERSION = 1
# debug_table's layout (version 1): two u32, a pointer, 18 u32 offsets, then two arrays of 16
# name pointers.
OFFSET_FIELDS = ["sched_stacks", "sched_carriers", "pool_slabs", "pool_stack_size",
                 "slab_bytes_size", "slab_base", "slab_carved", "control_footprint",
                 "carrier_current", "carrier_held", "worker_index", "thread_id", "thread_name",
                 "thread_name_size", "thread_state", "thread_waiting_on",
                 "thread_waiting_detail", "thread_context"]
MAX_NAMES = 16
# Saved by jump_fcontext, in this order at the top of its frame, the return address (rip) last;
# the stack pointer continues above the frame. Where the frame starts depends on its size.
SAVED_REGISTERS = ["r12", "r13", "r14", "r15", "rbx", "rbp", "rip"]
# jump_fcontext's frame sizes this script knows: what the frame holds below r12.
KNOWN_FRAMES = {0x38: "Boost 1.74: mxcsr and the x87 control word",
                0x40: "Boost 1.81: mxcsr, the x87 control word and the shadow-stack pointer"}
ENDBR64 = bytes.fromhex("f30f1efa")
LEA_RSP = bytes.fromhex("488d6424")  # lea disp8(%rsp), %rsp
LIVE_STATES = ("created", "ready", "running", "blocked")


class HybridError(gdb.GdbError):
    pass


def memory():
    return gdb.selected_inferior()


def read(address, size):
    return bytes(memory().read_memory(address, size))


def u8(address):
    return read(address, 1)[0]


def u32(address):
    return struct.unpack("<I", read(address, 4))[0]


def u64(address):
    return struct.unpack("<Q", read(address, 8))[0]


def c_string(address, limit=256):
    if address == 0:
        return ""
    raw = read(address, limit)
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def table():
    """The fields of hybrid_debug, as a dict; raises HybridError when there is no world."""
    try:
        address = int(gdb.parse_and_eval("(unsigned long)&hybrid_debug"))
    except gdb.error:
        raise HybridError("hybrid: this program has no hybrid_debug symbol (not linked with "
                          "hybrid, or stripped)")
    version, pointer_size = struct.unpack("<II", read(address, 8))
    if version != TABLE_VERSION or pointer_size != 8:
        raise HybridError(f"hybrid: hybrid_debug version {version} (pointer size "
                          f"{pointer_size}); this script reads version {TABLE_VERSION} on "
                          "64-bit targets")
    t = {"scheduler": u64(address + 8)}
    at = address + 16
    for name in OFFSET_FIELDS:
        t[name] = u32(at)
        at += 4
    at = (at + 7) // 8 * 8
    for names in ("state_names", "wait_names"):
        t[names] = [c_string(u64(at + 8 * i)) for i in range(MAX_NAMES)]
        at += 8 * MAX_NAMES
    if t["scheduler"] == 0:
        raise HybridError("hybrid: no world is running (hybrid::run has not started or has "
                          "returned)")
    return t


def vector(address):
    """A libstdc++ std::vector's [begin, end) pointers."""
    return u64(address), u64(address + 8)


def all_threads(t):
    """Every carved stack's control block: (address, fields) for each, live or not."""
    pool = t["scheduler"] + t["sched_stacks"]
    stack_size = u64(pool + t["pool_stack_size"])
    begin, end = vector(pool + t["pool_slabs"])
    for slab in range(begin, end, t["slab_bytes_size"]):
        base = u64(slab + t["slab_base"])
        carved = u64(slab + t["slab_carved"])
        for k in range(carved):
            control = base + (k + 1) * stack_size - t["control_footprint"]
            yield control, thread_fields(t, control)


def thread_fields(t, control):
    state = u8(control + t["thread_state"])
    waiting = u8(control + t["thread_waiting_on"])
    name = read(control + t["thread_name"], t["thread_name_size"]).split(b"\0", 1)[0]
    return {
        "id": u64(control + t["thread_id"]),
        "name": name.decode("utf-8", "replace") or "unnamed",
        "state": t["state_names"][state] if state < MAX_NAMES else f"state {state}",
        "waiting_on": t["wait_names"][waiting] if waiting < MAX_NAMES else f"reason {waiting}",
        "waiting_detail": u64(control + t["thread_waiting_detail"]),
        "context": u64(control + t["thread_context"]),
    }


def running_on(t):
    """control block address -> worker index, for the threads the carriers are running."""
    where = {}
    begin, end = vector(t["scheduler"] + t["sched_carriers"])
    for slot in range(begin, end, 8):
        carrier = u64(slot)  # a unique_ptr<carrier> is one pointer
        current = u64(carrier + t["carrier_current"])
        worker = u64(carrier + t["carrier_held"])
        if current and worker:
            where[current] = u32(worker + t["worker_index"])
    return where


def waits_for(f):
    if f["state"] != "blocked":
        return ""
    text = f["waiting_on"]
    if text == "join":
        text += f" of #{f['waiting_detail']}"
    elif text in ("a socket read", "a socket write"):
        text += f" (fd {f['waiting_detail']})"
    return text


class HybridPrefix(gdb.Command):
    """hybrid's green threads: `hybrid threads`, `hybrid bt N`."""

    def __init__(self):
        super().__init__("hybrid", gdb.COMMAND_DATA, prefix=True)


class HybridThreads(gdb.Command):
    """List every green thread alive: id, name, state, worker (when running), what it waits for."""

    def __init__(self):
        super().__init__("hybrid threads", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        t = table()
        where = running_on(t)
        rows = []
        for control, f in all_threads(t):
            if f["state"] not in LIVE_STATES:
                continue
            worker = where.get(control)
            rows.append((f["id"], f["name"], f["state"],
                         "-" if worker is None else str(worker), waits_for(f)))
        rows.sort()
        gdb.write(f"{'id':>6}  {'name':<20}  {'state':<8}  {'worker':>6}  waits for\n")
        for id_, name, state, worker, wait in rows:
            gdb.write(f"{id_:>6}  {name:<20}  {state:<8}  {worker:>6}  {wait}\n")
        gdb.write(f"{len(rows)} green thread{'s' if len(rows) != 1 else ''} alive\n")


class HybridBacktrace(gdb.Command):
    """Backtrace of green thread N (an id or a name) where it is parked: hybrid bt N."""

    def __init__(self):
        super().__init__("hybrid bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        wanted = arg.strip()
        if not wanted:
            raise HybridError("usage: hybrid bt N (a thread id or name from `hybrid threads`)")
        t = table()
        for control, f in all_threads(t):
            if f["state"] in LIVE_STATES and wanted in (str(f["id"]), f["name"]):
                break
        else:
            raise HybridError(f"hybrid: no live green thread {wanted!r}")
        wanted = f["id"]
        if f["state"] == "running":
            worker = running_on(t).get(control)
            raise HybridError(f"hybrid: thread #{wanted} is running (worker {worker}): its "
                              "kernel thread's own backtrace is it (`info threads`, `thread N`, "
                              "`bt`)")
        if f["context"] == 0:
            raise HybridError(f"hybrid: thread #{wanted} has not run yet: no frames")
        gdb.write(f"green thread #{wanted} ({f['name']}), {f['state']}"
                  f"{', in ' + waits_for(f) if waits_for(f) else ''}:\n")
        show_parked_frames(f["context"])


def saved_layout():
    """{register: offset from the context pointer} for the registers jump_fcontext saves, and
    the stack pointer after its frame, read from the jump_fcontext this process runs: its
    first instruction (after an endbr64, if any) is `lea -FRAME(%rsp), %rsp`, and the saved
    registers fill the frame's top seven slots."""
    try:
        address = int(gdb.parse_and_eval("(unsigned long)&jump_fcontext"))
    except gdb.error:
        raise HybridError("hybrid: this program has no jump_fcontext symbol (Boost.Context)")
    code = read(address, 9)
    if code.startswith(ENDBR64):
        code = code[len(ENDBR64):]
    frame = 0x100 - code[4] if code.startswith(LEA_RSP) else None
    if frame not in KNOWN_FRAMES:
        raise HybridError(f"hybrid: jump_fcontext starts with {code.hex()}, a frame this script "
                          f"does not know (it knows {', '.join(KNOWN_FRAMES.values())}): this "
                          "Boost version's saved context cannot be read")
    first = frame - 8 * (len(SAVED_REGISTERS) - 1)
    offsets = {name: first + 8 * i for i, name in enumerate(SAVED_REGISTERS)}
    return offsets, frame + 8


def show_parked_frames(context):
    """Load the registers saved at context into the selected kernel thread, print the
    backtrace, and put the thread's own registers back."""
    offsets, stack_pointer = saved_layout()
    gdb.execute("frame 0", to_string=True)
    frame = gdb.selected_frame()
    names = SAVED_REGISTERS + ["rsp"]
    saved = {name: int(frame.read_register(name)) for name in names}
    try:
        for name, at in offsets.items():
            gdb.execute(f"set ${name} = {u64(context + at)}", to_string=True)
        gdb.execute(f"set $rsp = {context + stack_pointer}", to_string=True)
        gdb.write(gdb.execute("bt", to_string=True))
    finally:
        for name in names:
            gdb.execute(f"set ${name} = {saved[name]}", to_string=True)
        gdb.execute("frame 0", to_string=True)


HybridPrefix()
HybridThreads()
HybridBacktrace()

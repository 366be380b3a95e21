// tests/green_threads/stack_test.cpp — guarded pooled stacks: the guard page below every carved
// stack, recycling that keeps it, the budget that falls back to unguarded stacks with a
// warning, and the stack-overflow report on both kinds of world (`green`, N:1, and
// `boost_fiber_ws`, M:N), each checked in a forked child.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <green_threads/runtime.hpp>
#include <green_threads/scheduler.hpp>
#include <green_threads/stack.hpp>
#include <green_threads/sync.hpp>
#include <green_threads/thread.hpp>

#include "bench/models/boost_fiber_ws.hpp"
#include "bench/models/green.hpp"

namespace gt = green_threads;

namespace {

// recurse(n) — uses stack until it runs into the guard page.
int recurse(int n) {
  volatile char frame[512];
  frame[0] = static_cast<char>(n);
  return n > 1'000'000'000 ? 0 : recurse(n + 1) + frame[0];
}

// child — what a forked child reported: its stderr and its wait status.
struct child {
  std::string err;
  int status = 0;
  bool aborted() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT; }
  bool segfaulted() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV; }
  bool exited_ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

// run_in_child(fn) — run fn in a forked child that exits 0 when fn returns; capture its stderr
// and status. The child has the default actions for SIGABRT and SIGSEGV (doctest installs a
// crash reporter) and writes no doctest output.
template <class F>
child run_in_child(F fn) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);  // or the child's freopen would write the parent's buffered output
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::signal(SIGABRT, SIG_DFL);
    ::signal(SIGSEGV, SIG_DFL);
    std::freopen("/dev/null", "w", stdout);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    fn();
    std::_Exit(0);
  }
  ::close(fds[1]);
  child c;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) c.err.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, &c.status, 0);
  return c;
}

// say(text) — a line on stderr, unbuffered: what a child reports besides its status.
void say(const std::string& text) {
  std::fputs((text + "\n").c_str(), stderr);
  std::fflush(stderr);
}

// park_at_once(o, n) — run a world in which n fibers are alive (parked) at the same time;
// returns the world's counters.
gt::stats park_at_once(const gt::options& o, int n) {
  return gt::run(o, [n] {
    gt::mutex mu;
    gt::condition_variable cv;
    bool released = false;
    std::vector<gt::thread> parked;
    for (int i = 0; i < n; ++i) {
      parked.push_back(gt::spawn([&] {
        std::unique_lock lock(mu);
        while (!released) cv.wait(lock);
      }));
    }
    {
      std::unique_lock lock(mu);
      released = true;
    }
    cv.notify_all();
    for (gt::thread& t : parked) t.join();
  });
}

}  // namespace

TEST_CASE("a carved stack has a guard page: writing just below its lowest byte faults") {
  for (gt::stack_kind kind : {gt::stack_kind::pooled, gt::stack_kind::guarded}) {
    CAPTURE(gt::to_string(kind));
    const child c = run_in_child([kind] {
      gt::stack_allocator stacks(kind, 16 * 1024);
      boost::context::stack_context sc = stacks.allocate();
      volatile char* top = static_cast<char*>(sc.sp) - 1;
      volatile char* bottom = static_cast<char*>(sc.sp) - sc.size;
      *top = 1;
      *bottom = 1;
      say("both ends written");
      *(bottom - 1) = 1;  // the guard page
      say("the guard page was written");
    });
    CAPTURE(c.err);
    CHECK(c.err.find("both ends written") != std::string::npos);
    CHECK(c.err.find("the guard page was written") == std::string::npos);
    CHECK(c.segfaulted());
  }
}

TEST_CASE("a recycled stack keeps its guard: the next spawn gets the same stack back") {
  gt::stack_allocator stacks(gt::stack_kind::pooled, 16 * 1024);
  boost::context::stack_context first = stacks.allocate();
  const void* sp = first.sp;
  const std::size_t size = first.size;
  stacks.deallocate(first);
  boost::context::stack_context again = stacks.allocate();
  CHECK(again.sp == sp);
  CHECK(again.size == size);  // frames only: the stack, less the header and the guard page
  CHECK(size < 16 * 1024 - 4096);
  stacks.deallocate(again);
}

TEST_CASE("past the guard budget, stacks are carved unguarded, counted and announced once") {
  const child c = run_in_child([] {
    gt::set_guard_budget(8);
    // 21 stacks alive at once (the body and 20 parked fibers): 8 guarded, 13 not.
    say("first=" + std::to_string(park_at_once({}, 20).unguarded_stacks));
    // A world's guards are given back when it ends: the next world gets 8 again.
    say("second=" + std::to_string(park_at_once({}, 20).unguarded_stacks));
    gt::options ws;
    ws.scheduling = gt::algorithm::work_stealing;
    ws.workers = 2;
    say("work_stealing=" + std::to_string(park_at_once(ws, 20).unguarded_stacks));
    // stack_kind::guarded never carves a stack without a guard: past the budget, spawn throws.
    gt::options every;
    every.stack = gt::stack_kind::guarded;
    say("guarded=" + std::to_string(park_at_once(every, 7).unguarded_stacks));
    int spawned = 0;
    gt::run(every, [&] {
      gt::mutex mu;
      gt::condition_variable cv;
      bool released = false;
      std::vector<gt::thread> parked;
      try {
        for (; spawned < 20; ++spawned) {
          parked.push_back(gt::spawn([&] {
            std::unique_lock lock(mu);
            while (!released) cv.wait(lock);
          }));
        }
      } catch (const std::bad_alloc&) {
        say("guarded world: spawn threw bad_alloc after " + std::to_string(spawned));
      }
      {
        std::unique_lock lock(mu);
        released = true;
      }
      cv.notify_all();
      for (gt::thread& t : parked) t.join();
    });
    // And through the allocator: a stack without a guard has one page more for frames.
    gt::set_guard_budget(0);
    gt::stack_allocator stacks(gt::stack_kind::pooled, 16 * 1024);
    boost::context::stack_context sc = stacks.allocate();
    say("unguarded size=" + std::to_string(sc.size));
    stacks.deallocate(sc);
  });
  CAPTURE(c.err);
  CHECK(c.exited_ok());
  CHECK(c.err.find("first=13\n") != std::string::npos);
  CHECK(c.err.find("second=13\n") != std::string::npos);
  CHECK(c.err.find("work_stealing=13\n") != std::string::npos);
  CHECK(c.err.find("guarded=0\n") != std::string::npos);
  // The body's stack and 7 fibers' take the budget of 8.
  CHECK(c.err.find("guarded world: spawn threw bad_alloc after 7\n") != std::string::npos);
  CHECK(c.err.find("unguarded size=" + std::to_string(16 * 1024 - 64)) != std::string::npos);
  // One warning for the whole process, however many worlds ran out.
  const std::string warning = "green_threads: warning: 8 fiber stacks hold a guard page";
  const std::size_t at = c.err.find(warning);
  CHECK(at != std::string::npos);
  CHECK(c.err.find("green_threads: warning:", at + 1) == std::string::npos);
}

TEST_CASE("the guard budget follows vm.max_map_count, leaving 16,384 VMAs to the rest") {
  const std::size_t budget = gt::guard_budget();
  if (std::FILE* f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
    unsigned long max_map_count = 0;
    if (std::fscanf(f, "%lu", &max_map_count) == 1 && max_map_count > 16384) {
      CHECK(budget == (max_map_count - 16384) / 2);
    }
    std::fclose(f);
  }
  CHECK(gt::set_guard_budget(5) == budget);
  CHECK(gt::guard_budget() == 5);
  CHECK(gt::set_guard_budget(budget) == 5);
}

TEST_CASE("a stack overflow on green aborts with a message naming the thread") {
  using threadlab::models::green;
  const child c =
      run_in_child([] { green::run({}, [] { green::spawn([] { recurse(0); }).join(); }); });
  CAPTURE(c.err);
  CHECK(c.aborted());
  // The body is thread #1, the fiber it spawned #2: green_threads' fibers have no names.
  CHECK(c.err.find("green_threads: stack overflow in thread #2 (unnamed)\n") != std::string::npos);
}

TEST_CASE("a stack overflow on boost_fiber_ws aborts with a message, on any worker") {
  using threadlab::models::boost_fiber_ws;
  threadlab::run_options opts;
  opts.workers = 2;
  // Worker 0 runs the body; the deep fiber moves to worker 1 when it is stolen there, so the
  // overflow is taken on that kernel thread's own alternate signal stack. It yields until it
  // has been stolen (bounded: on a loaded machine it may overflow on worker 0 instead; the
  // report must come either way).
  const child c = run_in_child([opts] {
    boost_fiber_ws::run(opts, [] {
      boost_fiber_ws::spawn([] {
        for (int i = 0; i < 1'000'000 && gt::worker_id() == 0; ++i) boost_fiber_ws::yield();
        say("overflowing on worker " + std::to_string(gt::worker_id()));
        recurse(0);
      }).join();
    });
  });
  CAPTURE(c.err);
  CHECK(c.aborted());
  CHECK(c.err.find("green_threads: stack overflow in thread #2 (unnamed)\n") != std::string::npos);
  if (c.err.find("overflowing on worker 1") == std::string::npos) {
    MESSAGE("the deep fiber was never stolen: the overflow was taken on worker 0");
  }
}

TEST_CASE("the overflow handler passes other faults on: a stray write still dies of SIGSEGV") {
  const child c = run_in_child([] {
    // A page nobody may touch, outside every stack: a fault there is not an overflow.
    void* p = ::mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    gt::run({}, [p] {
      say("in the world");
      *static_cast<volatile char*>(p) = 1;
    });
  });
  CAPTURE(c.err);
  CHECK(c.err.find("in the world") != std::string::npos);
  CHECK(c.err.find("stack overflow") == std::string::npos);
  CHECK(c.segfaulted());
}

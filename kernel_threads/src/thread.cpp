// kernel_threads/src/thread.cpp — creating, naming and joining a kernel thread with pthreads.
//
// The life of a thread, in this file's order (README.md tells the kernel's side of each step):
//   1. thread::start: pthread_attr_setstacksize, then pthread_create — glibc mmaps the stack
//      and its guard page, lays out TLS, and calls clone(CLONE_VM | CLONE_THREAD | ...).
//   2. thread_main: the new thread's first function. It names itself, runs the callable, and
//      catches whatever escapes into the shared state.
//   3. thread::join: pthread_join sleeps on the futex the kernel clears when the thread exits
//      (CLONE_CHILD_CLEARTID), then rethrows the captured exception.
#include "kernel_threads/thread.hpp"

#include <cxxabi.h>
#include <pthread.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

namespace kernel_threads {

namespace detail {
// describe_creation_failure(error, options) — the message of a creation_error; defined in
// creation_error.cpp, which reads the limits that may have been hit.
std::string describe_creation_failure(int error, const thread_options& options);
}  // namespace detail

namespace {

// attributes — a pthread_attr_t destroyed on every path out of thread::start.
class attributes {
 public:
  attributes() {
    if (const int rc = pthread_attr_init(&attr_); rc != 0) {
      throw std::system_error(rc, std::generic_category(), "kernel_threads: pthread_attr_init");
    }
  }
  ~attributes() { pthread_attr_destroy(&attr_); }
  attributes(const attributes&) = delete;
  attributes& operator=(const attributes&) = delete;
  pthread_attr_t* get() { return &attr_; }

 private:
  pthread_attr_t attr_;
};

// round_up_to_page(size) — size rounded up to a whole page. glibc would instead round the
// request *down* to the static TLS alignment (64 bytes), handing out slightly less than asked;
// a page multiple is kept as is. Sizes within a page of SIZE_MAX are left alone (they fail
// anyway, with a clear error).
std::size_t round_up_to_page(std::size_t size) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  if (size > static_cast<std::size_t>(-1) - page) return size;
  return (size + page - 1) / page * page;
}

// thread_main(arg) — the first function of every kernel thread this module creates. arg is the
// thread_state the handle owns (see detail/thread_state.hpp for why it stays valid).
extern "C" void* thread_main(void* arg) {
  auto* state = static_cast<detail::thread_state*>(arg);
  // Name ourselves before running user code, so the name is visible from its first instruction.
  // For the calling thread glibc does this with prctl(PR_SET_NAME); it cannot fail for a name of
  // at most 15 bytes.
  if (!state->name.empty()) pthread_setname_np(pthread_self(), state->name.c_str());
  // Observer hook: running now, terminated when `observed` ends (after the kernel's totals).
  observed_thread observed(state->observer, state->trace_id);
  try {
    state->invoke();
  } catch (abi::__forced_unwind&) {
    // pthread_exit() (or pthread_cancel) unwinds with this exception; swallowing it would abort
    // the process. Let it finish the thread. join() then sees no exception.
    throw;
  } catch (...) {
    state->error = std::current_exception();  // read by join() after pthread_join
  }
  observed.file_accounting();
  return nullptr;
}

}  // namespace

creation_error::creation_error(int error, const std::string& what)
    : std::system_error(error, std::generic_category(), what) {}

std::string truncate_name(std::string name) {
  if (name.size() <= max_name_length) return name;
  std::size_t cut = max_name_length;
  // Back off over UTF-8 continuation bytes (10xxxxxx) so the cut falls between characters.
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  name.resize(cut);
  return name;
}

std::size_t default_stack_size() {
  pthread_attr_t attr;
  std::size_t size = 0;
  if (pthread_getattr_default_np(&attr) == 0) {
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
  }
  return size;
}

void thread::start(const thread_options& options, std::unique_ptr<detail::thread_state> state) {
  assert(state_ == nullptr && "thread::start: the handle already owns a thread");
  attributes attr;
  if (options.stack_size != 0) {
    if (const int rc = pthread_attr_setstacksize(attr.get(), round_up_to_page(options.stack_size));
        rc != 0) {
      throw creation_error(rc, detail::describe_creation_failure(rc, options));
    }
  }
  state->name = truncate_name(options.name);
  state->observer = options.observer;
  state->trace_id = announce_new(options.observer);
  // pthread_create synchronizes-with the start of thread_main: the state is fully built.
  if (const int rc = pthread_create(&handle_, attr.get(), &thread_main, state.get()); rc != 0) {
    throw creation_error(rc, detail::describe_creation_failure(rc, options));
  }
  state_ = std::move(state);
}

thread::~thread() { stop_and_join(); }

thread::thread(thread&& other) noexcept
    : stop_(std::exchange(other.stop_, std::stop_source(std::nostopstate))),
      handle_(other.handle_),
      state_(std::move(other.state_)) {}

thread& thread::operator=(thread&& other) noexcept {
  if (this != &other) {
    stop_and_join();
    stop_ = std::exchange(other.stop_, std::stop_source(std::nostopstate));
    handle_ = other.handle_;
    state_ = std::move(other.state_);
  }
  return *this;
}

void thread::join() {
  if (!joinable()) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "kernel_threads::thread::join: the handle owns no thread "
                            "(default-constructed, moved from, or already joined)");
  }
  if (pthread_equal(handle_, pthread_self())) {
    throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur),
                            "kernel_threads::thread::join: a thread cannot join itself");
  }
  // Sleeps on the thread's TID futex until the kernel clears it at exit (CLONE_CHILD_CLEARTID).
  if (const int rc = pthread_join(handle_, nullptr); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "kernel_threads::thread::join");
  }
  // pthread_join synchronized with the thread's end: state->error is safe to read.
  const std::unique_ptr<detail::thread_state> state = std::move(state_);
  if (state->error) std::rethrow_exception(state->error);
}

void thread::stop_and_join() noexcept {
  if (!joinable()) return;
  stop_.request_stop();
  // Joining ourselves would deadlock; pthread_join reports EDEADLK and we detach instead so the
  // thread's resources are still reclaimed. (Only reachable by destroying a handle from the
  // thread it owns.) The state then must outlive the thread: leak it deliberately.
  if (pthread_equal(handle_, pthread_self())) {
    pthread_detach(handle_);
    static_cast<void>(state_.release());
    return;
  }
  pthread_join(handle_, nullptr);
  state_.reset();  // drops a captured exception: join() is the way to observe it
}

}  // namespace kernel_threads

// bench/run/isolation.cpp — the forked child, its wire protocol and the parent's watchdog. See
// bench/run/isolation.hpp for the protocol.
#include "bench/run/isolation.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "bench/run/exhaustion.hpp"
#include "bench/run/hang_dump.hpp"
#include "bench/run/interruption.hpp"

namespace threadlab {

namespace {

using json = nlohmann::json;
using watchdog_clock = std::chrono::steady_clock;

// stderr_drain — how long the parent keeps reading the child's stderr after its reports ended.
constexpr std::chrono::milliseconds stderr_drain{500};

json sample_to_json(const sample& s) {
  json metrics = json::array();
  for (const metric_value& m : s.metrics) {
    metrics.push_back({{"name", m.name},
                       {"unit", m.unit},
                       {"value", m.value},
                       {"lower_is_better", m.lower_is_better}});
  }
  return {{"metrics", metrics},
          {"size", s.size},
          {"scaled", s.scaled},
          {"note", s.note},
          {"check", s.check}};
}

sample sample_from_json(const json& j) {
  sample s;
  for (const json& m : j.at("metrics")) {
    s.metrics.push_back(metric_value{m.at("name").get<std::string>(),
                                     m.at("unit").get<std::string>(), m.at("value").get<double>(),
                                     m.at("lower_is_better").get<bool>()});
  }
  s.size = j.at("size").get<std::uint64_t>();
  s.scaled = j.at("scaled").get<bool>();
  s.note = j.at("note").get<std::string>();
  s.check = j.at("check").get<std::string>();
  return s;
}

// write_all(fd, text) — writes every byte, retrying on EINTR and short writes. Returns false
// when the parent has gone away.
bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// child_main(once, params, fd, err_fd, parent, describe_threads) — step 2 of the protocol.
// Never returns.
[[noreturn]] void child_main(const std::function<sample()>& once, const parameters& params, int fd,
                             int err_fd, pid_t parent,
                             const std::function<std::string()>& describe_threads) {
  // A child must not outlive its parent: a hung workload would otherwise spin on forever once
  // the watchdog that would kill it is gone.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(4);  // the parent died before prctl took effect
  // stdout carries the report; anything a workload prints goes to stderr instead, and stderr
  // goes through the parent, which keeps its last lines for a crash report.
  ::dup2(err_fd, STDERR_FILENO);
  ::dup2(err_fd, STDOUT_FILENO);
  ::close(err_fd);
  // Crash signals get their default action back: a handler inherited from the parent (a test
  // framework's, a crash reporter's) would otherwise catch the crash and hide it from the
  // parent's wait4. A model that wants its own handler (a stack-overflow message) installs it
  // in the child when it starts. The parent's interrupt handlers go too: Ctrl-C reaches the
  // whole process group, and the child should simply end.
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE, SIGINT, SIGTERM}) {
    std::signal(sig, SIG_DFL);
  }
  // Two threads write reports: this one and the hang responder. One line must never be cut by
  // the other (a line longer than PIPE_BUF is not written atomically).
  static std::mutex send_mutex;
  auto send = [fd](const json& line) {
    const std::lock_guard lock(send_mutex);
    if (!write_all(fd, line.dump() + "\n")) ::_exit(3);
  };
  start_hang_responder(describe_threads, [send](const std::string& text) {
    send({{"kind", "dump"}, {"text", text}});
  });
  try {
    for (unsigned k = 1; k <= params.warmup; ++k) {
      hold_exhaustion_reserve();
      (void)once();
      send({{"kind", "warmup"}, {"index", k}});
    }
    for (unsigned k = 1; k <= params.repetitions; ++k) {
      hold_exhaustion_reserve();
      repetition_meter meter;
      meter.start();
      sample s = once();
      for (metric_value& m : meter.finish()) s.metrics.push_back(std::move(m));
      send({{"kind", "sample"}, {"index", k}, {"sample", sample_to_json(s)}});
    }
  } catch (const cannot_run_here& e) {
    send({{"kind", "skip"}, {"message", e.what()}});
  } catch (const wrong_result& e) {
    send({{"kind", "error"}, {"message", std::string("wrong result: ") + e.what()}});
  } catch (const std::exception& e) {
    // A limit reached is said as such (run/exhaustion.hpp), not as the exception's bare text.
    const std::optional<std::string> exhausted = diagnosis_of(std::current_exception());
    send({{"kind", "error"},
          {"message", exhausted ? *exhausted : std::string("exception: ") + e.what()}});
  } catch (...) {
    send({{"kind", "error"}, {"message", "exception: unknown (not derived from std::exception)"}});
  }
  std::fflush(nullptr);
  ::_exit(0);
}

// stderr_tail — what the child writes on stderr: passed on to the parent's stderr as it comes,
// and its last bytes kept, so that a crash can be reported with the child's last words.
class stderr_tail {
 public:
  // take(data, n) — n more bytes from the child.
  void take(const char* data, std::size_t n) {
    write_all(STDERR_FILENO, std::string(data, n));
    kept_.append(data, n);
    if (kept_.size() > 2 * kept_bytes) kept_.erase(0, kept_.size() - kept_bytes);
  }
  // last_line() — the last non-empty line, at most 300 bytes, or "" when there was none.
  std::string last_line() const {
    std::string_view text(kept_);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
      text.remove_suffix(1);
    }
    const auto nl = text.rfind('\n');
    if (nl != std::string_view::npos) text.remove_prefix(nl + 1);
    return std::string(text.substr(0, 300));
  }

 private:
  static constexpr std::size_t kept_bytes = 4096;
  std::string kept_;
};

// run_label(k, warmup) — "warm-up run 1" or "repetition 3": the run the child is in when the
// k-th line (1-based, counting warm-ups) has not arrived.
std::string run_label(unsigned line, unsigned warmup) {
  if (line <= warmup) return fmt::format("warm-up run {}", line);
  return fmt::format("repetition {}", line - warmup);
}

// thread_count() — the threads of this process (/proc/self/stat, field 20); 0 if unknown.
[[maybe_unused]] long thread_count() {
  std::FILE* f = std::fopen("/proc/self/stat", "r");
  if (f == nullptr) return 0;
  char text[1024] = {};
  const std::size_t n = std::fread(text, 1, sizeof text - 1, f);
  std::fclose(f);
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const char* p = std::strrchr(text, ')');
  if (n == 0 || p == nullptr) return 0;
  long value = 0;
  for (int field = 2; field < 20 && p != nullptr; ++field) p = std::strchr(p + 1, ' ');
  if (p != nullptr) value = std::strtol(p + 1, nullptr, 10);
  return value;
}

// signal_name(sig) — "SIGSEGV (Segmentation fault)".
std::string signal_name(int sig) {
  const char* text = ::strsignal(sig);
  return fmt::format("{} ({})", signal_abbreviation(sig),
                     text != nullptr ? text : "unknown signal");
}

// status_kib(field) — the value in KiB of a "Field:   123 kB" line of /proc/self/status, or
// nullopt when it cannot be read.
std::optional<std::uint64_t> status_kib(std::string_view field) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return std::nullopt;
  std::optional<std::uint64_t> value;
  char line[256];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    const std::string_view text(line);
    if (text.size() > field.size() && text.substr(0, field.size()) == field &&
        text[field.size()] == ':') {
      value = std::strtoull(line + field.size() + 1, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return value;
}

// reset_peak_rss() — sets VmHWM to the current RSS; false when the kernel refused.
bool reset_peak_rss() {
  const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, "5", 1) == 1;
  ::close(fd);
  return ok;
}

}  // namespace

void repetition_meter::start() {
  peak_reset_ = reset_peak_rss();
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  voluntary_before_ = usage.ru_nvcsw;
  involuntary_before_ = usage.ru_nivcsw;
}

std::vector<metric_value> repetition_meter::finish() const {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  double peak = static_cast<double>(usage.ru_maxrss) * 1024;  // ru_maxrss is in KiB
  if (peak_reset_) {
    if (const auto hwm = status_kib("VmHWM")) peak = static_cast<double>(*hwm) * 1024;
  }
  return {
      metric_value{"peak_rss_bytes", "bytes", peak, true},
      metric_value{"voluntary_ctx_switches", "switches",
                   static_cast<double>(usage.ru_nvcsw - voluntary_before_), true},
      metric_value{"involuntary_ctx_switches", "switches",
                   static_cast<double>(usage.ru_nivcsw - involuntary_before_), true},
  };
}

isolated_outcome run_isolated(const std::function<sample()>& once, const parameters& params,
                              std::string_view workload, std::string_view model,
                              const std::function<std::string()>& describe_threads) {
  assert(params.repetitions >= 1 && "run_isolated: precondition: at least one repetition");
  assert(params.timeout_s > 0 && "run_isolated: precondition: a positive timeout");
  assert(thread_count() <= 1 && "run_isolated: precondition: a single-threaded process (fork)");
  isolated_outcome outcome;

  // Step 1.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  int fds[2];
  int err_fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    outcome.error = fmt::format("cannot create a pipe for the child: {}", std::strerror(errno));
    return outcome;
  }
  if (::pipe2(err_fds, O_CLOEXEC) != 0) {
    outcome.error = fmt::format("cannot create a pipe for the child: {}", std::strerror(errno));
    ::close(fds[0]);
    ::close(fds[1]);
    return outcome;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    const std::optional<exhaustion_kind> kind = exhaustion_kind_of_errno(err);
    outcome.error =
        fmt::format("{} (workload {} on model {})",
                    kind ? diagnose_exhaustion(*kind, read_limits_snapshot(), "forking the child")
                         : fmt::format("cannot fork the child: {}", std::strerror(err)),
                    workload, model);
    for (int f : {fds[0], fds[1], err_fds[0], err_fds[1]}) ::close(f);
    return outcome;
  }
  if (pid == 0) {
    ::close(fds[0]);
    ::close(err_fds[0]);
    child_main(once, params, fds[1], err_fds[1], parent, describe_threads);
  }
  ::close(fds[1]);
  ::close(err_fds[1]);

  // Step 3: read both pipes under the watchdog.
  const auto timeout = std::chrono::duration_cast<watchdog_clock::duration>(
      std::chrono::duration<double>(params.timeout_s));
  auto deadline = watchdog_clock::now() + timeout;
  unsigned lines = 0;        // runs reported so far, warm-ups included
  bool killed = false;       // by the watchdog or for an interrupt: not a crash
  bool dump_asked = false;   // SIGUSR1 sent; deadline is now the end of the grace period
  bool reports_open = true;  // the report pipe has not reached end of file
  stderr_tail tail;
  int err_fd = err_fds[0];
  std::string buffer;
  auto hung_message = [&] {
    return fmt::format("hung: workload {} on model {} did not finish {} within {:g} s", workload,
                       model, run_label(lines + 1, params.warmup), params.timeout_s);
  };
  auto handle_line = [&](const std::string& line) {
    try {
      const json message = json::parse(line);
      const std::string kind = message.at("kind").get<std::string>();
      if (kind == "dump") {
        outcome.dump = message.at("text").get<std::string>();
        return;  // not a run: the watchdog does not restart
      }
      deadline = watchdog_clock::now() + timeout;  // the watchdog restarts at each run
      if (kind == "skip") {
        outcome.skip = message.at("message").get<std::string>();
      } else if (kind == "error") {
        outcome.error = fmt::format("{} (workload {} on model {}, {})",
                                    message.at("message").get<std::string>(), workload, model,
                                    run_label(lines + 1, params.warmup));
      } else if (kind == "sample") {
        outcome.samples.push_back(sample_from_json(message.at("sample")));
      }
      ++lines;
    } catch (const json::exception& e) {
      outcome.error = fmt::format("garbled report from the child: {}", e.what());
    }
  };
  while (reports_open || err_fd >= 0) {
    if (const int sig = interrupt_signal(); sig != 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      outcome.interrupted_by = sig;
      break;
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - watchdog_clock::now());
    if (!reports_open && left.count() <= 0) break;  // stderr drained long enough
    if (left.count() <= 0 || (dump_asked && !outcome.dump.empty())) {
      if (!dump_asked) {
        // The deadline: ask for the dump and give the child a moment to write it.
        ::kill(pid, SIGUSR1);
        dump_asked = true;
        deadline = watchdog_clock::now() + hang_dump_grace;
        continue;
      }
      // The grace period is over, or the dump has come.
      ::kill(pid, SIGKILL);
      killed = true;
      outcome.error = hung_message();
      if (outcome.dump.empty()) {
        outcome.dump = fmt::format("(no dump: the child did not answer SIGUSR1 within {} ms)\n",
                                   hang_dump_grace.count());
      }
      break;
    }
    pollfd p[3] = {
        {reports_open ? fds[0] : -1, POLLIN, 0}, {err_fd, POLLIN, 0}, {interrupt_fd(), POLLIN, 0}};
    const int ready = ::poll(p, 3, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;  // an interrupt: the loop's top decides
    if (ready <= 0) continue;                   // the deadline check above decides
    char chunk[4096];
    if (p[1].revents != 0) {
      const ssize_t n = ::read(err_fd, chunk, sizeof chunk);
      if (n > 0) {
        tail.take(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(err_fd);
        err_fd = -1;
      }
    }
    if (p[0].revents != 0) {
      const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        // End of file: the child has finished or died. What it wrote last on stderr may still
        // be in that pipe; a program it started may hold the pipe open, so wait at most
        // stderr_drain for the end of it.
        reports_open = false;
        deadline = watchdog_clock::now() + stderr_drain;
        continue;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
      for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
        const std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        handle_line(line);
      }
    }
  }
  ::close(fds[0]);
  if (err_fd >= 0) ::close(err_fd);

  // Step 4: reap the child.
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  outcome.rusage.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // KiB
  outcome.rusage.voluntary_ctx_switches = static_cast<std::uint64_t>(usage.ru_nvcsw);
  outcome.rusage.involuntary_ctx_switches = static_cast<std::uint64_t>(usage.ru_nivcsw);
  // Ctrl-C reaches the child too, which may die of it before the parent's loop looks.
  if (outcome.interrupted_by == 0 && interrupt_signal() != 0) {
    outcome.interrupted_by = interrupt_signal();
  }
  if (outcome.interrupted_by != 0) return outcome;
  if (killed || outcome.error || outcome.skip) return outcome;
  const std::string last = tail.last_line();
  const std::string last_words = last.empty() ? "" : fmt::format("; its last words: \"{}\"", last);
  if (WIFSIGNALED(status)) {
    outcome.error = fmt::format(
        "crashed: workload {} on model {} was killed by signal {} during {}{}", workload, model,
        signal_name(WTERMSIG(status)), run_label(lines + 1, params.warmup), last_words);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    outcome.error =
        fmt::format("crashed: workload {} on model {} exited with status {} during {}{}", workload,
                    model, WEXITSTATUS(status), run_label(lines + 1, params.warmup), last_words);
  } else if (outcome.samples.size() != params.repetitions) {
    outcome.error = fmt::format("workload {} on model {} ended after {} of {} repetitions",
                                workload, model, outcome.samples.size(), params.repetitions);
  }
  return outcome;
}

}  // namespace threadlab

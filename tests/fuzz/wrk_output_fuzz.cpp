// tests/fuzz/wrk_output_fuzz.cpp — libFuzzer target: reading wrk's report, parse_wrk
// (bench/workloads/http.hpp), which the http workload runs on whatever wrk printed.
//
// The input is wrk's standard output. Checked, beyond the sanitizers: the only exception is
// std::runtime_error, with a message of one line and at most 1 KiB (it becomes the pair's error,
// printed under the table); a report that is accepted holds finite, non-negative figures.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench/workloads/http.hpp"

namespace {

bool figure(double x) { return std::isfinite(x) && x >= 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const threadlab::workloads::wrk_report r = threadlab::workloads::parse_wrk(text);
    if (!figure(r.requests_per_s) || !figure(r.transfer_bytes_per_s) || !figure(r.p50_ns) ||
        !figure(r.p90_ns) || !figure(r.p99_ns)) {
      std::abort();
    }
  } catch (const std::runtime_error& e) {
    const std::string_view message = e.what();
    if (message.find('\n') != std::string_view::npos || message.size() > 1024) std::abort();
  }
  return 0;
}

// tests/fuzz/results_file_fuzz.cpp — libFuzzer target: reading a results file, what `threadlab
// compare` and `threadlab report` do with their inputs: parse_results_text
// (bench/report/results_file.hpp), threadlab's own JSON or Google Benchmark JSON, told by the
// content.
//
// The input is the file's content. Checked, beyond the sanitizers: the only exception is
// std::runtime_error, with a message of one line without control characters and at most 1 KiB
// (what `threadlab` prints before exiting with status 2). A file that is read is then used as the
// two commands use it, without exceptions: rendered in every report format (`threadlab report
// --format F`, `--html`) and compared with itself (`threadlab compare R R`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench/report/compare.hpp"
#include "bench/report/report.hpp"
#include "bench/report/results_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  threadlab::loaded_results in;
  try {
    in = threadlab::parse_results_text(text);
  } catch (const std::runtime_error& e) {
    const std::string_view message = e.what();
    if (message.size() > 1024) std::abort();  // quotes of the input are cut short
    for (const char c : message) {
      if (static_cast<unsigned char>(c) < 0x20) std::abort();  // one line, nothing to a terminal
    }
    return 0;
  }
  using threadlab::report_format;
  for (const report_format f :
       {report_format::table, report_format::json, report_format::csv, report_format::markdown,
        report_format::gbench, report_format::html}) {
    (void)threadlab::render(f, in.res);
  }
  (void)threadlab::compare_results(in.res, in.res);
  return 0;
}

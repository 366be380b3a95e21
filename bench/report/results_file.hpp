// bench/report/results_file.hpp — reading a results file for `threadlab compare`, whichever tool
// wrote it: a threadlab results file (bench/report/json.hpp) or Google Benchmark JSON
// (bench/report/gbench.hpp). The format is told by the content, not the file name: an object
// with "schema" is ours, one with "benchmarks" is Google Benchmark's; anything else is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bench/run/results.hpp"

namespace threadlab {

// results_file_format — which tool wrote a results file.
enum class results_file_format { threadlab, gbench };

std::string_view to_string(results_file_format f);

// max_results_file_bytes — files larger than this are refused unread. A threadlab results file
// of every pair at 1000 repetitions is a few MiB; 64 MiB leaves room for large Google Benchmark
// files while keeping a mistaken argument (a trace, a core dump) from being parsed into memory.
inline constexpr std::uintmax_t max_results_file_bytes = 64ull << 20;

// loaded_results — a results file's content and its format.
struct loaded_results {
  results res;
  results_file_format format = results_file_format::threadlab;
};

// parse_results_text(text) — the results in text, in whichever format it is. Throws
// std::runtime_error with a one-line message (at most a few hundred characters, no control
// characters) when text is not JSON, is neither format, or is a malformed document of its
// format: a field missing or of the wrong type, a count out of its type's range, a figure that
// is not finite. tests/fuzz/results_file_fuzz.cpp checks that nothing else can come out.
loaded_results parse_results_text(std::string_view text);

// read_results_file(path, max_bytes) — parse_results_text of the file at path. Throws
// std::runtime_error with a one-line message (not naming path) when the file cannot be read, is
// larger than max_bytes, or does not parse.
loaded_results read_results_file(const std::string& path,
                                 std::uintmax_t max_bytes = max_results_file_bytes);

}  // namespace threadlab

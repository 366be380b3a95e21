// bench/report/results_file.cpp — reading a results file of either format, told by its content.
#include "bench/report/results_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "bench/report/gbench.hpp"
#include "bench/report/json.hpp"

namespace threadlab {

std::string_view to_string(results_file_format f) {
  switch (f) {
    case results_file_format::threadlab:
      return "threadlab results";
    case results_file_format::gbench:
      return "Google Benchmark JSON";
  }
  return "threadlab results";
}

namespace {

// one_line(message) — message as the one line `threadlab` prints: control characters (a line
// break in a benchmark's name) as spaces, and at most max_message_bytes bytes, cut between two
// UTF-8 characters.
std::string one_line(std::string message) {
  constexpr std::size_t max_message_bytes = 500;
  if (message.size() > max_message_bytes) {
    std::size_t cut = max_message_bytes;
    // A UTF-8 character has at most 3 continuation bytes; more is not UTF-8, cut anywhere.
    while (cut > max_message_bytes - 3 &&
           (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    message.resize(cut);
    message += "...";
  }
  for (char& c : message) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return message;
}

// parse(text) — parse_results_text, its messages as they come.
loaded_results parse(std::string_view text) {
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::ordered_json::exception& e) {
    throw std::runtime_error(std::string("not valid JSON: ") + e.what());
  }
  loaded_results out;
  if (j.is_object() && j.contains("schema")) {
    out.res = results_from_json(j);
    out.format = results_file_format::threadlab;
  } else if (j.is_object() && j.contains("benchmarks")) {
    out.res = results_from_gbench(j);
    out.format = results_file_format::gbench;
  } else {
    throw std::runtime_error(
        "neither a threadlab results file (no \"schema\") nor Google Benchmark JSON (no "
        "\"benchmarks\")");
  }
  return out;
}

}  // namespace

loaded_results parse_results_text(std::string_view text) {
  try {
    return parse(text);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(one_line(e.what()));
  } catch (const nlohmann::ordered_json::exception& e) {
    throw std::runtime_error(one_line(std::string("malformed results file: ") + e.what()));
  }
}

loaded_results read_results_file(const std::string& path, std::uintmax_t max_bytes) {
  std::error_code ec;
  const bool regular = std::filesystem::is_regular_file(path, ec);
  const std::uintmax_t bytes = regular ? std::filesystem::file_size(path, ec) : 0;
  std::ifstream in(path, std::ios::binary);
  if (!regular || ec || !in) throw std::runtime_error("no such readable file");
  if (bytes > max_bytes) {
    throw std::runtime_error(
        fmt::format("{} bytes; results files over {} bytes are refused", bytes, max_bytes));
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_results_text(text.str());
}

}  // namespace threadlab

// tests/bench/text_support.hpp — text helpers the harness tests share.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace threadlab::testing {

// contains(text, part) — true when part occurs in text.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// slurp(path) — the whole file at path; empty when it cannot be read.
inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace threadlab::testing

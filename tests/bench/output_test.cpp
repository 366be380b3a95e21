// tests/bench/output_test.cpp — atomic writes replace the file whole and leave no temp file.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "bench/report/output.hpp"

namespace fs = std::filesystem;
using threadlab::output_path_problem;
using threadlab::write_atomically;

namespace {

// scratch_dir — a fresh directory for one test, removed at the end.
struct scratch_dir {
  fs::path path;
  scratch_dir() {
    std::string pattern = (fs::temp_directory_path() / "threadlab-output-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~scratch_dir() { fs::remove_all(path); }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(path)) ++n;
    return n;
  }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("output: write_atomically creates, then replaces, and leaves no temporary file") {
  scratch_dir dir;
  const std::string file = (dir.path / "results.json").string();
  write_atomically(file, "first\n");
  CHECK(read_file(file) == "first\n");
  write_atomically(file, "second, longer content\n");
  CHECK(read_file(file) == "second, longer content\n");
  CHECK(dir.entries() == 1);  // only results.json: the temporary file was renamed away
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & S_IRUSR) != 0);
  CHECK((st.st_mode & S_IWUSR) != 0);
}

TEST_CASE("output: a failed write throws and leaves nothing behind") {
  scratch_dir dir;
  const std::string target = (dir.path / "a_directory").string();
  fs::create_directory(target);
  CHECK_THROWS_AS(write_atomically(target, "x"), std::system_error);  // rename onto a directory
  CHECK(dir.entries() == 1);  // the directory itself; no temporary file
  CHECK_THROWS_AS(write_atomically((dir.path / "missing" / "f").string(), "x"), std::system_error);
}

TEST_CASE("output: output_path_problem explains unusable paths before a run") {
  scratch_dir dir;
  CHECK_FALSE(output_path_problem((dir.path / "new.json").string()).has_value());
  CHECK_FALSE(output_path_problem("relative-name.json").has_value());
  const auto missing = output_path_problem((dir.path / "no" / "such.json").string());
  REQUIRE(missing.has_value());
  CHECK(missing->find("does not exist") != std::string::npos);
  const auto is_dir = output_path_problem(dir.path.string());
  REQUIRE(is_dir.has_value());
  CHECK(is_dir->find("is a directory") != std::string::npos);
  CHECK(output_path_problem("").has_value());
}

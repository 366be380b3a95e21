// tests/bench/environment_test.cpp — the environment record is complete: every field is found
// on this machine or says plainly that it is not available, never empty.
#include <doctest/doctest.h>

#include <unistd.h>
#include <boost/version.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench/run/environment.hpp"

using namespace threadlab;

namespace {

// matches_shape(text, shape) — text has shape's length, a digit where shape has 'd' and the
// same character elsewhere. (Not std::regex: under ASan at -O1, GCC 12 reports a false
// -Wmaybe-uninitialized inside <regex>, which -Werror turns into a build failure.)
bool matches_shape(const std::string& text, const std::string& shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool ok = shape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

// temp_file(text) — a file holding text, removed when the object goes away.
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text)
      : path("/tmp/threadlab_env_test_" + std::to_string(::getpid())) {
    std::ofstream(path) << text;
  }
  ~temp_file() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("environment: the governor is read from cpufreq, trimmed, else unavailable") {
  {
    temp_file f("performance\n");
    CHECK(read_cpu_governor(f.path) == "performance");
  }
  {
    temp_file f("  schedutil \r\n");
    CHECK(read_cpu_governor(f.path) == "schedutil");
  }
  {
    temp_file f("");
    CHECK(read_cpu_governor(f.path) == "unavailable");
  }
  CHECK(read_cpu_governor("/nonexistent/threadlab/scaling_governor") == "unavailable");
}

TEST_CASE("environment: Boost's version number is spelled out") {
  CHECK(boost_version_text(107400) == "1.74.0");
  CHECK(boost_version_text(108301) == "1.83.1");
}

TEST_CASE("environment: every field of this machine's record is filled") {
  const environment env = collect_environment(3);
  CHECK(env.cores_used == 3);
  CHECK(env.logical_cores >= 1);
  CHECK_FALSE(env.cpu_model.empty());
  CHECK_FALSE(env.cpu_governor.empty());
  CHECK(env.cpu_governor == read_cpu_governor());
  CHECK(env.kernel.rfind("Linux ", 0) == 0);
  CHECK_FALSE(env.hostname.empty());
  const bool known_compiler =
      env.compiler.rfind("GCC ", 0) == 0 || env.compiler.rfind("Clang ", 0) == 0;
  CHECK(known_compiler);
  CHECK_FALSE(env.build_type.empty());
  CHECK(env.boost_version == boost_version_text(BOOST_VERSION));
  CHECK(matches_shape(env.date_utc, "dddd-dd-ddTdd:dd:ddZ"));
  // The tests build from a git checkout; a revision found means the dirty flag is known too.
  if (env.git_revision != "unknown") {
    CHECK(env.git_revision.size() == 40);
    CHECK(env.git_revision.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(env.git_dirty.has_value());
  } else {
    CHECK_FALSE(env.git_dirty.has_value());
  }
}

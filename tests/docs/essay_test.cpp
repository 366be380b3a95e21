// tests/docs/essay_test.cpp — every module's design essay (the comment opening its
// src/scheduler.cpp) has the headings docs/architecture.md promises, in that order, so a
// reader who knows one essay finds the same section in the others.
#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

const std::filesystem::path root = THREADLAB_SOURCE_DIR;

// The outline (docs/architecture.md, "The design essay"): each heading's first words.
const std::array<std::string, 8> outline{"// The cast",
                                         "// The queues, and who may touch each",
                                         "// States",
                                         "// Parking",
                                         "// Blocking and hogs",
                                         "// Migration",
                                         "// Shutdown",
                                         "// Rejected alternatives"};

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("docs: every module's design essay follows the common outline, in order") {
  for (const char* module : {"kernel_threads", "green_threads", "hybrid", "coroutines"}) {
    const std::string name = module;
    CAPTURE(name);
    const std::string text = read(root / module / "src" / "scheduler.cpp");
    REQUIRE_FALSE(text.empty());
    // A heading is a comment line starting with the words and underlined by the next line.
    std::size_t from = 0;
    for (const std::string& heading : outline) {
      CAPTURE(heading);
      std::size_t at = text.find("\n" + heading, from);
      while (at != std::string::npos) {
        const std::size_t eol = text.find('\n', at + 1);
        if (eol != std::string::npos && text.compare(eol + 1, 5, "// --") == 0) break;
        at = text.find("\n" + heading, at + 1);
      }
      CHECK(at != std::string::npos);
      if (at != std::string::npos) from = at + 1;
    }
  }
}

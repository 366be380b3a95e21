// tests/docs/references_test.cpp — the repository stands alone: every document and source file
// it names exists in it, and nothing points a reader at material the repository does not hold
// (a design note, a tracker's issue, a brief).
//
// Every text file of the repository (build folders and .git aside) is scanned for:
//   - names of markdown documents ("architecture.md", "docs/timeline.md"), which must resolve
//     from the naming file's folder or from the repository root;
//   - paths into the repository ("hybrid/src/worker.cpp", "bench/run/runner.hpp", and, in a
//     module's own files, "src/thread.cpp" or "include/hybrid/sync.hpp"), which must exist;
//   - references to documents that are not part of it, which must not appear at all.
// A renamed or moved file, or a citation of a note nobody else has, fails here with the file
// and line that names it.
#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path root = THREADLAB_SOURCE_DIR;

// The repository's top-level folders and the modules among them.
const std::array<std::string, 9> top_level{"bench",          "hybrid",   "green_threads",
                                           "kernel_threads", "tests",    "docs",
                                           "scripts",        "examples", "coroutines"};
const std::array<std::string, 4> modules{"hybrid", "green_threads", "kernel_threads", "coroutines"};

// scanned(path) — a text file of the repository worth reading.
bool scanned(const fs::path& path) {
  const std::string ext = path.extension().string();
  const std::string name = path.filename().string();
  return ext == ".md" || ext == ".cpp" || ext == ".hpp" || ext == ".sh" || ext == ".py" ||
         name == "CMakeLists.txt" || name == "run";
}

// files() — every scanned file under root, outside build folders and version control.
std::vector<fs::path> files() {
  std::vector<fs::path> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && (name.rfind("build", 0) == 0 || name.front() == '.')) {
      if (name != ".ci") {
        it.disable_recursion_pending();
        continue;
      }
    }
    if (it->is_regular_file() && scanned(it->path())) out.push_back(it->path());
  }
  return out;
}

// module_of(file) — the module folder a file is in ("hybrid"), or empty.
std::string module_of(const fs::path& file) {
  const std::string first = fs::relative(file, root).begin()->string();
  for (const std::string& m : modules) {
    if (first == m) return m;
  }
  return {};
}

// named_anywhere(name) — some file of the repository is called name.
bool named_anywhere(const std::string& name) {
  for (const fs::path& f : files()) {
    if (f.filename() == name) return true;
  }
  return false;
}

// resolves(file, token) — token names something that exists: from file's folder; from the
// root; as a module's public header ("hybrid/sync.hpp" is hybrid/include/hybrid/sync.hpp); a
// src/ or include/ path from file's module, or from any module for a file outside them (the
// top-level docs speak of "each module's src/scheduler.cpp"); a bare document name anywhere.
bool resolves(const fs::path& file, const std::string& token) {
  if (fs::exists(file.parent_path() / token) || fs::exists(root / token)) return true;
  for (const std::string& m : modules) {
    if (token.rfind(m + "/", 0) == 0 && fs::exists(root / m / "include" / token)) return true;
  }
  const std::string module = module_of(file);
  if (!module.empty()) return fs::exists(root / module / token);
  for (const std::string& m : modules) {
    if (fs::exists(root / m / token)) return true;
  }
  return token.find('/') == std::string::npos && named_anywhere(token);
}

struct problem {
  std::string where;
  std::string what;
};

std::vector<problem> check_all() {
  // A document name, or a path into the repository (a top-level folder, or a module's src/ or
  // include/), ending in an extension worth checking. The character before must not be part
  // of a path: "libs/context/src/x.S" names Boost's file, not ours.
  std::string folders;
  for (const std::string& t : top_level) folders += (folders.empty() ? "" : "|") + t;
  const std::regex path_token("(^|[^A-Za-z0-9_./-])((?:" + folders +
                              "|src|include)/[A-Za-z0-9_./-]*[A-Za-z0-9_]\\.(?:hpp|cpp|md|sh|py|"
                              "png|svg|json|txt)|[A-Za-z0-9_-]+\\.md)\\b");
  // What a reader of this repository cannot follow. Spelled in pieces so that this file does
  // not match itself.
  const std::string design = std::string("DESIGN") + ".md";
  const std::string style = std::string("STYLE") + ".md";
  const std::string developers = std::string("DEVELOPERS") + ".md";
  const std::regex foreign("(" + design + "|" + style + "|" + developers +
                               "|\\.\\./shared|\\bthe brief\\b|\\b[Ii]ssue #?[0-9]+\\b)",
                           std::regex::ECMAScript);
  std::vector<problem> problems;
  for (const fs::path& file : files()) {
    std::ifstream in(file);
    std::string line;
    for (unsigned n = 1; std::getline(in, line); ++n) {
      const std::string where = fs::relative(file, root).string() + ":" + std::to_string(n);
      std::smatch m;
      if (std::regex_search(line, m, foreign)) {
        problems.push_back({where, "names something outside the repository: " + m.str(1)});
      }
      for (auto it = std::sregex_iterator(line.begin(), line.end(), path_token);
           it != std::sregex_iterator(); ++it) {
        const std::string token = (*it)[2].str();
        if (!resolves(file, token)) problems.push_back({where, "names a missing file: " + token});
      }
    }
  }
  return problems;
}

}  // namespace

TEST_CASE("docs: every file and document the repository names is in it, and nothing else") {
  REQUIRE(fs::exists(root / "README.md"));
  const std::vector<problem> problems = check_all();
  for (const problem& p : problems) FAIL_CHECK(p.where << ": " << p.what);
  CHECK(problems.empty());
}

// bench/report/output.hpp — writing a report where the user asked: a file, written atomically, or
// stdout.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace threadlab {

// output_path_problem(path) — why path cannot be written (its directory is missing or not
// writable, or path is a directory), or nullopt when it can. Checked before any run, so a
// long run never ends unable to save its results.
std::optional<std::string> output_path_problem(const std::string& path);

// write_atomically(path, content) — replaces path with content so that a reader sees either
// the old file or the whole new one, never a part: writes a temporary file in path's
// directory, fsyncs it, renames it over path, and fsyncs the directory. On failure the
// temporary file is removed and std::system_error names the step that failed.
void write_atomically(const std::string& path, const std::string& content);

// write_or_report(path, content, err) — write_atomically, with a failure reported on err as one
// line ("threadlab: " and what failed) and returned as false.
bool write_or_report(const std::string& path, const std::string& content, std::ostream& err);

}  // namespace threadlab

// bench/report/markdown.hpp — the summary grid as a GitHub-flavoured markdown table, with the
// legend and notes as lists; for pasting into issues and pull requests.
#pragma once

#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// render_markdown(res) — the markdown report of res.
std::string render_markdown(const results& res);

}  // namespace threadlab

// bench/trace/svg.hpp — a timeline drawn as a standalone SVG picture, for a README or a quick
// look without Perfetto.
//
// The picture: a title and a legend (the state colours of style_of, and the worker colours
// when the model has workers); a time axis counted from the first event, with ticks at 1, 2
// or 5 × 10^k in ns, µs, ms or s; then one row per thread, labelled with its name, in the order
// the threads first appear. Each row is a bar coloured by state. For models with workers
// (M:N, pools) a thin strip under the bar is coloured by the worker the thread was on, and
// the worker number is written in the bar where a run is wide enough to hold it.
//
// Big traces stay small: time is cut into one column per pixel, and a column that several
// spans share is drawn in the state that covered most of it, so the file holds at most one
// rectangle per pixel column per row (adjacent columns of one state are one rectangle). A
// thread alive for even a nanosecond still gets its pixel. At most max_rows threads are
// drawn; a last line says "+N more threads".
#pragma once

#include <cstddef>
#include <string>

#include "bench/trace/timeline.hpp"

namespace threadlab {

// svg_options — the picture's size.
struct svg_options {
  int width = 1200;           // pixels, labels included; at least 400
  std::size_t max_rows = 64;  // threads drawn; the rest are counted
};

// timeline_svg(tl, info, opts) — the whole SVG document as text.
std::string timeline_svg(const timeline& tl, const trace_info& info, const svg_options& opts = {});

}  // namespace threadlab

// bench/report/units.hpp — numbers formatted for reading: a time in the unit that keeps three
// significant digits (ns, µs, ms, s), a rate with K/M/G, bytes in KiB/MiB/GiB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace threadlab {

// grouped(n) — n with thousands separators: 1111111 → "1,111,111".
std::string grouped(std::uint64_t n);

// format_quantity(value, unit) — value in unit, rescaled for reading: ("ns", 1234) → "1.23 µs";
// ("ops/s", 2.5e6) → "2.50 M ops/s"; ("bytes", 4096) → "4.00 KiB"; ("x", 1.9) → "1.90x".
// Units it does not know are printed as given, with three significant digits.
std::string format_quantity(double value, std::string_view unit);

// display_width(text) — the terminal columns text takes: one per UTF-8 code point (our
// reports use only narrow characters such as µ).
std::size_t display_width(std::string_view text);

}  // namespace threadlab

// bench/report/units.cpp — unit scaling for reports.
#include "bench/report/units.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <utility>

namespace threadlab {

namespace {

// three_digits(v) — v with three significant digits for |v| in [1, 1000), e.g. 1.23, 12.3, 123.
std::string three_digits(double v) {
  const double a = std::fabs(v);
  if (a != 0 && a < 10) return fmt::format("{:.2f}", v);
  if (a < 100) return fmt::format("{:.1f}", v);
  return fmt::format("{:.0f}", v);
}

// scaled(value, steps, tail) — value divided by the largest step it reaches, with that step's
// prefix; steps are (factor, prefix) in increasing order, the first with factor 1.
template <std::size_t N>
std::string scaled(double value, const std::array<std::pair<double, std::string_view>, N>& steps,
                   std::string_view tail) {
  std::size_t pick = 0;
  for (std::size_t i = 0; i < N; ++i) {
    if (std::fabs(value) >= steps[i].first * 0.9995) pick = i;
  }
  return fmt::format("{} {}{}", three_digits(value / steps[pick].first), steps[pick].second, tail);
}

double time_unit_in_ns(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "µs") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return 0;
}

}  // namespace

std::string grouped(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_quantity(double value, std::string_view unit) {
  if (!std::isfinite(value)) return fmt::format("{} {}", value, unit);
  if (const double ns = time_unit_in_ns(unit); ns != 0) {
    static constexpr std::array<std::pair<double, std::string_view>, 4> times{
        {{1, "ns"}, {1e3, "µs"}, {1e6, "ms"}, {1e9, "s"}}};
    return scaled(value * ns, times, "");
  }
  if (unit == "bytes" || unit == "B") {
    static constexpr std::array<std::pair<double, std::string_view>, 4> bytes{
        {{1, "B"}, {1024.0, "KiB"}, {1024.0 * 1024, "MiB"}, {1024.0 * 1024 * 1024, "GiB"}}};
    return scaled(value, bytes, "");
  }
  if (unit == "x") return three_digits(value) + "x";
  if (unit.ends_with("/s")) {
    static constexpr std::array<std::pair<double, std::string_view>, 4> rates{
        {{1, ""}, {1e3, "K "}, {1e6, "M "}, {1e9, "G "}}};
    return scaled(value, rates, unit);
  }
  return fmt::format("{} {}", three_digits(value), unit);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes, not continuation bytes
  }
  return width;
}

}  // namespace threadlab

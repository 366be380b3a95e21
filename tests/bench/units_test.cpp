// tests/bench/units_test.cpp — numbers in the unit a reader wants.
#include <doctest/doctest.h>

#include "bench/report/units.hpp"

using threadlab::format_quantity;

TEST_CASE("units: times pick ns, µs, ms or s with three significant digits") {
  CHECK(format_quantity(12.34, "ns") == "12.3 ns");
  CHECK(format_quantity(1234, "ns") == "1.23 µs");
  CHECK(format_quantity(999.96, "ns") == "1.00 µs");
  CHECK(format_quantity(2.5e6, "ns") == "2.50 ms");
  CHECK(format_quantity(3.2e10, "ns") == "32.0 s");
  CHECK(format_quantity(1.5, "ms") == "1.50 ms");
  CHECK(format_quantity(0.25, "s") == "250 ms");
}

TEST_CASE("units: rates use K, M and G; bytes use KiB and MiB") {
  CHECK(format_quantity(950, "ops/s") == "950 ops/s");
  CHECK(format_quantity(2.5e6, "ops/s") == "2.50 M ops/s");
  CHECK(format_quantity(12'000, "msgs/s") == "12.0 K msgs/s");
  CHECK(format_quantity(4096, "bytes") == "4.00 KiB");
  CHECK(format_quantity(3 * 1024 * 1024, "bytes") == "3.00 MiB");
  CHECK(format_quantity(1.93, "x") == "1.93x");
  CHECK(format_quantity(7, "widgets") == "7.00 widgets");
}

TEST_CASE("units: display width counts µ as one column") {
  CHECK(threadlab::display_width("1.23 µs") == 7);
  CHECK(threadlab::display_width("abc") == 3);
}

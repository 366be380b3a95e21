// tests/bench/main.cpp — doctest's main for the harness tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

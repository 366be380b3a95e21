// tests/workloads_smoke/main.cpp — doctest's main for the workloads smoke suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

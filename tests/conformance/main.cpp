// tests/conformance/main.cpp — doctest's main for the conformance suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

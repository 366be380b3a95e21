// tests/hybrid/main.cpp — doctest's main for the hybrid suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

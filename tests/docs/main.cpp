// tests/docs/main.cpp — doctest's main for the documentation checks.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

// tests/coroutines/main.cpp — doctest's main for the coroutines suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

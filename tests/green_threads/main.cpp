// tests/green_threads/main.cpp — doctest's main for green_threads_tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

// tests/kernel_threads/main.cpp — doctest's main for kernel_threads_tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

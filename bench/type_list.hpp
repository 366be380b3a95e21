// bench/type_list.hpp — a compile-time list of types, used by the registry and the tests to
// instantiate every workload for every model.
#pragma once

#include <tuple>

namespace threadlab {

template <class... Ts>
struct type_list {};

// for_each_type<type_list<A, B>>(f) calls f.template operator()<A>(), then <B>().
template <class List>
struct for_each_type_impl;

template <class... Ts>
struct for_each_type_impl<type_list<Ts...>> {
  template <class F>
  static void apply(F&& f) {
    (f.template operator()<Ts>(), ...);
  }
};

template <class List, class F>
void for_each_type(F&& f) {
  for_each_type_impl<List>::apply(static_cast<F&&>(f));
}

// as_tuple_t<type_list<Ts...>> — std::tuple<Ts...>: the form doctest's TEST_CASE_TEMPLATE_APPLY
// takes, so a test suite instantiates itself for every entry of a list.
template <class List>
struct as_tuple;

template <class... Ts>
struct as_tuple<type_list<Ts...>> {
  using type = std::tuple<Ts...>;
};

template <class List>
using as_tuple_t = typename as_tuple<List>::type;

}  // namespace threadlab

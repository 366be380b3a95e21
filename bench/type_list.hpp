// bench/type_list.hpp — a compile-time list of types, used by the registry and the tests to
// instantiate every workload for every model.
#pragma once

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

}  // namespace threadlab

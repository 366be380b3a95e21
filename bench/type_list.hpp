// bench/type_list.hpp — a compile-time list of types, used by the registry and the tests to
// instantiate every workload for every model.
#pragma once

#include <tuple>
#include <type_traits>

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

// keep_if_t<type_list<Ts...>, Keep> — the Ts for which Keep<T>::value is true, in order.
template <class List, template <class> class Keep>
struct keep_if;
template <template <class> class Keep>
struct keep_if<type_list<>, Keep> {
  using type = type_list<>;
};
template <class T, class... Ts, template <class> class Keep>
struct keep_if<type_list<T, Ts...>, Keep> {
  template <class List>
  struct prepend;
  template <class... Us>
  struct prepend<type_list<Us...>> {
    using type = type_list<T, Us...>;
  };
  using rest = typename keep_if<type_list<Ts...>, Keep>::type;
  using type = std::conditional_t<Keep<T>::value, typename prepend<rest>::type, rest>;
};
template <class List, template <class> class Keep>
using keep_if_t = typename keep_if<List, Keep>::type;

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

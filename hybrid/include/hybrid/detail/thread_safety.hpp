// hybrid/detail/thread_safety.hpp — clang's thread-safety annotations, so that the compiler
// checks the lock discipline this module states in its comments ("guarded by lock_", "releases
// lock once the context is saved").
//
// With clang and -Wthread-safety (the `thread_safety` ctest, tests/CMakeLists.txt) a field
// marked HYBRID_GUARDED_BY(m) read or written without m held, a lock not released on some path,
// or a function marked HYBRID_REQUIRES(m) called without m, is a compile error. With other
// compilers the macros expand to nothing. Names follow clang's documentation ("Thread Safety
// Analysis"), with a HYBRID_ prefix so they cannot clash with a user's own.
#pragma once

#if defined(__clang__)
#define HYBRID_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define HYBRID_THREAD_ANNOTATION(x)
#endif

// A type that is a lock (a "capability").
#define HYBRID_CAPABILITY(name) HYBRID_THREAD_ANNOTATION(capability(name))
// A RAII type that holds a capability for its lifetime.
#define HYBRID_SCOPED_CAPABILITY HYBRID_THREAD_ANNOTATION(scoped_lockable)
// A field that may be read or written only with the given capability held.
#define HYBRID_GUARDED_BY(x) HYBRID_THREAD_ANNOTATION(guarded_by(x))
// A function that takes, gives back, or may take the given capabilities (none: *this).
#define HYBRID_ACQUIRE(...) HYBRID_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define HYBRID_RELEASE(...) HYBRID_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define HYBRID_TRY_ACQUIRE(...) HYBRID_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// A function that must be called with (or without) the given capabilities held.
#define HYBRID_REQUIRES(...) HYBRID_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define HYBRID_EXCLUDES(...) HYBRID_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// A function whose locking the analysis cannot follow; each use says why.
#define HYBRID_NO_THREAD_SAFETY_ANALYSIS HYBRID_THREAD_ANNOTATION(no_thread_safety_analysis)

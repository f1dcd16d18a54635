// Giving memory back after a request that needed a lot of it (a publish of a large body, the
// rendering of a large release document). glibc's malloc keeps freed memory in its arenas, one
// per thread that allocated, and gives back only what lies at the top of each, so without this
// the peak of one large publish stayed resident (bench/release_memory.sh).
#pragma once

#include <cstddef>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace wreg::api {

// What a request must have used for return_free_memory() to trim the heap: trimming walks every
// arena, which is not worth it after an ordinary request.
inline constexpr std::size_t kLargeRequestBytes = 1u << 20;

// Returns the heap's free pages to the system when `bytes` (what the request just finished
// with: a body, a document) is at least kLargeRequestBytes. Call it once those are freed.
inline void return_free_memory(std::size_t bytes) {
#if defined(__GLIBC__)
  if (bytes >= kLargeRequestBytes) malloc_trim(0);
#else
  (void)bytes;
#endif
}

}  // namespace wreg::api

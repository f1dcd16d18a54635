// parallel_for: the client's one way of doing blocking work on several threads at once.
//
// The threads are the caller's, for the length of one call: parallel_for starts them, runs the
// work and joins them before it returns, so nothing outlives it and nothing needs stopping. The
// fetcher uses it to download several documents or blobs at once; the registry client's
// connection pool (client/transport/) starts no threads of its own: each connection does its I/O
// on whichever thread asked, and the pool's bound (max_connections) makes any extra threads wait
// for a connection.
#pragma once

#include <cstddef>
#include <functional>

namespace wreg::client {

// Runs `work(i)` once for each i in [0, count), on up to `threads` threads (the calling thread
// is one of them; fewer when there is less work), and returns when every call has returned.
// `work` must be safe to call from several threads at once; it must not throw.
void parallel_for(std::size_t count, std::size_t threads,
                  const std::function<void(std::size_t)>& work);

}  // namespace wreg::client

// A large upload's receive buffer. Linux sizes a TCP receive buffer by autotuning, from 128 KiB
// (net.ipv4.tcp_rmem) upwards as data is read; on loopback a 20 MiB upload ends before that has
// grown far, and the sender spends the transfer waiting for window. Set once at the body's start,
// a large buffer lets it send ahead while the server hashes and writes: 20 MiB publish, curl
// time_total medians in same-run A/Bs 33.0 -> 29.3 and 37.6 -> 32.1 ms (bench/README.md).
//
// A socket whose SO_RCVBUF was set no longer autotunes, and the kernel clamps the value to
// net.core.rmem_max (208 KiB on a stock Debian), which would leave it smaller than autotuning
// would have made it. So it is set only where rmem_max allows the whole kUploadReceiveBuffer.
// The connection keeps it for its later requests; the kernel charges only the bytes queued, and
// autotuning alone may grow a buffer further (net.ipv4.tcp_rmem's maximum), so a client gains
// no more memory from the server this way than it could before.
#pragma once

#include <cstdint>
#include <optional>

namespace wreg::http {

// What a large upload asks for; the kernel doubles it for its bookkeeping. Half of this (2 MiB
// asked) measured no faster than autotuning, a quarter (1 MiB) slower.
inline constexpr int kUploadReceiveBuffer = 4 << 20;
// Uploads declared at least this large get it; so do chunked ones, whose size is unknown.
inline constexpr std::uint64_t kLargeUpload = 1u << 20;

// net.core.rmem_max, read once from /proc/sys/net/core/rmem_max; nullopt when unreadable.
std::optional<std::int64_t> receive_buffer_limit();

// Gives the connected socket `fd` a kUploadReceiveBuffer receive buffer when
// receive_buffer_limit() allows it whole. True when it did; false leaves the socket as it was.
bool widen_receive_buffer(int fd);

}  // namespace wreg::http

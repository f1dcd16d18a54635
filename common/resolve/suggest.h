// Suggestions for a mistyped name: `did you mean wasi:http?` for `wasi:htpp`.
//
// Pure text in, text out, for any kind of name: the fetcher offers the registry's package names
// for an unknown package, and the command line can offer its subcommands and options for an
// unknown one. Closeness is the optimal string alignment distance (edit_distance below), bounded
// so that an unrelated name is never offered: `completely:different` suggests nothing.
//
// Candidates may come from the network (a registry's listing): any bytes and any length are
// safe, and a candidate much longer or shorter than the bound allows costs no distance at all.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wreg::resolve {

// The fewest single-byte insertions, deletions, substitutions and swaps of two adjacent bytes
// ("oi" for "io") that turn `a` into `b` (optimal string alignment: no byte is edited twice).
// O(|a| * |b|) time, O(|b|) memory.
std::size_t edit_distance(std::string_view a, std::string_view b);

// How many edits a typo of `wanted` may plausibly have: one per three bytes, and at least two.
std::size_t typo_bound(std::string_view wanted);

// Up to `max_results` of `candidates` at most `max_distance` edits from `wanted`, closest first,
// ties in byte order, each once; `wanted` itself is never among them. Empty when none is close.
std::vector<std::string> closest(std::string_view wanted,
                                 const std::vector<std::string>& candidates,
                                 std::size_t max_distance, std::size_t max_results = 3);

// `did you mean a?`, `did you mean a or b?`, `did you mean a, b or c?`; "" for no names.
std::string did_you_mean(const std::vector<std::string>& names);

// The one suggestion rule of every "did you mean": did_you_mean() of the candidates within
// typo_bound(wanted) edits of `wanted` (closest()); "" when none is close.
std::string suggest(std::string_view wanted, const std::vector<std::string>& candidates);

}  // namespace wreg::resolve

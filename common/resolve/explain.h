// Renders a Conflict (solver.h) as the few lines a person reads when resolution fails:
//
//   cannot resolve toolsku:math-tools:
//     you asked for toolsku:math-tools =0.2.0
//     toolsku:analytics 0.2.0 (you asked for ^0.2) needs toolsku:math-tools ^0.2.1
//     no version satisfies both =0.2.0 and ^0.2.1
//
// The lines are the external facts of PubGrub's derivation (what the project asked for, what
// each release needs, what does not exist or is yanked), ordered along the dependency chain from
// the project outwards, and, when the last step of the proof is two requirements on one package
// that share no version, that clash. Nothing is guessed after the fact: every line is a fact the
// solver used.
#pragma once

#include <string>

#include "common/resolve/solver.h"
#include "common/result.h"

namespace wreg::resolve {

// The whole explanation, lines joined by '\n', ending in '\n'.
std::string explain(const Conflict& conflict);

// One fact as a line of explain() (without indentation or newline).
std::string describe(const Fact& fact);

// The conflict as an Error for the CLI: kUnsolvable, with explain()'s text followed by a last
// line that says what to do (no final newline).
Error to_error(const Conflict& conflict);

}  // namespace wreg::resolve

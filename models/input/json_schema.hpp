// The scenario format as a JSON Schema (draft-07), generated from the schema table.
#pragma once

#include <string>

namespace qosim::models {

/// The JSON Schema (draft-07) of a scenario file, for editors (yaml-language-server) and
/// validators: every key of the schema table with its description, unit, default, range and
/// choices; stage keys by `type` (if/then per stage type); distributions by `dist`; the
/// runs.csv metric names that `targets:` and `run.precision.metric` take. Maps refuse unknown
/// keys (additionalProperties: false) as the loader does. Rules across keys (exactly one of
/// horizon and orders, probabilities that sum to 1, a distribution's parameter ranges) stay
/// with `qosim check`. Deterministic text, ending in a newline (`qosim schema` prints it;
/// qosim.schema.json at the repository root is a copy).
[[nodiscard]] std::string scenario_json_schema();

}  // namespace qosim::models

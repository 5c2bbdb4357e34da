// The scenario schema as data: every key, its type, unit, default, range and help, in one table.
#pragma once

#include <array>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "sim/distribution.hpp"

namespace qosim::models {

/// What a key's value must be.
enum class KeyType {
    map,           ///< nested keys
    list,          ///< a YAML sequence
    string,        ///< free text
    name,          ///< a stage name
    choice,        ///< one of SchemaKey::choices
    number,        ///< a finite real
    integer,       ///< a whole number
    boolean,       ///< true | false
    distribution,  ///< a bare number (constant) or {dist: NAME, params}
    setting,       ///< a `--set` path (the key) and the value it takes (variants)
};

/// Whether this version reads a key. Reserved keys are part of the qosim format (SPEC §2) but
/// not implemented yet: the loader rejects them with a clear message instead of ignoring them.
enum class KeyStatus { supported, reserved };

/// Set of stage types, one bit per StageType.
using StageTypeMask = unsigned;

/// The bit of one stage type.
[[nodiscard]] constexpr StageTypeMask stage_bit(StageType t) {
    return 1u << static_cast<unsigned>(t);
}

/// Every stage type.
inline constexpr StageTypeMask kAllStageTypes = 0x1fu;

/// Upper bounds on counts that size memory or loops: run.replications (and precision's
/// max_replications), a stage's servers, a link's retry.max.
inline constexpr double kMaxReplications = 1'000'000;
inline constexpr double kMaxServers = 100'000;
inline constexpr double kMaxRetries = 1'000'000;

/// Bounds of a numeric key; infinite bounds are absent.
struct Range {
    double lo = -std::numeric_limits<double>::infinity();
    bool lo_open = false;  ///< `> lo` rather than `>= lo`
    double hi = std::numeric_limits<double>::infinity();
    bool hi_open = false;  ///< `< hi` rather than `<= hi`

    [[nodiscard]] bool contains(double x) const;
    /// The rule in words: ">= 0", "> 0", "in [0, 1]"; empty when unbounded.
    [[nodiscard]] std::string describe() const;
};

/// One key of the scenario format.
struct SchemaKey {
    /// Key pattern: dotted segments, `*` = any map key (a stage or metric name), `#` = a list
    /// index. E.g. "stages.*.queue.capacity", "routes.#.prob".
    std::string_view path;
    KeyType type = KeyType::map;
    KeyStatus status = KeyStatus::supported;
    bool required = false;           ///< (stage keys: for the stage types it applies to)
    std::string_view default_value;  ///< as a scenario would write it; empty = none
    Range range;                     ///< number / integer keys
    /// Choice keys: the values, "fifo|lifo|priority|edd". Number keys: words taken instead of
    /// a number ("auto" for run.warmup), which the loader interprets.
    std::string_view choices;
    std::string_view reserved_values;  ///< values in the format but not supported yet (none now)
    StageTypeMask stage_types = kAllStageTypes;  ///< "stages.*.KEY": the types it applies to
    std::string_view unit;          ///< "time" (the scenario's time_unit), "money/hour" ...
    std::string_view help;          ///< one line for `qosim check --help` and hints
    bool names_must_exist = false;  ///< `*` keys: --set may only descend into an existing name
};

/// Every key of the format, parents before children, in reference order.
[[nodiscard]] std::span<const SchemaKey> schema_keys();

/// The key with exactly this pattern, or null.
[[nodiscard]] const SchemaKey* find_schema_key(std::string_view pattern);

/// The key that `key` written under `parent_pattern` matches: a literal child first, then a
/// `*` child, then (for a run of digits) a `#` child. Null when nothing matches.
[[nodiscard]] const SchemaKey* resolve_schema_child(std::string_view parent_pattern,
                                                    std::string_view key);

/// The literal (non-wildcard) child names of a pattern that apply to `types`, in table order;
/// reserved keys only when `include_reserved`.
[[nodiscard]] std::vector<std::string_view> schema_child_names(std::string_view parent_pattern,
                                                               StageTypeMask types = kAllStageTypes,
                                                               bool include_reserved = true);

/// What a key takes, in words: "integer >= 1 (count); default 1; station, inspection".
[[nodiscard]] std::string describe_key_value(const SchemaKey& key);

/// The last segment of a pattern or path ("servers" of "stages.*.servers").
[[nodiscard]] std::string_view last_segment(std::string_view path);

/// The values of a `choices` / `reserved_values` string, split at '|'.
[[nodiscard]] std::vector<std::string_view> split_choices(std::string_view choices);

/// One distribution family: its `dist:` name and parameters (the table is sim's).
using DistributionSchema = sim::DistributionFamily;

/// Every distribution family, in SPEC §2 order.
[[nodiscard]] std::span<const DistributionSchema> distribution_schema();

/// The family called `name`, or null.
[[nodiscard]] const DistributionSchema* find_distribution(std::string_view name);

/// `dist` plus every parameter name of every family, without repeats (--set validation).
[[nodiscard]] std::vector<std::string_view> distribution_keys();

/// The message for a key or value that the format defines but this version does not run:
/// "`what` is part of the qosim format but not supported by this version yet (planned);
/// remove it to run".
[[nodiscard]] std::string reserved_message(std::string_view what);

/// Human-readable reference of every key (for `qosim check --help`), generated from the table.
[[nodiscard]] std::string schema_reference();

/// The same reference as Markdown tables, one per section of the file (docs/scenario.md holds
/// it between generated-section markers; `qosim schema --markdown` prints it).
[[nodiscard]] std::string schema_markdown();

}  // namespace qosim::models

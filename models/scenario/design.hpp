// What-if designs in a scenario file: its named variants and its sweep over parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/raw_tree.hpp"

namespace qosim::models {

/// One value a variant or a sweep point gives a dotted path, as `--set PATH=VALUE` would.
struct Setting {
    std::string path;                              ///< "stages.smt.servers"
    std::shared_ptr<const detail::RawNode> value;  ///< the value, located in the file
    std::string text;                              ///< the value as written in CSV and messages
    SourceLoc loc;                                 ///< where the setting is written
};

/// A named what-if of `variants:`.
struct Variant {
    std::string name;
    std::vector<Setting> settings;  ///< in file order
    SourceLoc loc;
};

enum class SweepMethod { grid, lhs };

/// One swept path of `sweep.parameters`.
struct SweepParameter {
    std::string path;
    bool integer = false;  ///< the key is a whole number: values stay whole
    /// grid: the values, in order (a list, or `steps` values from `from` to `to`); lhs with a
    /// list: the values sampled from.
    std::vector<std::string> values;
    bool range = false;  ///< lhs: sampled from [from, to]
    double from = 0.0;
    double to = 0.0;
    SourceLoc loc;
};

/// The design points of `sweep:`.
struct SweepDesign {
    SweepMethod method = SweepMethod::grid;
    std::vector<SweepParameter> parameters;  ///< in file order: the sweep.csv columns
    std::size_t samples = 0;                 ///< lhs
    std::uint64_t seed = 1;                  ///< lhs
    /// Every point: one value per parameter (in parameters order), as YAML text. grid: every
    /// combination, the last parameter varying fastest; lhs: `samples` points, each range cut
    /// into `samples` equal strata and each stratum used once per parameter.
    std::vector<std::vector<std::string>> points;
    SourceLoc loc;

    /// The settings of point `p`, located at the parameters.
    [[nodiscard]] std::vector<Setting> settings(std::size_t p) const;
};

/// The largest number of design points a sweep may have (memory for the plan and the rows).
inline constexpr std::size_t kMaxSweepPoints = 1'000'000;

namespace detail {

/// Reads `variants:` of a parsed scenario; problems go to `diags` (paths are checked like
/// `--set`; values are checked later, when a variant is applied and loaded).
std::vector<Variant> read_variants(const RawNode& root, std::vector<Diagnostic>& diags);

/// Reads `sweep:` and generates its points; none when absent or invalid (problems in `diags`).
std::unique_ptr<SweepDesign> read_sweep(const RawNode& root, std::vector<Diagnostic>& diags);

/// A value as one line of text: scalars as written, maps and lists in YAML flow style.
std::string render_flow(const RawNode& node);

}  // namespace detail

}  // namespace qosim::models

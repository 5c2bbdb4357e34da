// Run control shared by every runner: automatic warm-up (MSER-5) and the precision rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// `warmup: auto`: runs `pilots` pilot replications (indices 0..pilots-1, warm-up 0) recording
/// lead-time batches, applies MSER-5 to each and returns warmup_from_pilot_cuts of their cuts
/// (an upper prediction bound on a replication's transient). Pure: depends only on the
/// arguments. 0 when no bias is detected.
double choose_warmup(const Scenario& scenario, int pilots = 5);

/// Half-width of the two-sided 95 % Student-t confidence interval of the mean of the finite
/// entries of `values` (a NaN is a replication where the metric is undefined, such as a lead
/// time without deliveries, and is left out); infinity for fewer than two finite values.
double ci95_half_width(std::span<const double> values);

/// `precision:`: the smallest n in [min_n, values.size()] whose first n values have a 95 % CI
/// half-width <= goal; none when no prefix reaches it.
std::optional<std::size_t> replications_needed(std::span<const double> values, double goal,
                                               std::size_t min_n);

}  // namespace qosim::models

// End-of-run diagnostics of `run`: is the WIP still growing, and where does it sit.
#pragma once

#include <cstddef>
#include <vector>

#include "models/run/result.hpp"

namespace qosim::models {

/// One-sided level of the WIP trend test: a stable line warns this rarely.
inline constexpr double kWipTrendAlpha = 1e-4;

/// Growth over the observed window smaller than this share of the mean WIP (or than one
/// order) is not worth a warning, however significant (a slightly short warm-up).
inline constexpr double kWipTrendMaterial = 0.10;

/// The trend of WIP over the observed window, pooled over replications.
struct WipTrend {
    std::size_t replications = 0;  ///< replications with WIP windows (run.orders has none)
    double slope = 0.0;            ///< mean over replications, orders per time unit
    double t = 0.0;                ///< slope / its standard error across replications
    double critical = 0.0;         ///< the one-sided Student t quantile at 1 - kWipTrendAlpha
    double growth = 0.0;           ///< slope x the observed span: orders added over the window
    double wip_mean = 0.0;         ///< mean over replications of wip_mean
    bool tested = false;           ///< at least two replications with windows
    bool growing = false;          ///< tested, t > critical and the growth is material
};

/// The least-squares slope of `windows` (equal windows of width `width`) against time.
[[nodiscard]] double window_slope(const std::vector<double>& windows, double width);

/// Each replication's least-squares slope of its kWipWindows window means against time; the
/// replications are independent, so their mean slope over its standard error is Student t
/// with n - 1 degrees of freedom when the WIP is stationary (slope 0). Growing: t above the
/// one-sided 1 - kWipTrendAlpha quantile and the growth over the observed window at least
/// kWipTrendMaterial of the mean WIP and at least one order.
[[nodiscard]] WipTrend wip_trend(const std::vector<ReplicationResult>& results);

/// Where the orders sat at the end, averaged over replications, per stage.
[[nodiscard]] std::vector<StageWipAtEnd> mean_wip_at_end(
    const std::vector<ReplicationResult>& results);

}  // namespace qosim::models

// Static promise analysis for `check`: lateness that the delays on an order's path alone make
// certain, the error and loss probabilities against `targets:`, and faults the run cannot see.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/graph/absorbing_chain.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// The promise figures of one order class (a product of a source, or a source's orders).
struct ClassPromise {
    std::size_t source = 0;
    std::optional<std::size_t> product;
    double weight = 0.0;   ///< the class's share of all orders created
    bool has_due = false;  ///< due_in defined (else its orders are never late)
    /// A lower bound on P(delivered late) per order created of this class: late because the
    /// service times and link delays on its path, without any waiting, already exceed due_in.
    double late_lower = 0.0;
    /// A lower bound on P(customer-facing error) per order: lost, cancelled, delivered
    /// defective, or delivered good but late as above (over the paths walked).
    double error_lower = 0.0;
    double delivered = 0.0;  ///< P(delivered) over the paths walked
    /// P(the paths walked): 1 unless rework loops made paths rarer than kMinPathProb (the
    /// rest is left out, which keeps every figure a lower bound).
    double covered = 0.0;
    /// True when every figure is exact rather than a bound by a grid: a constant due_in,
    /// at most one random delay per path, and every path walked.
    bool exact = true;
};

/// A target whose static figure already decides it.
struct TargetPromise {
    std::size_t target = 0;  ///< index into Scenario::targets
    /// How `figure` relates to what `run` will measure in the long run.
    enum class Kind { lower_bound, upper_bound, expected };
    Kind kind = Kind::expected;
    double figure = 0.0;
    bool impossible = false;  ///< the figure alone breaks the target (or, expected, misses it)
};

/// Where a scheduled fault falls relative to the observed window [warm-up, horizon].
enum class FaultTiming {
    measured,              ///< inside the observed window
    in_warmup,             ///< ends at or before the warm-up: its effect is not measured
    partly_in_warmup,      ///< starts before the warm-up ends: part of it is not measured
    after_horizon,         ///< starts at or after the horizon: it never happens
    partly_after_horizon,  ///< runs past the horizon: it is cut short
};

struct FaultPromise {
    std::size_t fault = 0;  ///< index into Scenario::faults
    FaultTiming timing = FaultTiming::measured;
};

struct PromiseAnalysis {
    std::vector<ClassPromise> classes;  ///< order_classes() order
    double late_lower = 0.0;            ///< over all orders created (class weights)
    double error_lower = 0.0;           ///< chain's loss, cancel and escape + late good orders
    /// An upper bound on the on-time rate (on time / delivered): 1 - late_lower / P(delivered).
    double on_time_upper = 1.0;
    std::vector<TargetPromise> targets;  ///< the targets on the metrics it can judge
    std::vector<FaultPromise> faults;    ///< the faults not wholly measured, in file order
};

/// Paths rarer than this are not walked (their mass is reported as not covered).
inline constexpr double kMinPathProb = 1e-7;

/// The lower bound P(c + X1 + ... + Xn > T) for independent delays `delays` (n >= 0), the
/// constant `constant` and an independent due time `due`. Exact (the CDF) for n <= 1 and a
/// constant `due`; otherwise X1..X(n-1) are rounded down onto a grid of `grid` steps up to
/// `due`'s top (due.upper(1e-12)) and `due` is rounded up onto it, which only lowers the
/// figure. `exact` receives whether no grid was used.
[[nodiscard]] double late_probability_lower(const std::vector<sim::Distribution>& delays,
                                            double constant, const sim::Distribution& due,
                                            bool* exact = nullptr, int grid = 400);

/// Walks every path of each order class (chain_moves(): the absorbing chain's own rules)
/// down to kMinPathProb, summing per path the lower bound of P(its delays > due_in): service
/// times at stations and inspections (service_by_product for a product), delays on links
/// (each scaled by the smallest `service` fault factor below 1 on that stage, which can only
/// shorten them). Queues, blocking, shifts, breakdowns and retries only add time, so the
/// figures are lower bounds of the long-run late share; scheduled changes of probabilities
/// and initial_wip are not modelled. `quality` is analyse_quality(sc).
[[nodiscard]] PromiseAnalysis analyse_promises(const Scenario& sc, const QualityAnalysis& quality);

/// The faults of `sc` that are not wholly inside [warm-up, horizon] (the horizon only without
/// run.orders; the warm-up only when it is not `auto`), in file order.
[[nodiscard]] std::vector<FaultPromise> fault_timing(const Scenario& sc);

}  // namespace qosim::models

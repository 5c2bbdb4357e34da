// Static quality analysis: the absorbing Markov chain of one order's path (Eigen), for `check`.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/graph/order_classes.hpp"
#include "models/graph/station_load.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// What happens to the average order, worked out without simulation. Every "per order" figure
/// is per order created, averaged over the order classes (each product of each source, or the
/// orders of a source without products) weighted by their arrival rates: the source's
/// 1 / E[interarrival] times the product's share. Vectors have one entry per stage, in
/// Scenario::stages order.
struct QualityAnalysis {
    double p_delivered_good = 0.0;       ///< P(the order reaches a sink good)
    double p_delivered_defective = 0.0;  ///< P(the order reaches a sink defective): an escape
    double p_cancelled = 0.0;            ///< P(scrapped at a source with on_scrap: cancel)
    double p_lost = 0.0;                 ///< P(lost on a link); the four sum to 1
    double expected_scraps = 0.0;        ///< scrap events per order (remakes and cancellations)
    double expected_reworks = 0.0;       ///< defective units repaired by `repairs: true` stations
    /// Expected visits per order. Sources: their share of the orders created (remakes restart
    /// at the source's routes, they are not new orders); sinks: P(delivered there).
    std::vector<double> visits;
    std::vector<double> arrival_rate;  ///< visits x total source rate (units per time unit)
    /// Stations and inspections: the offered work, the sum over order classes of their
    /// arrival rate there x E[service] (service_by_product for a product that has one), in
    /// servers; other stages: 0.
    std::vector<double> work;
    /// Stations and inspections: the sum over order classes of arrival rate x E[service^2].
    std::vector<double> work_sq;
    /// Stations and inspections: station_load(work, work_sq), capacity and load; other stages:
    /// a default StationLoad.
    std::vector<StationLoad> loads;
    /// Stations and inspections: loads[i].utilization, the busy share of staffed time that
    /// `run` reports; other stages: 0.
    std::vector<double> utilization;
    /// Defects created per order by each station (defect_prob) and link (damage_prob); 0 for
    /// other stages. A unit repaired and then damaged again counts twice.
    std::vector<double> defects_introduced;
};

/// A loop that orders can enter but, with the scenario's probabilities, never leave.
class TrappingLoopError : public std::runtime_error {
public:
    TrappingLoopError(const std::string& message, std::vector<std::size_t> stages,
                      bool through_remake)
        : std::runtime_error(message),
          stages_(std::move(stages)),
          through_remake_(through_remake) {}
    /// Indices of the stages the message names, in its order (the loop's first stage first).
    [[nodiscard]] const std::vector<std::size_t>& stages() const { return stages_; }
    /// True when the loop goes through a scrap that remakes the unit at its source
    /// (on_scrap: remake; the message then says "scrap (remake)"): cancelling scrapped orders
    /// is one way out.
    [[nodiscard]] bool through_remake() const { return through_remake_; }

private:
    std::vector<std::size_t> stages_;
    bool through_remake_ = false;
};

/// What the other errors of analyse_quality() carry besides their message: the problem
/// without the "quality analysis: " prefix of what(), and the stage it is about (none when it
/// is about the scenario as a whole or a product). Catch it to place the problem.
class QualityProblem {
public:
    QualityProblem(std::string reason, std::optional<std::size_t> stage)
        : reason_(std::move(reason)), stage_(stage) {}
    [[nodiscard]] const std::string& reason() const { return reason_; }
    [[nodiscard]] std::optional<std::size_t> stage() const { return stage_; }

private:
    std::string reason_;
    std::optional<std::size_t> stage_;
};

/// A scenario that validation would reject (see analyse_quality()); what() is
/// "quality analysis: " + reason().
class QualityInputError : public std::invalid_argument, public QualityProblem {
public:
    QualityInputError(const std::string& reason, std::optional<std::size_t> stage)
        : std::invalid_argument("quality analysis: " + reason), QualityProblem(reason, stage) {}
};

/// A chain that cannot be solved numerically; stage(): the source of the order class.
class QualitySolveError : public std::runtime_error, public QualityProblem {
public:
    QualitySolveError(const std::string& reason, std::size_t source)
        : std::runtime_error("quality analysis: " + reason), QualityProblem(reason, source) {}
};

/// Builds, for each order class (order_classes(): a product of a source, or the orders of a
/// source without products), the discrete-time absorbing Markov chain whose transient states
/// are (stage, defective) pairs reachable from that source with positive probability along
/// the routes the class takes (routes_taken(): a product's own routes out of a stage if it has
/// any, else the routes without `product`) and whose absorbing outcomes are delivered good /
/// defective (per sink), cancelled and lost; forms Q (transient -> transient) and R
/// (transient -> absorbing), the fundamental matrix N = (I - Q)^-1 by full-pivoting LU and
/// B = N R (Kemeny & Snell 1960, ch. III). Expected visits are the source's row of N. Cost
/// O(m^3) per class, m <= 2 x stages.
///
/// Per-visit rules (the simulator's, SPEC §3): a station first repairs a defective unit when
/// `repairs`, then damages a good one with defect_prob; an inspection fails a defective unit
/// with detect_prob and a good one with false_alarm_prob and takes the routes of that outcome
/// (its `when: any` routes when the outcome has none); a link loses the unit with loss_prob,
/// or loss_prob^(max+1) with `retry`, and damages an arriving good unit with damage_prob; a
/// route to scrap restarts the unit good at its source's routes (on_scrap: remake) or cancels
/// it (on_scrap: cancel). Route probabilities within one group are divided by the group's sum
/// (1 in a validated scenario).
///
/// Staffing, overtime and breakdown downtime: station_load() (station_load.hpp).
///
/// Not modelled (the chain is a long-run, per-order view): queue capacities, blocking and
/// balking; scheduled faults (outages, surges, temporary probabilities); units scrapped by a
/// breakdown with on_failure: scrap (a time-dependent loss); initial_wip (a one-off start-up
/// load, not a rate); product priorities and due dates.
///
/// Throws TrappingLoopError (a std::runtime_error) when a loop that the orders of some class
/// can enter has no exit for them, naming the loop
/// ("the loop rework -> aoi -> rework has no exit: every order that enters it circulates
/// forever"; for a product, "every `premium` order"); loops that no order can reach are
/// ignored here (the stage graph checks report them). Throws QualityInputError (a
/// std::invalid_argument) on a scenario that validation would reject: no source, a source
/// with mean interarrival 0, a route to an unknown stage or product, a probability or share
/// outside [0, 1], or a non-sink stage (or inspection outcome) with nowhere to go for a class
/// that gets there; QualitySolveError (a std::runtime_error) when I - Q is numerically
/// singular (a pivot of zero, or expected visits past 1 / (m eps), where a dense full-pivoting
/// LU would find a pivot below its threshold) or N has no finite solution.
[[nodiscard]] QualityAnalysis analyse_quality(const Scenario& scenario);

/// One move of an order out of a visit to a stage, by the per-visit rules analyse_quality()
/// solves (the same code builds its chain), for analyses that walk an order's paths.
struct ChainMove {
    enum class To { stage, delivered, cancelled, lost };
    To to = To::stage;
    std::size_t stage = 0;   ///< To::stage: the next stage (the source after a remake); delivered:
                             ///< the sink
    bool defective = false;  ///< the unit's defect flag after the move
    double p = 0.0;          ///< > 0; the moves out of one visit sum to 1
};

/// The moves of a unit of class `oc` visiting `stage` (not a sink) with defect flag
/// `defective`. `routing` is Routing(sc). Throws QualityInputError as analyse_quality() does
/// when the unit has nowhere to go.
[[nodiscard]] std::vector<ChainMove> chain_moves(const Scenario& sc, const Routing& routing,
                                                 const OrderClass& oc, std::size_t stage,
                                                 bool defective);

namespace detail {

/// One positive-probability step of an order class's chain (for tests).
struct ChainStep {
    std::size_t from = 0;  ///< transient state (0: the source, good)
    std::size_t to = 0;    ///< transient state, or absorbing outcome when `absorbing`
    bool absorbing = false;
    double p = 0.0;
};

/// The chain analyse_quality() solves for one order class, and its solution: expected visits
/// per transient state (row 0 of N) and absorption probabilities per outcome (row 0 of N R).
struct SolvedChain {
    std::size_t states = 0;
    std::size_t outcomes = 0;
    std::vector<ChainStep> steps;
    std::vector<double> visits;
    std::vector<double> absorbed;
};

/// The chain of order class `k` (order_classes() order) of a scenario analyse_quality()
/// accepts, solved as analyse_quality() solves it; throws what analyse_quality() throws.
[[nodiscard]] SolvedChain solved_chain(const Scenario& scenario, std::size_t k);

}  // namespace detail
}  // namespace qosim::models

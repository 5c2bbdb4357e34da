// Ranking and selection: Kim & Nelson's KN with Andradóttir & Kim's feasibility checks (AK).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qosim::models {

/// One stochastic constraint on a secondary metric, judged on its mean over replications.
struct SelectionConstraint {
    std::string name;      // metric name, for reasons
    double bound = 0.0;    // q
    bool upper = true;     // true: Y <= q is feasible; false: Y >= q
    double epsilon = 0.0;  // tolerance > 0 (in the metric's unit)
};

/// The guarantee asked for: with probability >= 1 - alpha the system selected is the best
/// feasible one whenever it beats every other feasible system by at least `delta` and every
/// constraint mean is at least its `epsilon` away from its bound.
struct SelectionOptions {
    double delta = 0.0;           // indifference zone (> 0) in the objective's unit
    double alpha = 0.05;          // 1 - PCS
    std::size_t n0 = 10;          // first-stage replications (>= 2)
    std::size_t max_reps = 1000;  // per system (>= n0)
};

/// One replication's observation of one system: the objective (minimised) and one value per
/// constraint, in SelectionOptions order.
struct SelectionObservation {
    double objective = 0.0;
    std::vector<double> constraints;
};

/// Runs replication `replication` (0-based) of each system in `systems` and returns their
/// observations in the same order. Called with strictly increasing replication indices;
/// the caller may run the systems in parallel. The observation must depend only on
/// (system, replication) (common random numbers).
using SelectionSampler = std::function<std::vector<SelectionObservation>(
    const std::vector<std::size_t>& systems, std::size_t replication)>;

enum class Feasibility { feasible, infeasible, undecided };

/// What happened to one system. A system leaves play when it is declared infeasible
/// (`failed_constraint` set, `eliminated_by` empty) or when a feasible system beats it
/// (`eliminated_by` set); in both cases `eliminated_at` is the replication count then. The
/// selected system and, when the budget ran out, the other survivors have no
/// `eliminated_at`.
struct SystemSelection {
    Feasibility feasibility = Feasibility::undecided;
    std::size_t replications = 0;                  // replications this system received
    std::optional<std::size_t> eliminated_at;      // the replication count r at which it left play
    std::optional<std::size_t> eliminated_by;      // the system whose comparison eliminated it
    std::optional<std::size_t> failed_constraint;  // index: declared infeasible on it
    double objective_mean = 0.0;                   // over its replications
    bool selected = false;
};

struct SelectionResult {
    std::vector<SystemSelection> systems;
    std::optional<std::size_t> selected;        // none when every system is infeasible
    bool budget_exhausted = false;              // stopped at max_reps with several in play
    std::size_t total_replications = 0;         // sum over systems
    std::size_t fixed_sample_replications = 0;  // k * N_fixed, see select_best
    double h2 = 0.0;                            // KN's h^2 (for the report)
};

/// Selects, among `k` simulated systems, the feasible one with the smallest mean objective:
/// KN (Kim & Nelson 2001) for the comparisons, the feasibility check of Batur & Kim (2010)
/// for each constraint, combined as in Andradóttir & Kim (2010): only a system declared
/// feasible may eliminate another, and systems still undecided keep receiving replications.
///
/// Error split: with constraints and k >= 2, alpha1 = alpha2 = alpha / 2; without
/// constraints alpha2 = alpha; with k == 1 alpha1 = alpha. KN uses beta = alpha2 / (k - 1)
/// per pair, the feasibility check beta = alpha1 / (k c) per system and constraint
/// (Bonferroni: common random numbers make the systems dependent). Every system first gets
/// `n0` replications; all systems in play then receive replication r + 1 together, so the
/// differences stay paired by replication. The variances are those of the first stage.
///
/// Stops when one feasible system is left in play (selected), when every system is infeasible
/// (none selected) or after `max_reps` replications of the survivors: then
/// `budget_exhausted` is set and the survivor with the best sample mean is selected (among
/// the feasible survivors if there is any, else among the undecided ones), without the
/// guarantee. `fixed_sample_replications` is k * max(n0, max over pairs of
/// ceil(h^2 S^2_il / delta^2)), the sample a fixed-size design with the same guarantee
/// would take (no constraints screening). Ties are broken towards the lower index.
///
/// Validates options (throws std::invalid_argument with a clear message for delta <= 0,
/// alpha not in (0,1), n0 < 2, max_reps < n0, k < 1, epsilon <= 0, a bound that is not
/// finite). Also throws std::invalid_argument when the sampler returns the wrong number of
/// observations or of constraint values, or a value that is not finite. Pure: the same
/// sampler gives the same result. Memory: O(k^2 + k c) numbers once the first stage is over.
SelectionResult select_best(std::size_t k, const SelectionOptions& options,
                            const std::vector<SelectionConstraint>& constraints,
                            const SelectionSampler& sample);

// --- The building blocks, exposed for the tests and for reports -----------------------------

/// The constant of Fabian's triangular continuation region for one decision with error
/// `beta` and `n0` first-stage replications: eta = ((2 beta)^(-2/(n0-1)) - 1) / 2, the root
/// of (1 + 2 eta)^(-(n0-1)/2) / 2 = beta. Preconditions: 0 < beta < 1/2, n0 >= 2.
double fabian_eta(double beta, std::size_t n0);

/// KN's h^2 = 2 eta (n0 - 1) with beta = alpha2 / (k - 1); 0 for k < 2 (nothing to compare).
double kn_h2(std::size_t k, double alpha2, std::size_t n0);

/// The feasibility check's h1^2 = 2 eta1 (n0 - 1) with beta = alpha1 / (k c), c >= 1
/// constraints.
double feasibility_h2(std::size_t k, std::size_t c, double alpha1, std::size_t n0);

/// KN's half-width on the difference of means after r >= 1 replications:
/// W(r) = max{0, (delta / (2 r)) (h2 s2 / delta^2 - r)}; 0 from r >= h2 s2 / delta^2 on.
double kn_w(double h2, double s2, double delta, std::size_t r);

/// The feasibility check's half-width on a sum of r deviations from the bound:
/// R(r) = max{0, h2 s2 / (2 epsilon) - epsilon r / 2}; 0 from r >= h2 s2 / epsilon^2 on.
double feasibility_r(double h2, double s2, double epsilon, std::size_t r);

}  // namespace qosim::models

// Ranking and selection: Kim & Nelson's KN with Andradóttir & Kim's feasibility checks (AK).
#include "models/run/selection.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/number_text.hpp"

namespace qosim::models {

namespace {

using sim::format_number;

/// Fabian's triangular continuation region on the scale of a sum of r observations:
/// max{0, h2 s2 / (2 tol) - tol r / 2}. KN's W(r) is this divided by r (tol = delta); the
/// feasibility check's R(r) is this itself (tol = epsilon).
double triangle(double h2, double s2, double tol, std::size_t r) {
    return std::max(0.0, h2 * s2 / (2.0 * tol) - tol * static_cast<double>(r) / 2.0);
}

/// Sample variance (divisor n - 1) by two passes; n >= 2.
double sample_variance(const std::vector<double>& x) {
    double mean = 0.0;
    for (const double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    double ss = 0.0;
    for (const double v : x) ss += (v - mean) * (v - mean);
    return ss / static_cast<double>(x.size() - 1);
}

/// ceil(x) as a count, saturating instead of overflowing for huge x.
std::size_t ceil_count(double x) {
    constexpr double kCap = 1e18;
    if (!(x < kCap)) return static_cast<std::size_t>(kCap);
    return x > 0.0 ? static_cast<std::size_t>(std::ceil(x)) : 0;
}

void validate(std::size_t k, const SelectionOptions& options,
              const std::vector<SelectionConstraint>& constraints) {
    auto fail = [](const std::string& what) { throw std::invalid_argument("selection: " + what); };
    if (k < 1) fail("at least one system is needed, got 0");
    if (!(options.delta > 0.0) || !std::isfinite(options.delta))
        fail("delta (the indifference zone, in the objective's unit) must be > 0, got " +
             format_number(options.delta));
    if (!(options.alpha > 0.0 && options.alpha < 1.0))
        fail("alpha (1 - probability of correct selection) must be in (0, 1), got " +
             format_number(options.alpha));
    if (options.n0 < 2)
        fail("n0 (first-stage replications) must be >= 2, got " + std::to_string(options.n0));
    if (options.max_reps < options.n0)
        fail("max_reps must be >= n0 = " + std::to_string(options.n0) + ", got " +
             std::to_string(options.max_reps));
    for (const SelectionConstraint& con : constraints) {
        if (!(con.epsilon > 0.0) || !std::isfinite(con.epsilon))
            fail("constraint '" + con.name + "': epsilon (the tolerance) must be > 0, got " +
                 format_number(con.epsilon));
        if (!std::isfinite(con.bound))
            fail("constraint '" + con.name + "': bound must be finite, got " +
                 format_number(con.bound));
    }
}

/// The running state of one call: sums over the replications so far and first-stage
/// variances. Pair quantities live in k x k matrices indexed [i * k + l] with i < l.
class Procedure {
public:
    Procedure(std::size_t k, const SelectionOptions& options,
              const std::vector<SelectionConstraint>& constraints, const SelectionSampler& sample)
        : k_(k),
          c_(constraints.size()),
          options_(options),
          constraints_(constraints),
          sample_(sample),
          objective_sum_(k, 0.0),
          diff_sum_(k * k, 0.0),
          diff_s2_(k * k, 0.0),
          slack_sum_(k * c_, 0.0),
          slack_s2_(k * c_, 0.0),
          open_(k * c_, 1) {
        // The error split: alpha1 for feasibility, alpha2 for comparisons (Bonferroni, as in
        // Andradóttir & Kim); a part with nothing to decide gives its share to the other.
        double alpha1 = options.alpha / 2.0, alpha2 = options.alpha / 2.0;
        if (c_ == 0) alpha2 = options.alpha;
        if (k == 1) alpha1 = options.alpha;
        h2_ = kn_h2(k, alpha2, options.n0);
        h1_ = c_ > 0 ? feasibility_h2(k, c_, alpha1, options.n0) : 0.0;
        result_.systems.resize(k);
        result_.h2 = h2_;
        if (c_ == 0)
            for (SystemSelection& s : result_.systems) s.feasibility = Feasibility::feasible;
    }

    SelectionResult run();

private:
    std::vector<SelectionObservation> draw(const std::vector<std::size_t>& systems,
                                           std::size_t replication);
    void record(const std::vector<std::size_t>& systems,
                const std::vector<SelectionObservation>& obs);
    void first_stage();
    void check_feasibility(std::size_t r);
    void screen(std::size_t r);
    void finish_on_budget();

    /// Sum over the replications so far of Y_i - Y_l (both in play since the start).
    [[nodiscard]] double diff(std::size_t i, std::size_t l) const {
        return i < l ? diff_sum_[i * k_ + l] : -diff_sum_[l * k_ + i];
    }
    [[nodiscard]] double diff_s2(std::size_t i, std::size_t l) const {
        return i < l ? diff_s2_[i * k_ + l] : diff_s2_[l * k_ + i];
    }
    [[nodiscard]] double mean(std::size_t i) const {
        return objective_sum_[i] / static_cast<double>(result_.systems[i].replications);
    }
    void leave(std::size_t i, std::size_t r) { result_.systems[i].eliminated_at = r; }

    std::size_t k_, c_;
    const SelectionOptions& options_;
    const std::vector<SelectionConstraint>& constraints_;
    const SelectionSampler& sample_;
    double h2_ = 0.0;                    ///< KN's h^2
    double h1_ = 0.0;                    ///< the feasibility check's h1^2
    std::vector<double> objective_sum_;  ///< per system
    std::vector<double> diff_sum_;       ///< per pair: sum of Y_i - Y_l
    std::vector<double> diff_s2_;        ///< per pair: first-stage variance of Y_i - Y_l
    std::vector<double> slack_sum_;      ///< per system and constraint: sum of violations
    std::vector<double> slack_s2_;       ///< per system and constraint: first-stage variance
    std::vector<char> open_;             ///< per system and constraint: still undecided
    std::vector<std::size_t> in_play_;   ///< ascending
    SelectionResult result_;
};

std::vector<SelectionObservation> Procedure::draw(const std::vector<std::size_t>& systems,
                                                  std::size_t replication) {
    std::vector<SelectionObservation> obs = sample_(systems, replication);
    const std::string where = "selection: replication " + std::to_string(replication) + ": ";
    if (obs.size() != systems.size())
        throw std::invalid_argument(where + "the sampler returned " + std::to_string(obs.size()) +
                                    " observations for " + std::to_string(systems.size()) +
                                    " systems");
    for (std::size_t a = 0; a < obs.size(); ++a) {
        const std::string who = where + "system " + std::to_string(systems[a]) + ": ";
        if (!std::isfinite(obs[a].objective))
            throw std::invalid_argument(
                who + "objective is not finite: " + format_number(obs[a].objective));
        if (obs[a].constraints.size() != c_)
            throw std::invalid_argument(who + std::to_string(obs[a].constraints.size()) +
                                        " constraint values for " + std::to_string(c_) +
                                        " constraints");
        for (std::size_t j = 0; j < c_; ++j)
            if (!std::isfinite(obs[a].constraints[j]))
                throw std::invalid_argument(
                    who + "constraint '" + constraints_[j].name +
                    "' is not finite: " + format_number(obs[a].constraints[j]));
    }
    return obs;
}

// The signed deviation Y - q of an upper bound (q - Y of a lower bound) is positive when the
// observation violates the constraint, so one rule serves both directions.
void Procedure::record(const std::vector<std::size_t>& systems,
                       const std::vector<SelectionObservation>& obs) {
    for (std::size_t a = 0; a < systems.size(); ++a) {
        const std::size_t i = systems[a];
        objective_sum_[i] += obs[a].objective;
        ++result_.systems[i].replications;
        for (std::size_t b = a + 1; b < systems.size(); ++b)
            diff_sum_[i * k_ + systems[b]] += obs[a].objective - obs[b].objective;
        for (std::size_t j = 0; j < c_; ++j) {
            const SelectionConstraint& con = constraints_[j];
            const double y = obs[a].constraints[j];
            slack_sum_[i * c_ + j] += con.upper ? y - con.bound : con.bound - y;
        }
    }
}

// n0 replications of every system; the first-stage values are held only until their
// variances are known.
void Procedure::first_stage() {
    const std::size_t n0 = options_.n0;
    for (std::size_t i = 0; i < k_; ++i) in_play_.push_back(i);
    std::vector<double> objective(k_ * n0), constraint(k_ * c_ * n0);
    for (std::size_t r = 0; r < n0; ++r) {
        const std::vector<SelectionObservation> obs = draw(in_play_, r);
        record(in_play_, obs);
        for (std::size_t i = 0; i < k_; ++i) {
            objective[i * n0 + r] = obs[i].objective;
            for (std::size_t j = 0; j < c_; ++j)
                constraint[(i * c_ + j) * n0 + r] = obs[i].constraints[j];
        }
    }
    std::vector<double> x(n0);
    for (std::size_t i = 0; i < k_; ++i)
        for (std::size_t l = i + 1; l < k_; ++l) {
            for (std::size_t r = 0; r < n0; ++r)
                x[r] = objective[i * n0 + r] - objective[l * n0 + r];
            diff_s2_[i * k_ + l] = sample_variance(x);
        }
    for (std::size_t m = 0; m < k_ * c_; ++m) {
        for (std::size_t r = 0; r < n0; ++r) x[r] = constraint[m * n0 + r];
        slack_s2_[m] = sample_variance(x);
    }
    // The fixed-sample design with the same comparison guarantee: every system gets the
    // largest pairwise ceil(h^2 S^2 / delta^2), and never fewer than n0.
    std::size_t n_fixed = n0;
    const double d2 = options_.delta * options_.delta;
    for (std::size_t i = 0; i < k_; ++i)
        for (std::size_t l = i + 1; l < k_; ++l)
            n_fixed = std::max(n_fixed, ceil_count(h2_ * diff_s2_[i * k_ + l] / d2));
    const std::size_t cap = std::numeric_limits<std::size_t>::max() / k_;
    result_.fixed_sample_replications = k_ * std::min(n_fixed, cap);
}

// Batur & Kim's check on each undecided constraint of each undecided system: feasible for a
// constraint once the sum of violations is at or below -R(r), infeasible (and out of play) once
// it is at or above +R(r). A system is feasible once feasible for every constraint.
void Procedure::check_feasibility(std::size_t r) {
    std::vector<std::size_t> keep;
    for (const std::size_t i : in_play_) {
        SystemSelection& sys = result_.systems[i];
        if (sys.feasibility == Feasibility::undecided) {
            bool all_met = true;
            for (std::size_t j = 0; j < c_ && sys.feasibility == Feasibility::undecided; ++j) {
                const std::size_t m = i * c_ + j;
                if (!open_[m]) continue;
                const double bound = triangle(h1_, slack_s2_[m], constraints_[j].epsilon, r);
                if (slack_sum_[m] <= -bound) {
                    open_[m] = 0;
                } else if (slack_sum_[m] >= bound) {
                    sys.feasibility = Feasibility::infeasible;
                    sys.failed_constraint = j;
                    leave(i, r);
                } else {
                    all_met = false;
                }
            }
            if (sys.feasibility == Feasibility::undecided && all_met)
                sys.feasibility = Feasibility::feasible;
        }
        if (sys.feasibility != Feasibility::infeasible) keep.push_back(i);
    }
    in_play_ = std::move(keep);
}

// KN's screening, minimising, against the systems in play at the start of the step: i leaves
// when some feasible l has sum(Y_i - Y_l) > r W_il(r). Once W_il is 0 an exact tie goes to
// the lower index, so that identical systems cannot keep each other in play for ever. Of
// several eliminators the one with the largest excess is reported.
void Procedure::screen(std::size_t r) {
    std::vector<std::size_t> keep;
    for (const std::size_t i : in_play_) {
        std::optional<std::size_t> by;
        double best = -std::numeric_limits<double>::infinity();
        for (const std::size_t l : in_play_) {
            if (l == i || result_.systems[l].feasibility != Feasibility::feasible) continue;
            const double d = diff(i, l);
            const double bound = triangle(h2_, diff_s2(i, l), options_.delta, r);
            const bool beaten = d > bound || (bound == 0.0 && d == 0.0 && l < i);
            if (beaten && d - bound > best) {
                best = d - bound;
                by = l;
            }
        }
        if (by) {
            result_.systems[i].eliminated_by = by;
            leave(i, r);
        } else {
            keep.push_back(i);
        }
    }
    in_play_ = std::move(keep);
}

// Out of replications with several systems in play (or one still undecided): the best sample
// mean among the feasible survivors, else among the undecided ones; no guarantee.
void Procedure::finish_on_budget() {
    result_.budget_exhausted = true;
    for (const Feasibility wanted : {Feasibility::feasible, Feasibility::undecided}) {
        for (const std::size_t i : in_play_) {
            if (result_.systems[i].feasibility != wanted) continue;
            if (!result_.selected || mean(i) < mean(*result_.selected)) result_.selected = i;
        }
        if (result_.selected) return;
    }
}

SelectionResult Procedure::run() {
    first_stage();
    for (std::size_t r = options_.n0;; ++r) {
        // Every system in play has r replications here.
        check_feasibility(r);
        if (k_ > 1) screen(r);
        if (in_play_.empty()) break;  // every system infeasible
        if (in_play_.size() == 1 &&
            result_.systems[in_play_.front()].feasibility == Feasibility::feasible) {
            result_.selected = in_play_.front();
            break;
        }
        if (r == options_.max_reps) {
            finish_on_budget();
            break;
        }
        record(in_play_, draw(in_play_, r));
    }
    if (result_.selected) result_.systems[*result_.selected].selected = true;
    for (std::size_t i = 0; i < k_; ++i) {
        SystemSelection& sys = result_.systems[i];
        sys.objective_mean = mean(i);
        result_.total_replications += sys.replications;
    }
    return std::move(result_);
}

}  // namespace

double fabian_eta(double beta, std::size_t n0) {
    return 0.5 * (std::pow(2.0 * beta, -2.0 / static_cast<double>(n0 - 1)) - 1.0);
}

double kn_h2(std::size_t k, double alpha2, std::size_t n0) {
    if (k < 2) return 0.0;
    const double eta = fabian_eta(alpha2 / static_cast<double>(k - 1), n0);
    return 2.0 * eta * static_cast<double>(n0 - 1);
}

double feasibility_h2(std::size_t k, std::size_t c, double alpha1, std::size_t n0) {
    const double eta = fabian_eta(alpha1 / static_cast<double>(k * c), n0);
    return 2.0 * eta * static_cast<double>(n0 - 1);
}

double kn_w(double h2, double s2, double delta, std::size_t r) {
    return triangle(h2, s2, delta, r) / static_cast<double>(r);
}

double feasibility_r(double h2, double s2, double epsilon, std::size_t r) {
    return triangle(h2, s2, epsilon, r);
}

SelectionResult select_best(std::size_t k, const SelectionOptions& options,
                            const std::vector<SelectionConstraint>& constraints,
                            const SelectionSampler& sample) {
    validate(k, options, constraints);
    Procedure procedure(k, options, constraints, sample);
    return procedure.run();
}

}  // namespace qosim::models

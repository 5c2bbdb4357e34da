// Static promise analysis: a lower bound on lateness from the delays on each path, targets the
// static figures already decide, and faults outside the observed window.
#include "models/graph/promise_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "models/graph/order_classes.hpp"
#include "models/scenario/routing.hpp"

namespace qosim::models {

namespace {

/// The sum c + Y + X of an order's delays so far: c the constants (exact), X the latest
/// random delay (kept whole, through its CDF), Y the earlier random delays rounded down onto
/// the grid {0, h, ..., N h} (the top point holds everything at or above it), so Y's grid
/// value never exceeds the true Y and every probability of lateness drawn from it is a
/// lower bound.
class PartialSum {
public:
    PartialSum(double step, int points) : h_(step), n_(points) {}

    void add(const sim::Distribution& d) {
        if (d.kind() == sim::DistKind::constant) {
            c_ += d.mean();
            return;
        }
        if (pending_) fold(*pending_);
        pending_ = d;
    }

    /// No grid used so far (at most one random delay).
    [[nodiscard]] bool exact() const { return pmf_.empty(); }

    /// A lower bound on P(c + Y + X > T), T ~ due independent of the delays. For a constant
    /// due date exact when exact(); otherwise T is rounded up onto the grid (P(T in ((k-1)h,
    /// kh]) placed at kh), which can only lower the figure since it decreases in T.
    [[nodiscard]] double late(const sim::Distribution& due) const {
        if (due.kind() == sim::DistKind::constant) return survival_at(due.mean());
        // S[i] = P(c + y + X > t) with t - y = i h, for i in [-N, N].
        std::vector<double> s(static_cast<std::size_t>(2 * n_ + 1));
        for (int i = -n_; i <= n_; ++i) s[static_cast<std::size_t>(i + n_)] = tail(i * h_ - c_);
        const std::vector<double> pmf = pmf_.empty() ? std::vector<double>{1.0} : pmf_;
        double total = 0.0;
        double prev = 0.0;
        for (int k = 0; k <= n_; ++k) {
            const double f = due.cdf(k * h_);
            const double mass = f - prev;
            prev = f;
            if (!(mass > 0.0)) continue;
            double g = 0.0;
            for (std::size_t j = 0; j < pmf.size(); ++j) {
                if (pmf[j] > 0.0)
                    g += pmf[j] * s[static_cast<std::size_t>(k - static_cast<int>(j) + n_)];
            }
            total += mass * g;
        }
        return std::clamp(total, 0.0, 1.0);
    }

private:
    /// P(c + y + X > t) summed over the grid values y of Y, for one t.
    [[nodiscard]] double survival_at(double t) const {
        if (pmf_.empty()) return tail(t - c_);
        double g = 0.0;
        for (std::size_t j = 0; j < pmf_.size(); ++j) {
            if (pmf_[j] > 0.0) g += pmf_[j] * tail(t - c_ - static_cast<double>(j) * h_);
        }
        return std::clamp(g, 0.0, 1.0);
    }

    /// P(X > s) for the pending random delay (none: the constant 0).
    [[nodiscard]] double tail(double s) const {
        if (!pending_) return s < 0.0 ? 1.0 : 0.0;
        return 1.0 - pending_->cdf(s);
    }

    /// Y += X rounded down: X in [0, h] counts as 0, X in (kh, (k+1)h] as kh, X > Nh as Nh.
    void fold(const sim::Distribution& x) {
        const auto n = static_cast<std::size_t>(n_);
        std::vector<double> bins(n + 1, 0.0);
        double prev = x.cdf(h_);
        bins[0] = prev;
        for (std::size_t k = 1; k < n; ++k) {
            const double f = x.cdf(static_cast<double>(k + 1) * h_);
            bins[k] = std::max(0.0, f - prev);
            prev = f;
        }
        bins[n] = std::max(0.0, 1.0 - prev);
        if (pmf_.empty()) {
            pmf_ = std::move(bins);
            return;
        }
        std::vector<double> out(n + 1, 0.0);
        for (std::size_t j = 0; j <= n; ++j) {
            if (!(pmf_[j] > 0.0)) continue;
            for (std::size_t k = 0; k <= n; ++k) {
                if (bins[k] > 0.0) out[std::min(n, j + k)] += pmf_[j] * bins[k];
            }
        }
        pmf_ = std::move(out);
    }

    double h_;
    int n_;
    double c_ = 0.0;
    std::optional<sim::Distribution> pending_;
    std::vector<double> pmf_;  ///< empty: Y = 0
};

double grid_step(const sim::Distribution& due, int grid) {
    const double top = due.upper(1e-12);
    return (top > 0.0 && std::isfinite(top) ? top : 1.0) / grid;
}

/// The service factor at or below 1 that `service` faults can apply to stage i (the
/// smallest factor below 1, else 1): a lower bound keeps the fastest delay.
std::vector<double> fastest_factor(const Scenario& sc) {
    std::vector<double> f(sc.stages.size(), 1.0);
    for (const Fault& fault : sc.faults) {
        if (fault.kind == FaultKind::service && fault.stage < f.size() && fault.factor > 0.0)
            f[fault.stage] = std::min(f[fault.stage], fault.factor);
    }
    return f;
}

const sim::Distribution& service_for(const StageSpec& s, std::optional<std::size_t> product) {
    if (product) {
        for (const auto& [p, dist] : s.service_by_product) {
            if (p == *product) return dist;
        }
    }
    return s.service;
}

/// The depth-first walk of one class's paths.
class Walker {
public:
    Walker(const Scenario& sc, const Routing& routing, const OrderClass& oc,
           const sim::Distribution* due, ClassPromise& out)
        : sc_(sc),
          routing_(routing),
          oc_(oc),
          due_(due),
          out_(out),
          factor_(fastest_factor(sc)),
          moves_(2 * sc.stages.size()) {}

    double late_good = 0.0;  ///< P(delivered good and late) over the paths walked

    void walk() {
        const double h = due_ != nullptr ? grid_step(*due_, kGrid) : 1.0;
        visit(oc_.source, false, 1.0, PartialSum(h, kGrid), 0);
    }

private:
    static constexpr int kGrid = 400;
    static constexpr int kMaxDepth = 500;
    static constexpr std::size_t kMaxNodes = 20000;

    void visit(std::size_t stage, bool defective, double prob, PartialSum sum, int depth) {
        ++nodes_;
        const StageSpec& s = sc_.stages[stage];
        const double f = factor_[stage];
        if (s.type == StageType::station || s.type == StageType::inspection) {
            const sim::Distribution& d = service_for(s, oc_.product);
            sum.add(f < 1.0 ? d.scaled(f) : d);
        } else if (s.type == StageType::link) {
            sum.add(f < 1.0 ? s.delay.scaled(f) : s.delay);
        }
        for (const ChainMove& m : moves(stage, defective)) {
            const double w = prob * m.p;
            if (!(w >= kMinPathProb)) continue;
            switch (m.to) {
            case ChainMove::To::delivered: {
                const double late = due_ != nullptr ? sum.late(*due_) : 0.0;
                if (!sum.exact() || (due_ != nullptr && due_->kind() != sim::DistKind::constant))
                    out_.exact = false;
                out_.covered += w;
                out_.delivered += w;
                out_.late_lower += w * late;
                out_.error_lower += w * (m.defective ? 1.0 : late);
                if (!m.defective) late_good += w * late;
                break;
            }
            case ChainMove::To::lost:
            case ChainMove::To::cancelled:
                out_.covered += w;
                out_.error_lower += w;
                break;
            case ChainMove::To::stage:
                if (depth < kMaxDepth && nodes_ < kMaxNodes)
                    visit(m.stage, m.defective, w, sum, depth + 1);
                break;
            }
        }
    }

    const std::vector<ChainMove>& moves(std::size_t stage, bool defective) {
        auto& slot = moves_[2 * stage + (defective ? 1 : 0)];
        if (!slot) slot = chain_moves(sc_, routing_, oc_, stage, defective);
        return *slot;
    }

    const Scenario& sc_;
    const Routing& routing_;
    const OrderClass& oc_;
    const sim::Distribution* due_;
    ClassPromise& out_;
    std::vector<double> factor_;
    std::vector<std::optional<std::vector<ChainMove>>> moves_;
    std::size_t nodes_ = 0;
};

}  // namespace

double late_probability_lower(const std::vector<sim::Distribution>& delays, double constant,
                              const sim::Distribution& due, bool* exact, int grid) {
    PartialSum sum(grid_step(due, grid), grid);
    sum.add(sim::Distribution::constant(std::max(0.0, constant)));
    for (const auto& d : delays) sum.add(d);
    if (exact != nullptr) *exact = sum.exact() && due.kind() == sim::DistKind::constant;
    return sum.late(due);
}

std::vector<FaultPromise> fault_timing(const Scenario& sc) {
    std::vector<FaultPromise> out;
    const bool has_horizon = !sc.run.orders;
    const double horizon = sc.run.horizon;
    const double warmup = sc.run.warmup_auto ? 0.0 : sc.run.warmup;
    for (std::size_t i = 0; i < sc.faults.size(); ++i) {
        const Fault& f = sc.faults[i];
        const double end = f.at + f.duration;
        FaultTiming t = FaultTiming::measured;
        if (has_horizon && f.at >= horizon) {
            t = FaultTiming::after_horizon;
        } else if (warmup > 0.0 && end <= warmup) {
            t = FaultTiming::in_warmup;
        } else if (warmup > 0.0 && f.at < warmup) {
            t = FaultTiming::partly_in_warmup;
        } else if (has_horizon && end > horizon) {
            t = FaultTiming::partly_after_horizon;
        }
        if (t != FaultTiming::measured) out.push_back({i, t});
    }
    return out;
}

PromiseAnalysis analyse_promises(const Scenario& sc, const QualityAnalysis& quality) {
    PromiseAnalysis out;
    const Routing routing(sc);
    const std::vector<OrderClass> classes = order_classes(sc);
    double total_rate = 0.0;
    for (const OrderClass& c : classes)
        total_rate += c.share / sc.stages[c.source].interarrival.mean();
    double late_good = 0.0;
    for (const OrderClass& c : classes) {
        ClassPromise cp;
        cp.source = c.source;
        cp.product = c.product;
        cp.weight =
            total_rate > 0.0 ? c.share / sc.stages[c.source].interarrival.mean() / total_rate : 0.0;
        const std::optional<sim::Distribution>& due = c.product && sc.products[*c.product].due_in
                                                          ? sc.products[*c.product].due_in
                                                          : sc.stages[c.source].due_in;
        cp.has_due = due.has_value();
        Walker walker(sc, routing, c, due ? &*due : nullptr, cp);
        walker.walk();
        if (cp.covered < 1.0 - 1e-12) cp.exact = false;
        out.late_lower += cp.weight * cp.late_lower;
        late_good += cp.weight * walker.late_good;
        out.classes.push_back(cp);
    }
    out.error_lower = std::min(
        1.0, quality.p_lost + quality.p_cancelled + quality.p_delivered_defective + late_good);
    const double delivered = quality.p_delivered_good + quality.p_delivered_defective;
    out.on_time_upper = delivered > 0.0 ? std::max(0.0, 1.0 - out.late_lower / delivered) : 1.0;

    for (std::size_t i = 0; i < sc.targets.size(); ++i) {
        const Target& t = sc.targets[i];
        TargetPromise tp;
        tp.target = i;
        if (t.metric == "late_rate" && t.max) {
            tp.kind = TargetPromise::Kind::lower_bound;
            tp.figure = out.late_lower;
            tp.impossible = tp.figure > *t.max;
        } else if (t.metric == "customer_error_rate" && t.max) {
            tp.kind = TargetPromise::Kind::lower_bound;
            tp.figure = out.error_lower;
            tp.impossible = tp.figure > *t.max;
        } else if (t.metric == "on_time_rate" && t.min) {
            tp.kind = TargetPromise::Kind::upper_bound;
            tp.figure = out.on_time_upper;
            tp.impossible = tp.figure < *t.min;
        } else if (t.metric == "escape_rate" && t.max) {
            tp.kind = TargetPromise::Kind::expected;
            tp.figure = quality.p_delivered_defective;
            tp.impossible = tp.figure > *t.max;
        } else if (t.metric == "loss_rate" && t.max) {
            tp.kind = TargetPromise::Kind::expected;
            tp.figure = quality.p_lost + quality.p_cancelled;
            tp.impossible = tp.figure > *t.max;
        } else {
            continue;
        }
        out.targets.push_back(tp);
    }
    out.faults = fault_timing(sc);
    return out;
}

}  // namespace qosim::models

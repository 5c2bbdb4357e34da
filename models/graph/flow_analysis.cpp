// Static flow analysis: the traffic equations solved by dense LU (Eigen), then offered loads.
#include "models/graph/flow_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Dense>

namespace qosim::models {

bool FlowAnalysis::any_saturated() const {
    for (const bool s : saturated) {
        if (s) return true;
    }
    return false;
}

FlowAnalysis analyse_flow(const Scenario& sc) {
    const auto n = static_cast<Eigen::Index>(sc.stages.size());
    Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);  // I - P^T
    Eigen::VectorXd gamma = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const StageSpec& s = sc.stages[static_cast<std::size_t>(i)];
        if (s.type == StageType::source) {
            const double mean = s.interarrival.mean();
            if (!(mean > 0)) {
                throw std::invalid_argument("flow analysis: stage " + s.name +
                                            " has a mean interarrival time of 0");
            }
            gamma(i) = 1.0 / mean;
        }
        for (const Route& r : s.routes) {
            a(static_cast<Eigen::Index>(r.to), i) -= r.prob;  // (P^T)(to, from) = P(from, to)
        }
    }
    const Eigen::PartialPivLU<Eigen::MatrixXd> lu(a);
    const Eigen::VectorXd lambda = lu.solve(gamma);
    const double residual = (a * lambda - gamma).norm();
    if (!lambda.allFinite() || residual > 1e-9 * (1.0 + gamma.norm()) ||
        (lambda.array() < -1e-9).any()) {
        throw std::invalid_argument(
            "flow analysis: the traffic equations have no solution (a loop with no exit?)");
    }

    FlowAnalysis out;
    out.arrival_rate.resize(sc.stages.size());
    out.utilization.assign(sc.stages.size(), 0.0);
    out.saturated.assign(sc.stages.size(), false);
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        const StageSpec& s = sc.stages[i];
        const double rate = std::max(0.0, lambda(static_cast<Eigen::Index>(i)));
        out.arrival_rate[i] = rate;
        if (s.type == StageType::station || s.type == StageType::inspection) {
            out.utilization[i] = rate * s.service.mean() / s.servers;
            out.saturated[i] = out.utilization[i] >= 1.0;
        } else if (s.type == StageType::link) {
            out.utilization[i] = rate * s.delay.mean();
        }
    }
    return out;
}

}  // namespace qosim::models

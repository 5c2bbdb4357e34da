// Test support: run R replications of a scenario and summarise one metric with a 95 % CI.
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

#include "models/run/replication.hpp"
#include "models/scenario/loader.hpp"
#include "sim/statistics.hpp"

namespace qosim::test {

/// Mean of a metric over replications with its two-sided 95 % Student-t half-width.
struct Estimate {
    double mean = 0;
    double half_width = 0;
    [[nodiscard]] bool covers(double exact) const { return std::abs(mean - exact) <= half_width; }
};

inline Estimate estimate(const std::vector<double>& xs) {
    sim::Tally t;
    for (double x : xs) t.add(x);
    const auto n = static_cast<double>(t.count());
    const boost::math::students_t dist(n - 1);
    const double tq = boost::math::quantile(dist, 0.975);
    return Estimate{t.mean(), tq * t.sd() / std::sqrt(n)};
}

/// Runs replications 0..reps-1 of `scenario` (seed from the scenario).
inline std::vector<models::ReplicationResult> run_all(const models::Scenario& scenario, int reps) {
    std::vector<models::ReplicationResult> out;
    for (int r = 0; r < reps; ++r)
        out.push_back(
            models::run_replication(scenario, static_cast<std::uint64_t>(r), scenario.run.seed));
    return out;
}

template <class F>
Estimate estimate_of(const std::vector<models::ReplicationResult>& results, F&& metric) {
    std::vector<double> xs;
    for (const auto& r : results) xs.push_back(metric(r));
    return estimate(xs);
}

}  // namespace qosim::test

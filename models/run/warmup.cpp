// MSER-5 warm-up detection on a batched lead-time series.
#include <cstddef>
#include <limits>

#include "models/run/replication.hpp"

namespace qosim::models {

// For each candidate truncation d (in batches) over the first half of the series, MSER is
// the variance of the remaining batch means divided by their count: sum((x - mean)^2) /
// (n - d)^2. Suffix sums make the search O(n).
double mser5_warmup(const std::vector<std::pair<double, double>>& batches) {
    const std::size_t n = batches.size();
    if (n < 4) return 0.0;
    std::vector<double> sum(n + 1, 0.0), sum_sq(n + 1, 0.0);
    for (std::size_t i = n; i-- > 0;) {
        sum[i] = sum[i + 1] + batches[i].second;
        sum_sq[i] = sum_sq[i + 1] + batches[i].second * batches[i].second;
    }
    std::size_t best = 0;
    double best_value = std::numeric_limits<double>::infinity();
    for (std::size_t d = 0; d <= n / 2; ++d) {
        const auto m = static_cast<double>(n - d);
        const double mean = sum[d] / m;
        const double ss = sum_sq[d] - m * mean * mean;
        const double value = ss / (m * m);
        if (value < best_value) {
            best_value = value;
            best = d;
        }
    }
    return best == 0 ? 0.0 : batches[best - 1].first;
}

}  // namespace qosim::models

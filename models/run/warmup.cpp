// MSER-5 warm-up detection and the batched lead-time series it reads.
#include "models/run/warmup.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "models/run/confidence.hpp"
#include "sim/statistics.hpp"

namespace qosim::models {

void LeadTimeBatches::add(double t, double x) {
    sum_ += x;
    if (++count_ < batch_size_) return;
    batches_.emplace_back(t, sum_ / static_cast<double>(batch_size_));
    sum_ = 0.0;
    count_ = 0;
    if (batches_.size() < max_batches_) return;
    // Full: neighbours merge into batches of twice the size, halving the series.
    for (std::size_t i = 0; i < batches_.size() / 2; ++i)
        batches_[i] = {batches_[2 * i + 1].first,
                       (batches_[2 * i].second + batches_[2 * i + 1].second) / 2.0};
    batches_.resize(batches_.size() / 2);
    batch_size_ *= 2;
}

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

double warmup_from_pilot_cuts(const std::vector<double>& cuts, double horizon) {
    sim::Tally tally;
    for (const double c : cuts) tally.add(c);
    const double largest = tally.max();  // 0 without pilots
    if (!(largest > 0.0) || cuts.size() < 2) return std::max(0.0, largest);
    const auto n = static_cast<double>(cuts.size());
    const double bound =
        tally.mean() + student_t_quantile(n - 1.0, 0.95) * tally.sd() * std::sqrt(1.0 + 1.0 / n);
    const double cap = horizon > 0.0 ? 0.5 * horizon : std::numeric_limits<double>::infinity();
    return std::max(largest, std::min(bound, cap));
}

}  // namespace qosim::models

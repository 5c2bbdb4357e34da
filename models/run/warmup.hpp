// MSER-5 warm-up detection and the batched lead-time series it reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace qosim::models {

/// Means of consecutive batches of observations, as (time of the batch's last observation,
/// batch mean) pairs, in bounded memory: when `max_batches` batches are held, neighbours
/// merge pairwise (the later time, the mean of the two means) and the batch size doubles, so
/// every batch keeps the same number of observations. A trailing partial batch is not
/// reported.
class LeadTimeBatches {
public:
    /// batch_size >= 1 observations per batch; max_batches >= 2, even. The defaults hold at
    /// most 4096 pairs (64 KiB) for any run length.
    explicit LeadTimeBatches(std::uint64_t batch_size = 5, std::size_t max_batches = 4096)
        : batch_size_(batch_size), max_batches_(max_batches) {}

    /// Records observation `x` made at time `t` (t non-decreasing).
    void add(double t, double x);
    /// Observations per batch now (doubles at each merge).
    [[nodiscard]] std::uint64_t batch_size() const { return batch_size_; }
    [[nodiscard]] const std::vector<std::pair<double, double>>& batches() const { return batches_; }
    /// Hands over the series, leaving this empty.
    std::vector<std::pair<double, double>> take() { return std::exchange(batches_, {}); }

private:
    std::vector<std::pair<double, double>> batches_;
    std::uint64_t batch_size_;
    std::size_t max_batches_;
    std::uint64_t count_ = 0;  ///< observations in the open batch
    double sum_ = 0.0;         ///< their sum
};

/// MSER-5 (White 1997; Franklin & White 2008): the truncation point of a batched output
/// series minimising the standard error of the remaining mean, searched over the first half.
/// Returns the time of the last batch before the chosen truncation (0: no warm-up needed).
double mser5_warmup(const std::vector<std::pair<double, double>>& batches);

/// The warm-up for every replication from the MSER-5 cuts of independent pilot runs: the
/// upper 95 % prediction bound of one more replication's transient, mean + t(0.95, n-1) * sd
/// * sqrt(1 + 1/n), and never less than the largest pilot cut nor more than half of
/// `horizon`. The largest cut alone is too short: how long an initial backlog takes to clear
/// varies from replication to replication, and a cut that fits the pilots leaves a third of
/// the production replications still draining (their excess lead time biases the mean).
/// 0 when no pilot found a bias; the largest cut for fewer than two pilots.
double warmup_from_pilot_cuts(const std::vector<double>& cuts, double horizon);

}  // namespace qosim::models

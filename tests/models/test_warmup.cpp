// Unit tests for MSER-5 and its batched lead-time series, on series worked out by hand.
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/run/warmup.hpp"

using qosim::models::LeadTimeBatches;
using qosim::models::mser5_warmup;

namespace {

using Series = std::vector<std::pair<double, double>>;

/// Batch means x_1..x_n at times 10, 20, ..., 10 n.
Series at_tens(const std::vector<double>& means) {
    Series s;
    for (std::size_t i = 0; i < means.size(); ++i)
        s.emplace_back(10.0 * static_cast<double>(i + 1), means[i]);
    return s;
}

}  // namespace

TEST_CASE("MSER-5 cuts a hand-made transient where the remaining standard error is least",
          "[warmup]") {
    // x = 9 5 1 2 1 2 1 2 (n = 8); d runs over 0..n/2 = 0..4. MSER(d) = SS_d / (n-d)^2 with
    // SS_d = sum of squares - m mean^2 over the m = n-d batches after the first d:
    //   d = 0: sum 23, sumsq 121, SS = 121 - 23^2/8 = 54.875,  / 64 = 0.857
    //   d = 1: sum 14, sumsq  40, SS =  40 - 14^2/7 = 12,      / 49 = 0.245
    //   d = 2: sum  9, sumsq  15, SS =  15 -  9^2/6 = 1.5,     / 36 = 0.0417  <- least
    //   d = 3: sum  8, sumsq  14, SS =  14 -  8^2/5 = 1.2,     / 25 = 0.048
    //   d = 4: sum  6, sumsq  10, SS =  10 -  6^2/4 = 1,       / 16 = 0.0625
    // Truncating 2 batches: the warm-up ends at the time of batch 2, 20.
    // (SS_d / (n-d) instead would pick d = 3: 0.25, 0.24, 0.25 for d = 2, 3, 4.)
    CHECK(mser5_warmup(at_tens({9, 5, 1, 2, 1, 2, 1, 2})) == 20.0);
    // n = 9 (odd): n/2 = 4; one more 1 at the end. d = 2: SS = 16 - 100/7 = 1.714, / 49 =
    // 0.0350; d = 3: SS = 15 - 81/6 = 1.5, / 36 = 0.0417; d = 1: SS = 41 - 225/8 = 12.875,
    // / 64 = 0.201. Still 2 batches: 20.
    CHECK(mser5_warmup(at_tens({9, 5, 1, 2, 1, 2, 1, 2, 1})) == 20.0);
}

TEST_CASE("MSER-5 searches exactly the first half, d = 0..n/2", "[warmup]") {
    // x = 8 8 8 8 1 1 1 1: d = 4 (= n/2, the last candidate) leaves 1 1 1 1, SS = 0; every
    // smaller d leaves some 8s (d = 3: sum 12, sumsq 68, SS = 68 - 144/5 = 39.2, / 25 = 1.568).
    // The cut is after batch 4: 40.
    CHECK(mser5_warmup(at_tens({8, 8, 8, 8, 1, 1, 1, 1})) == 40.0);
    // x = 8 8 8 8 8 1 1 1: the zero-variance cut d = 5 lies beyond n/2 = 4 and is not tried.
    //   d = 0: sum 43, sumsq 323, SS = 323 - 43^2/8 = 91.875, / 64 = 1.436  <- least
    //   d = 1: 84 / 49 = 1.714; d = 2: 73.5 / 36 = 2.042; d = 3: 58.8 / 25 = 2.352;
    //   d = 4: sum 11, sumsq 67, SS = 67 - 121/4 = 36.75, / 16 = 2.297
    // No truncation: 0.
    CHECK(mser5_warmup(at_tens({8, 8, 8, 8, 8, 1, 1, 1})) == 0.0);
}

TEST_CASE("MSER-5 keeps the earliest cut on ties and needs four batches", "[warmup]") {
    // A constant series has SS_d = 0 for every d: the first (d = 0) wins, no warm-up.
    CHECK(mser5_warmup(at_tens({3, 3, 3, 3, 3, 3, 3, 3})) == 0.0);
    // Fewer than four batches: too short to judge (d = 1 would leave 1 1 with SS = 0).
    CHECK(mser5_warmup(at_tens({5, 1, 1})) == 0.0);
    CHECK(mser5_warmup({}) == 0.0);
}

TEST_CASE("lead-time batches: means of fixed-size batches, merged pairwise when full", "[warmup]") {
    // Batches of 2, at most 4 held. Observations 1, 3, 5, ... at t = 1, 2, 3, ...
    LeadTimeBatches b(2, 4);
    for (int t = 1; t <= 8; ++t) b.add(t, 2.0 * t - 1);
    // Batches (2, 2), (4, 6), (6, 10), (8, 14) fill the series, so neighbours merge: the later
    // time, the mean of the two means: (4, (2+6)/2 = 4), (8, (10+14)/2 = 12); batches of 4.
    CHECK(b.batch_size() == 4);
    CHECK(b.batches() == std::vector<std::pair<double, double>>{{4, 4}, {8, 12}});
    // Two more observations (17, 19) fill half a batch of 4: nothing new yet.
    b.add(9, 17);
    b.add(10, 19);
    CHECK(b.batches().size() == 2);
    // 21, 23 complete it: (12, (17+19+21+23)/4 = 20), four observations like the others.
    b.add(11, 21);
    b.add(12, 23);
    CHECK(b.batches() == std::vector<std::pair<double, double>>{{4, 4}, {8, 12}, {12, 20}});
    // Each batch is the mean of four consecutive observations: 1+3+5+7 = 16 / 4 = 4, ...
    const auto taken = b.take();
    CHECK(taken.size() == 3);
    CHECK(b.batches().empty());
}

TEST_CASE("lead-time batches default to batches of 5", "[warmup]") {
    LeadTimeBatches b;
    for (int i = 1; i <= 12; ++i) b.add(0.5 * i, i);
    // (2.5, (1+2+3+4+5)/5 = 3), (5, (6+...+10)/5 = 8); 11 and 12 wait in an open batch.
    CHECK(b.batch_size() == 5);
    CHECK(b.batches() == std::vector<std::pair<double, double>>{{2.5, 3}, {5, 8}});
}

TEST_CASE("the warm-up from pilot cuts is an upper prediction bound on one more transient",
          "[warmup]") {
    using qosim::models::warmup_from_pilot_cuts;
    // Cuts 1000 1200 1400 1600 1800: mean 1400, sd sqrt(100000) = 316.23; t(0.95, 4) =
    // 2.1318; sqrt(1 + 1/5) = 1.0954; bound = 1400 + 2.1318 * 316.23 * 1.0954 = 2138.5.
    CHECK(warmup_from_pilot_cuts({1000, 1200, 1400, 1600, 1800}, 20000) ==
          Approx(2138.5).margin(0.5));
    // Never below the largest cut (here the bound is 1400 + 0: identical cuts).
    CHECK(warmup_from_pilot_cuts({1400, 1400, 1400}, 20000) == 1400.0);
    // Capped at half the horizon, but never below a pilot's own cut.
    CHECK(warmup_from_pilot_cuts({0, 0, 0, 0, 9000}, 20000) == 10000.0);
    CHECK(warmup_from_pilot_cuts({0, 0, 0, 0, 9000}, 12000) == 9000.0);
    // No bias found: no warm-up; one pilot: its cut.
    CHECK(warmup_from_pilot_cuts({0, 0, 0}, 20000) == 0.0);
    CHECK(warmup_from_pilot_cuts({700}, 20000) == 700.0);
    CHECK(warmup_from_pilot_cuts({}, 20000) == 0.0);
}

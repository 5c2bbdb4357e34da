// Unit tests for Tally, TimeWeighted and QuantileSketch.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/distribution.hpp"
#include "sim/random.hpp"
#include "sim/statistics.hpp"

using qosim::sim::Distribution;
using qosim::sim::QuantileSketch;
using qosim::sim::RandomStream;
using qosim::sim::Tally;
using qosim::sim::TimeWeighted;

namespace {

/// Values with a large common offset, where the naive sum-of-squares formula loses digits.
std::vector<double> offset_sample(int n) {
    RandomStream rng(1, 0, "tally", "data");
    const Distribution d = Distribution::lognormal(2.0, 1.5);
    std::vector<double> xs(static_cast<std::size_t>(n));
    for (double& x : xs) x = 1e6 + d.sample(rng);
    return xs;
}

/// The exact q-quantile under the sketch's documented convention: the r-th smallest value,
/// r = ceil(q n) clamped to [1, n].
double exact_quantile(const std::vector<double>& sorted, double q) {
    const double n = static_cast<double>(sorted.size());
    const double r = std::clamp(std::ceil(q * n), 1.0, n);
    return sorted[static_cast<std::size_t>(r) - 1];
}

const double kQs[] = {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0};

}  // namespace

TEST_CASE("Tally agrees with a two-pass computation", "[statistics]") {
    const std::vector<double> xs = offset_sample(10000);
    Tally t;
    for (double x : xs) t.add(x);

    double sum = 0;
    for (double x : xs) sum += x;
    const double mean = sum / static_cast<double>(xs.size());
    double ss = 0;
    for (double x : xs) ss += (x - mean) * (x - mean);
    const double var = ss / static_cast<double>(xs.size() - 1);

    CHECK(t.count() == xs.size());
    CHECK(t.mean() == Approx(mean).epsilon(1e-14));
    CHECK(t.variance() == Approx(var).epsilon(1e-9));
    CHECK(t.sd() == Approx(std::sqrt(var)).epsilon(1e-9));
    CHECK(t.sum() == Approx(sum).epsilon(1e-12));
    CHECK(t.min() == *std::min_element(xs.begin(), xs.end()));
    CHECK(t.max() == *std::max_element(xs.begin(), xs.end()));
}

TEST_CASE("Tally edge cases: empty, one observation, reset", "[statistics]") {
    Tally t;
    CHECK(t.count() == 0);
    CHECK(t.mean() == 0);
    CHECK(t.variance() == 0);
    CHECK(t.min() == 0);
    CHECK(t.max() == 0);
    t.add(-3.5);
    CHECK(t.mean() == -3.5);
    CHECK(t.variance() == 0);
    CHECK(t.min() == -3.5);
    CHECK(t.max() == -3.5);
    t.add(1.5);
    CHECK(t.mean() == -1.0);
    CHECK(t.variance() == Approx(12.5));  // ((-2.5)^2 + 2.5^2) / 1
    t.reset();
    CHECK(t.count() == 0);
    CHECK(t.max() == 0);
}

TEST_CASE("Tally merge of two halves equals the whole", "[statistics]") {
    const std::vector<double> xs = offset_sample(10001);
    Tally whole, a, b;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        whole.add(xs[i]);
        (i < 3000 ? a : b).add(xs[i]);
    }
    Tally merged = a;
    merged.merge(b);
    CHECK(merged.count() == whole.count());
    CHECK(merged.mean() == Approx(whole.mean()).epsilon(1e-14));
    CHECK(merged.variance() == Approx(whole.variance()).epsilon(1e-10));
    CHECK(merged.min() == whole.min());
    CHECK(merged.max() == whole.max());

    // Empty on either side is the identity.
    Tally empty;
    Tally left = empty;
    left.merge(whole);
    CHECK(left.count() == whole.count());
    CHECK(left.mean() == whole.mean());
    CHECK(left.min() == whole.min());
    Tally right = whole;
    right.merge(empty);
    CHECK(right.variance() == whole.variance());
    CHECK(right.max() == whole.max());
}

TEST_CASE("Tally merge by hand: Chan's cross term na nb / n", "[statistics]") {
    // a = {1, 2, 3}: n 3, mean 2, M2 = 1 + 0 + 1 = 2; b = {10, 20}: n 2, mean 15, M2 = 50.
    // delta = 15 - 2 = 13; M2 = 2 + 50 + 13^2 x 3 x 2 / 5 = 52 + 202.8 = 254.8, mean
    // 2 + 13 x 2/5 = 7.2. Directly: squared deviations from 7.2 are 38.44 + 27.04 + 17.64 +
    // 7.84 + 163.84 = 254.8, so the variance is 254.8 / 4 = 63.7.
    Tally a, b;
    for (const double x : {1.0, 2.0, 3.0}) a.add(x);
    for (const double x : {10.0, 20.0}) b.add(x);
    a.merge(b);
    CHECK(a.count() == 5);
    CHECK(a.mean() == Approx(7.2));
    CHECK(a.variance() == Approx(63.7));
    CHECK(a.min() == 1.0);
    CHECK(a.max() == 20.0);
}

TEST_CASE("TimeWeighted integrates a hand-made signal", "[statistics]") {
    TimeWeighted w;
    w.reset(0.0, 0.0);
    w.update(2.0, 3.0);  // 0 on [0, 2)
    w.update(5.0, 1.0);  // 3 on [2, 5)
    // 1 on [5, 10]: area = 0*2 + 3*3 + 1*5 = 14
    CHECK(w.area(10.0) == Approx(14.0));
    CHECK(w.mean(10.0) == Approx(1.4));
    CHECK(w.current() == 1.0);
    CHECK(w.mean(5.0) == Approx(9.0 / 5.0));

    // Restart at the end of a warm-up: only the new window counts.
    w.reset(10.0, 4.0);
    w.update(12.0, 0.0);  // 4 on [10, 12)
    CHECK(w.mean(20.0) == Approx(8.0 / 10.0));

    // Several updates at the same instant: only the last value holds afterwards.
    w.update(20.0, 100.0);
    w.update(20.0, 2.0);
    CHECK(w.mean(30.0) == Approx((8.0 + 20.0) / 20.0));

    // Zero-length window: the current value.
    TimeWeighted z;
    z.reset(3.0, 7.0);
    CHECK(z.mean(3.0) == 7.0);
}

TEST_CASE("QuantileSketch meets its relative-error bound", "[statistics]") {
    RandomStream rng(3, 0, "sketch", "lognormal");
    const Distribution d = Distribution::lognormal(1.0, 3.0);  // heavy right tail
    std::vector<double> xs(100000);
    for (double& x : xs) x = d.sample(rng);
    std::vector<double> sorted = xs;
    std::sort(sorted.begin(), sorted.end());

    for (const double alpha : {0.001, 0.005, 0.01, 0.05}) {
        QuantileSketch s(alpha);
        for (double x : xs) s.add(x);
        CHECK(s.count() == xs.size());
        CHECK(s.relative_error() == alpha);
        double previous = 0;
        for (const double q : kQs) {
            INFO("alpha " << alpha << " q " << q);
            const double exact = exact_quantile(sorted, q);
            const double v = s.quantile(q);
            // The bound, with 1e-12 relative slack for rounding in the representative.
            CHECK(std::abs(v - exact) <= alpha * exact * (1 + 1e-12));
            CHECK(v >= previous);  // monotone in q
            previous = v;
        }
    }
}

TEST_CASE("QuantileSketch is exact up to bucket width on small hand-made data", "[statistics]") {
    QuantileSketch s(0.01);
    for (const double x : {1.0, 2.0, 3.0, 4.0, 100.0}) s.add(x);
    // ranks ceil(q*5): q=0.2 -> 1st, 0.5 -> 3rd, 0.8 -> 4th, 0.81 -> 5th.
    CHECK(s.quantile(0.2) == Approx(1.0).epsilon(0.01));
    CHECK(s.quantile(0.5) == Approx(3.0).epsilon(0.01));
    CHECK(s.quantile(0.8) == Approx(4.0).epsilon(0.01));
    CHECK(s.quantile(0.81) == Approx(100.0).epsilon(0.01));
    CHECK(s.quantile(0.8) != Approx(100.0).epsilon(0.01));
}

TEST_CASE("QuantileSketch zero bucket, empty sketch, reset", "[statistics]") {
    QuantileSketch s;
    CHECK(s.quantile(0.5) == 0);
    CHECK(s.count() == 0);
    s.add(0.0);
    s.add(-1.0);
    s.add(1e-12);  // below min_value
    s.add(5.0);
    CHECK(s.count() == 4);
    CHECK(s.bucket_count() == 1);
    CHECK(s.quantile(0.0) == 0);
    CHECK(s.quantile(0.75) == 0);  // rank 3 of 4 is still in the zero bucket
    CHECK(s.quantile(1.0) == Approx(5.0).epsilon(0.005));
    s.reset();
    CHECK(s.count() == 0);
    CHECK(s.quantile(1.0) == 0);
    CHECK(s == QuantileSketch());
}

TEST_CASE("QuantileSketch merge equals a single sketch of all data", "[statistics]") {
    RandomStream rng(4, 0, "sketch", "merge");
    const Distribution d = Distribution::weibull(0.5, 10.0);
    QuantileSketch whole, a, b;
    for (int i = 0; i < 50000; ++i) {
        const double x = d.sample(rng) * (i % 10 == 0 ? 1e-10 : 1.0);  // some in the zero bucket
        whole.add(x);
        // Split unevenly and by value so the halves cover different key ranges.
        (x < 3.0 ? a : b).add(x);
    }
    QuantileSketch merged = a;
    merged.merge(b);
    CHECK(merged == whole);
    QuantileSketch reversed = b;
    reversed.merge(a);
    CHECK(reversed == whole);
    for (const double q : kQs) CHECK(merged.quantile(q) == whole.quantile(q));

    QuantileSketch empty;
    empty.merge(whole);
    CHECK(empty == whole);
    QuantileSketch copy = whole;
    copy.merge(QuantileSketch());
    CHECK(copy == whole);

    QuantileSketch other_alpha(0.01);
    CHECK_THROWS_AS(whole.merge(other_alpha), std::invalid_argument);
}

TEST_CASE("QuantileSketch memory stays bounded", "[statistics]") {
    // 10^6 observations log-uniform over nine decades [1e-3, 1e6]: at alpha = 0.005 a bucket
    // keeps M = 7 mantissa bits, so 2^7 buckets per doubling: log2(1e9) * 128 ~ 3,827,
    // whatever the number of observations.
    QuantileSketch s;
    CHECK(s.mantissa_bits() == 7);
    RandomStream rng(5, 0, "sketch", "memory");
    for (int i = 0; i < 1000000; ++i) s.add(std::pow(10.0, 9.0 * rng.uniform01() - 3.0));
    const double expected = std::log2(1e9) * 128;
    CHECK(s.count() == 1000000);
    CHECK(static_cast<double>(s.bucket_count()) <= std::ceil(expected) + 1);
    CHECK(static_cast<double>(s.bucket_count()) >= expected - 10);  // it really spans them
    CHECK(s.bucket_count() < 5000);
}

TEST_CASE("QuantileSketch keeps the bound at bucket edges and extremes", "[statistics]") {
    // M is the narrowest width with 1 + 2^-M <= (1+alpha)/(1-alpha).
    CHECK(QuantileSketch(0.001).mantissa_bits() == 9);
    CHECK(QuantileSketch(0.05).mantissa_bits() == 4);
    CHECK(QuantileSketch(1e-17).mantissa_bits() == 52);  // one double per bucket: exact
    // Both ends of a bucket, powers of two and the doubles next to them, one at a time.
    for (const double alpha : {0.001, 0.005, 0.05}) {
        for (const double base : {1.0, 3.0, 1e-6, 1e6, 1e300}) {
            const double below = std::nextafter(base, 0.0);
            const double above = std::nextafter(base, 2 * base);
            for (const double x : {base, below, above, base * 1.5, base * 1.999}) {
                QuantileSketch s(alpha);
                s.add(x);
                INFO("alpha " << alpha << " x " << x);
                CHECK(std::abs(s.quantile(0.5) - x) <= alpha * x * (1 + 1e-12));
            }
        }
    }
    QuantileSketch exact(1e-17);
    exact.add(0.1);
    CHECK(exact.quantile(1.0) == 0.1);
    // Infinity and the largest double stay bounded in memory (no counter per possible key
    // between them and the rest): 2^9 counters per doubling between 1e-9 and infinity.
    QuantileSketch wide(0.001);
    wide.add(1e-9);
    wide.add(std::numeric_limits<double>::max());
    wide.add(std::numeric_limits<double>::infinity());
    CHECK(wide.bucket_count() < 600000);
    CHECK(wide.quantile(1.0) == std::numeric_limits<double>::infinity());
    CHECK(wide.quantile(0.5) <= std::numeric_limits<double>::max());
    CHECK(wide.quantile(0.5) >= std::numeric_limits<double>::max() * (1 - 0.001));
}

TEST_CASE("QuantileSketch rejects invalid parameters", "[statistics]") {
    CHECK_THROWS_AS(QuantileSketch(0.0), std::invalid_argument);
    CHECK_THROWS_AS(QuantileSketch(1.0), std::invalid_argument);
    CHECK_THROWS_AS(QuantileSketch(0.01, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(QuantileSketch(0.01, 1e-310), std::invalid_argument);  // subnormal
    CHECK_THROWS_WITH(QuantileSketch(-0.5), "alpha must be in (0, 1), got -0.5");
}

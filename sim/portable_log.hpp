// A natural logarithm in plain IEEE-754 double arithmetic: the same input gives the same bits
// on every platform and standard library (SPEC §5), which std::log does not promise. It is
// what inversion draws (exponential, Weibull) use for ln U.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "sim/log_table.hpp"

namespace qosim::sim {

/// ln x for a positive normal x, within 1 ulp of the exact value (tested against std::log on
/// 10^7 uniforms and 10^6 points over the whole exponent range). Other inputs (0,
/// subnormals, infinity, NaN, negatives) go to std::log, so its special values hold; the
/// random streams never produce them.
///
/// Method (table-driven, after Tang 1990): x = 2^e m, m in [1, 2); k = round(128 (m - 1)),
/// c = 1 + k/128, so m = c (1 + r) with r = (m - c) / c, |r| <= 2^-8. Then
///   ln x = e ln 2 + ln c + ln(1 + r),
/// with ln(1 + r) by its Taylor series to r^7 (the tail is below 2^-59 of r). m - c is exact,
/// r = (m - c) * (1/c) is within 2 ulp of r, and e ln2_hi + ln c_hi is exact because both are
/// multiples of 2^-42 (scripts/gen-log-table.py); near x = 1 (k = 0, or k = 128 which moves
/// ln 2 into e) that sum is 0 and ln x = ln(1 + r) keeps full relative precision. No division
/// and no fused multiply-add: -ffp-contract=off (set for the whole project) keeps it so.
[[nodiscard]] inline double portable_log(double x) {
    constexpr std::uint64_t kMantissa = (std::uint64_t{1} << 52) - 1;
    constexpr std::uint64_t kOne = std::uint64_t{1023} << 52;  // the bits of 1.0
    if (!(x >= 0x1.0p-1022 && x <= 0x1.fffffffffffffp+1023)) return std::log(x);
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t k = ((bits & kMantissa) + (std::uint64_t{1} << 44)) >> 45;  // 0..128
    const auto e = static_cast<double>(static_cast<std::int64_t>(bits >> 52) - 1023 +
                                       static_cast<std::int64_t>(k >> 7));
    const detail::LogSlice& slice = detail::kLogSlices[k];
    const double m = std::bit_cast<double>((bits & kMantissa) | kOne);
    const double r = (m - slice.c) * slice.inv;
    const double r2 = r * r;
    const double tail =
        (-0.5 + r * (1.0 / 3)) + r2 * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6 + r * (1.0 / 7)));
    const double log1p_r = r + r2 * tail;
    const double hi = e * detail::kLn2Hi + slice.ln_hi;  // exact
    const double lo = e * detail::kLn2Lo + slice.ln_lo;
    return hi + (lo + log1p_r);
}

}  // namespace qosim::sim

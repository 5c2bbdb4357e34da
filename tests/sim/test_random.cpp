// Unit tests for RandomStream: known answers, keyed derivation, isolation, ranges.
#include <cmath>
#include <cstdint>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "sim/random.hpp"

using qosim::sim::fnv1a64;
using qosim::sim::RandomStream;
using qosim::sim::splitmix64;

namespace {

/// Inverse of an odd number modulo 2^64 (Newton: each step doubles the correct bits).
constexpr std::uint64_t inverse_mod_2_64(std::uint64_t a) {
    std::uint64_t x = a;  // correct to 3 bits for odd a
    for (int i = 0; i < 6; ++i) x *= 2 - a * x;
    return x;
}

constexpr std::uint64_t rotr(std::uint64_t x, int k) { return (x >> k) | (x << (64 - k)); }

/// A state whose next xoshiro256** output is `out`: the output only depends on s1,
/// out = rotl(s1 * 5, 7) * 9, so invert it.
RandomStream stream_whose_next_output_is(std::uint64_t out) {
    const std::uint64_t s1 = rotr(out * inverse_mod_2_64(9), 7) * inverse_mod_2_64(5);
    return RandomStream::from_state(1, s1, 3, 4);
}

}  // namespace

TEST_CASE("hash helpers match their reference values", "[random]") {
    // FNV-1a 64 reference vectors (Fowler/Noll/Vo test suite).
    STATIC_REQUIRE(fnv1a64("") == 0xcbf29ce484222325ull);
    STATIC_REQUIRE(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
    STATIC_REQUIRE(fnv1a64("foobar") == 0x85944171f73967e8ull);
    // SplitMix64 from state 0 (Vigna's splitmix64.c).
    std::uint64_t state = 0;
    CHECK(splitmix64(state) == 0xe220a8397b1dcdafull);
    CHECK(splitmix64(state) == 0x6e789e6aa1b965f4ull);
}

TEST_CASE("xoshiro256** core matches the reference implementation", "[random]") {
    // Blackman & Vigna's xoshiro256starstar.c from state {1, 2, 3, 4}.
    RandomStream r = RandomStream::from_state(1, 2, 3, 4);
    CHECK(r.next_u64() == 11520ull);
    CHECK(r.next_u64() == 0ull);
    CHECK(r.next_u64() == 1509978240ull);
    CHECK(r.next_u64() == 1215971899390074240ull);
}

TEST_CASE("keyed and 64-bit seeded streams give pinned outputs", "[random]") {
    // Pinned from this implementation (and cross-checked by an independent Python transcription
    // of the documented chain): any change here changes every scenario's numbers.
    RandomStream keyed(42, 0, "smt", "service");
    CHECK(keyed.next_u64() == 0x95f9cfb47cfd93d1ull);
    CHECK(keyed.next_u64() == 0x425d8375cdd8563aull);
    CHECK(keyed.next_u64() == 0x458f88185c1a5efeull);

    RandomStream seeded(std::uint64_t{1});
    CHECK(seeded.next_u64() == 0xb3f2af6d0fc710c5ull);
    CHECK(seeded.next_u64() == 0x853b559647364ceaull);
    CHECK(seeded.next_u64() == 0x92f89756082a4514ull);
}

TEST_CASE("the same key gives the same stream", "[random]") {
    RandomStream a(7, 3, "aoi", "inspection");
    RandomStream b(7, 3, "aoi", "inspection");
    for (int i = 0; i < 1000; ++i) REQUIRE(a.next_u64() == b.next_u64());
}

TEST_CASE("every key component changes the stream", "[random]") {
    const auto first = [](std::uint64_t seed, std::uint64_t rep, const char* element,
                          const char* purpose) {
        RandomStream r(seed, rep, element, purpose);
        return r.next_u64();
    };
    const std::uint64_t base = first(42, 0, "smt", "service");
    CHECK(first(43, 0, "smt", "service") != base);
    CHECK(first(42, 1, "smt", "service") != base);
    CHECK(first(42, 0, "smt2", "service") != base);
    CHECK(first(42, 0, "smt", "breakdowns") != base);
    CHECK(first(42, 0, "service", "smt") != base);  // element and purpose are not symmetric
    // Element and purpose are hashed separately, so splitting a name differently differs.
    CHECK(first(42, 0, "ab", "c") != first(42, 0, "a", "bc"));

    // Many replications and elements: all first outputs distinct.
    std::set<std::uint64_t> seen;
    for (std::uint64_t rep = 0; rep < 100; ++rep)
        for (int e = 0; e < 20; ++e)
            seen.insert(first(42, rep, ("stage" + std::to_string(e)).c_str(), "service"));
    CHECK(seen.size() == 2000);
}

TEST_CASE("adjacent replications are uncorrelated", "[random]") {
    // Pearson correlation of N paired uniforms has sd ~ 1/sqrt(N) under independence;
    // |r| < 5/sqrt(N) fails with probability ~ 6e-7.
    constexpr int kN = 100000;
    RandomStream a(42, 0, "smt", "service");
    RandomStream b(42, 1, "smt", "service");
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < kN; ++i) {
        const double x = a.uniform01();
        const double y = b.uniform01();
        sa += x;
        sb += y;
        saa += x * x;
        sbb += y * y;
        sab += x * y;
    }
    const double n = kN;
    const double cov = sab / n - (sa / n) * (sb / n);
    const double r =
        cov / std::sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
    CHECK(std::abs(r) < 5.0 / std::sqrt(n));
}

TEST_CASE("uniform01 lies in [0, 1) and uniform_open01 in (0, 1)", "[random]") {
    SECTION("extreme raw outputs") {
        RandomStream lo = stream_whose_next_output_is(0);
        RandomStream lo2 = stream_whose_next_output_is(0);
        CHECK(lo.uniform01() == 0.0);
        const double open_lo = lo2.uniform_open01();
        CHECK(open_lo > 0.0);
        CHECK(std::isfinite(std::log(open_lo)));

        RandomStream hi = stream_whose_next_output_is(~std::uint64_t{0});
        RandomStream hi2 = stream_whose_next_output_is(~std::uint64_t{0});
        CHECK(hi.uniform01() < 1.0);
        CHECK(hi2.uniform_open01() < 1.0);
    }
    SECTION("many draws: in range, mean 1/2") {
        // Mean of N uniforms has sd sqrt(1/12/N); allow 5 sd.
        constexpr int kN = 1000000;
        RandomStream r(5, 0, "range", "check");
        double sum = 0;
        for (int i = 0; i < kN; ++i) {
            const double u = i % 2 ? r.uniform01() : r.uniform_open01();
            REQUIRE(u >= 0.0);
            REQUIRE(u < 1.0);
            if (i % 2 == 0) REQUIRE(u > 0.0);
            sum += u;
        }
        CHECK(std::abs(sum / kN - 0.5) < 5.0 * std::sqrt(1.0 / 12.0 / kN));
    }
}

TEST_CASE("bernoulli consumes one draw and respects p", "[random]") {
    RandomStream a(9, 0, "x", "y");
    RandomStream b(9, 0, "x", "y");
    int hits = 0;
    constexpr int kN = 100000;
    for (int i = 0; i < kN; ++i) {
        const bool hit = a.bernoulli(0.3);
        REQUIRE(hit == (b.uniform01() < 0.3));
        hits += hit;
    }
    // Binomial sd = sqrt(N p (1-p)); allow 5 sd.
    CHECK(std::abs(hits - 0.3 * kN) < 5.0 * std::sqrt(kN * 0.3 * 0.7));
    RandomStream c(9, 0, "x", "y");
    CHECK_FALSE(c.bernoulli(0.0));
    CHECK(c.bernoulli(1.0));
}

TEST_CASE("from_state replaces the all-zero fixed point", "[random]") {
    RandomStream z = RandomStream::from_state(0, 0, 0, 0);
    RandomStream ref(std::uint64_t{0});
    const std::uint64_t first = z.next_u64();
    CHECK(first == ref.next_u64());
    CHECK((first | z.next_u64()) != 0);
}

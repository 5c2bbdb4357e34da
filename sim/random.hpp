// Random streams: one independent xoshiro256** stream per (seed, replication, element, purpose).
#pragma once

#include <cstdint>
#include <string_view>

namespace qosim::sim {

/// FNV-1a 64-bit hash of a byte string (fixed, documented; never std::hash, which differs
/// between standard libraries).
[[nodiscard]] constexpr std::uint64_t fnv1a64(std::string_view s,
                                              std::uint64_t h = 0xcbf29ce484222325ull) {
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

/// SplitMix64 step (Steele, Lea & Flood 2014): advances `state` and returns a mixed value.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/// A stream of pseudo-random numbers: xoshiro256** (Blackman & Vigna 2018), period 2^256-1.
///
/// Streams are keyed, not numbered by creation order, so adding or editing one element of a
/// scenario never changes the numbers another element draws (common random numbers):
///   key = SplitMix64-chain( seed, replication, FNV-1a(element), FNV-1a(purpose) )
/// and the 256-bit state is four further SplitMix64 outputs of that key.
class RandomStream {
public:
    /// The stream for (seed, replication, element name, purpose), e.g. (42, 3, "smt", "service").
    RandomStream(std::uint64_t seed, std::uint64_t replication, std::string_view element,
                 std::string_view purpose);

    /// A stream seeded directly from a 64-bit value (tests, derived sub-streams): the state is
    /// four SplitMix64 outputs starting from `seed64`.
    explicit RandomStream(std::uint64_t seed64);

    /// A stream whose xoshiro256** state is exactly (s0, s1, s2, s3), for known-answer tests
    /// against the reference implementation. The all-zero state (a fixed point of xoshiro) is
    /// replaced by the state of RandomStream(0).
    [[nodiscard]] static RandomStream from_state(std::uint64_t s0, std::uint64_t s1,
                                                 std::uint64_t s2, std::uint64_t s3);

    /// Next raw 64-bit output.
    std::uint64_t next_u64() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    /// Uniform on [0, 1) with 53 random bits.
    double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

    /// Uniform on (0, 1): never 0, so log(u) is finite, and never 1.
    /// Uses 52 bits: with 53, (2^53 - 1) + 0.5 rounds to 2^53 and the result would be 1.0.
    double uniform_open01() { return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1.0p-52; }

    /// True with probability p (p in [0, 1]); consumes exactly one draw.
    bool bernoulli(double p) { return uniform01() < p; }

    /// A standard exponential, -ln U with U = uniform_open01(). Drawn kExponentialBatch at a
    /// time: the logarithms of a batch are independent, so the processor overlaps them, where
    /// one at a time each sat on the simulation's critical path (a third of an M/M/1 event).
    /// The values are those of one-at-a-time inversion in the same order; only a stream that
    /// also serves other kinds of draw sees its uniforms consumed ahead, so the order of
    /// draws differs from unbatched use there (part of stream_version 3).
    double standard_exponential() {
        if (exponential_next_ == kExponentialBatch) refill_exponentials();
        return exponentials_[exponential_next_++];
    }

    static constexpr int kExponentialBatch = 8;

private:
    RandomStream() = default;  // state set by the caller (from_state)
    void fill_from_splitmix(std::uint64_t key);
    void refill_exponentials();

    static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    }
    std::uint64_t s_[4];
    double exponentials_[kExponentialBatch] = {};
    int exponential_next_ = kExponentialBatch;  // the batch is empty
};

}  // namespace qosim::sim

// RandomStream seeding: the keyed (seed, replication, element, purpose) derivation.
#include "sim/random.hpp"

#include "sim/portable_log.hpp"

namespace qosim::sim {

// The key chain, fixed forever (changing it changes every stream of every scenario):
//
//   state = seed
//   k = splitmix64(state);  state = k ^ replication
//   k = splitmix64(state);  state = k ^ fnv1a64(element)
//   k = splitmix64(state);  state = k ^ fnv1a64(purpose)
//   key = splitmix64(state)
//   s_[0..3] = four successive splitmix64 outputs starting from state = key
//
// Each component is mixed through a full SplitMix64 finaliser before the next one is folded
// in, so nearby seeds or replications give unrelated keys, and element and purpose are hashed
// separately, so ("ab", "c") and ("a", "bc") differ.
RandomStream::RandomStream(std::uint64_t seed, std::uint64_t replication, std::string_view element,
                           std::string_view purpose) {
    std::uint64_t state = seed;
    std::uint64_t k = splitmix64(state);
    state = k ^ replication;
    k = splitmix64(state);
    state = k ^ fnv1a64(element);
    k = splitmix64(state);
    state = k ^ fnv1a64(purpose);
    fill_from_splitmix(splitmix64(state));
}

RandomStream::RandomStream(std::uint64_t seed64) { fill_from_splitmix(seed64); }

RandomStream RandomStream::from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2,
                                      std::uint64_t s3) {
    if ((s0 | s1 | s2 | s3) == 0) return RandomStream(0);
    RandomStream r;
    r.s_[0] = s0;
    r.s_[1] = s1;
    r.s_[2] = s2;
    r.s_[3] = s3;
    return r;
}

// Four successive outputs of SplitMix64 from `key`. The SplitMix64 output function is a
// bijection of distinct states, so at most one of the four words can be zero; the guard below
// documents (and enforces) that xoshiro never starts from its all-zero fixed point.
void RandomStream::fill_from_splitmix(std::uint64_t key) {
    std::uint64_t state = key;
    for (std::uint64_t& w : s_) w = splitmix64(state);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 0x9e3779b97f4a7c15ull;
}

// Uniforms first, then their logarithms: two loops, so the logarithms have no dependency on
// one another and run side by side.
void RandomStream::refill_exponentials() {
    double u[kExponentialBatch];
    for (double& x : u) x = uniform_open01();
    for (int i = 0; i < kExponentialBatch; ++i) exponentials_[i] = -portable_log(u[i]);
    exponential_next_ = 0;
}

}  // namespace qosim::sim

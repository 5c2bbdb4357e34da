// run_replication: the pure function from (scenario, replication, seed) to its results.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// A run stopped by a safety limit (max_wip, max_events). Exit code 1.
class RunLimitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Simulates one replication. Pure: the result depends only on the arguments, so
/// replications may run on any thread in any order. Random streams are keyed by
/// (seed, replication, stage name, purpose).
ReplicationResult run_replication(const Scenario& scenario, std::uint64_t replication,
                                  std::uint64_t seed);

}  // namespace qosim::models

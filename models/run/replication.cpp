// run_replication: builds a fresh pipeline for one replication and runs it.
#include "models/run/replication.hpp"

#include "models/engine/pipeline.hpp"

namespace qosim::models {

ReplicationResult run_replication(const Scenario& scenario, std::uint64_t replication,
                                  std::uint64_t seed, const RunOptions& options) {
    detail::Pipeline pipeline(scenario, replication, seed, options);
    return pipeline.run();
}

}  // namespace qosim::models

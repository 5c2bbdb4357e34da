// A sweep across MPI ranks: rank 0 hands out tasks one at a time (dynamic load balancing) and
// keeps the journal and the files; every other rank runs the tasks it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/runner/whatif.hpp"

namespace qosim::app {

/// True when this qosim was built with MPI (QOSIM_MPI).
bool mpi_built_in();

/// "Open MPI v4.1.4" or similar; empty without MPI.
std::string mpi_library_version();

/// This process's place among the ranks of an MPI launch.
struct MpiWorld {
    int rank = 0;
    int size = 1;
};

/// The number of tasks the launcher (mpirun, srun) says it started, from its environment
/// (OMPI_COMM_WORLD_SIZE, PMI_SIZE, PMIX_SIZE, SLURM_STEP_NUM_TASKS); 1 when none is set.
int launcher_task_count();

/// Starts MPI when the process was started by an MPI launcher (and qosim has MPI); stops it
/// on destruction. Without a launcher, or without MPI, the world is one rank and MPI is never
/// initialised (so a plain `qosim sweep` does not pay for it).
class MpiSession {
public:
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    [[nodiscard]] const MpiWorld& world() const { return world_; }

private:
    MpiWorld world_;
    [[maybe_unused]] bool initialised_ = false;
};

/// Rank 0: runs `tasks` on the other ranks, one task per request, and returns what
/// run_tasks would (rows sorted by task, the lowest failure per point). `options.on_row` is
/// called on rank 0 for each row as it arrives; `options.stop` stops handing out tasks. Every
/// worker has been sent `stop` when this returns or throws (an exception of on_row is
/// rethrown only after that), so it must be called once per MPI session.
WhatIfOutcome mpi_dispatch(const std::vector<Task>& tasks, const WhatIfOptions& options,
                           const MpiWorld& world);

/// Ranks other than 0: asks rank 0 for tasks and runs them until told to stop.
void mpi_serve(PointScenarios& scenarios, const MpiWorld& world);

}  // namespace qosim::app

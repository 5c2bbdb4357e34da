// A sweep across MPI ranks: rank 0 hands out one task per request and keeps every result.
#include "app/runner/mpi_tasks.hpp"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <thread>

#if QOSIM_HAVE_MPI
#include <mpi.h>
#endif

#include "app/output/text.hpp"

namespace qosim::app {

int launcher_task_count() {
    for (const char* name :
         {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_STEP_NUM_TASKS"}) {
        const char* value = std::getenv(name);
        if (value == nullptr) continue;
        const int n = std::atoi(value);
        if (n > 1) return n;
    }
    return 1;
}

#if QOSIM_HAVE_MPI

namespace {

/// Message tags of the protocol. A worker's first message is `ready`; each later one is the
/// result of the task it was given (`row` or `failure`) and asks for the next. Rank 0 answers
/// every message with `task` or `stop`.
enum Tag : int { ready = 1, row = 2, failure = 3, task = 4, stop = 5 };

/// True when an MPI launcher started this process (mpirun / mpiexec / srun with PMI).
bool under_launcher() {
    for (const char* name :
         {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "PMI_SIZE"})
        if (std::getenv(name) != nullptr) return true;
    return false;
}

}  // namespace

bool mpi_built_in() { return true; }

std::string mpi_library_version() {
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    MPI_Get_library_version(text, &length);
    std::string out(text, static_cast<std::size_t>(length));
    const auto cut = out.find_first_of(",\n");  // "Open MPI v4.1.4, package: ..."
    return cut == std::string::npos ? out : out.substr(0, cut);
}

MpiSession::MpiSession() {
    if (!under_launcher()) return;
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    initialised_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &world_.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_.size);
}

MpiSession::~MpiSession() {
    if (initialised_) MPI_Finalize();
}

WhatIfOutcome mpi_dispatch(const std::vector<Task>& tasks, const WhatIfOptions& options,
                           const MpiWorld& world) {
    std::vector<TaskRow> rows;
    std::vector<PointFailure> failures;
    std::size_t next = 0;
    std::size_t finished = 0;
    int active = world.size - 1;
    bool interrupted = false;
    std::exception_ptr error;
    std::vector<double> buffer;
    if (options.on_progress) options.on_progress(0, tasks.size());
    while (active > 0) {
        // Wait for a worker without spinning: Open MPI's blocking probe polls at full speed,
        // which on a small machine takes a core from the workers.
        MPI_Status status;
        int arrived = 0;
        while (true) {
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status);
            if (arrived != 0) break;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        const int source = status.MPI_SOURCE;
        if (status.MPI_TAG == Tag::row) {
            int count = 0;
            MPI_Get_count(&status, MPI_DOUBLE, &count);
            buffer.resize(static_cast<std::size_t>(count));
            MPI_Recv(buffer.data(), count, MPI_DOUBLE, source, Tag::row, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            TaskRow r{
                {static_cast<std::size_t>(buffer.at(0)), static_cast<std::size_t>(buffer.at(1))},
                std::vector<double>(buffer.begin() + 2, buffer.end())};
            if (options.on_row && !error) {
                try {
                    options.on_row(r);  // the journal: a full disk throws
                } catch (...) {
                    error = std::current_exception();  // stop handing out, then rethrow
                }
            }
            rows.push_back(std::move(r));
            ++finished;
        } else if (status.MPI_TAG == Tag::failure) {
            int count = 0;
            MPI_Get_count(&status, MPI_CHAR, &count);
            std::string text(static_cast<std::size_t>(count), '\0');
            MPI_Recv(text.data(), count, MPI_CHAR, source, Tag::failure, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            // "point replication message"
            const auto a = text.find(' ');
            const auto b = text.find(' ', a + 1);
            failures.push_back(
                {{std::stoull(text.substr(0, a)), std::stoull(text.substr(a + 1, b - a - 1))},
                 text.substr(b + 1)});
            ++finished;
        } else {
            int dummy = 0;
            MPI_Recv(&dummy, 1, MPI_INT, source, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        if (options.on_progress) options.on_progress(finished, tasks.size());
        if (options.stop != nullptr && options.stop->load() && next < tasks.size())
            interrupted = true;
        if (next < tasks.size() && !interrupted && !error) {
            const unsigned long long t[2] = {tasks[next].point, tasks[next].replication};
            ++next;
            MPI_Send(t, 2, MPI_UNSIGNED_LONG_LONG, source, Tag::task, MPI_COMM_WORLD);
        } else {
            const int none = 0;
            MPI_Send(&none, 1, MPI_INT, source, Tag::stop, MPI_COMM_WORLD);
            --active;
        }
    }
    // Every worker has been told to stop; only now may an error leave rank 0.
    if (error) std::rethrow_exception(error);
    return collect_outcome(std::move(rows), std::move(failures), interrupted);
}

void mpi_serve(PointScenarios& scenarios, const MpiWorld&) {
    const int hello = 0;
    MPI_Send(&hello, 1, MPI_INT, 0, Tag::ready, MPI_COMM_WORLD);
    std::vector<double> buffer;
    while (true) {
        MPI_Status status;
        MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
        if (status.MPI_TAG == Tag::stop) {
            int none = 0;
            MPI_Recv(&none, 1, MPI_INT, 0, Tag::stop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            return;
        }
        unsigned long long t[2] = {0, 0};
        MPI_Recv(t, 2, MPI_UNSIGNED_LONG_LONG, 0, Tag::task, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        const Task task{static_cast<std::size_t>(t[0]), static_cast<std::size_t>(t[1])};
        auto result = run_task(scenarios, task);
        if (auto* r = std::get_if<TaskRow>(&result)) {
            buffer.assign({static_cast<double>(task.point), static_cast<double>(task.replication)});
            buffer.insert(buffer.end(), r->values.begin(), r->values.end());
            MPI_Send(buffer.data(), static_cast<int>(buffer.size()), MPI_DOUBLE, 0, Tag::row,
                     MPI_COMM_WORLD);
        } else {
            const std::string text =
                cat({std::to_string(task.point), " ", std::to_string(task.replication), " ",
                     std::get<std::string>(result)});
            MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, Tag::failure,
                     MPI_COMM_WORLD);
        }
    }
}

#else  // no MPI: one rank, always

bool mpi_built_in() { return false; }

std::string mpi_library_version() { return {}; }

MpiSession::MpiSession() = default;

MpiSession::~MpiSession() = default;

WhatIfOutcome mpi_dispatch(const std::vector<Task>&, const WhatIfOptions&, const MpiWorld&) {
    throw std::logic_error("mpi_dispatch: qosim was built without MPI");
}

void mpi_serve(PointScenarios&, const MpiWorld&) {
    throw std::logic_error("mpi_serve: qosim was built without MPI");
}

#endif

}  // namespace qosim::app

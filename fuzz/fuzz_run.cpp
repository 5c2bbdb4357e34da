// Fuzz target `run`: the bytes are a scenario file. Once it loads, two short replications
// (and the warm-up choice, the summary and the console report) must finish or stop with a
// RunLimitError. The run is cut down so that each input takes milliseconds: at most
// kMaxEvents events and kMaxWip orders in progress, about kOrders orders after a warm-up of
// at most kWarmupOrders orders' worth of time (from the sources' total arrival rate).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/output/console.hpp"
#include "app/output/summary.hpp"
#include "fuzz/fuzz_target.hpp"
#include "models/graph/flow_analysis.hpp"
#include "models/input/load.hpp"
#include "models/run/replication.hpp"
#include "models/run/run_control.hpp"
#include "models/scenario/diagnostics.hpp"

namespace {

namespace models = qosim::models;

constexpr double kMaxEvents = 20'000;
constexpr std::uint64_t kMaxWip = 2'000;
constexpr double kOrders = 200;
constexpr double kWarmupOrders = 50;

/// Counts trace records (the trace only observes; this runs its code).
class CountingTrace final : public models::TraceSink {
public:
    void record(const models::TraceRecord& r) override {
        ++records;
        if (r.event == nullptr) qosim::fuzz::finding("a trace record without an event");
    }
    std::uint64_t records = 0;
};

/// The scenario cut down to a short run (see the file comment).
void cap_run(models::Scenario& sc) {
    models::RunSpec& run = sc.run;
    run.max_events = std::min(run.max_events, kMaxEvents);
    run.max_wip = std::min(run.max_wip, kMaxWip);
    run.replications = std::min(run.replications, 2);
    if (run.precision)
        run.precision->max_replications = std::min(run.precision->max_replications, 3);
    if (run.orders) {
        run.orders = std::min<std::uint64_t>(*run.orders, static_cast<std::uint64_t>(kOrders));
        return;
    }
    const models::FlowAnalysis flow = models::analyse_flow(sc);
    double rate = 0.0;
    for (std::size_t i = 0; i < sc.stages.size(); ++i)
        if (sc.stages[i].type == models::StageType::source) rate += flow.arrival_rate[i];
    if (!(rate > 0.0) || !std::isfinite(rate)) return;
    const double warmup = std::min(run.warmup, kWarmupOrders / rate);
    const double horizon = std::min(run.horizon, warmup + kOrders / rate);
    if (std::isfinite(horizon) && horizon > warmup) {
        run.warmup = warmup;
        run.horizon = horizon;
    }
}

void run_short(models::Scenario sc) {
    cap_run(sc);
    if (sc.run.warmup_auto) sc.run.warmup = models::choose_warmup(sc, 2);
    std::vector<models::ReplicationResult> results;
    CountingTrace trace;
    for (std::uint64_t rep = 0; rep < 2; ++rep) {
        models::RunOptions options;
        if (!sc.run.orders) options.timeseries_window = sc.run.horizon / 8;
        options.record_lead_times = rep == 1;
        options.trace = rep == 0 ? &trace : nullptr;
        results.push_back(models::run_replication(sc, rep, sc.run.seed, options));
    }
    qosim::fuzz::note("ran 2 replications to t = " + std::to_string(sc.run.horizon) + ", " +
                      std::to_string(trace.records) + " trace records in the first");
    const qosim::app::Summary summary = qosim::app::summarize(sc, results);
    if (qosim::app::render_run_report(sc, summary, {}).empty())
        qosim::fuzz::finding("an empty run report");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = qosim::fuzz::as_text(data, size);
    return qosim::fuzz::guarded([&] {
        models::Scenario scenario;
        try {
            scenario = models::load_scenario_text(text, "fuzz.yaml");
        } catch (const models::ScenarioError& e) {
            qosim::fuzz::note("refused: " + std::to_string(e.diagnostics().size()) + " problems");
            return;  // the loader target checks the diagnostics
        }
        try {
            run_short(std::move(scenario));
        } catch (const models::RunLimitError& e) {
            // max_events or max_wip reached: the run stops with a message (exit 1), as it should
            qosim::fuzz::note(std::string("run limit: ") + e.what());
        }
    });
}

// Section builders for the scenario header (name, time_unit) and `run:` (horizon or orders,
// warm-up, replications, seed, limits, precision).
#include <filesystem>

#include "models/input/builder.hpp"
#include "models/scenario/did_you_mean.hpp"

namespace qosim::models::detail {

void ScenarioBuilder::read_header() {
    if (const auto name = r_.text(at(top_, "name"))) {
        sc_.name = *name;
    } else {
        sc_.name = std::filesystem::path(sc_.file).stem().string();
    }
    if (const auto unit = r_.text(at(top_, "time_unit"))) {
        sc_.time_unit = parse_in(kTimeUnitNames, *unit).value_or(TimeUnit::hour);
    }
}

void ScenarioBuilder::read_run() {
    const Cursor run = at(top_, "run");
    if (!r_.check_map(run)) return;
    RunSpec& s = sc_.run;
    Cursor horizon_c = at(run, "horizon");
    Cursor orders_c = at(run, "orders");
    if (horizon_c.present() && orders_c.present()) {
        // An override of one (--horizon, --set run.orders=N) switches the file's mode.
        const bool horizon_set = horizon_c.key_loc.line == 0;
        const bool orders_set = orders_c.key_loc.line == 0;
        if (horizon_set && !orders_set) orders_c.node = nullptr;
        if (orders_set && !horizon_set) horizon_c.node = nullptr;
    }
    double horizon = 0.0;  // > 0 when read: warmup must be below it
    if (horizon_c.present()) {
        if (const auto v = r_.number(horizon_c)) horizon = s.horizon = *v;
    }
    if (orders_c.present()) {
        if (const auto v = r_.integer(orders_c)) s.orders = *v;
    }
    if (horizon_c.present() && orders_c.present()) {
        r_.error(orders_c.key_loc, orders_c.path, "give `horizon` or `orders`, not both",
                 "horizon runs each replication for a fixed simulated time; orders creates "
                 "N orders and runs until every one has concluded");
        horizon = 0.0;
    } else if (!horizon_c.present() && !orders_c.present()) {
        r_.error(run.key_loc, run.path,
                 "`run` needs `horizon` (simulated time per replication) or `orders` "
                 "(orders per replication)",
                 "e.g. run: {horizon: 2000} or run: {orders: 10000}");
    }
    read_warmup(run, horizon);
    const Cursor reps = at(run, "replications");
    const auto reps_v = r_.integer(reps);
    if (reps_v) s.replications = to_int(reps, *reps_v, s.replications);
    const bool reps_ok = reps_v.has_value();
    if (const auto v = r_.integer(at(run, "seed"))) s.seed = *v;
    if (const auto v = r_.integer(at(run, "max_wip"))) s.max_wip = *v;
    if (const auto v = r_.number(at(run, "max_events"))) s.max_events = *v;
    read_precision(run, reps, reps_ok);
}

// A number, or `auto`: MSER-5 picks the warm-up per replication. `horizon` 0: none given.
void ScenarioBuilder::read_warmup(const Cursor& run, double horizon) {
    RunSpec& s = sc_.run;
    const Cursor warmup = at(run, "warmup");
    const bool word = warmup.present() && warmup.node->is_scalar() &&
                      !parse_number(warmup.node->scalar).has_value();
    if (word && warmup.node->scalar == "auto") {
        s.warmup_auto = true;
        s.warmup = 0.0;
        return;
    }
    if (word) {
        const std::string_view words[] = {"auto"};
        if (const auto guess = did_you_mean(warmup.node->scalar, words)) {
            r_.error(warmup.loc, warmup.path,
                     "must be a number or `auto`, got `" + warmup.node->scalar + "`",
                     "did you mean `" + *guess + "`?");
            return;
        }
    }
    if (const auto w = r_.number(warmup)) {
        s.warmup = *w;
        if (horizon > 0.0 && warmup.present() && !(*w < horizon)) {
            r_.error(
                warmup.loc, warmup.path,
                "must be < horizon (" + format_number(horizon) + "), got " + warmup.node->scalar,
                "statistics are collected between warmup and horizon");
        }
    }
}

// `precision`: replications becomes the minimum (default 3), at most max_replications.
void ScenarioBuilder::read_precision(const Cursor& run, const Cursor& reps, bool reps_ok) {
    const Cursor pc = at(run, "precision");
    if (!pc.present()) return;
    RunSpec& s = sc_.run;
    if (!reps.present()) s.replications = 3;
    if (!r_.check_map(pc)) return;
    const std::size_t errors_before = r_.error_count();
    Precision p;
    const Cursor metric_c = at(pc, "metric");
    if (const auto metric = r_.text(metric_c)) {
        p.metric = *metric;
        if (check_metric_name(*metric, metric_c.loc, metric_c.path,
                              "precision names a runs.csv metric: ")) {
            survey_metric_uses_.push_back({*metric, metric_c.loc, metric_c.path});
        }
    }
    if (const auto v = r_.number(at(pc, "half_width"))) p.half_width = *v;
    const Cursor max_c = at(pc, "max_replications");
    const auto max = r_.integer(max_c);
    if (max) p.max_replications = to_int(max_c, *max, p.max_replications);
    if (max && reps.present() && reps_ok && s.replications > p.max_replications) {
        r_.error(reps.loc, reps.path,
                 "with `precision`, replications is the minimum number of replications "
                 "and must be <= precision.max_replications (" +
                     std::to_string(p.max_replications) + "), got " + reps.node->scalar,
                 "raise precision.max_replications, or lower replications (default 3 with "
                 "precision)");
    }
    if (r_.error_count() == errors_before) s.precision = std::move(p);
}

void ScenarioBuilder::check_event_budget(const Cursor& c, const StageSpec& stage) {
    const RunSpec& run = sc_.run;
    if (run.orders) return;  // bounded by the order count
    const StageEventEstimate e = expected_stage_events(stage, run.horizon);
    if (e.events > run.max_events) {
        auto [message, hint] = event_budget_message(stage.name, e, run.horizon, run.max_events);
        r_.error(c.loc, c.path, std::move(message), std::move(hint));
    }
}

}  // namespace qosim::models::detail

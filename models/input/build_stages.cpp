// Section builder for `stages:`: each stage's name and type, then the keys of its type
// (sources, sinks and links here; stations and inspections in build_station.cpp, products in
// build_products.cpp).
#include <algorithm>

#include "models/input/builder.hpp"

namespace qosim::models::detail {

void ScenarioBuilder::read_stages() {
    const Cursor stages = at(top_, "stages");
    if (!r_.check_map(stages) || !stages.node->is_map() || stages.node->entries.empty()) {
        if (stages.present() && (stages.node->is_null() || stages.node->is_map())) {
            r_.error(stages.key_loc, stages.path, "there are no stages",
                     "a scenario needs at least a source and a sink");
        }
        graph_checkable_ = false;
        return;
    }
    stages_ = stages;
    bool all_typed = true;
    for (const auto& e : stages.node->entries) {
        names_.push_back(e.key);
        sc_.stages.push_back(read_stage(stages, e));
        types_known_.push_back(last_type_known_);
        all_typed = all_typed && last_type_known_;
    }
    read_service_by_product();
    if (!all_typed) {
        graph_checkable_ = false;
        return;
    }
    for (const StageType t : {StageType::source, StageType::sink}) {
        bool found = false;
        for (const auto& s : sc_.stages) found = found || s.type == t;
        if (!found) {
            const std::string type = to_string(t);
            r_.error(stages.key_loc, stages.path, "there is no " + type + " stage",
                     t == StageType::source
                         ? "add a stage with `type: source` where orders are created"
                         : "add a stage with `type: sink` where orders are delivered");
            graph_checkable_ = false;
        }
    }
}

StageSpec ScenarioBuilder::read_stage(const Cursor& stages, const RawEntry& e) {
    StageSpec spec;
    spec.name = e.key;
    spec.loc = e.key_loc;
    last_type_known_ = false;
    const Cursor sc = at(stages, e.key);
    if (e.key == "scrap") {
        r_.error(e.key_loc, sc.path,
                 "the stage name `scrap` is reserved (the built-in scrap target)",
                 "rename the stage");
        graph_checkable_ = false;
    } else if (!is_valid_stage_name(e.key)) {
        graph_checkable_ = false;
        r_.error(e.key_loc, sc.path,
                 "a stage name must match [A-Za-z_][A-Za-z0-9_-]*, got `" + e.key + "`",
                 "use letters, digits, `_` and `-`, starting with a letter or `_`");
    }
    if (!sc.node->is_map()) {
        r_.error(sc.loc, sc.path, "a stage must be a map of keys, got " + sc.node->describe(),
                 "e.g. " + e.key + ": {type: station, service: 0.5}");
        return spec;
    }
    const auto type_text = r_.text(at(sc, "type"));
    const auto type = type_text ? parse_in(kStageTypeNames, *type_text) : std::nullopt;
    if (!type) {
        r_.check_map(sc);
        return spec;
    }
    spec.type = *type;
    last_type_known_ = true;
    const StageTypeMask mask = stage_bit(*type);
    const std::string label = with_article(*type) + " stage";
    r_.check_map(sc, mask, label);
    switch (*type) {
    case StageType::source: read_source(sc, spec, mask, label); break;
    case StageType::station:
    case StageType::inspection: read_station(sc, spec, mask, label); break;
    case StageType::link: read_link(sc, spec, mask, label); break;
    case StageType::sink: read_sink(sc, spec, mask, label); break;
    }
    return spec;
}

void ScenarioBuilder::read_source(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                                  const std::string& label) {
    const Cursor ia = at(sc, "interarrival");
    if (const auto d = r_.distribution(ia)) {
        spec.interarrival = *d;
        if (!(d->mean() > 0)) {
            r_.error(ia.loc, ia.path, "must have a mean > 0, got a mean of 0",
                     "orders would arrive infinitely fast; give a positive time between "
                     "arrivals");
        } else {
            check_event_budget(ia, spec);
        }
    }
    const Cursor due = at(sc, "due_in");
    if (due.present()) spec.due_in = r_.distribution(due);
    if (const auto v = r_.text(at(sc, "on_scrap"))) {
        spec.on_scrap = parse_in(kOnScrapNames, *v).value_or(OnScrap::remake);
    }
    read_products(sc, spec, mask, label);
}

void ScenarioBuilder::read_sink(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                                const std::string& label) {
    const Cursor survey = at(sc, "survey");
    if (!survey.present()) return;
    survey_written_ = true;
    if (!r_.check_map(survey, mask, label)) return;
    const auto rate = r_.number(at(survey, "response_rate"));
    const auto bias = r_.number(at(survey, "bias"));
    if (rate && bias) spec.survey = Survey{*rate, *bias};
}

void ScenarioBuilder::read_link(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                                const std::string& label) {
    if (const auto d = r_.distribution(at(sc, "delay"))) spec.delay = *d;
    if (const auto v = r_.number(at(sc, "loss_prob"))) spec.loss_prob = *v;
    if (const auto v = r_.number(at(sc, "damage_prob"))) spec.damage_prob = *v;
    const Cursor retry = at(sc, "retry");
    if (r_.check_map(retry, mask, label)) {
        const auto timeout = r_.number(at(retry, "timeout"));
        const Cursor max_c = at(retry, "max");
        const auto max = r_.integer(max_c);
        if (timeout && max) spec.retry = Retry{*timeout, to_int(max_c, *max, 0)};
    }
    read_cost(sc, spec, mask, label);
}

// per_..._hour figures are per hour whatever the time unit: convert them here, once.
void ScenarioBuilder::read_cost(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                                const std::string& label) {
    const Cursor cost = at(sc, "cost");
    if (!r_.check_map(cost, mask, label)) return;
    const double hours = hours_per_unit(sc_.time_unit);
    if (mask & stage_bit(StageType::station) || mask & stage_bit(StageType::inspection)) {
        if (const auto v = r_.number(at(cost, "per_busy_hour")))
            spec.cost.per_busy_time = *v * hours;
        if (const auto v = r_.number(at(cost, "per_idle_hour")))
            spec.cost.per_idle_time = *v * hours;
    }
    if (const auto v = r_.number(at(cost, "per_unit"))) spec.cost.per_unit = *v;
}

}  // namespace qosim::models::detail

// Section builder for `faults:`: scheduled outages, surges and temporary probabilities, each
// on a stage of a type it applies to, none overlapping another of its kind on that stage.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/faults/fault_effects.hpp"
#include "models/input/builder.hpp"

namespace qosim::models::detail {

namespace {

/// "outage: a station or inspection; surge: a source (factor); ...", from the table.
std::string fault_kinds_hint() {
    std::string out;
    for (const FaultEffect& e : kFaultEffects) {
        if (!out.empty()) out += "; ";
        out += std::string(to_string(e.kind)) + ": " + e.stages_in_words;
        if (e.amount == &Fault::factor) out += " (factor)";
        if (e.amount == &Fault::value) out += " (value)";
    }
    return out;
}

}  // namespace

void ScenarioBuilder::read_faults() {
    const Cursor faults = at(top_, "faults");
    if (!faults.present() || faults.node->is_null()) return;
    if (!r_.check_list(faults)) return;
    std::vector<std::size_t> item_of;  // sc_.faults[k] came from faults.item_of[k]
    for (std::size_t i = 0; i < faults.node->items.size(); ++i) {
        const Cursor fc = Reader::item(faults, i);
        if (!r_.check_map(fc)) continue;
        if (auto f = read_fault(fc)) {
            sc_.faults.push_back(*f);
            item_of.push_back(i);
        }
    }
    // Two faults of one kind on one stage at once would end each other's effect early.
    // Compared only within a (stage, kind) group: the earlier faults of the same group.
    std::map<std::pair<std::size_t, FaultKind>, std::vector<std::size_t>> group;
    for (std::size_t k = 0; k < sc_.faults.size(); ++k) {
        const Fault& f = sc_.faults[k];
        std::vector<std::size_t>& earlier = group[{f.stage, f.kind}];
        earlier.push_back(k);
        for (const std::size_t j : earlier) {
            if (j == k) break;
            const Fault& g = sc_.faults[j];
            if (f.at < g.at + g.duration && g.at < f.at + f.duration) {
                const Cursor at_c = at(Reader::item(faults, item_of[k]), "at");
                r_.error(at_c.loc, at_c.path,
                         "this " + std::string(to_string(f.kind)) + " fault on `" +
                             names_[f.stage] + "` overlaps faults." + std::to_string(item_of[j]) +
                             " ([" + format_number(g.at) + ", " + format_number(g.at + g.duration) +
                             "))",
                         "merge them into one fault, or move one so they do not overlap");
                break;
            }
        }
    }
}

std::optional<Fault> ScenarioBuilder::read_fault(const Cursor& fc) {
    const std::size_t errors_before = r_.error_count();
    Fault f;
    f.loc = fc.loc;
    const Cursor stage_c = at(fc, "stage");
    const Cursor kind_c = at(fc, "kind");
    const Cursor factor_c = at(fc, "factor");
    const Cursor value_c = at(fc, "value");
    const auto name = r_.text(stage_c);
    const auto kind_text = r_.text(kind_c);
    const auto at_v = r_.number(at(fc, "at"));
    const auto duration = r_.number(at(fc, "duration"));
    if (at_v) f.at = *at_v;
    if (duration) f.duration = *duration;
    const auto factor = factor_c.present() ? r_.number(factor_c) : std::nullopt;
    const auto value = value_c.present() ? r_.number(value_c) : std::nullopt;
    std::optional<std::size_t> stage;
    if (name && !names_.empty()) stage = stage_index(stage_c, *name, nullptr);
    if (stage) f.stage = *stage;
    if (kind_text) {
        f.kind = parse_in(kFaultKindNames, *kind_text).value_or(FaultKind::outage);
        const FaultEffect& effect = fault_effect(f.kind);
        const bool takes_factor = effect.amount == &Fault::factor;
        const bool takes_value = effect.amount == &Fault::value;
        const std::string kind = to_string(f.kind);
        const std::string a_kind = (f.kind == FaultKind::outage ? "an " : "a ") + kind;
        const std::string takes = a_kind + " fault takes: stage, kind, at, duration" +
                                  (takes_factor  ? ", factor"
                                   : takes_value ? ", value"
                                                 : "");
        for (const auto& [c, allowed] :
             {std::pair{&factor_c, takes_factor}, std::pair{&value_c, takes_value}}) {
            if (c->present() && !allowed) {
                // Appended piece by piece: GCC 12's -Wrestrict misfires on "`" + std::string(…)
                // at -O3 without profile data.
                std::string what = "`";
                what.append(c->name())
                    .append("` does not apply to ")
                    .append(a_kind)
                    .append(" fault");
                r_.error(c->key_loc, c->path, what, takes);
            }
        }
        if (takes_factor && !factor_c.present()) {
            r_.error(fc.loc, factor_c.path, a_kind + " fault needs `factor` (> 0)",
                     effect.factor_hint);
        }
        if (takes_value && !value_c.present()) {
            r_.error(fc.loc, value_c.path, a_kind + " fault needs `value` (in [0, 1])",
                     "the stage's " + kind + " during the fault, e.g. value: 0.1");
        }
        if (factor) f.factor = *factor;
        if (value) f.value = *value;
        if (stage && types_known_[*stage] &&
            (effect.stages & stage_bit(sc_.stages[*stage].type)) == 0) {
            r_.error(stage_c.loc, stage_c.path,
                     a_kind + " fault needs " + effect.stages_in_words + ", and `" + *name +
                         "` is " + with_article(sc_.stages[*stage].type),
                     fault_kinds_hint());
        }
    }
    if (r_.error_count() != errors_before || !stage || !kind_text) return std::nullopt;
    return f;
}

}  // namespace qosim::models::detail

// Section builder for the keys of stations and inspections: servers, service, queue, defect and
// inspection probabilities, breakdowns, shifts, initial work in process.
#include <algorithm>
#include <climits>

#include "models/input/builder.hpp"

namespace qosim::models::detail {

void ScenarioBuilder::read_station(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                                   const std::string& label) {
    const Cursor servers = at(sc, "servers");
    bool servers_ok = true;
    if (const auto v = r_.integer(servers)) {
        spec.servers = to_int(servers, *v, 1);
    } else {
        servers_ok = false;
    }
    if (const auto d = r_.distribution(at(sc, "service"))) spec.service = *d;
    const Cursor queue = at(sc, "queue");
    if (r_.check_map(queue, mask, label)) {
        const Cursor cap = at(queue, "capacity");
        if (cap.present()) {
            if (const auto v = r_.integer(cap))
                spec.queue_capacity = static_cast<std::int64_t>(
                    std::min<std::uint64_t>(*v, static_cast<std::uint64_t>(INT64_MAX)));
        }
    }
    if (const auto d = r_.text(at(queue, "discipline"))) {
        spec.discipline = parse_in(kDisciplineNames, *d).value_or(Discipline::fifo);
    }
    read_cost(sc, spec, mask, label);
    if (spec.type == StageType::station) {
        if (const auto v = r_.number(at(sc, "defect_prob"))) spec.defect_prob = *v;
        if (const auto v = r_.boolean(at(sc, "repairs"))) spec.repairs = *v;
    } else {
        if (const auto v = r_.number(at(sc, "detect_prob"))) spec.detect_prob = *v;
        if (const auto v = r_.number(at(sc, "false_alarm_prob"))) spec.false_alarm_prob = *v;
    }
    read_breakdowns(sc, spec, mask, label);
    read_shifts(sc, spec, servers_ok ? &servers : nullptr, mask, label);
    const Cursor sbp = at(sc, "service_by_product");
    if (r_.check_map(sbp, mask, label) && sbp.node->is_map()) {
        service_by_product_.emplace_back(sc_.stages.size(), sbp);
    }
    read_initial_wip(sc, spec, servers_ok);
}

// Orders at time 0 fill the servers, then the queue: they must fit.
void ScenarioBuilder::read_initial_wip(const Cursor& sc, StageSpec& spec, bool servers_ok) {
    const Cursor wip = at(sc, "initial_wip");
    const auto v = r_.integer(wip);
    if (!v) return;
    spec.initial_wip = static_cast<std::int64_t>(
        std::min<std::uint64_t>(*v, static_cast<std::uint64_t>(INT64_MAX)));
    if (!wip.present() || !servers_ok || !spec.queue_capacity) return;
    const std::int64_t room = spec.servers + *spec.queue_capacity;
    if (spec.initial_wip > room) {
        r_.error(wip.loc, wip.path,
                 "must be <= servers + queue.capacity (" + std::to_string(spec.servers) + " + " +
                     std::to_string(*spec.queue_capacity) + " = " + std::to_string(room) +
                     "), got " + wip.node->scalar,
                 "orders at time 0 fill the servers first, then the queue; raise "
                 "queue.capacity or lower initial_wip");
    }
}

void ScenarioBuilder::read_breakdowns(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                                      const std::string& label) {
    const Cursor b = at(sc, "breakdowns");
    if (!r_.check_map(b, mask, label)) return;
    const std::size_t errors_before = r_.error_count();
    Breakdowns bd;
    const Cursor between = at(b, "time_between");
    if (const auto d = r_.distribution(between)) {
        bd.time_between = *d;
        if (!(d->mean() > 0)) {
            r_.error(between.loc, between.path, "must have a mean > 0, got a mean of 0",
                     "a server would fail again the moment it is repaired; give the mean "
                     "time between failures (MTBF)");
        }
    }
    if (const auto d = r_.distribution(at(b, "repair"))) bd.repair = *d;
    if (const auto v = r_.number(at(b, "cost_per_repair"))) bd.cost_per_repair = *v;
    if (const auto v = r_.text(at(b, "on_failure"))) {
        bd.on_failure = parse_in(kFailureModeNames, *v).value_or(FailureMode::resume);
    }
    if (const auto v = r_.text(at(b, "clock"))) {
        bd.clock = parse_in(kBreakdownClockNames, *v).value_or(BreakdownClock::calendar);
    }
    if (r_.error_count() == errors_before) spec.breakdowns = bd;
}

// `servers` is the servers cursor when it was read without error, else null.
void ScenarioBuilder::read_shifts(const Cursor& sc, StageSpec& spec, const Cursor* servers,
                                  StageTypeMask mask, const std::string& label) {
    const Cursor sh = at(sc, "shifts");
    if (!r_.check_map(sh, mask, label)) return;
    const std::size_t errors_before = r_.error_count();
    const auto cycle = r_.number(at(sh, "cycle"));
    const Cursor list = at(sh, "servers");
    if (!r_.check_list(list)) return;
    std::vector<WindowItem> windows;
    for (std::size_t i = 0; i < list.node->items.size(); ++i) {
        const Cursor wc = Reader::item(list, i);
        if (!r_.check_map(wc, mask, label)) continue;
        const Cursor from_c = at(wc, "from");
        const Cursor to_c = at(wc, "to");
        const Cursor n_c = at(wc, "servers");
        const auto from = r_.number(from_c);
        const auto to = r_.number(to_c);
        const auto n = r_.integer(n_c);
        if (!from || !to || !n) continue;
        if (!(*from < *to)) {
            r_.error(to_c.loc, to_c.path,
                     "must be after `from` (" + from_c.node->scalar + "), got " + to_c.node->scalar,
                     "a window is [from, to) within the cycle; one that runs past the "
                     "cycle's end is two windows, e.g. [20, 24) and [0, 4)");
            continue;
        }
        if (cycle && *to > *cycle) {
            r_.error(to_c.loc, to_c.path,
                     "must be <= cycle (" + format_number(*cycle) + "), got " + to_c.node->scalar,
                     "windows lie within one cycle; split one that runs past its end");
            continue;
        }
        windows.push_back({ShiftWindow{*from, *to, to_int(n_c, *n, 0)}, from_c, i});
    }
    if (r_.error_count() != errors_before || !cycle) return;

    std::stable_sort(windows.begin(), windows.end(),
                     [](const auto& a, const auto& b) { return a.window.from < b.window.from; });
    int most = 0;
    for (std::size_t k = 0; k < windows.size(); ++k) {
        const ShiftWindow& w = windows[k].window;
        most = std::max(most, w.servers);
        if (k == 0) continue;
        const WindowItem& before = windows[k - 1];
        if (w.from < before.window.to) {
            r_.error(windows[k].from.loc, windows[k].from.path,
                     "the shift window [" + format_number(w.from) + ", " + format_number(w.to) +
                         ") overlaps [" + format_number(before.window.from) + ", " +
                         format_number(before.window.to) + ") (" + list.path + "." +
                         std::to_string(before.index) + ")",
                     "windows must not overlap; end one where the next begins, e.g. "
                     "[0, 8) then [8, 16)");
        }
    }
    if (most < 1) {
        r_.error(list.loc, list.path,
                 "no shift window has a server on: `" + spec.name + "` would never work",
                 "give at least one window `servers: 1` or more");
    }
    if (r_.error_count() != errors_before) return;
    // `servers` is the pool the shifts draw from: a window cannot staff more servers than
    // the station has (a sweep over `servers` keeps its staffing plan as far as it can).
    if (servers != nullptr && servers->present() && spec.servers < most) {
        sc_.warnings.push_back({servers->loc, servers->path,
                                "the station has " + std::to_string(spec.servers) +
                                    " servers but its shift windows staff up to " +
                                    std::to_string(most) + ": those windows run with " +
                                    std::to_string(spec.servers),
                                "raise `servers` to " + std::to_string(most) +
                                    " or lower the windows, if that is not what you mean"});
        for (auto& w : windows) w.window.servers = std::min(w.window.servers, spec.servers);
        most = spec.servers;
    }
    if (servers == nullptr || !servers->present()) spec.servers = most;
    Shifts shifts;
    shifts.cycle = *cycle;
    for (const auto& w : windows) shifts.windows.push_back(w.window);
    spec.shifts = std::move(shifts);
    check_event_budget(at(sh, "cycle"), spec);
}

}  // namespace qosim::models::detail

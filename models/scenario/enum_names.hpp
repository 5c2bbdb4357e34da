// One table per scenario enum, {value, name} in the schema's order: to_string(), the loader's
// parsing and the schema's `choices` all come from it, so a new value is one table row.
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// One enum value and its name as written in scenarios and output.
template <class Enum>
struct EnumName {
    Enum value;
    const char* name;
};

inline constexpr EnumName<TimeUnit> kTimeUnitNames[] = {{TimeUnit::second, "second"},
                                                        {TimeUnit::minute, "minute"},
                                                        {TimeUnit::hour, "hour"},
                                                        {TimeUnit::day, "day"},
                                                        {TimeUnit::week, "week"}};
inline constexpr EnumName<StageType> kStageTypeNames[] = {{StageType::source, "source"},
                                                          {StageType::station, "station"},
                                                          {StageType::inspection, "inspection"},
                                                          {StageType::link, "link"},
                                                          {StageType::sink, "sink"}};
inline constexpr EnumName<Discipline> kDisciplineNames[] = {{Discipline::fifo, "fifo"},
                                                            {Discipline::lifo, "lifo"},
                                                            {Discipline::priority, "priority"},
                                                            {Discipline::edd, "edd"}};
/// `any` (no `when:`) first: the schema's choices start after it.
inline constexpr EnumName<RouteWhen> kRouteWhenNames[] = {
    {RouteWhen::any, "any"}, {RouteWhen::pass, "pass"}, {RouteWhen::fail, "fail"}};
inline constexpr EnumName<FailureMode> kFailureModeNames[] = {{FailureMode::resume, "resume"},
                                                              {FailureMode::restart, "restart"},
                                                              {FailureMode::scrap, "scrap"}};
inline constexpr EnumName<BreakdownClock> kBreakdownClockNames[] = {
    {BreakdownClock::calendar, "calendar"}, {BreakdownClock::busy, "busy"}};
inline constexpr EnumName<OnScrap> kOnScrapNames[] = {{OnScrap::remake, "remake"},
                                                      {OnScrap::cancel, "cancel"}};
inline constexpr EnumName<FaultKind> kFaultKindNames[] = {{FaultKind::outage, "outage"},
                                                          {FaultKind::surge, "surge"},
                                                          {FaultKind::defect_prob, "defect_prob"},
                                                          {FaultKind::loss_prob, "loss_prob"},
                                                          {FaultKind::service, "service"}};

/// The name of `v` in `table`; "?" when it has none.
template <class Enum, std::size_t N>
constexpr const char* name_in(const EnumName<Enum> (&table)[N], Enum v) {
    for (const auto& e : table) {
        if (e.value == v) return e.name;
    }
    return "?";
}

/// The value called `s` in `table`, or none.
template <class Enum, std::size_t N>
constexpr std::optional<Enum> parse_in(const EnumName<Enum> (&table)[N], std::string_view s) {
    for (const auto& e : table) {
        if (s == e.name) return e.value;
    }
    return std::nullopt;
}

namespace detail {

template <const auto& Table, std::size_t First>
constexpr std::size_t choices_length() {
    std::size_t n = 0;
    for (std::size_t i = First; i < std::size(Table); ++i) {
        n += std::char_traits<char>::length(Table[i].name) + (i > First ? 1 : 0);
    }
    return n;
}

template <const auto& Table, std::size_t First>
constexpr auto choices_chars() {
    std::array<char, choices_length<Table, First>()> out{};
    std::size_t k = 0;
    for (std::size_t i = First; i < std::size(Table); ++i) {
        if (i > First) out[k++] = '|';
        for (const char* p = Table[i].name; *p != '\0'; ++p) out[k++] = *p;
    }
    return out;
}

template <const auto& Table, std::size_t First>
inline constexpr auto kChoicesChars = choices_chars<Table, First>();

}  // namespace detail

/// "fifo|lifo|priority|edd": the names of `Table` from row `First` on, for SchemaKey::choices.
template <const auto& Table, std::size_t First = 0>
constexpr std::string_view choices_of() {
    return {detail::kChoicesChars<Table, First>.data(), detail::kChoicesChars<Table, First>.size()};
}

}  // namespace qosim::models

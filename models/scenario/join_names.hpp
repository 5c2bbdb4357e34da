// "a, b, c": the list of names in messages and hints, written once for every model layer.
#pragma once

#include <string>
#include <string_view>

namespace qosim::models {

/// The names separated by `sep` (", " by default); any range of strings or string views.
template <class Names>
[[nodiscard]] std::string join_names(const Names& names, std::string_view sep = ", ") {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += sep;
        out += n;
    }
    return out;
}

}  // namespace qosim::models

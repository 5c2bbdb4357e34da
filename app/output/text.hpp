// Small string helpers shared by the app's output code.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace qosim::app {

/// Concatenates `parts` into one string (one allocation). Used instead of chains of
/// "literal" + std::string&&, on which GCC 12 reports a false -Wrestrict at -O2.
inline std::string cat(std::initializer_list<std::string_view> parts) {
    std::size_t n = 0;
    for (const auto p : parts) n += p.size();
    std::string out;
    out.reserve(n);
    for (const auto p : parts) out += p;
    return out;
}

}  // namespace qosim::app

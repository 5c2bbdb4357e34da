// The text of a number in messages and reports: one definition for every layer.
#pragma once

#include <charconv>
#include <string>

namespace qosim::sim {

/// The shortest text that reads back as exactly `x` (std::to_chars without a precision:
/// locale-independent, "0.1" not "0.10000000000000001", "1e+300" for large values).
[[nodiscard]] inline std::string format_number(double x) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

}  // namespace qosim::sim

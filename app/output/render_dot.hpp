// Rendering DOT text to SVG or PNG by running Graphviz `dot` (found on PATH).
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qosim::app {

/// Graphviz is not installed (no `dot` on PATH).
class DotMissing : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The first executable `name` in the directories of $PATH; none when there is none.
std::optional<std::filesystem::path> find_on_path(std::string_view name);

/// Runs `dot -T<format>` on `dot_text` and puts its output at `target` atomically (temp file
/// in the same directory, then rename). `dot`'s own messages go to our stderr. Throws
/// DotMissing without `dot`, std::runtime_error when it fails.
void render_dot(std::string_view dot_text, std::string_view format,
                const std::filesystem::path& target);

}  // namespace qosim::app

// "Did you mean" suggestions: the closest known name to a misspelt one (edit distance).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace qosim::models {

/// Optimal-string-alignment (restricted Damerau-Levenshtein) distance, case-insensitive:
/// insertions, deletions, substitutions and adjacent transpositions each cost 1.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close enough to be a plausible typo:
/// distance <= 1 for words under 4 characters, otherwise <= max(2, length / 3).
/// Ties go to the earlier candidate, so callers list candidates in a meaningful order.
[[nodiscard]] std::optional<std::string> did_you_mean(std::string_view word,
                                                      std::span<const std::string_view> candidates);

/// did_you_mean() over owned strings (stage names, metric names ...).
[[nodiscard]] std::optional<std::string> did_you_mean(std::string_view word,
                                                      std::span<const std::string> candidates);

/// "did you mean `x`?" when there is a suggestion, otherwise `otherwise`.
[[nodiscard]] std::string suggestion_hint(std::string_view word,
                                          std::span<const std::string_view> candidates,
                                          std::string_view otherwise = {});

/// suggestion_hint() over owned strings.
[[nodiscard]] std::string suggestion_hint(std::string_view word,
                                          std::span<const std::string> candidates,
                                          std::string_view otherwise = {});

}  // namespace qosim::models

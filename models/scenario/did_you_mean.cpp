// "Did you mean" suggestions: restricted Damerau-Levenshtein distance over candidate names.
#include "models/scenario/did_you_mean.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace qosim::models {

namespace {

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::size_t threshold(std::string_view word) {
    if (word.size() < 4) return 1;
    return std::max<std::size_t>(2, word.size() / 3);
}

template <class Candidates>
std::optional<std::string> closest(std::string_view word, const Candidates& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = threshold(word) + 1;
    for (const auto& candidate : candidates) {
        const std::string_view c{candidate};
        if (c.empty()) continue;
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = std::string(c);
        }
    }
    return best;
}

template <class Candidates>
std::string hint_for(std::string_view word, const Candidates& candidates,
                     std::string_view otherwise) {
    if (const auto s = closest(word, candidates)) return "did you mean `" + *s + "`?";
    return std::string(otherwise);
}

}  // namespace

// Wagner-Fischer dynamic programme with the transposition case of Lowrance & Wagner (1975),
// three rows of the table (O(|b|) memory).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = b.size();
    std::vector<std::size_t> prev2(n + 1), prev(n + 1), cur(n + 1);
    for (std::size_t j = 0; j <= n; ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= n; ++j) {
            const bool same = fold(a[i - 1]) == fold(b[j - 1]);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1])) {
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            }
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[n];
}

std::optional<std::string> did_you_mean(std::string_view word,
                                        std::span<const std::string_view> candidates) {
    return closest(word, candidates);
}

std::optional<std::string> did_you_mean(std::string_view word,
                                        std::span<const std::string> candidates) {
    return closest(word, candidates);
}

std::string suggestion_hint(std::string_view word, std::span<const std::string_view> candidates,
                            std::string_view otherwise) {
    return hint_for(word, candidates, otherwise);
}

std::string suggestion_hint(std::string_view word, std::span<const std::string> candidates,
                            std::string_view otherwise) {
    return hint_for(word, candidates, otherwise);
}

}  // namespace qosim::models

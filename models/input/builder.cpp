// The scenario builder's shared pieces: construction, the root check, name lookups and the
// small text helpers every section uses.
#include "models/input/builder.hpp"

#include <charconv>
#include <climits>
#include <span>

#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/join_names.hpp"

namespace qosim::models::detail {

std::string format_number(double x) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, 12);
    return std::string(buf, res.ptr);
}

bool is_valid_stage_name(const std::string& s) {
    const auto head = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    };
    const auto tail = [&head](char c) { return head(c) || (c >= '0' && c <= '9') || c == '-'; };
    if (s.empty() || !head(s.front())) return false;
    for (const char c : s) {
        if (!tail(c)) return false;
    }
    return true;
}

std::string with_article(StageType t) {
    const std::string name = to_string(t);
    return (t == StageType::inspection ? "an " : "a ") + name;
}

ScenarioBuilder::ScenarioBuilder(const RawNode& root, const std::string& file,
                                 std::vector<Diagnostic>& diags)
    : r_(diags), root_(root), top_(Reader::root(root)) {
    sc_.file = file;
}

bool ScenarioBuilder::read_root() {
    if (!root_.is_map()) {
        r_.error(root_.loc, "",
                 root_.is_null() ? std::string("the scenario is empty")
                                 : "a scenario must be a map of keys, got " + root_.describe(),
                 "start from a bundled scenario: it needs at least run, stages and routes");
        return false;
    }
    r_.check_map(top_);
    return true;
}

SourceLoc ScenarioBuilder::routes_key_loc() const { return at(top_, "routes").key_loc; }

int ScenarioBuilder::to_int(const Cursor& c, std::uint64_t v, int fallback) {
    if (v > static_cast<std::uint64_t>(INT_MAX)) {
        r_.error(c.loc, c.path,
                 "must be <= " + std::to_string(INT_MAX) + ", got " + std::to_string(v));
        return fallback;
    }
    return static_cast<int>(v);
}

std::optional<std::size_t> ScenarioBuilder::stage_index(const Cursor& c, const std::string& name,
                                                        std::vector<std::size_t>* unsettled) {
    // names_[i] is the key of entry i of the stages map, whose index finds it in O(1).
    if (stages_.node != nullptr && stages_.node->entries.size() == names_.size()) {
        if (const RawEntry* e = stages_.node->find(name)) {
            return static_cast<std::size_t>(e - stages_.node->entries.data());
        }
    } else {
        for (std::size_t i = 0; i < names_.size(); ++i) {
            if (names_[i] == name) return i;
        }
    }
    const auto guess = suggest(name, names_);
    if (guess && unsettled != nullptr) {
        if (const auto i = stage_index_quiet(*guess)) unsettled->push_back(*i);
    }
    r_.error(c.loc, c.path, "there is no stage `" + name + "`",
             guess ? "did you mean `" + *guess + "`?" : "the stages are: " + listing(names_));
    return std::nullopt;
}

std::optional<std::size_t> ScenarioBuilder::stage_index_quiet(const std::string& name) const {
    if (stages_.node != nullptr && stages_.node->entries.size() == names_.size()) {
        if (const RawEntry* e = stages_.node->find(name)) {
            return static_cast<std::size_t>(e - stages_.node->entries.data());
        }
        return std::nullopt;
    }
    for (std::size_t i = 0; i < names_.size(); ++i) {
        if (names_[i] == name) return i;
    }
    return std::nullopt;
}

std::optional<std::string> ScenarioBuilder::suggest(const std::string& name,
                                                    const std::vector<std::string>& names) {
    // Each unknown name is compared with every candidate: bound the total, so that a file
    // with thousands of misspelt names among thousands of stages still loads in moments.
    if (suggestion_budget_ < names.size()) return std::nullopt;
    suggestion_budget_ -= names.size();
    return did_you_mean(name, std::span<const std::string>(names));
}

std::string listing(const std::vector<std::string>& names) {
    constexpr std::size_t kListed = 20;
    if (names.size() <= kListed) return join_names(names);
    const std::vector<std::string> head(names.begin(), names.begin() + kListed);
    return join_names(head) + " ... (" + std::to_string(names.size()) + " in all)";
}

}  // namespace qosim::models::detail

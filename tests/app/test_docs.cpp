// The user documentation in docs/ and README.md stays true: the key reference is the schema
// table's, every complete scenario shown is valid, and links stay inside the repository.
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/cli_support.hpp"
#include "models/scenario/schema.hpp"

using namespace cli_test;

namespace {

const fs::path kRoot = fs::path(QOSIM_SCENARIO_DIR).parent_path();

std::vector<fs::path> markdown_files() {
    std::vector<fs::path> out{kRoot / "README.md", kRoot / "ARCHITECTURE.md"};
    for (const auto& e : fs::directory_iterator(kRoot / "docs"))
        if (e.path().extension() == ".md") out.push_back(e.path());
    return out;
}

// The text between the generated-section markers of docs/scenario.md.
std::string generated_reference(const std::string& doc) {
    const std::string begin =
        "<!-- BEGIN GENERATED: key reference (scripts/update-docs.sh) -->\n\n";
    const std::string end = "\n<!-- END GENERATED: key reference -->";
    const auto b = doc.find(begin);
    const auto e = doc.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b) return "";
    return doc.substr(b + begin.size(), e - b - begin.size());
}

// Fenced ```yaml blocks of a Markdown text.
std::vector<std::string> yaml_blocks(const std::string& text) {
    std::vector<std::string> out;
    std::string block;
    bool inside = false;
    for (const std::string& line : lines(text)) {
        if (!inside && line.rfind("```yaml", 0) == 0) {
            inside = true;
            block.clear();
        } else if (inside && line.rfind("```", 0) == 0) {
            inside = false;
            out.push_back(block);
        } else if (inside) {
            block += line + "\n";
        }
    }
    return out;
}

}  // namespace

TEST_CASE("docs/scenario.md holds the key reference generated from the schema table", "[docs]") {
    const std::string doc = read_file(kRoot / "docs" / "scenario.md");
    const std::string reference = generated_reference(doc);
    INFO("run scripts/update-docs.sh to regenerate the reference");
    CHECK(reference == qosim::models::schema_markdown());
    for (const auto& key : qosim::models::schema_keys()) {
        if (key.status != qosim::models::KeyStatus::supported) continue;
        INFO("schema key " << key.path);
        CHECK(doc.find("| `" + std::string(key.path) + "`") != std::string::npos);
    }
    const auto printed = run_cli("schema --markdown");
    CHECK(printed.code == 0);
    CHECK(printed.out == qosim::models::schema_markdown());
}

TEST_CASE("every complete scenario shown in the docs passes qosim check", "[docs]") {
    int complete = 0;
    for (const fs::path& md : markdown_files()) {
        for (const std::string& yaml : yaml_blocks(read_file(md))) {
            if (yaml.find("stages:") == std::string::npos ||
                yaml.find("routes:") == std::string::npos)
                continue;
            ++complete;
            const TempDir tmp;
            const fs::path file = tmp / "example.yaml";
            std::ofstream(file) << yaml;
            const auto r = run_cli("check " + quoted(file));
            INFO(md.filename().string() << " example:\n" << yaml << "\n" << r.err);
            CHECK(r.code == 0);
        }
    }
    CHECK(complete >= 2);
}

TEST_CASE("README and docs link only to files inside the repository", "[docs]") {
    const std::regex link(R"(\]\(([^)\s]+)\))");
    for (const fs::path& md : markdown_files()) {
        const std::string text = read_file(md);
        INFO(md.filename().string());
        // A clone has no ../shared: users read the repository's own docs.
        CHECK(text.find("../shared") == std::string::npos);
        CHECK(text.find("SPEC.md") == std::string::npos);
        for (auto it = std::sregex_iterator(text.begin(), text.end(), link);
             it != std::sregex_iterator(); ++it) {
            std::string target = (*it)[1].str();
            if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 ||
                target.rfind("#", 0) == 0 || target.rfind("mailto:", 0) == 0)
                continue;
            target = target.substr(0, target.find('#'));
            const fs::path resolved = fs::weakly_canonical(md.parent_path() / target);
            INFO(md.filename().string() << " links to " << target);
            const auto rel = fs::relative(resolved, fs::weakly_canonical(kRoot));
            CHECK(!rel.empty());
            CHECK(rel.string().rfind("..", 0) != 0);  // not outside the repository
            CHECK(fs::exists(resolved));
        }
    }
}

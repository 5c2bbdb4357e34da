// Output files: atomic writes (temp file + rename) and the set of files a run leaves behind.
#include "app/output/writer.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "app/output/csv.hpp"
#include "app/output/report.hpp"
#include "app/output/text.hpp"

namespace qosim::app {

void write_file_atomic(const std::filesystem::path& target, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path tmp = target.parent_path() / cat({".", target.filename().string(), ".tmp"});
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(cat({"cannot open ", tmp.string(), " for writing"}));
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
            out.close();
            std::error_code ignored;
            fs::remove(tmp, ignored);
            throw std::runtime_error(cat({"cannot write ", tmp.string()}));
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw fs::filesystem_error("cannot rename temp file into place", tmp, target, ec);
    }
}

std::vector<std::filesystem::path> write_run_outputs(
    const std::filesystem::path& dir, const models::Scenario& scenario,
    std::span<const models::ReplicationResult> results, const Summary& summary,
    const RunOutcome& outcome) {
    std::vector<std::pair<const char*, std::string>> files;
    files.emplace_back("runs.csv", runs_csv(results, has_survey(scenario)));
    files.emplace_back("stages.csv", stages_csv(scenario, results));
    if (!scenario.products.empty())
        files.emplace_back("classes.csv", classes_csv(scenario, results));
    if (outcome.timeseries_window) {
        files.emplace_back("timeseries.csv", timeseries_csv(scenario, results));
    }
    files.emplace_back("summary.csv", summary_csv(summary));
    files.emplace_back("stage_summary.csv", stage_summary_csv(scenario, summary));
    if (!scenario.products.empty()) {
        files.emplace_back("class_summary.csv", class_summary_csv(scenario, summary));
    }
    files.emplace_back("run_info.csv", run_info_csv(scenario, outcome));
    files.emplace_back("report.html", report_html(scenario, results, summary, outcome));

    std::filesystem::create_directories(dir);
    std::vector<std::filesystem::path> written;
    for (const auto& [name, text] : files) {
        const auto path = dir / name;
        write_file_atomic(path, text);
        written.push_back(path);
    }
    // A reused directory must not keep optional files of an earlier, different run.
    for (const char* optional : {"classes.csv", "timeseries.csv", "class_summary.csv"}) {
        const bool wrote = std::any_of(files.begin(), files.end(), [&](const auto& f) {
            return std::string(f.first) == optional;
        });
        std::error_code ignored;
        if (!wrote) std::filesystem::remove(dir / optional, ignored);
    }
    return written;
}

}  // namespace qosim::app

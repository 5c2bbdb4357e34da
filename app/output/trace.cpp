// `--trace FILE`: per-replication part files written by the workers, joined atomically at the end.
#include "app/output/trace.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

#include "app/output/csv.hpp"
#include "app/output/text.hpp"

namespace qosim::app {

/// Buffers rows in memory and appends them to its part file in large blocks.
class TraceFileSink final : public models::TraceSink {
public:
    TraceFileSink(TraceParts& parts, std::size_t replication, const std::filesystem::path& path)
        : parts_(parts),
          replication_(replication),
          prefix_(std::to_string(replication) + ","),
          out_(path, std::ios::binary | std::ios::trunc) {
        if (!out_) throw std::runtime_error(cat({"--trace: cannot create ", path.string()}));
        buffer_.reserve(kFlushAt + 256);
    }

    ~TraceFileSink() override {
        flush();
        out_.close();
        if (!out_) failed_ = true;
        if (failed_) parts_.report_error(replication_);
    }

    TraceFileSink(const TraceFileSink&) = delete;
    TraceFileSink& operator=(const TraceFileSink&) = delete;

    void record(const models::TraceRecord& r) override {
        if (!parts_.selection_.in_window(r.time)) return;
        buffer_ += prefix_;
        buffer_ += format_number(r.time);
        buffer_ += ',';
        buffer_ += std::to_string(r.order);
        buffer_ += ',';
        if (r.stage != models::kNoTraceStage && r.stage < parts_.stage_names_.size()) {
            buffer_ += parts_.stage_names_[r.stage];
        }
        buffer_ += ',';
        buffer_ += r.event != nullptr ? r.event : "";
        buffer_ += '\n';
        if (buffer_.size() >= kFlushAt) flush();
    }

private:
    static constexpr std::size_t kFlushAt = std::size_t{1} << 20;  // 1 MiB per write

    void flush() {
        if (buffer_.empty() || failed_) return;
        out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        if (!out_) failed_ = true;  // the engine must not see an exception: report at commit
        buffer_.clear();
    }

    TraceParts& parts_;
    std::size_t replication_;
    std::string prefix_;
    std::ofstream out_;
    std::string buffer_;
    bool failed_ = false;
};

namespace {

// Part files to delete when the process is interrupted (SIGINT, SIGTERM), so a killed run
// leaves no half-written trace behind. The paths are prepared before any worker starts and
// never change while the handler is installed; the handler only calls unlink(), which is
// async-signal-safe, then re-raises the signal with its default action.
const std::vector<std::string>* interrupted_parts = nullptr;

extern "C" void remove_parts_on_signal(int sig) {
    if (interrupted_parts != nullptr)
        for (const std::string& path : *interrupted_parts) ::unlink(path.c_str());
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

bool TraceSelection::includes(std::size_t replication) const {
    if (reps.empty()) return true;
    for (const auto& [first, last] : reps) {
        if (replication >= first && replication <= last) return true;
    }
    return false;
}

std::size_t TraceSelection::count(std::size_t n) const {
    std::size_t kept = 0;
    for (std::size_t r = 0; r < n; ++r) kept += includes(r) ? 1 : 0;
    return kept;
}

TraceParts::TraceParts(std::filesystem::path target, const models::Scenario& scenario,
                       TraceSelection selection)
    : target_(std::move(target)), selection_(std::move(selection)) {
    stage_names_.reserve(scenario.stages.size());
    for (const auto& s : scenario.stages) stage_names_.push_back(quote_field(s.name));
    const int most = scenario.run.precision ? std::max(scenario.run.precision->max_replications,
                                                       scenario.run.replications)
                                            : scenario.run.replications;
    for (int r = 0; r < most; ++r)
        signal_paths_.push_back(part_path(static_cast<std::size_t>(r)).string());
    signal_paths_.push_back(temp_path().string());  // a signal during commit()
    remove_leftovers();
    interrupted_parts = &signal_paths_;
    previous_int_ = std::signal(SIGINT, remove_parts_on_signal);
    previous_term_ = std::signal(SIGTERM, remove_parts_on_signal);
}

TraceParts::~TraceParts() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
    interrupted_parts = nullptr;
    remove_parts();
}

std::filesystem::path TraceParts::temp_path() const {
    return target_.parent_path() / cat({".", target_.filename().string(), ".tmp"});
}

void TraceParts::remove_leftovers() noexcept {
    // The parts and temp file of an earlier run of this trace that was killed (SIGKILL cannot
    // be caught): ".FILE.rep<N>.part" and ".FILE.tmp".
    namespace fs = std::filesystem;
    const std::string prefix = cat({".", target_.filename().string(), ".rep"});
    std::error_code ec;
    const fs::path dir = target_.parent_path().empty() ? fs::path(".") : target_.parent_path();
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(".part") &&
            name.find_first_not_of("0123456789", prefix.size()) == name.size() - 5 &&
            name.size() > prefix.size() + 5) {
            std::error_code ignored;
            fs::remove(entry.path(), ignored);
        }
    }
    fs::remove(temp_path(), ec);
}

std::filesystem::path TraceParts::part_path(std::size_t replication) const {
    return target_.parent_path() /
           cat({".", target_.filename().string(), ".rep", std::to_string(replication), ".part"});
}

std::unique_ptr<models::TraceSink> TraceParts::open(std::size_t replication) {
    if (!selection_.includes(replication)) return nullptr;
    {
        const std::lock_guard lock(mutex_);
        if (opened_.size() <= replication) {
            opened_.resize(replication + 1, false);
            failed_.resize(replication + 1, false);
        }
        opened_[replication] = true;
    }
    return std::make_unique<TraceFileSink>(*this, replication, part_path(replication));
}

void TraceParts::report_error(std::size_t replication) {
    const std::lock_guard lock(mutex_);
    if (replication < failed_.size()) failed_[replication] = true;
}

void TraceParts::remove_parts() noexcept {
    std::error_code ignored;
    for (std::size_t i = 0; i < opened_.size(); ++i) {
        if (opened_[i]) std::filesystem::remove(part_path(i), ignored);
    }
    opened_.clear();
    failed_.clear();
}

void TraceParts::commit(std::size_t kept) {
    namespace fs = std::filesystem;
    const fs::path tmp = temp_path();
    try {
        for (std::size_t i = 0; i < kept; ++i) {
            if (!selection_.includes(i)) continue;
            if (i >= opened_.size() || !opened_[i]) {
                throw std::runtime_error(
                    cat({"--trace: replication ", std::to_string(i), " has no trace part"}));
            }
            if (failed_[i]) {
                throw std::runtime_error(
                    cat({"--trace: cannot write ", part_path(i).string(), " (disk full?)"}));
            }
        }
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            if (!out) throw std::runtime_error(cat({"--trace: cannot create ", tmp.string()}));
            out << kTraceHeader;
            for (std::size_t i = 0; i < kept; ++i) {
                if (!selection_.includes(i)) continue;
                std::ifstream in(part_path(i), std::ios::binary);
                if (!in) {
                    throw std::runtime_error(cat({"--trace: cannot read ", part_path(i).string()}));
                }
                // An empty part (no events) must not set failbit on `out`.
                if (in.peek() != std::ifstream::traits_type::eof()) out << in.rdbuf();
            }
            out.flush();
            if (!out) throw std::runtime_error(cat({"--trace: cannot write ", tmp.string()}));
        }
        std::error_code ec;
        fs::rename(tmp, target_, ec);
        if (ec)
            throw fs::filesystem_error("--trace: cannot rename temp file into place", tmp, target_,
                                       ec);
    } catch (...) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        remove_parts();
        throw;
    }
    remove_parts();
}

}  // namespace qosim::app

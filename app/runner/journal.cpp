// The sweep journal: checksummed lines appended with one write(2) each.
#include "app/runner/journal.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unistd.h>
#include <utility>

#include "app/output/csv.hpp"
#include "app/output/text.hpp"
#include "sim/random.hpp"

namespace qosim::app {

namespace detail {

constexpr std::string_view kMagic = "qosim-journal";
constexpr std::string_view kFormat = "1";

/// A value exactly as it reads back: the shortest round-trip form, or nan / inf / -inf.
std::string encode(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    return format_number(x);
}

std::optional<double> decode(std::string_view s) {
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    double x = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return x;
}

std::optional<std::size_t> decode_count(std::string_view s) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return n;
}

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * bytes.size());
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        out += kDigits[u >> 4];
        out += kDigits[u & 15];
    }
    return out;
}

std::optional<std::string> unhex(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
        if (ec != std::errc{} || end != text.data() + i + 2) return std::nullopt;
        out += static_cast<char>(value);
    }
    return out;
}

/// `body` + "," + its checksum + "\n".
std::string seal(const std::string& body) {
    return body + "," + format_hash(sim::fnv1a64(body)) + "\n";
}

/// The fields of a sealed line (without its newline), or none when its checksum is wrong.
std::optional<std::vector<std::string_view>> unseal(std::string_view line) {
    const auto comma = line.rfind(',');
    if (comma == std::string_view::npos) return std::nullopt;
    const std::string_view body = line.substr(0, comma);
    if (line.substr(comma + 1) != format_hash(sim::fnv1a64(body))) return std::nullopt;
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const auto next = body.find(',', start);
        fields.push_back(body.substr(start, next - start));
        if (next == std::string_view::npos) break;
        start = next + 1;
    }
    return fields;
}

std::string manifest_line(const Manifest& m) {
    std::string shard = "-";
    if (m.shard) shard = cat({std::to_string(m.shard->index), "/", std::to_string(m.shard->count)});
    std::string overrides;
    for (const auto& o : m.overrides) overrides += o + '\n';
    return seal(cat({std::string(kMagic), ",", std::string(kFormat), ",", m.hash, ",",
                     std::to_string(m.values), ",", shard, ",", hex(m.scenario_file), ",",
                     hex(overrides)}));
}

std::runtime_error journal_error(const std::filesystem::path& path, std::string_view what) {
    return std::runtime_error(cat({path.string(), ": ", what}));
}

}  // namespace detail

std::filesystem::path journal_path(const std::filesystem::path& dir) {
    return dir / "sweep.journal";
}

namespace detail {

void read_manifest(const std::filesystem::path& path, const std::vector<std::string_view>& f,
                   Manifest& m) {
    if (f[1] != kFormat)
        throw journal_error(
            path, cat({"journal format ", std::string(f[1]),
                       " is not the format of this qosim version (", std::string(kFormat), ")"}));
    m.hash = std::string(f[2]);
    m.values = decode_count(f[3]).value_or(0);
    if (f[4] != "-") {
        const auto slash = f[4].find('/');
        const auto k = decode_count(f[4].substr(0, slash));
        const auto n =
            slash == std::string_view::npos ? std::nullopt : decode_count(f[4].substr(slash + 1));
        if (!k || !n) throw journal_error(path, "has a damaged manifest");
        m.shard = Shard{*k, *n};
    }
    const auto file = unhex(f[5]);
    const auto overrides = unhex(f[6]);
    if (!file || !overrides) throw journal_error(path, "has a damaged manifest");
    m.scenario_file = *file;
    for (std::size_t start = 0; start < overrides->size();) {
        const auto end = overrides->find('\n', start);
        m.overrides.push_back(overrides->substr(start, end - start));
        start = end + 1;
    }
}

/// One record after the manifest: a row (r), a failure (f) or a replication count (n).
/// False when it does not parse.
bool read_record(const std::vector<std::string_view>& f, JournalContents& out,
                 std::set<Task>& seen) {
    if (f.size() == 2 && f[0] == "n") {
        const auto reps = decode_count(f[1]);
        if (!reps) return false;
        out.replications = *reps;
        return true;
    }
    if (f.size() == 4 && f[0] == "f") {
        const auto point = decode_count(f[1]);
        const auto rep = decode_count(f[2]);
        const auto message = unhex(f[3]);
        if (!point || !rep || !message) return false;
        out.failures.push_back({{*point, *rep}, *message});
        return true;
    }
    if (f.size() != out.manifest.values + 3 || f[0] != "r") return false;
    const auto point = decode_count(f[1]);
    const auto rep = decode_count(f[2]);
    if (!point || !rep) return false;
    TaskRow row{{*point, *rep}, {}};
    row.values.reserve(out.manifest.values);
    for (std::size_t k = 3; k < f.size(); ++k) {
        const auto v = decode(f[k]);
        if (!v) return false;
        row.values.push_back(*v);
    }
    if (seen.insert(row.task).second) out.rows.push_back(std::move(row));
    return true;
}

}  // namespace detail

JournalContents read_journal(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw detail::journal_error(path, "cannot be read");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    JournalContents out;
    std::size_t pos = 0;
    std::size_t line_no = 0;
    std::set<Task> seen;
    while (pos < text.size()) {
        const auto nl = text.find('\n', pos);
        if (nl == std::string::npos) break;  // a torn last line
        ++line_no;
        const auto fields = detail::unseal(std::string_view(text).substr(pos, nl - pos));
        pos = nl + 1;
        out.valid_bytes = pos;
        if (line_no == 1) {
            if (!fields || fields->size() != 7 || (*fields)[0] != detail::kMagic)
                throw detail::journal_error(path, "is not a qosim sweep journal");
            detail::read_manifest(path, *fields, out.manifest);
            continue;
        }
        // A damaged line (every line has its own checksum) is skipped: its task runs again.
        if (!fields || !detail::read_record(*fields, out, seen)) ++out.dropped_lines;
    }
    if (line_no == 0) throw detail::journal_error(path, "is empty (not a qosim sweep journal)");
    out.dropped_bytes = text.size() - out.valid_bytes;
    return out;
}

JournalWriter JournalWriter::create(const std::filesystem::path& path, const Manifest& manifest) {
    // The manifest goes into a temporary file that is then renamed: a kill at any moment
    // leaves either no journal or one with a whole manifest, never an empty one.
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) throw detail::journal_error(tmp, std::strerror(errno));
        JournalWriter w(tmp, fd);
        w.write_all(detail::manifest_line(manifest));
    }
    std::filesystem::rename(tmp, path);
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) throw detail::journal_error(path, std::strerror(errno));
    return JournalWriter(path, fd);
}

JournalWriter JournalWriter::append_to(const std::filesystem::path& path, std::size_t valid_bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) throw detail::journal_error(path, std::strerror(errno));
    if (::ftruncate(fd, static_cast<off_t>(valid_bytes)) != 0) {
        const int err = errno;
        ::close(fd);
        throw detail::journal_error(path, std::strerror(err));
    }
    return JournalWriter(path, fd);
}

JournalWriter::JournalWriter(JournalWriter&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

JournalWriter::~JournalWriter() {
    if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const TaskRow& row) {
    std::string body =
        cat({"r,", std::to_string(row.task.point), ",", std::to_string(row.task.replication)});
    for (const double v : row.values) {
        body += ',';
        body += detail::encode(v);
    }
    write_all(detail::seal(body));
}

void JournalWriter::append_replications(std::size_t replications) {
    write_all(detail::seal(cat({"n,", std::to_string(replications)})));
}

void JournalWriter::append(const PointFailure& failure) {
    write_all(detail::seal(
        cat({"f,", std::to_string(failure.task.point), ",",
             std::to_string(failure.task.replication), ",", detail::hex(failure.message)})));
}

void JournalWriter::write_all(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw detail::journal_error(path_,
                                        cat({"cannot append a row: ", std::strerror(errno)}));
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace qosim::app

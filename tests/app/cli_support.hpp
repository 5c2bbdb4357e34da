// Helpers of the end-to-end CLI tests: temp dirs, running the qosim binary, reading CSV text.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace cli_test {

namespace fs = std::filesystem;

/// Built with AddressSanitizer: time and memory run several times higher, and the shadow
/// memory's terabytes of address space rule out `ulimit -v`.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

/// A fresh, uniquely named directory under the system temp dir, removed at scope exit.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ =
            fs::temp_directory_path() / ("qosim_cli_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter++) + "_" + std::to_string(stamp));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const fs::path& path() const { return path_; }
    [[nodiscard]] fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// `p` in single quotes for the shell. (Appends rather than "'" + s: GCC 12 reports a false
/// -Wrestrict on operator+(const char*, std::string&&) at -O3.)
inline std::string quoted(const fs::path& p) {
    std::string out(1, '\'');
    out += p.string();
    out += '\'';
    return out;
}

inline std::string data(const std::string& name) {
    return quoted(fs::path(QOSIM_TEST_DATA_DIR) / "cli" / name);
}

struct Outcome {
    int code = -1;
    std::string out;
    std::string err;
};

/// Runs `qosim ARGS` (optionally in directory `cwd`, and with its address space limited to
/// `address_space_kib` by `ulimit -v`), capturing stdout and stderr in files.
inline Outcome run_cli(const std::string& args, const fs::path& cwd = {},
                       long address_space_kib = 0) {
    const TempDir logs;
    std::string cmd;
    if (!cwd.empty()) cmd = "cd " + quoted(cwd) + " && ";
    if (address_space_kib > 0) cmd += "ulimit -v " + std::to_string(address_space_kib) + " && ";
    cmd += quoted(QOSIM_BINARY) + " " + args + " >" + quoted(logs / "out") + " 2>" +
           quoted(logs / "err") + " </dev/null";
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = read_file(logs / "out");
    o.err = read_file(logs / "err");
    return o;
}

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

inline std::vector<std::string> split_commas(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) out.push_back(cell);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
}

/// True when `header` starts with exactly the columns in `expected`, in that order.
inline bool starts_with_columns(const std::string& header,
                                const std::vector<std::string>& expected) {
    const auto cols = split_commas(header);
    if (cols.size() < expected.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (cols[i] != expected[i]) return false;
    }
    return true;
}

}  // namespace cli_test

// Graphviz rendering: `dot` as a child process (posix_spawn, no shell), output placed atomically.
#include "app/output/render_dot.hpp"

#include <cstdlib>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "app/output/text.hpp"
#include "app/output/writer.hpp"

extern char** environ;

namespace qosim::app {

std::optional<std::filesystem::path> find_on_path(std::string_view name) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return std::nullopt;
    const std::string_view all(path);
    std::size_t start = 0;
    while (start <= all.size()) {
        const std::size_t end = std::min(all.find(':', start), all.size());
        const std::string dir(all.substr(start, end - start));
        const std::filesystem::path candidate =
            std::filesystem::path(dir.empty() ? "." : dir) / std::string(name);
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

void render_dot(std::string_view dot_text, std::string_view format,
                const std::filesystem::path& target) {
    namespace fs = std::filesystem;
    const auto dot = find_on_path("dot");
    if (!dot) {
        throw DotMissing(cat({"cannot write ", target.string(),
                              ": Graphviz `dot` is not on PATH (install graphviz, e.g. "
                              "`apt-get install graphviz`), or write plain DOT with -o FILE.dot"}));
    }
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const fs::path in = dir / cat({".", target.filename().string(), ".dot.tmp"});
    const fs::path out = dir / cat({".", target.filename().string(), ".tmp"});
    write_file_atomic(in, dot_text);
    const std::string tflag = cat({"-T", format});
    const std::string oflag = cat({"-o", out.string()});
    std::vector<std::string> args{dot->string(), tflag, oflag, in.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, dot->c_str(), nullptr, nullptr, argv.data(), environ);
    int status = 0;
    const bool ok = spawned == 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                    WEXITSTATUS(status) == 0;
    std::error_code ignored;
    fs::remove(in, ignored);
    if (!ok) {
        fs::remove(out, ignored);
        throw std::runtime_error(cat({"Graphviz `", dot->string(), " ", tflag,
                                      "` failed; nothing written to ", target.string()}));
    }
    std::error_code ec;
    fs::rename(out, target, ec);
    if (ec) {
        fs::remove(out, ignored);
        throw fs::filesystem_error("cannot rename rendered file into place", out, target, ec);
    }
}

}  // namespace qosim::app

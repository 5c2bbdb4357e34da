// An output directory's files, published as one set (see output_set.hpp).
#include "app/output/output_set.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <set>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "app/output/text.hpp"

namespace qosim::app {

namespace fs = std::filesystem;

namespace {

/// DIR without a trailing slash, made absolute and with symlinks resolved (an --out that is a
/// symlink to a directory elsewhere is published there, and the link stays a link).
fs::path resolved(const fs::path& dir) {
    std::error_code ec;
    fs::path d = fs::weakly_canonical(fs::absolute(dir), ec);
    if (ec) d = fs::absolute(dir).lexically_normal();
    if (!d.has_filename()) d = d.parent_path();
    return d;
}

fs::path sibling(const fs::path& dir, const char* suffix) {
    const fs::path d = resolved(dir);
    return d.parent_path() / cat({".", d.filename().string(), suffix});
}

[[noreturn]] void throw_write_error(const std::string& doing, const fs::path& path, int error) {
    throw WriteError(cat({"cannot ", doing, " ", path.string(), ": ",
                          std::error_code(error, std::generic_category()).message()}),
                     path, error);
}

void remove_tree(const fs::path& path) noexcept {
    std::error_code ignored;
    fs::remove_all(path, ignored);
}

/// True when the process's working directory is `dir` or lies inside it: swapping such a
/// directory would leave the user's shell in the removed old one.
bool holds_working_directory(const fs::path& dir) {
    std::error_code ec;
    const fs::path cwd = fs::canonical(fs::current_path(ec), ec);
    if (ec) return true;
    auto c = cwd.begin();
    for (auto d = dir.begin(); d != dir.end(); ++d, ++c) {
        if (c == cwd.end() || *c != *d) return false;
    }
    return true;
}

/// Mirrors `from` (a file, symlink or directory qosim does not own) into `to` by hard links,
/// counting entries against `budget`. False when something cannot be mirrored that way (a
/// mount point inside, a special file, too many entries): the caller then falls back.
bool mirror(const fs::path& from, const fs::path& to, std::size_t& budget) {
    if (budget == 0) return false;
    --budget;
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(from, ec);
    if (ec) return false;
    if (fs::is_symlink(st)) {
        fs::copy_symlink(from, to, ec);
        return !ec;
    }
    if (fs::is_regular_file(st)) {
        fs::create_hard_link(from, to, ec);
        return !ec;
    }
    if (fs::is_directory(st)) {
        fs::create_directory(to, from, ec);
        if (ec) return false;
        for (const auto& entry : fs::directory_iterator(from, ec)) {
            if (!mirror(entry.path(), to / entry.path().filename(), budget)) return false;
        }
        return !ec;
    }
    return false;  // a FIFO, socket or device: leave the directory alone
}

/// Foreign entries mirrored into the staging directory at most (a --out holding a big tree of
/// the user's own is published file by file instead).
constexpr std::size_t kMirrorBudget = 10'000;

std::string manifest_text(const std::vector<std::string>& names) {
    std::string text =
        "# The files qosim wrote here as one set; the next qosim command into this directory\n"
        "# replaces or removes only these and keeps everything else.\n";
    for (const auto& n : names) text += cat({n, "\n"});
    return text;
}

}  // namespace

void write_new_file(const fs::path& path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw_write_error("create", path, errno);
    std::size_t done = 0;
    while (done < content.size()) {
        const ::ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            ::close(fd);
            throw_write_error("write", path, error);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) throw_write_error("write", path, errno);
}

std::string write_error_advice(int error) {
    const char* what = nullptr;
    switch (error) {
    case ENOSPC:
    case EDQUOT:
        what =
            "the disk (or your quota) is full: free some space or give --out a directory "
            "on another disk";
        break;
    case EROFS: what = "the file system is read-only: give --out a writable directory"; break;
    case EACCES:
    case EPERM: what = "no permission to write there: give --out a directory of yours"; break;
    case EFBIG: what = "a file grew past the size limit (ulimit -f)"; break;
    case EMFILE:
    case ENFILE: what = "too many open files: raise the limit (ulimit -n)"; break;
    default: return {};
    }
    return cat({"  hint: ", what,
                ". Results already in the output directory are unchanged, and nothing "
                "half-written is left\n"});
}

fs::path OutputSet::staging_path(const fs::path& dir) { return sibling(dir, ".qosim-new"); }
fs::path OutputSet::old_set_path(const fs::path& dir) { return sibling(dir, ".qosim-old"); }

std::optional<std::vector<std::string>> read_manifest(const fs::path& dir) {
    std::ifstream in(dir / kManifestName);
    if (!in) return std::nullopt;
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line.front() == '#') continue;
        // Only plain names of this directory count: a damaged or hostile manifest cannot make
        // qosim remove anything outside it.
        if (line.find('/') != std::string::npos || line == "." || line == "..") continue;
        names.push_back(line);
    }
    return names;
}

OutputSet::OutputSet(fs::path dir) : dir_(std::move(dir)), lock_(dir_) {
    const fs::path target = resolved(dir_);
    const fs::path staging = staging_path(dir_);
    const fs::path old = old_set_path(dir_);
    std::error_code ec;
    if (fs::exists(old, ec)) {
        if (!fs::exists(target, ec)) {
            fs::rename(old, target, ec);  // killed between the fallback's two renames
        } else {
            remove_tree(old);
        }
    }
    remove_tree(staging);
    // Temp files of the file-by-file path.
    if (fs::is_directory(target, ec)) {
        for (const auto& entry : fs::directory_iterator(target, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.size() > 11 && name.front() == '.' && name.ends_with(".qosim-tmp"))
                fs::remove(entry.path(), ec);
        }
    }
}

void OutputSet::add(std::string name, std::string content) {
    files_.emplace_back(std::move(name), std::move(content));
}

void OutputSet::keep(std::string name) { kept_.push_back(std::move(name)); }

std::vector<fs::path> OutputSet::publish() {
    const fs::path target = resolved(dir_);
    const fs::path staging = staging_path(dir_);
    std::vector<std::string> names;
    for (const auto& f : files_) names.push_back(f.first);
    for (const auto& k : kept_) names.push_back(k);
    std::set<std::string> ours(names.begin(), names.end());
    ours.insert(kManifestName);

    std::error_code ec;
    const bool exists = fs::is_directory(target, ec);
    const auto previous = exists ? read_manifest(target) : std::nullopt;
    std::set<std::string> previously;
    if (previous) previously.insert(previous->begin(), previous->end());
    // Entries of DIR that stay: the kept files and everything qosim did not write.
    std::vector<std::string> carried;
    if (exists) {
        for (const auto& entry : fs::directory_iterator(target, ec)) {
            const std::string name = entry.path().filename().string();
            const bool kept = std::find(kept_.begin(), kept_.end(), name) != kept_.end();
            if (kept || (!ours.contains(name) && !previously.contains(name)))
                carried.push_back(name);
        }
    }

    // The set can be swapped in when DIR is a plain directory of its parent's file system
    // that nobody stands in, and what it holds besides qosim's files can be linked over.
    bool swap = true;
    std::string why_not;
    if (exists) {
        struct stat d {};
        struct stat p {};
        if (holds_working_directory(target)) {
            why_not = "is the working directory (or holds it)";
        } else if (::stat(target.c_str(), &d) != 0 ||
                   ::stat(target.parent_path().c_str(), &p) != 0 || d.st_dev != p.st_dev) {
            why_not = "is a mount point";
        }
        swap = why_not.empty();
    }
    if (swap) {
        fs::create_directories(target.parent_path());
        if (exists) {
            fs::create_directory(staging, target, ec);
        } else {
            fs::create_directory(staging, ec);
        }
        if (ec) throw_write_error("create", staging, ec.value());
        try {
            for (const auto& [name, content] : files_) write_new_file(staging / name, content);
        } catch (...) {
            remove_tree(staging);
            throw;
        }
        std::size_t budget = kMirrorBudget;
        for (const auto& name : carried) {
            if (!mirror(target / name, staging / name, budget)) {
                swap = false;
                why_not = budget == 0 ? "holds many files of its own"
                                      : cat({"holds ", name, ", which cannot be linked over"});
                break;
            }
        }
        if (!swap) remove_tree(staging);
    }
    if (swap) {
        try {
            write_new_file(staging / kManifestName, manifest_text(names));
        } catch (...) {
            remove_tree(staging);
            throw;
        }
        if (!exists) {
            if (::rename(staging.c_str(), target.c_str()) != 0) {
                const int error = errno;
                remove_tree(staging);
                throw_write_error("move the results into", target, error);
            }
        } else if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(),
                               RENAME_EXCHANGE) == 0) {
            remove_tree(staging);  // now the previous set
        } else if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) {
            // A file system without the exchange: two renames, and a kill between them is
            // undone by the next command (the constructor moves the old set back).
            const fs::path old = old_set_path(dir_);
            if (::rename(target.c_str(), old.c_str()) != 0 ||
                ::rename(staging.c_str(), target.c_str()) != 0) {
                const int error = errno;
                if (!fs::exists(target, ec)) fs::rename(old, target, ec);
                remove_tree(staging);
                throw_write_error("move the results into", target, error);
            }
            remove_tree(old);
        } else {
            const int error = errno;
            remove_tree(staging);
            throw_write_error("move the results into", target, error);
        }
    } else {
        // File by file: each file is replaced atomically, the set is not (the note says so).
        std::cerr << "qosim: note: " << dir_.string() << " " << why_not
                  << ", so its results are replaced file by file, not as one set; give qosim "
                     "an output directory of its own for that\n";
        fs::create_directories(target);
        auto put = [&target](const std::string& name, std::string_view content) {
            const fs::path tmp = target / cat({".", name, ".qosim-tmp"});
            try {
                write_new_file(tmp, content);
            } catch (...) {
                std::error_code ignored;
                fs::remove(tmp, ignored);
                throw;
            }
            if (::rename(tmp.c_str(), (target / name).c_str()) != 0) {
                const int error = errno;
                std::error_code ignored;
                fs::remove(tmp, ignored);
                throw_write_error("move into place", target / name, error);
            }
        };
        for (const auto& [name, content] : files_) put(name, content);
        put(kManifestName, manifest_text(names));
        if (previous) {
            for (const auto& name : *previous)
                if (!ours.contains(name)) fs::remove(target / name, ec);
        }
    }

    std::vector<fs::path> written;
    for (const auto& f : files_) written.push_back(dir_ / f.first);
    return written;
}

}  // namespace qosim::app

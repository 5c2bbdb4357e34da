// An output directory's files, published as one set: a reader sees the old set or the new one.
//
// The files are written into a sibling staging directory (.DIR.qosim-new) and that directory is
// swapped with DIR in one renameat2(RENAME_EXCHANGE), so a kill at any moment leaves DIR holding
// the previous complete set or the new complete set. Files in DIR that qosim did not write (not
// in DIR/.qosim-manifest, the list of the previous set) are carried over by hard link. The next
// command into DIR removes what a killed one left behind. See docs/output.md, "How results are
// written".
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/output/output_lock.hpp"

namespace qosim::app {

/// A file could not be written or moved into place. Carries the errno so the message can say
/// what to do (a full disk, a read-only directory, no permission).
class WriteError : public std::runtime_error {
public:
    WriteError(const std::string& what, std::filesystem::path path, int error)
        : std::runtime_error(what), path_(std::move(path)), error_(error) {}
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] int error() const { return error_; }

private:
    std::filesystem::path path_;
    int error_;
};

/// What to do about a failed write with this errno, as "  hint: ...\n" (empty when there is
/// nothing specific to say).
[[nodiscard]] std::string write_error_advice(int error);

/// Writes `content` into the file `path` (created or truncated) with POSIX calls, so a full
/// disk is reported as such. Throws WriteError.
void write_new_file(const std::filesystem::path& path, std::string_view content);

/// The name of the list of qosim's own files in an output directory.
inline constexpr const char* kManifestName = ".qosim-manifest";

/// The files one command writes into its output directory DIR.
class OutputSet {
public:
    /// Takes DIR's lock (OutputLock: throws OutputLockedError when another qosim holds it) and
    /// tidies what an earlier, killed command left: removes .DIR.qosim-new and .DIR.qosim-old,
    /// or moves .DIR.qosim-old back to DIR when DIR is missing (a kill between the two renames
    /// of the fallback path). Creates DIR's parent directories, not DIR.
    explicit OutputSet(std::filesystem::path dir);

    /// DIR as given.
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

    /// Adds a file to the new set (written by publish(), in the order added).
    void add(std::string name, std::string content);

    /// Keeps `name`, a file this command already wrote into DIR (a sweep's journal), in the new
    /// set and its manifest.
    void keep(std::string name);

    /// True when `path` would be one of the new set's files.
    [[nodiscard]] bool would_write(const std::filesystem::path& path) const;

    /// Writes every added file and swaps the set into place; files of the previous set that are
    /// not in the new one are gone afterwards, everything else in DIR stays. Returns DIR/name
    /// of each added file, in the order added. Throws WriteError (DIR unchanged, staging
    /// removed) when a file cannot be written.
    std::vector<std::filesystem::path> publish();

    /// The staging and old-set siblings of DIR (for tests and the docs).
    [[nodiscard]] static std::filesystem::path staging_path(const std::filesystem::path& dir);
    [[nodiscard]] static std::filesystem::path old_set_path(const std::filesystem::path& dir);

private:
    std::filesystem::path dir_;
    OutputLock lock_;
    std::vector<std::pair<std::string, std::string>> files_;
    std::vector<std::string> kept_;
};

/// The names listed in DIR's manifest; nullopt when DIR has none (a directory qosim never
/// wrote, or one written by qosim 0.1).
[[nodiscard]] std::optional<std::vector<std::string>> read_manifest(
    const std::filesystem::path& dir);

}  // namespace qosim::app

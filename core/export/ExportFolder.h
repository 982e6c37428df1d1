#pragma once
// The files of an exported folder: their SHA-256 as one digest, their size, and where a new export
// goes by default. No LibTorch here.
#include <cstdint>
#include <string>
#include <vector>

#include "common/Sha256.h"
#include "jobs/JobContext.h"

namespace tunebench {

// Regular files directly in the folder, by name (byte order). Exports are flat folders; a
// sub-folder is an error, since the digest would not cover it.
std::vector<std::string> exportFolderFiles(const std::string& folder);

// The SHA-256 of the folder: the digest of the lines "<sha256 of file>  <file name>\n" for its
// files in name order, exactly what `sha256sum` prints, so that
//   (cd FOLDER && LC_ALL=C ls | xargs sha256sum | sha256sum)
// reproduces it. The files' digests come from the per-user FileFingerprintCache.
// `progress(done, total)` is called with the bytes of the folder hashed so far when given;
// returning false stops the hashing (the result is then empty).
std::string exportFolderSha256(const std::string& folder, const HashProgress& progress = {});

// Copies the regular files directly in `from` into the existing folder `to`, stopping between
// files when the context cancels. Throws tunebench::Error naming the file that failed.
void copyFolderFiles(const std::string& from, const std::string& to, JobContext& context);

// Total bytes of the regular files under path (a file or a folder); 0 when it does not exist.
uint64_t pathBytes(const std::string& path);

// "<run name>-<format>", the run name reduced to letters, digits, '.', '-' and '_' (others become
// '_') so that it is a safe folder name.
std::string exportFolderStem(const std::string& runName, const std::string& format);

// <projectFolder>/exports/<stem>-<n> with the smallest n >= 1 not yet taken.
std::string defaultExportFolder(const std::string& projectFolder, const std::string& runName,
                                const std::string& format);

}  // namespace tunebench

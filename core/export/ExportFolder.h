#pragma once
// The files of an exported folder: copying them, their size, and where a new export goes by
// default (their digest is common/FolderDigest.h). No LibTorch here.
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/JobContext.h"

namespace tunebench {

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

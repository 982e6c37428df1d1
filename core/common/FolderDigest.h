#pragma once
// The SHA-256 of a flat folder of files (an export, a checkpoint) as one digest. No LibTorch here.
#include <string>
#include <vector>

#include "common/Sha256.h"

namespace tunebench {

// Regular files directly in the folder, by name (byte order). The folders digested are flat; a
// sub-folder is an error, since the digest would not cover it.
std::vector<std::string> folderFiles(const std::string& folder);

// The SHA-256 of the folder: the digest of the lines "<sha256 of file>  <file name>\n" for its
// files in name order, exactly what `sha256sum` prints, so that
//   (cd FOLDER && LC_ALL=C ls | xargs sha256sum | sha256sum)
// reproduces it. The files' digests come from the per-user FileFingerprintCache.
// `progress(done, total)` is called with the bytes of the folder hashed so far when given;
// returning false stops the hashing (the result is then empty).
std::string folderSha256(const std::string& folder, const HashProgress& progress = {});

}  // namespace tunebench

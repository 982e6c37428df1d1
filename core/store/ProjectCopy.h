#pragma once
// Save As: a consistent copy of an open project, written with SQLite's online backup API so that
// it is correct even while a training thread writes to the original.
#include <filesystem>

#include "store/ProjectStore.h"

namespace tunebench::store {

// Copies `source` to `target` (replacing a previous file there only once the copy is complete)
// and returns the copy, opened. Relative paths of models, datasets, checkpoints and exports are
// rewritten so that they still name the same files from the copy's folder. Throws
// tunebench::Error naming the target and what to do; a failure leaves any previous target intact.
ProjectStore saveProjectAs(ProjectStore& source, const std::filesystem::path& target);

}  // namespace tunebench::store

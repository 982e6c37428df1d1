#pragma once
// The data pipeline over a project's stored versions: load a version as typed examples, clean it
// into a new version, split it into a new version, profile it, and export it for the trainer.
// Versions are immutable: every operation that changes data writes a new version whose parent is
// the one it read, so the raw import stays as it was read.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "data/CleaningRecipe.h"
#include "data/DatasetProfile.h"
#include "data/PromptFormat.h"
#include "data/TrainingTextFormat.h"
#include "store/DatasetRepository.h"

namespace tunebench::store {

class ProjectStore;

struct LoadedVersion {
  DatasetRecord dataset;
  DatasetVersionRecord version;
  Dataset data;  // examples[i].sourceIndex is row i of the version
  std::vector<std::optional<std::string>> splits;  // per row
};

// A dataset by name (or by id when the text is a number) and a version by number, the newest
// when none is given. Throws tunebench::Error listing what exists when nothing matches.
DatasetVersionRecord resolveVersion(ProjectStore& store, const std::string& dataset,
                                    std::optional<int64_t> number = std::nullopt);

// Raw rows are mapped through the dataset's stored mapping.
LoadedVersion loadVersion(ProjectStore& store, int64_t versionId, JobContext& context);

struct CleanResult {
  DatasetVersionRecord version;     // the new version
  std::vector<StepReport> reports;  // one per enabled step
  bool canceled = false;            // nothing was stored
};

// Applies the recipe to a copy of the version and stores the outcome as the next version, with
// the enabled steps, their settings and reports. Rows keep the split of the row they came from.
CleanResult cleanVersion(ProjectStore& store, int64_t versionId, const CleaningRecipe& recipe,
                         JobContext& context);

struct SplitRequest {
  std::string method = "random";  // random, stratified, kfold, group
  double validation = 0.1;
  double test = 0.1;
  uint64_t seed = 0;
  int folds = 5;           // kfold: the number of folds
  int fold = 0;            // kfold: which fold is the test side (0-based)
  std::string groupField;  // group: the record field whose value keeps rows together
  nlohmann::json toJson() const;
};

// Stores the split as the next version: the same rows, each labelled train, validation or test.
// Stratified splits need labels (classification datasets).
DatasetVersionRecord splitVersion(ProjectStore& store, int64_t versionId,
                                  const SplitRequest& request, JobContext& context);

// Profiles the version, its unused fields included (unusedSourceFields).
DatasetProfile profileVersion(ProjectStore& store, int64_t versionId, const ProfileOptions& options,
                              JobContext& context);

// The fields of the records as imported that the dataset's column mapping leaves unused, with the
// number of records where each holds a value (0: always empty). A cleaned version is looked at
// through the import it descends from.
std::map<std::string, size_t> unusedSourceFields(ProjectStore& store, int64_t versionId,
                                                 JobContext& context);

// Writes the rows of a split (all rows when empty) as trainer JSON Lines, through a temporary
// file renamed into place, so a failed export leaves an earlier file intact. Returns the count.
// `format`: a preset or a model's chat template (default: the preset for the dataset's kind); a
// template that fails on a row names the row.
int64_t exportVersion(ProjectStore& store, int64_t versionId, const std::string& split,
                      const std::filesystem::path& out,
                      const std::optional<TrainingTextFormat>& format, JobContext& context);

}  // namespace tunebench::store

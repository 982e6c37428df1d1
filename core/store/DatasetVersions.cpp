#include "store/DatasetVersions.h"

#include <fstream>
#include <set>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "data/RecordMapper.h"
#include "data/TrainerRecords.h"
#include "store/DatasetRows.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

namespace {

std::string datasetNames(DatasetRepository& repository) {
  std::string names;
  for (const auto& d : repository.datasets()) names += (names.empty() ? "" : ", ") + d.name;
  return names.empty() ? "none" : names;
}

std::string describe(const LoadedVersion& loaded) {
  return "dataset \"" + loaded.dataset.name + "\" version " + std::to_string(loaded.version.number);
}

}  // namespace

DatasetVersionRecord resolveVersion(ProjectStore& store, const std::string& dataset,
                                    std::optional<int64_t> number) {
  DatasetRepository repository(store);
  auto found = repository.findDatasetByName(dataset);
  if (!found && !dataset.empty() && dataset.find_first_not_of("0123456789") == std::string::npos)
    found = repository.findDataset(std::stoll(dataset));
  if (!found)
    throw Error(store.file().string() + ": no dataset \"" + dataset +
                "\" (datasets: " + datasetNames(repository) + ")");
  const auto versions = repository.versions(found->id);
  if (versions.empty()) throw Error("dataset \"" + dataset + "\" has no versions");
  if (!number) return versions.back();
  for (const auto& v : versions)
    if (v.number == *number) return v;
  throw Error("dataset \"" + dataset + "\" has no version " + std::to_string(*number) +
              " (versions 1 to " + std::to_string(versions.back().number) + ")");
}

LoadedVersion loadVersion(ProjectStore& store, int64_t versionId, JobContext& context) {
  DatasetRepository repository(store);
  LoadedVersion loaded;
  const auto version = repository.findVersion(versionId);
  if (!version)
    throw Error(store.file().string() + ": no dataset version " + std::to_string(versionId));
  loaded.version = *version;
  loaded.dataset = *repository.findDataset(version->datasetId);
  const auto mapping = ColumnMapping::fromJson(
      parseJson(loaded.dataset.detectedSchema,
                "the project's column mapping of dataset \"" + loaded.dataset.name + "\""));
  loaded.data.kind = mapping.kind;
  const bool raw = version->rowFormat == kRawRows;
  forEachRow(repository, versionId, context, "loading " + describe(loaded),
             [&](const DatasetRow& row) {
               const auto json = parseRow(row, loaded.dataset.name);
               Example example;
               if (raw) {
                 ImportedRecord record{json, row.sourceLine.value_or(0), 0};
                 example = mapRecord(record, mapping);
               } else {
                 example = exampleFromJson(json, mapping.kind);
               }
               // Later versions refer to rows of this one.
               example.sourceIndex = row.index;
               if (row.sourceLine) example.sourceLine = *row.sourceLine;
               loaded.data.examples.push_back(std::move(example));
               loaded.splits.push_back(row.split);
             });
  return loaded;
}

CleanResult cleanVersion(ProjectStore& store, int64_t versionId, const CleaningRecipe& recipe,
                         JobContext& context) {
  const auto loaded = loadVersion(store, versionId, context);
  CleanResult result;
  auto cleaned = recipe.apply(loaded.data, context);
  if (cleaned.canceled || context.isCanceled()) {
    result.canceled = true;
    return result;
  }
  std::vector<RecipeStep> steps;
  size_t report = 0;
  for (size_t i = 0; i < recipe.size(); ++i) {
    const auto& entry = recipe.entry(i);
    if (!entry.enabled) continue;  // a step that was off did nothing to this version
    steps.push_back({entry.step->id(), entry.step->settings().dump(),
                     cleaned.reports.at(report++).toJson().dump()});
  }
  DatasetRepository repository(store);
  Transaction transaction(store.db());
  const int64_t id =
      repository.createVersion(loaded.version.datasetId, versionId, steps, kExampleRows);
  RowWriter writer(repository, id);
  const auto kind = cleaned.dataset.kind;
  for (const auto& example : cleaned.dataset.examples) {
    std::optional<std::string> split;
    if (example.sourceIndex >= 0 && size_t(example.sourceIndex) < loaded.splits.size())
      split = loaded.splits[size_t(example.sourceIndex)];
    writer.add({0, split, toJson(example, kind).dump(), example.sourceLine});
  }
  writer.flush();
  if (loaded.version.splitSettings) repository.setSplitSettings(id, *loaded.version.splitSettings);
  transaction.commit();
  result.version = *repository.findVersion(id);
  result.reports = std::move(cleaned.reports);
  return result;
}

std::map<std::string, size_t> unusedSourceFields(ProjectStore& store, int64_t versionId,
                                                 JobContext& context) {
  DatasetRepository repository(store);
  auto raw = repository.findVersion(versionId);
  if (!raw)
    throw Error(store.file().string() + ": no dataset version " + std::to_string(versionId));
  const auto dataset = *repository.findDataset(raw->datasetId);
  // Cleaned versions hold typed examples: the import they descend from is the one looked at.
  while (raw && raw->rowFormat != kRawRows)
    raw = raw->parentVersionId ? repository.findVersion(*raw->parentVersionId) : std::nullopt;
  if (!raw) return {};
  const auto mapping = ColumnMapping::fromJson(parseJson(
      dataset.detectedSchema, "the project's column mapping of dataset \"" + dataset.name + "\""));
  std::set<std::string> used;
  for (const auto& [slot, field] : mapping.columns) used.insert(field);
  std::map<std::string, size_t> unused;
  forEachRow(
      repository, raw->id, context, "looking for unused fields of dataset \"" + dataset.name + "\"",
      [&](const DatasetRow& row) {
        const auto json = parseRow(row, dataset.name);
        if (!json.is_object()) return;
        for (const auto& [field, value] : json.items()) {
          if (used.count(field)) continue;
          const bool empty =
              value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty());
          unused[field] += empty ? 0 : 1;
        }
      });
  return unused;
}

DatasetProfile profileVersion(ProjectStore& store, int64_t versionId, const ProfileOptions& options,
                              JobContext& context) {
  const auto loaded = loadVersion(store, versionId, context);
  auto profile = profileDataset(loaded.data, options);
  profile.unusedFields = unusedSourceFields(store, versionId, context);
  return profile;
}

int64_t exportVersion(ProjectStore& store, int64_t versionId, const std::string& split,
                      const std::filesystem::path& out,
                      const std::optional<TrainingTextFormat>& format, JobContext& context) {
  const auto loaded = loadVersion(store, versionId, context);
  if (!split.empty() && !loaded.version.splitSettings)
    throw Error(describe(loaded) + " has no splits; run 'data split' first, or export all rows");
  const auto chosen = format.value_or(TrainingTextFormat(defaultPresetFor(loaded.data.kind)));
  int64_t written = 0;
  // The rows are checked before anything is written: a split with no rows writes no file.
  if (!split.empty() &&
      std::none_of(loaded.splits.begin(), loaded.splits.end(),
                   [&](const std::optional<std::string>& name) { return name == split; }))
    throw Error(describe(loaded) + " has no rows in split \"" + split +
                "\" (splits are train, validation, test)");
  writeFileAtomically(out, [&](std::ostream& file) {
    const auto total = static_cast<int64_t>(loaded.data.examples.size());
    for (size_t i = 0; i < loaded.data.examples.size(); ++i) {
      if (!split.empty() && loaded.splits[i] != split) continue;
      nlohmann::json record;
      try {
        record = trainerRecord(loaded.data.examples[i], loaded.data.kind, chosen);
      } catch (const Error& e) {
        throw e.within(describe(loaded) + ": row " + std::to_string(i));
      }
      file << record.dump() << '\n';
      ++written;
      if (i % 4096 == 0) context.progress(int64_t(i), total, "exporting to " + out.string());
    }
  });
  return written;
}

}  // namespace tunebench::store

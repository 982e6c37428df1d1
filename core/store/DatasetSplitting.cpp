// splitVersion: draws a seeded split over a stored version and stores it as the next version.
#include <algorithm>
#include <cmath>
#include <functional>

#include "common/Error.h"
#include "data/Splits.h"
#include "store/DatasetRows.h"
#include "store/DatasetVersions.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

namespace {

// Indices into `subset` mapped back to indices of the whole.
std::vector<size_t> pick(const std::vector<size_t>& subset, const std::vector<size_t>& positions) {
  std::vector<size_t> out;
  out.reserve(positions.size());
  for (size_t p : positions) out.push_back(subset[p]);
  return out;
}

template <typename Values>
Values select(const Values& values, const std::vector<size_t>& indices) {
  Values out;
  out.reserve(indices.size());
  for (size_t i : indices) out.push_back(values[i]);
  return out;
}

// A train/test cut of the items `keys` (labels or groups), or all in train when share is 0.
using TwoWayCut = std::function<Split(const std::vector<std::string>& keys, double share)>;

// Test first over everything, then validation out of what is left, so that both shares are
// shares of the whole dataset.
Split threeWay(size_t count, const std::vector<std::string>& keys, const SplitRequest& request,
               const TwoWayCut& cut) {
  std::vector<size_t> all(count);
  for (size_t i = 0; i < count; ++i) all[i] = i;
  Split result;
  std::vector<size_t> rest = all;
  if (request.test > 0) {
    const auto first = cut(keys, request.test);
    result.test = first.test;
    rest = first.train;
  }
  if (request.validation > 0) {
    if (request.validation + request.test >= 1)
      throw Error("validation and test shares must add up to less than 1");
    // The cut rounds share * items up; aim half an item low so that the validation side gets
    // exactly ceil(validation * count) items, as randomSplit gives, despite floating point.
    const double wanted = std::ceil(request.validation * double(count));
    if (wanted >= double(rest.size())) throw Error("no items left for training");
    const double share = (wanted - 0.5) / double(rest.size());
    const auto second = cut(select(keys, rest), share);
    result.validation = pick(rest, second.test);
    rest = pick(rest, second.train);
  }
  result.train = rest;
  return result;
}

std::string keyOf(const nlohmann::json& record, const std::string& field, const DatasetRow& row) {
  if (!record.is_object() || !record.contains(field))
    throw Error("row " + std::to_string(row.index) +
                (row.sourceLine ? " (line " + std::to_string(*row.sourceLine) + ")" : "") +
                ": field \"" + field + "\" is missing; the group split needs it in every row");
  const auto& value = record[field];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Split drawSplit(ProjectStore& store, const LoadedVersion& loaded, const SplitRequest& request,
                JobContext& context) {
  const size_t count = loaded.data.examples.size();
  if (request.method == "random")
    return randomSplit(count, request.validation, request.test, request.seed);
  if (request.method == "stratified") {
    if (loaded.data.kind != DatasetKind::Classification)
      throw Error("a stratified split needs labels: dataset \"" + loaded.dataset.name + "\" is " +
                  datasetKindName(loaded.data.kind) + ", not classification; use --method random");
    std::vector<std::string> labels;
    for (const auto& e : loaded.data.examples) labels.push_back(e.label);
    uint64_t seed = request.seed;
    return threeWay(count, labels, request, [&](const auto& keys, double share) {
      return stratifiedSplit(keys, share, seed++);
    });
  }
  if (request.method == "kfold") {
    if (request.fold < 0 || request.fold >= request.folds)
      throw Error("--fold must be from 0 to " + std::to_string(request.folds - 1));
    std::vector<std::string> labels;
    if (loaded.data.kind == DatasetKind::Classification)
      for (const auto& e : loaded.data.examples) labels.push_back(e.label);
    auto folds =
        kFoldSplits(count, request.folds, request.seed, labels.empty() ? nullptr : &labels);
    return folds.at(size_t(request.fold));
  }
  if (request.method == "group") {
    if (request.groupField.empty()) throw Error("a group split needs --group-field");
    DatasetRepository repository(store);
    std::vector<std::string> groups;
    forEachRow(
        repository, loaded.version.id, context, "reading groups", [&](const DatasetRow& row) {
          groups.push_back(keyOf(parseRow(row, loaded.dataset.name), request.groupField, row));
        });
    uint64_t seed = request.seed;
    return threeWay(count, groups, request, [&](const auto& keys, double share) {
      return groupSplit(keys, share, seed++);
    });
  }
  throw Error("unknown split method \"" + request.method +
              "\" (expected random, stratified, kfold or group)");
}

}  // namespace

nlohmann::json SplitRequest::toJson() const {
  nlohmann::json json = {{"method", method}, {"seed", seed}};
  if (method == "kfold") {
    json["folds"] = folds;
    json["fold"] = fold;
  } else {
    json["validation"] = validation;
    json["test"] = test;
  }
  if (method == "group") json["groupField"] = groupField;
  return json;
}

DatasetVersionRecord splitVersion(ProjectStore& store, int64_t versionId,
                                  const SplitRequest& request, JobContext& context) {
  const auto loaded = loadVersion(store, versionId, context);
  if (loaded.data.examples.empty()) throw Error("dataset \"" + loaded.dataset.name + "\" is empty");
  const auto split = drawSplit(store, loaded, request, context);
  std::vector<std::string> names(loaded.data.examples.size(), "train");
  for (size_t i : split.validation) names.at(i) = "validation";
  for (size_t i : split.test) names.at(i) = "test";

  const nlohmann::json report = {{"train", split.train.size()},
                                 {"validation", split.validation.size()},
                                 {"test", split.test.size()}};
  DatasetRepository repository(store);
  Transaction transaction(store.db());
  const int64_t id = repository.createVersion(loaded.version.datasetId, versionId,
                                              {{"split", request.toJson().dump(), report.dump()}},
                                              loaded.version.rowFormat);
  RowWriter writer(repository, id);
  forEachRow(repository, versionId, context, "storing the split", [&](const DatasetRow& row) {
    writer.add({0, names.at(size_t(row.index)), row.data, row.sourceLine});
  });
  writer.flush();
  repository.setSplitSettings(id, request.toJson().dump());
  transaction.commit();
  return *repository.findVersion(id);
}

}  // namespace tunebench::store

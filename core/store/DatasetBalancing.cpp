#include "store/DatasetBalancing.h"

#include "common/Error.h"
#include "common/JsonFile.h"
#include "data/Balancing.h"
#include "data/ColumnMapping.h"
#include "store/DatasetRows.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

namespace {

std::string describe(const DatasetRecord& dataset, const DatasetVersionRecord& version) {
  return "dataset \"" + dataset.name + "\" version " + std::to_string(version.number);
}

std::string fieldNames(const nlohmann::json& record) {
  std::string names;
  for (const auto& item : record.items()) names += (names.empty() ? "" : ", ") + item.key();
  return names.empty() ? "none" : names;
}

std::string labelOf(const nlohmann::json& record, const std::string& field, const DatasetRow& row,
                    const std::string& where) {
  const std::string at = where + ", row " + std::to_string(row.index) +
                         (row.sourceLine ? " (line " + std::to_string(*row.sourceLine) + ")" : "");
  if (!record.is_object() || !record.contains(field))
    throw Error(at + ": the label field \"" + field + "\" is missing (the row's fields: " +
                (record.is_object() ? fieldNames(record) : std::string("none")) +
                "); choose the field that holds the class, or clean rows without it away first");
  const auto& value = record[field];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  throw Error(at + ": the label field \"" + field + "\" holds " + value.type_name() +
              ", not a string or number");
}

ClassCounts countClasses(const std::vector<std::string>& labels, const std::vector<size_t>& rows) {
  ClassCounts counts;
  for (size_t row : rows) ++counts[labels.at(row)];
  return counts;
}

ClassCounts countsFromJson(const nlohmann::json& json) {
  ClassCounts counts;
  if (json.is_object())
    for (const auto& item : json.items())
      if (item.value().is_number_integer()) counts[item.key()] = item.value().get<int64_t>();
  return counts;
}

struct LoadedLabels {
  DatasetRecord dataset;
  DatasetVersionRecord version;
  std::vector<std::string> labels;
};

LoadedLabels loadLabels(ProjectStore& store, int64_t versionId, const std::string& labelField,
                        JobContext& context) {
  if (labelField.empty())
    throw Error("balancing needs the label field: name the field of the class");
  DatasetRepository repository(store);
  LoadedLabels loaded;
  const auto version = repository.findVersion(versionId);
  if (!version)
    throw Error(store.file().string() + ": no dataset version " + std::to_string(versionId));
  loaded.version = *version;
  loaded.dataset = *repository.findDataset(version->datasetId);
  const auto where = describe(loaded.dataset, loaded.version);
  loaded.labels.reserve(size_t(version->recordCount));
  forEachRow(repository, versionId, context, "reading the labels of " + where,
             [&](const DatasetRow& row) {
               loaded.labels.push_back(
                   labelOf(parseRow(row, loaded.dataset.name), labelField, row, where));
             });
  return loaded;
}

BalancePlan plan(const LoadedLabels& loaded, const BalanceRequest& request) {
  if (request.method != "oversample" && request.method != "undersample")
    throw Error("unknown balancing method \"" + request.method +
                "\" (expected oversample or undersample)");
  if (loaded.labels.empty())
    throw Error(describe(loaded.dataset, loaded.version) + " has no rows to balance");
  BalancePlan result;
  result.rows = request.method == "oversample" ? randomOversample(loaded.labels, request.seed)
                                               : randomUndersample(loaded.labels, request.seed);
  std::vector<size_t> all(loaded.labels.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  result.before = countClasses(loaded.labels, all);
  result.after = countClasses(loaded.labels, result.rows);
  result.classWeights = balancedClassWeights(loaded.labels);
  return result;
}

}  // namespace

nlohmann::json BalanceRequest::toJson() const {
  return {{"labelField", labelField}, {"method", method}, {"seed", seed}};
}

std::string defaultLabelField(const DatasetRecord& dataset, const DatasetVersionRecord& version) {
  try {
    const auto mapping = ColumnMapping::fromJson(
        parseJson(dataset.detectedSchema,
                  "the project's column mapping of dataset \"" + dataset.name + "\""));
    if (mapping.kind != DatasetKind::Classification) return {};
    if (version.rowFormat == kExampleRows) return "label";
    const auto found = mapping.columns.find("label");
    return found == mapping.columns.end() ? std::string("label") : found->second;
  } catch (const std::exception&) {
    return {};  // no usable mapping: the caller names the field
  }
}

std::vector<std::string> readLabels(ProjectStore& store, int64_t versionId,
                                    const std::string& labelField, JobContext& context) {
  return loadLabels(store, versionId, labelField, context).labels;
}

BalancePlan planBalance(ProjectStore& store, int64_t versionId, const BalanceRequest& request,
                        JobContext& context) {
  return plan(loadLabels(store, versionId, request.labelField, context), request);
}

BalanceResult balanceVersion(ProjectStore& store, int64_t versionId, const BalanceRequest& request,
                             JobContext& context) {
  const auto loaded = loadLabels(store, versionId, request.labelField, context);
  const auto balanced = plan(loaded, request);
  // How many times each row of the parent appears in the new version, in the parent's order.
  std::vector<uint32_t> copies(loaded.labels.size(), 0);
  for (size_t row : balanced.rows) ++copies.at(row);

  const nlohmann::json report = {{"before", balanced.before},
                                 {"after", balanced.after},
                                 {"rowsBefore", loaded.labels.size()},
                                 {"rowsAfter", balanced.rows.size()}};
  DatasetRepository repository(store);
  Transaction transaction(store.db());
  const int64_t id = repository.createVersion(
      loaded.version.datasetId, versionId,
      {{kBalanceOperation, request.toJson().dump(), report.dump()}}, loaded.version.rowFormat);
  RowWriter writer(repository, id);
  forEachRow(repository, versionId, context, "storing the balanced rows",
             [&](const DatasetRow& row) {
               const size_t index = size_t(row.index);
               if (index >= copies.size())
                 throw Error(describe(loaded.dataset, loaded.version) + ": row " +
                             std::to_string(row.index) + " is beyond its record count");
               for (uint32_t k = 0; k < copies[index]; ++k)
                 writer.add({0, row.split, row.data, row.sourceLine});
             });
  writer.flush();
  if (loaded.version.splitSettings) repository.setSplitSettings(id, *loaded.version.splitSettings);
  transaction.commit();
  BalanceResult result;
  result.version = *repository.findVersion(id);
  result.before = balanced.before;
  result.after = balanced.after;
  return result;
}

std::optional<StoredBalance> storedBalance(DatasetRepository& repository, int64_t versionId) {
  const auto steps = repository.recipe(versionId);
  if (steps.size() != 1 || steps.front().operation != kBalanceOperation) return std::nullopt;
  try {
    const auto params = parseJson(steps.front().params, "the project's balancing settings");
    const auto report = parseJson(steps.front().report, "the project's balancing report");
    StoredBalance stored;
    stored.request.labelField = params.value("labelField", std::string());
    stored.request.method = params.value("method", std::string());
    stored.request.seed = params.value("seed", uint64_t(0));
    stored.before = countsFromJson(report.value("before", nlohmann::json::object()));
    stored.after = countsFromJson(report.value("after", nlohmann::json::object()));
    return stored;
  } catch (const nlohmann::json::exception& e) {
    throw Error("dataset version " + std::to_string(versionId) +
                ": the stored balance step is not valid JSON (" + e.what() + ")");
  }
}

}  // namespace tunebench::store

#pragma once
// Class balancing over a stored version: the labels are read from a field of each row, random
// over- or under-sampling picks the rows, and the result is stored as the next version, whose
// rows are the picked rows (over-sampled copies are rows of their own). The version it reads is
// never changed.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"
#include "store/DatasetRepository.h"

namespace tunebench::store {

class ProjectStore;

// The recipe step's operation name of a balanced version.
constexpr const char* kBalanceOperation = "balance";

struct BalanceRequest {
  std::string labelField;             // the record field holding the class (string or number)
  std::string method = "oversample";  // oversample (up to the largest class) or undersample
  uint64_t seed = 0;
  nlohmann::json toJson() const;
};

using ClassCounts = std::map<std::string, int64_t>;

// What balancing a version gives, before anything is stored.
struct BalancePlan {
  ClassCounts before;
  ClassCounts after;
  std::map<std::string, double> classWeights;  // balanced weights of the rows before
  std::vector<size_t> rows;  // row indices of the new version in order, copies repeated
};

struct BalanceResult {
  DatasetVersionRecord version;  // the new version
  ClassCounts before;
  ClassCounts after;
};

// The field a classification version keeps its label in: the mapped label column for rows as
// imported, "label" for typed rows (cleaned versions). Empty for other kinds of data.
std::string defaultLabelField(const DatasetRecord& dataset, const DatasetVersionRecord& version);

// The class of every row of the version, as text (numbers and booleans as JSON writes them).
// Throws tunebench::Error naming the dataset, version, row and line when a row lacks the field
// or holds no string, number or boolean in it.
std::vector<std::string> readLabels(ProjectStore& store, int64_t versionId,
                                    const std::string& labelField, JobContext& context);

// Counts and rows of balancing the version, without storing anything.
BalancePlan planBalance(ProjectStore& store, int64_t versionId, const BalanceRequest& request,
                        JobContext& context);

// Stores the balanced rows as the next version of the dataset. The recipe step "balance" holds
// the request as its parameters and {"before": {class: rows}, "after": {...}} as its report.
// Rows keep their split and source line; a split version's copies stay in their row's split.
BalanceResult balanceVersion(ProjectStore& store, int64_t versionId, const BalanceRequest& request,
                             JobContext& context);

// The stored request and counts of a version made by balanceVersion; nullopt for other versions.
struct StoredBalance {
  BalanceRequest request;
  ClassCounts before;
  ClassCounts after;
};
std::optional<StoredBalance> storedBalance(DatasetRepository& repository, int64_t versionId);

}  // namespace tunebench::store

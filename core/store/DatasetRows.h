#pragma once
// Streaming over the rows of a stored version, and writing rows in batches, so that large
// versions pass through page by page with progress instead of one huge query.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"
#include "store/DatasetRepository.h"

namespace tunebench::store {

// Calls `visit` for each row in order, reporting progress with `text`.
void forEachRow(DatasetRepository& repository, int64_t versionId, JobContext& context,
                const std::string& text, const std::function<void(const DatasetRow&)>& visit);

// The row's JSON; throws tunebench::Error naming the dataset and row when it is not JSON.
nlohmann::json parseRow(const DatasetRow& row, const std::string& datasetName);

class RowWriter {
 public:
  RowWriter(DatasetRepository& repository, int64_t versionId)
      : repository_(repository), versionId_(versionId) {}
  void add(DatasetRow row);
  void flush();

 private:
  static constexpr size_t kBatch = 2000;
  DatasetRepository& repository_;
  int64_t versionId_;
  std::vector<DatasetRow> rows_;
};

}  // namespace tunebench::store

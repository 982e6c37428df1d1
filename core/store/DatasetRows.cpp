#include "store/DatasetRows.h"

#include "common/Error.h"
#include "common/JsonFile.h"

namespace tunebench::store {

void forEachRow(DatasetRepository& repository, int64_t versionId, JobContext& context,
                const std::string& text, const std::function<void(const DatasetRow&)>& visit) {
  constexpr int64_t kPage = 5000;
  const auto version = repository.findVersion(versionId);
  const int64_t total = version ? version->recordCount : 0;
  for (int64_t offset = 0; offset < total; offset += kPage) {
    // Callers write inside a transaction, so stopping by an exception stores nothing.
    if (context.isCanceled()) throw Error(text + ": canceled; nothing was stored");
    context.progress(offset, total, text);
    for (const auto& row : repository.page(versionId, offset, kPage)) visit(row);
  }
  context.progress(total, total, text);
}

nlohmann::json parseRow(const DatasetRow& row, const std::string& datasetName) {
  return parseJson(row.data, "dataset \"" + datasetName + "\" row " + std::to_string(row.index) +
                                 ": stored record");
}

void RowWriter::add(DatasetRow row) {
  rows_.push_back(std::move(row));
  if (rows_.size() >= kBatch) flush();
}

void RowWriter::flush() {
  if (!rows_.empty()) repository_.appendRows(versionId_, rows_);
  rows_.clear();
}

}  // namespace tunebench::store

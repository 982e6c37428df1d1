#pragma once
// Rebuilds records from the leaf columns' repetition and definition levels (the Dremel paper's
// assembly): each row becomes one JSON object, groups become objects, repeated fields arrays,
// undefined optional fields null. LIST groups (the standard three-level form and the legacy
// two-level forms) become arrays of their elements, MAP groups objects keyed by the key's text.
#include <vector>

#include <nlohmann/json.hpp>

#include "builtin/parquet/ParquetColumnReader.h"
#include "builtin/parquet/ParquetSchema.h"

namespace tunebench::parquet {

class RecordAssembler {
 public:
  explicit RecordAssembler(const Schema& schema);

  // Reads one row from every column (one reader per leaf, in leaf order) and returns it. Throws
  // Error when a column ends early or the columns' levels contradict each other.
  nlohmann::json next(const std::vector<ColumnReader*>& columns);

 private:
  const Schema& schema_;
  std::vector<std::vector<const SchemaNode*>> paths_;  // per leaf: the nodes below the root
};

}  // namespace tunebench::parquet

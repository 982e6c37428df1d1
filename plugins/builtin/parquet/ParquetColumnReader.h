#pragma once
// The values of one leaf column in one row group, page by page, as (repetition level,
// definition level, value) triples: a value is JSON null where the definition level is below the
// column's maximum. Pages are decoded lazily, so memory holds one page at a time.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builtin/parquet/ParquetEncodings.h"
#include "builtin/parquet/ParquetPages.h"
#include "builtin/parquet/ParquetSchema.h"
#include "builtin/parquet/ParquetValues.h"

namespace tunebench::parquet {

struct LevelledValue {
  int repetition = 0;
  int definition = 0;
  nlohmann::json value;
};

class ColumnReader {
 public:
  // Called after each page with the bytes of the chunk read so far; may throw to stop reading.
  using PageHook = std::function<void(size_t bytesRead)>;

  // `chunk`: the column chunk's bytes, which start at `fileOffset` in the file.
  ColumnReader(const SchemaNode& leaf, const ColumnMetaData& meta, std::string chunk,
               int64_t fileOffset, PageHook onPage);

  // The triple at the reader's position, or nullptr at the end of the chunk.
  const LevelledValue* peek();
  // Takes the triple peek() returned.
  LevelledValue take();
  // Throws Error unless the values read match the count in the column's metadata.
  void checkFinished();

  const SchemaNode& leaf() const { return leaf_; }

 private:
  bool loadPage();
  void startValues(const uint8_t* values, size_t size, int32_t encoding);
  void readDictionary(const Page& page);
  // A v1 level section (4-byte length, RLE); advances data past it. Null when maxLevel is 0.
  std::unique_ptr<RleBitPackedDecoder> levelDecoder(const uint8_t*& data, size_t& size,
                                                    int maxLevel, int32_t encoding);
  void readNext();
  // "column a.b, page 3 (at byte 1234): " for errors.
  std::string where() const;

  const SchemaNode& leaf_;
  const ColumnMetaData& meta_;
  std::string chunk_;
  PageReader pages_;
  PageHook onPage_;
  ValueConverter converter_;
  Page page_;
  std::vector<nlohmann::json> dictionary_;
  bool hasDictionary_ = false;
  std::unique_ptr<RleBitPackedDecoder> repetition_, definition_, indices_;
  std::unique_ptr<ValueDecoder> values_;
  int64_t leftInPage_ = 0;
  int64_t valuesRead_ = 0;
  int64_t pageNumber_ = 0;
  std::optional<LevelledValue> pending_;
  bool finished_ = false;
};

}  // namespace tunebench::parquet

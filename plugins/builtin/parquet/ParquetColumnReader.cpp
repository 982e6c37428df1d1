#include "builtin/parquet/ParquetColumnReader.h"

#include <cstring>

#include "common/Error.h"

namespace tunebench::parquet {

namespace {

const uint8_t* bytes(const std::string& text) {
  return reinterpret_cast<const uint8_t*>(text.data());
}

bool isDictionaryEncoding(int32_t encoding) {
  return encoding == static_cast<int32_t>(Encoding::PlainDictionary) ||
         encoding == static_cast<int32_t>(Encoding::RleDictionary);
}

}  // namespace

ColumnReader::ColumnReader(const SchemaNode& leaf, const ColumnMetaData& meta, std::string chunk,
                           int64_t fileOffset, PageHook onPage)
    : leaf_(leaf),
      meta_(meta),
      chunk_(std::move(chunk)),
      pages_(bytes(chunk_), chunk_.size(), fileOffset, meta.codec),
      onPage_(std::move(onPage)),
      converter_(leaf.element) {
  checkCodecSupported(meta.codec);
}

std::unique_ptr<RleBitPackedDecoder> ColumnReader::levelDecoder(const uint8_t*& data, size_t& size,
                                                                int maxLevel, int32_t encoding) {
  if (maxLevel == 0) return nullptr;
  if (encoding != static_cast<int32_t>(Encoding::Rle))
    throw Error("levels with encoding " + encodingName(encoding) + " are not supported (RLE is)");
  if (size < 4) throw Error("level section lacks its length");
  uint32_t length;
  std::memcpy(&length, data, 4);
  if (length > size - 4)
    throw Error("level section of " + std::to_string(length) + " bytes runs past its page");
  auto decoder = std::make_unique<RleBitPackedDecoder>(
      data + 4, length, bitWidthFor(static_cast<uint32_t>(maxLevel)));
  data += 4 + length;
  size -= 4 + length;
  return decoder;
}

void ColumnReader::readDictionary(const Page& page) {
  const auto& header = *page.header.dictionaryPage;
  if (header.encoding != static_cast<int32_t>(Encoding::Plain) &&
      header.encoding != static_cast<int32_t>(Encoding::PlainDictionary))
    throw Error("dictionary page with encoding " + encodingName(header.encoding) +
                " is not supported (PLAIN is)");
  // Every value takes at least a bit: a larger count is a lie.
  if (static_cast<uint64_t>(header.numValues) > uint64_t(page.body.size()) * 8)
    throw Error("dictionary page declares " + std::to_string(header.numValues) + " values in " +
                std::to_string(page.body.size()) + " bytes");
  auto decoder = makeValueDecoder(header.encoding, *leaf_.element.type, leaf_.element.typeLength,
                                  bytes(page.body), page.body.size());
  dictionary_.clear();
  dictionary_.reserve(static_cast<size_t>(header.numValues));
  RawValue raw;
  for (int32_t i = 0; i < header.numValues; ++i) {
    decoder->next(raw);
    dictionary_.push_back(converter_.convert(raw));
  }
  hasDictionary_ = true;
}

void ColumnReader::startValues(const uint8_t* values, size_t size, int32_t encoding) {
  indices_.reset();
  values_.reset();
  if (isDictionaryEncoding(encoding)) {
    if (!hasDictionary_) throw Error("dictionary-encoded page without a dictionary page");
    if (size == 0) {
      // A page of nulls only may leave out even the bit width.
      indices_ = std::make_unique<RleBitPackedDecoder>(values, 0, 0);
      return;
    }
    const int width = values[0];
    if (width > 32) throw Error("dictionary indices have a bit width of " + std::to_string(width));
    indices_ = std::make_unique<RleBitPackedDecoder>(values + 1, size - 1, width);
  } else {
    values_ =
        makeValueDecoder(encoding, *leaf_.element.type, leaf_.element.typeLength, values, size);
  }
}

bool ColumnReader::loadPage() {
  while (true) {
    if (!pages_.next(page_)) return false;
    ++pageNumber_;
    const PageHeader& header = page_.header;
    const uint8_t* body = bytes(page_.body);
    size_t size = page_.body.size();
    if (header.type == static_cast<int32_t>(PageType::DictionaryPage)) {
      if (!header.dictionaryPage) throw Error("dictionary page without its header");
      readDictionary(page_);
    } else if (header.type == static_cast<int32_t>(PageType::DataPage)) {
      if (!header.dataPage) throw Error("data page without its header");
      // v1: each level section has a 4-byte length, then come the values.
      const auto& data = *header.dataPage;
      repetition_ =
          levelDecoder(body, size, leaf_.maxRepetitionLevel, data.repetitionLevelEncoding);
      definition_ =
          levelDecoder(body, size, leaf_.maxDefinitionLevel, data.definitionLevelEncoding);
      startValues(body, size, data.encoding);
      leftInPage_ = data.numValues;
    } else if (header.type == static_cast<int32_t>(PageType::DataPageV2)) {
      // v2: the level sections' lengths are in the header, and they are never compressed.
      const auto& data = *header.dataPageV2;
      const size_t repBytes = static_cast<size_t>(data.repetitionLevelsByteLength);
      const size_t defBytes = static_cast<size_t>(data.definitionLevelsByteLength);
      repetition_.reset();
      definition_.reset();
      if (leaf_.maxRepetitionLevel > 0)
        repetition_ = std::make_unique<RleBitPackedDecoder>(
            body, repBytes, bitWidthFor(static_cast<uint32_t>(leaf_.maxRepetitionLevel)));
      if (leaf_.maxDefinitionLevel > 0)
        definition_ = std::make_unique<RleBitPackedDecoder>(
            body + repBytes, defBytes,
            bitWidthFor(static_cast<uint32_t>(leaf_.maxDefinitionLevel)));
      startValues(body + repBytes + defBytes, size - repBytes - defBytes, data.encoding);
      leftInPage_ = data.numValues;
    } else {
      continue;  // index pages
    }
    if (onPage_) onPage_(pages_.bytesRead());
    if (leftInPage_ > 0) return true;
  }
}

void ColumnReader::readNext() {
  while (leftInPage_ == 0) {
    bool loaded;
    try {
      loaded = loadPage();
    } catch (const Error& e) {
      throw Error(where() + e.what());
    }
    if (!loaded) {
      finished_ = true;
      return;
    }
  }
  try {
    LevelledValue next;
    next.repetition = repetition_ ? static_cast<int>(repetition_->next()) : 0;
    next.definition = definition_ ? static_cast<int>(definition_->next()) : 0;
    if (next.repetition > leaf_.maxRepetitionLevel)
      throw Error("repetition level " + std::to_string(next.repetition) +
                  " is above the column's maximum of " + std::to_string(leaf_.maxRepetitionLevel));
    if (next.definition > leaf_.maxDefinitionLevel)
      throw Error("definition level " + std::to_string(next.definition) +
                  " is above the column's maximum of " + std::to_string(leaf_.maxDefinitionLevel));
    if (next.definition == leaf_.maxDefinitionLevel) {
      if (indices_) {
        const uint32_t index = indices_->next();
        if (index >= dictionary_.size())
          throw Error("dictionary index " + std::to_string(index) + " is out of range (the " +
                      "dictionary holds " + std::to_string(dictionary_.size()) + " values)");
        next.value = dictionary_[index];
      } else {
        RawValue raw;
        values_->next(raw);
        next.value = converter_.convert(raw);
      }
    }
    --leftInPage_;
    ++valuesRead_;
    pending_ = std::move(next);
  } catch (const Error& e) {
    throw Error(where() + e.what());
  }
}

std::string ColumnReader::where() const {
  std::string text = "column " + columnPath(leaf_);
  if (pageNumber_ > 0)
    text +=
        ", page " + std::to_string(pageNumber_) + " (at byte " + std::to_string(page_.offset) + ")";
  return text + ": ";
}

const LevelledValue* ColumnReader::peek() {
  if (!pending_ && !finished_) readNext();
  return pending_ ? &*pending_ : nullptr;
}

LevelledValue ColumnReader::take() {
  if (!peek()) throw Error(where() + "ends early");
  LevelledValue value = std::move(*pending_);
  pending_.reset();
  return value;
}

void ColumnReader::checkFinished() {
  if (peek()) throw Error(where() + "holds more values than the row group's rows");
  if (valuesRead_ != meta_.numValues)
    throw Error(where() + "the column chunk holds " + std::to_string(valuesRead_) +
                " values, its metadata says " + std::to_string(meta_.numValues));
}

}  // namespace tunebench::parquet

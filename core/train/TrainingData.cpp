#include "train/TrainingData.h"

#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/Sha256.h"
#include "data/JsonLinesRecords.h"
#include "data/LineReader.h"
#include "tokenizer/TokenBudget.h"
#include "tokenizer/TokenizerLoader.h"
#include "train/TokenCache.h"

namespace tunebench {

namespace {

// The same limit readJsonLinesObjects reads with, so both see the same lines.
constexpr size_t kMaxLineBytes = 64u << 20;

// The tokenizer and the settings come first; the file's lines follow.
Sha256 fingerprintOfSettings(const DataConfig& data, Objective objective,
                             const TextEncoder& encoder,
                             const std::vector<std::string>& classLabels) {
  Sha256 fingerprint;
  fingerprint.update(encoder.fingerprint);
  fingerprint.update(std::to_string(static_cast<int>(objective)) + "|" + data.textField + "|" +
                     data.promptField + "|" + data.responseField + "|" +
                     std::to_string(data.maxLength) + "|" + (data.packing ? "packed" : "rows") +
                     "\n");
  if (objective == Objective::Classification) {
    fingerprint.update(data.labelField + "|" + std::to_string(classLabels.size()) + "\n");
    for (const auto& label : classLabels) fingerprint.update(label + "\n");
  }
  return fingerprint;
}

std::string labelOf(const nlohmann::json& record, const std::string& field,
                    const std::string& where) {
  const auto found = record.find(field);
  if (found == record.end() || found->is_null())
    throw Error(where + ": missing label field \"" + field + "\"");
  if (found->is_string() && !found->get<std::string>().empty()) return found->get<std::string>();
  if (found->is_number_integer()) return std::to_string(found->get<int64_t>());
  throw Error(where + ": label field \"" + field +
              "\" must be a non-empty string or a whole number");
}

}  // namespace

std::vector<std::string> classLabelsOfFile(const std::string& path, const std::string& labelField) {
  std::set<std::string> labels;
  readJsonLinesObjects(path, [&](const nlohmann::json& record, const std::string& where) {
    labels.insert(labelOf(record, labelField, where));
  });
  return {labels.begin(), labels.end()};
}

std::vector<int64_t> classCounts(const std::vector<TokenizedExample>& examples, size_t classes) {
  std::vector<int64_t> counts(classes, 0);
  for (const auto& example : examples)
    if (example.classLabel >= 0 && static_cast<size_t>(example.classLabel) < classes)
      ++counts[static_cast<size_t>(example.classLabel)];
  return counts;
}

std::string trainingDataFingerprint(const std::string& path, const DataConfig& data,
                                    Objective objective, const TextEncoder& encoder,
                                    const std::vector<std::string>& classLabels) {
  auto fingerprint = fingerprintOfSettings(data, objective, encoder, classLabels);
  LineReader reader(path, kMaxLineBytes);
  std::string_view line;
  while (reader.next(line)) {
    fingerprint.update(line);
    fingerprint.update("\n");
  }
  return fingerprint.hexDigest();
}

RecordTokens tokenizeRecord(const nlohmann::json& record, const std::string& where,
                            const DataConfig& data, Objective objective, const TextEncoder& encoder,
                            const std::map<std::string, int64_t>& classIndex) {
  const bool classification = objective == Objective::Classification;
  RecordTokens tokens;
  auto& example = tokens.example;
  // Only the first max_length tokens are kept: a longer text is cut before it is tokenised.
  const auto encodeUsed = [&](const std::string& text) {
    if (text.size() <= bytesForTokens(data.maxLength)) return encoder.encode(text);
    return encoder.encode(std::string(prefixForTokens(text, data.maxLength)));
  };
  if (encoder.bosId >= 0) example.ids.push_back(encoder.bosId);
  size_t promptEnd = example.ids.size();
  if (objective == Objective::Sft) {
    for (int64_t id : encodeUsed(requiredTextField(record, data.promptField, where)))
      example.ids.push_back(id);
    promptEnd = example.ids.size();
    for (int64_t id : encodeUsed(requiredTextField(record, data.responseField, where)))
      example.ids.push_back(id);
  } else {
    for (int64_t id : encodeUsed(requiredTextField(record, data.textField, where)))
      example.ids.push_back(id);
  }
  if (classification) {
    const auto label = labelOf(record, data.labelField, where);
    const auto found = classIndex.find(label);
    if (found == classIndex.end()) {
      std::string known;
      for (const auto& [name, index] : classIndex) known += (known.empty() ? "" : ", ") + name;
      throw Error(where + ": label \"" + label + "\" is not one of the " +
                  std::to_string(classIndex.size()) + " classes the classifier was set up with (" +
                  known + ")");
    }
    example.classLabel = found->second;
  }
  if (encoder.eosId >= 0) example.ids.push_back(encoder.eosId);
  if (static_cast<int64_t>(example.ids.size()) > data.maxLength) {
    // A classifier reads its answer at the last token: keep the closing EOS there.
    const bool keepEos = classification && encoder.eosId >= 0;
    example.ids.resize(static_cast<size_t>(data.maxLength));
    if (keepEos) example.ids.back() = encoder.eosId;
    tokens.truncated = true;
  }
  example.labels = example.ids;
  // No loss on the prompt: SFT learns the response only; a classifier learns no tokens.
  const size_t unlearned = classification ? example.labels.size() : promptEnd;
  for (size_t i = 0; i < std::min(unlearned, example.labels.size()); ++i)
    example.labels[i] = kIgnoredLabel;
  tokens.usable = example.ids.size() >= (classification ? 1u : 2u);  // something to predict
  return tokens;
}

TrainingDataset loadTrainingDataset(const std::string& path, const DataConfig& data,
                                    Objective objective, const TextEncoder& encoder,
                                    const TokenCache* cache,
                                    const std::vector<std::string>& classLabels,
                                    const ReadProgress& progress) {
  const bool classification = objective == Objective::Classification;
  if (classification && classLabels.size() < 2)
    throw Error(path + ": classification needs at least two classes");
  std::map<std::string, int64_t> classIndex;
  for (size_t i = 0; i < classLabels.size(); ++i)
    classIndex[classLabels[i]] = static_cast<int64_t>(i);
  if (cache) {
    if (auto cached =
            cache->load(trainingDataFingerprint(path, data, objective, encoder, classLabels))) {
      cached->fromCache = true;
      return std::move(*cached);
    }
  }
  TrainingDataset dataset;
  auto fingerprint = fingerprintOfSettings(data, objective, encoder, classLabels);
  std::error_code sizeError;
  const auto totalBytes = static_cast<int64_t>(std::filesystem::file_size(path, sizeError));
  int64_t doneBytes = 0;
  int64_t lines = 0;
  auto onLine = [&](const std::string& line) {
    fingerprint.update(line);
    fingerprint.update("\n");
    doneBytes += static_cast<int64_t>(line.size()) + 1;
    if (progress && ++lines % 256 == 0) progress(doneBytes, sizeError ? 0 : totalBytes);
  };
  readJsonLinesObjects(
      path,
      [&](const nlohmann::json& record, const std::string& where) {
        auto tokens = tokenizeRecord(record, where, data, objective, encoder, classIndex);
        if (tokens.truncated) ++dataset.truncated;
        if (tokens.usable) dataset.examples.push_back(std::move(tokens.example));
      },
      onLine);
  if (dataset.examples.empty()) throw Error(path + " has no usable examples");
  if (data.packing) dataset.examples = packExamples(dataset.examples, data.maxLength);
  dataset.fingerprint = fingerprint.hexDigest();
  if (cache) cache->store(dataset);
  return dataset;
}

std::vector<TokenizedExample> packExamples(const std::vector<TokenizedExample>& examples,
                                           int64_t maxLength) {
  std::vector<TokenizedExample> rows;
  TokenizedExample row;
  int64_t segment = 0;
  for (const auto& example : examples) {
    for (size_t i = 0; i < example.ids.size(); ++i) {
      if (static_cast<int64_t>(row.ids.size()) == maxLength) {
        rows.push_back(std::move(row));
        row = {};
      }
      row.ids.push_back(example.ids[i]);
      // A segment's first token is never a target: it must not be predicted from the example
      // before it in the row.
      row.labels.push_back(i == 0 ? kIgnoredLabel : example.labels[i]);
      row.segments.push_back(segment);
    }
    ++segment;
  }
  if (!row.ids.empty()) rows.push_back(std::move(row));
  return rows;
}

TextEncoder encoderForModelFolder(const std::string& folder) {
  const auto loaded = loadTokenizer(folder);
  std::shared_ptr<const Tokenizer> tokenizer = loaded.tokenizer;
  TextEncoder encoder;
  encoder.tokenizer = tokenizer;
  encoder.encode = [tokenizer](const std::string& text) {
    const auto ids = tokenizer->encode(text, false);
    return std::vector<int64_t>(ids.begin(), ids.end());
  };
  const auto plain = tokenizer->encode("a", false);
  const auto withSpecial = tokenizer->encode("a", true);
  if (withSpecial.size() > plain.size() && (plain.empty() || withSpecial.front() != plain.front()))
    encoder.bosId = withSpecial.front();
  encoder.eosId = tokenizer->specialIds().eos;
  Sha256 fingerprint;
  fingerprint.update(sha256OfFile(loaded.file.string()));
  const auto config = std::filesystem::path(folder) / "tokenizer_config.json";
  if (std::filesystem::exists(config)) fingerprint.update(sha256OfFile(config.string()));
  encoder.fingerprint = fingerprint.hexDigest();
  return encoder;
}

}  // namespace tunebench

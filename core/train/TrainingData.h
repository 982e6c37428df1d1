#pragma once
// Training examples as token ids with labels (kIgnoredLabel where no loss is taken), read from
// JSON Lines for causal-LM and SFT objectives, optionally packed into full-length rows.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "train/TrainingConfig.h"

namespace tunebench {

inline constexpr int64_t kIgnoredLabel = -100;

struct TokenizedExample {
  std::vector<int64_t> ids;
  std::vector<int64_t> labels;    // same length; the label of a position is the token itself
  std::vector<int64_t> segments;  // empty, or per position the packed example it came from
  int64_t classLabel = -1;        // classification: the class's index in the head; else -1
};

class Tokenizer;

struct TextEncoder {
  std::function<std::vector<int64_t>(const std::string&)> encode;
  std::shared_ptr<const Tokenizer> tokenizer;  // decodes the ids encode gives; may be empty
  int64_t bosId = -1;  // -1: none
  int64_t eosId = -1;
  std::string fingerprint;  // changes when the tokenizer changes
};

struct TrainingDataset {
  std::vector<TokenizedExample> examples;
  std::string fingerprint;  // SHA-256 over the file, the tokenizer and the data settings
  int64_t truncated = 0;    // examples cut at max_length
  bool fromCache = false;   // read from the token cache rather than tokenised
};

// The classes of a classification file: the distinct values of `labelField`, sorted. Labels may
// be strings or whole numbers (read as their decimal text).
std::vector<std::string> classLabelsOfFile(const std::string& path, const std::string& labelField);

// How many examples of each class, in the order of `labels`.
std::vector<int64_t> classCounts(const std::vector<TokenizedExample>& examples, size_t classes);

class TokenCache;

struct RecordTokens {
  TokenizedExample example;
  bool truncated = false;  // cut at max_length
  bool usable = true;      // false: nothing to learn from (training skips it)
};

// One JSON Lines record as training tokenises it for `objective`: [bos] + text (or prompt +
// response) + [eos], cut at data.maxLength (a classifier keeps its EOS last, where it reads);
// classification looks the record's label up in `classIndex` (class name → head index). Errors
// name `where` and the field; a label not in `classIndex` is an error that lists the classes.
RecordTokens tokenizeRecord(const nlohmann::json& record, const std::string& where,
                            const DataConfig& data, Objective objective,
                            const TextEncoder& encoder,
                            const std::map<std::string, int64_t>& classIndex);

// Bytes of the file read so far and its size; may throw (tunebench::Canceled) to stop the read.
using ReadProgress = std::function<void(int64_t doneBytes, int64_t totalBytes)>;

// Reads a JSON Lines file; errors name the file, line and field. With a cache, a file already
// tokenised with the same tokenizer and settings is read from it, and a new one is stored.
// Classification needs `classLabels`, the head's classes; a record with another label is an error.
TrainingDataset loadTrainingDataset(const std::string& path, const DataConfig& data,
                                    Objective objective, const TextEncoder& encoder,
                                    const TokenCache* cache = nullptr,
                                    const std::vector<std::string>& classLabels = {},
                                    const ReadProgress& progress = {});

// The fingerprint loadTrainingDataset gives the file, computed without tokenising.
std::string trainingDataFingerprint(const std::string& path, const DataConfig& data,
                                    Objective objective, const TextEncoder& encoder,
                                    const std::vector<std::string>& classLabels = {});

// Concatenates examples in order into rows of exactly maxLength tokens (the last may be shorter);
// each row remembers which example every position came from, so attention stays within it.
std::vector<TokenizedExample> packExamples(const std::vector<TokenizedExample>& examples,
                                           int64_t maxLength);

// The encoder of a model folder's tokenizer (tokenizer.json or tokenizer.model, with
// tokenizer_config.json): no special tokens inside texts; bosId is the BOS the tokenizer's own
// rules put in front of a text (-1 for GPT-2 or Qwen2 style tokenizers that add none).
TextEncoder encoderForModelFolder(const std::string& folder);

}  // namespace tunebench

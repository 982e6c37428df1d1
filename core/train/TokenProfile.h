#pragma once
// Token-level profiling of a typed dataset with a model's tokenizer, and the label mask of one
// example, both computed the way the trainer tokenises the exported records
// (core/train/TrainingData.cpp): [bos] + encode(prompt) + encode(response) + [eos] for SFT with
// loss on the response and EOS only, [bos] + encode(text) + [eos] for causal-LM records with loss
// on everything after BOS, cut at the maximum length.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/DatasetProfile.h"
#include "data/PromptFormat.h"
#include "data/TrainingTextFormat.h"
#include "tokenizer/Tokenizer.h"
#include "train/TrainingData.h"

namespace tunebench {

class JobContext;

// A model folder's tokenizer as the trainer applies it.
struct TrainingTokenizer {
  TextEncoder encoder;                         // the ids loadTrainingDataset produces
  std::shared_ptr<const Tokenizer> tokenizer;  // the piece text of each id
  std::filesystem::path file;                  // tokenizer.model or tokenizer.json
  int64_t maxPositions = 0;                    // from config.json, else tokenizer_config.json; 0
};

// The tokenizer the trainer encodes with (encoderForModelFolder: tokenizer.json or
// tokenizer.model), so that profiles and previews show the trainer's ids. Throws
// tunebench::Error naming the folder.
TrainingTokenizer openTrainingTokenizer(const std::filesystem::path& folder);

// The default --max-length: the model's maximum positions, else 2048.
int64_t defaultMaxLength(const TrainingTokenizer& tokenizer);

struct TokenProfileOptions {
  int bins = 20;
  int64_t maxLength = 2048;                  // sequences longer than this are cut by the trainer
  std::optional<PromptPreset> preset;        // default: defaultPresetFor(kind)
  std::optional<TrainingTextFormat> format;  // a model's chat template; overrides preset
};

struct TokenProfile {
  size_t examples = 0;
  int64_t maxLength = 0;
  std::string preset;     // "alpaca", "chatml", "chat template of ..."; "none" for raw text
  std::string objective;  // "sft" or "causal-lm": how the records train
  std::map<std::string, LengthStats> fields;  // tokens of each field's text, no special tokens
  LengthStats training;                       // the trainer's sequence before truncation
  LengthStats lossTokens;                     // tokens carrying loss after truncation
  size_t truncated = 0;                       // sequences longer than maxLength
  double truncatedShare = 0;                  // truncated / examples
  size_t withoutLoss = 0;                     // cut so far that no token carries loss
  // Examples with a text so long that only its first 4 × maxLength tokens' worth was counted.
  size_t countedInPart = 0;
  nlohmann::json toJson() const;
};

// Throws tunebench::Error when the encoder fails on an example (naming its row). Reports progress
// to `context` when given and stops early (returning what it has) when canceled.
TokenProfile profileTokens(const Dataset& dataset, const TextEncoder& encoder,
                           const TokenProfileOptions& options, JobContext* context = nullptr);

// One example as the trainer sees it: per position the id, its piece and whether it carries loss
// (its label is the token itself rather than kIgnoredLabel).
struct LabelMaskPreview {
  std::string objective;  // "sft" or "causal-lm"
  std::string prompt;     // the record's prompt text (empty for causal-LM records)
  std::string response;   // the response, or the whole text of a causal-LM record
  std::vector<int64_t> ids;
  std::vector<std::string> pieces;
  std::vector<bool> carriesLoss;
  size_t untruncatedLength = 0;  // before the cut at maxLength
  bool truncated = false;
  nlohmann::json toJson() const;
};

// `row` indexes dataset.examples; throws tunebench::Error when it is out of range.
LabelMaskPreview previewLabelMask(const Dataset& dataset, size_t row,
                                  const TrainingTokenizer& tokenizer, int64_t maxLength,
                                  const std::optional<TrainingTextFormat>& format = std::nullopt);

}  // namespace tunebench

#include "train/TokenProfile.h"

#include <fstream>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "data/TrainerRecords.h"
#include "jobs/JobContext.h"
#include "tokenizer/TokenBudget.h"
#include "tokenizer/TokenizerLoader.h"

namespace tunebench {

namespace {

namespace fs = std::filesystem;

// The largest context config.json declares (the names of the families Tunebench loads).
int64_t configMaxPositions(const fs::path& folder) {
  const fs::path path = folder / "config.json";
  if (!fs::exists(path)) return 0;
  nlohmann::json config = readJsonFile(path.string());
  for (const char* key : {"max_position_embeddings", "n_positions", "n_ctx"})
    if (config.is_object() && config.contains(key) && config[key].is_number_integer())
      return config[key].get<int64_t>();
  return 0;
}

// A record as the trainer reads it: SFT takes prompt and response, causal LM the text.
struct TrainerText {
  bool sft = false;
  std::string prompt, response;  // causal LM: the text is in `response`
};

TrainerText trainerText(const Example& example, DatasetKind kind,
                        const TrainingTextFormat& format) {
  const auto record = trainerRecord(example, kind, format);
  TrainerText t;
  if (record.contains("prompt")) {
    t.sft = true;
    t.prompt = record["prompt"].get<std::string>();
    t.response = record["response"].get<std::string>();
  } else {
    t.response = record["text"].get<std::string>();
  }
  return t;
}

// The ids loadTrainingDataset builds, before the cut, and where the loss starts.
struct Sequence {
  std::vector<int64_t> ids;
  size_t promptEnd = 0;  // positions before this carry no loss
};

// The text's tokens, or those of its first bytesForTokens(limit) bytes when it is longer (the
// count is then a lower bound above the limit); `cut` is set when it was cut.
std::vector<int64_t> encodeUpTo(const TextEncoder& encoder, const std::string& text, int64_t limit,
                                bool* cut = nullptr) {
  if (limit <= 0 || text.size() <= bytesForTokens(limit)) return encoder.encode(text);
  if (cut) *cut = true;
  return encoder.encode(std::string(prefixForTokens(text, limit)));
}

Sequence trainerSequence(const TrainerText& t, const TextEncoder& encoder, int64_t limit = 0,
                         bool* cut = nullptr) {
  Sequence s;
  if (encoder.bosId >= 0) s.ids.push_back(encoder.bosId);
  if (t.sft) {
    for (int64_t id : encodeUpTo(encoder, t.prompt, limit, cut)) s.ids.push_back(id);
  }
  s.promptEnd = s.ids.size();
  for (int64_t id : encodeUpTo(encoder, t.response, limit, cut)) s.ids.push_back(id);
  if (encoder.eosId >= 0) s.ids.push_back(encoder.eosId);
  return s;
}

constexpr int64_t kUncutProfileTokens = int64_t(1) << 20;

size_t cutLength(size_t length, int64_t maxLength) {
  return maxLength > 0 ? std::min(length, size_t(maxLength)) : length;
}

TrainingTextFormat formatFor(DatasetKind kind, const std::optional<TrainingTextFormat>& format,
                             std::optional<PromptPreset> preset) {
  if (format) return *format;
  return TrainingTextFormat(preset ? *preset : defaultPresetFor(kind));
}

}  // namespace

TrainingTokenizer openTrainingTokenizer(const fs::path& folder) {
  TrainingTokenizer t;
  const auto loaded = loadTokenizer(folder);           // names the folder and what is missing
  t.encoder = encoderForModelFolder(folder.string());  // the trainer's own encoding
  t.tokenizer = t.encoder.tokenizer;
  t.file = loaded.file;
  t.maxPositions = loaded.config.modelMaxLength.value_or(0);
  // tokenizer_config.json often says 1e30 for "no limit".
  if (t.maxPositions > (int64_t(1) << 24)) t.maxPositions = 0;
  if (const int64_t positions = configMaxPositions(folder)) t.maxPositions = positions;
  return t;
}

int64_t defaultMaxLength(const TrainingTokenizer& tokenizer) {
  return tokenizer.maxPositions > 0 ? tokenizer.maxPositions : 2048;
}

TokenProfile profileTokens(const Dataset& dataset, const TextEncoder& encoder,
                           const TokenProfileOptions& options, JobContext* context) {
  TokenProfile p;
  p.examples = dataset.examples.size();
  p.maxLength = options.maxLength;
  const auto format = formatFor(dataset.kind, options.format, options.preset);
  const bool raw = dataset.kind == DatasetKind::RawText;
  p.preset = raw ? "none" : format.name();
  p.objective = raw ? "causal-lm" : "sft";
  // Texts far beyond max_length are counted up to 4 × max_length tokens: what the trainer keeps
  // is exact, the rest a lower bound, and tokenising stays proportional to what is counted.
  const int64_t countLimit = options.maxLength > 0 ? 4 * options.maxLength : kUncutProfileTokens;
  std::map<std::string, std::vector<size_t>> fields;
  std::vector<size_t> training, loss;
  training.reserve(p.examples);
  loss.reserve(p.examples);
  for (size_t row = 0; row < dataset.examples.size(); ++row) {
    if (context && row % 256 == 0) {
      if (context->isCanceled()) break;
      context->waitIfPaused();
      context->progress(int64_t(row), int64_t(p.examples), "Tokenising");
    }
    const Example& e = dataset.examples[row];
    try {
      bool cut = false;
      for (const auto& [field, text] : namedTexts(e, dataset.kind))
        fields[field].push_back(encodeUpTo(encoder, *text, countLimit, &cut).size());
      const auto sequence =
          trainerSequence(trainerText(e, dataset.kind, format), encoder, countLimit, &cut);
      if (cut) ++p.countedInPart;
      const size_t kept = cutLength(sequence.ids.size(), options.maxLength);
      training.push_back(sequence.ids.size());
      loss.push_back(kept > sequence.promptEnd ? kept - sequence.promptEnd : 0);
      if (kept < sequence.ids.size()) ++p.truncated;
      if (loss.back() == 0) ++p.withoutLoss;
    } catch (const Error& err) {
      throw Error("tokenising row " + std::to_string(row) + ": " + err.what());
    }
  }
  if (context) context->progress(int64_t(training.size()), int64_t(p.examples), "Tokenised");
  for (auto& [field, values] : fields)
    p.fields[field] = lengthStats(std::move(values), options.bins);
  p.training = lengthStats(std::move(training), options.bins);
  p.lossTokens = lengthStats(std::move(loss), options.bins);
  if (p.examples > 0) p.truncatedShare = double(p.truncated) / double(p.examples);
  return p;
}

nlohmann::json TokenProfile::toJson() const {
  nlohmann::json perField = nlohmann::json::object();
  for (const auto& [field, stats] : fields) perField[field] = stats.toJson();
  return {{"examples", examples},
          {"maxLength", maxLength},
          {"template", preset},
          {"objective", objective},
          {"fields", perField},
          {"training", training.toJson()},
          {"lossTokens", lossTokens.toJson()},
          {"truncated", truncated},
          {"truncatedShare", truncatedShare},
          {"withoutLoss", withoutLoss},
          {"countedInPart", countedInPart}};
}

LabelMaskPreview previewLabelMask(const Dataset& dataset, size_t row,
                                  const TrainingTokenizer& tokenizer, int64_t maxLength,
                                  const std::optional<TrainingTextFormat>& format) {
  if (row >= dataset.examples.size())
    throw Error("row " + std::to_string(row) + " is out of range: " +
                (dataset.examples.empty()
                     ? std::string("the dataset has no rows")
                     : "rows are numbered 0 to " + std::to_string(dataset.examples.size() - 1)));
  const auto text = trainerText(dataset.examples[row], dataset.kind,
                                formatFor(dataset.kind, format, std::nullopt));
  const auto sequence = trainerSequence(text, tokenizer.encoder);
  LabelMaskPreview p;
  p.objective = text.sft ? "sft" : "causal-lm";
  p.prompt = text.prompt;
  p.response = text.response;
  p.untruncatedLength = sequence.ids.size();
  const size_t kept = cutLength(sequence.ids.size(), maxLength);
  p.truncated = kept < sequence.ids.size();
  p.ids.assign(sequence.ids.begin(), sequence.ids.begin() + std::ptrdiff_t(kept));
  for (size_t i = 0; i < kept; ++i) {
    p.pieces.push_back(tokenizer.tokenizer->idToToken(int(p.ids[i])));
    p.carriesLoss.push_back(i >= sequence.promptEnd);
  }
  return p;
}

nlohmann::json LabelMaskPreview::toJson() const {
  nlohmann::json tokens = nlohmann::json::array();
  for (size_t i = 0; i < ids.size(); ++i)
    tokens.push_back({{"id", ids[i]}, {"piece", pieces[i]}, {"loss", bool(carriesLoss[i])}});
  return {{"objective", objective},
          {"prompt", prompt},
          {"response", response},
          {"length", ids.size()},
          {"untruncatedLength", untruncatedLength},
          {"truncated", truncated},
          {"tokens", tokens}};
}

}  // namespace tunebench

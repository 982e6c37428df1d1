#include "eval/Evaluation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "data/JsonLinesRecords.h"
#include "eval/ModelSourceLoading.h"
#include "model/Generation.h"
#include "model/ModelFolder.h"
#include "peft/PeftAdapterFiles.h"
#include "tokenizer/TokenBudget.h"
#include "tokenizer/Tokenizer.h"
#include "tokenizer/TokenizerConfig.h"
#include "train/TrainingData.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWhitespace = " \t\n\r\f\v";

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string::npos) return {};
  const size_t last = text.find_last_not_of(kWhitespace);
  return text.substr(first, last - first + 1);
}

// Turns generated ids into text with the tokenizer the training encoder encodes with.
class ResponseDecoder {
 public:
  explicit ResponseDecoder(const TextEncoder& encoder) : tokenizer_(encoder.tokenizer) {
    if (!tokenizer_) throw Error("the model folder's encoder has no tokenizer to decode with");
    for (int64_t id : {encoder.bosId, encoder.eosId})
      if (id >= 0) skipped_.insert(id);
    const auto special = tokenizer_->specialIds();
    for (int id : {special.bos, special.eos, special.pad})
      if (id >= 0) skipped_.insert(id);
  }

  // Special tokens are left out; ids the tokenizer does not know become U+FFFD, so that they
  // can never produce a match by vanishing.
  std::string decode(const std::vector<int64_t>& ids) const {
    std::string text;
    std::vector<int> run;
    auto flush = [&] {
      if (!run.empty()) text += tokenizer_->decode(run, true);
      run.clear();
    };
    for (int64_t id : ids) {
      if (skipped_.count(id)) continue;
      if (id >= 0 && id < tokenizer_->vocabSize()) {
        run.push_back(static_cast<int>(id));
      } else {
        flush();
        text += "\xEF\xBF\xBD";
      }
    }
    flush();
    return text;
  }

 private:
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::set<int64_t> skipped_;
};

// One example as SFT training tokenises it.
struct EncodedExample {
  std::vector<int64_t> promptIds;  // [bos] + prompt
  std::vector<int64_t> ids;        // [bos] + prompt + response + [eos]
};

EncodedExample encodeExample(const TextEncoder& encoder, const EvalExample& example) {
  EncodedExample encoded;
  if (encoder.bosId >= 0) encoded.promptIds.push_back(encoder.bosId);
  for (int64_t id : encoder.encode(example.prompt)) encoded.promptIds.push_back(id);
  encoded.ids = encoded.promptIds;
  for (int64_t id : encoder.encode(example.reference)) encoded.ids.push_back(id);
  if (encoder.eosId >= 0) encoded.ids.push_back(encoder.eosId);
  return encoded;
}

struct Score {
  double nll = 0.0;
  int64_t tokens = 0;
};

// Summed negative log-likelihood of every position after the prompt, as training's labels take
// it: a target at position t is predicted from positions < t, so position 0 is never scored.
// Rows are right-padded; causal attention keeps padding out of the real positions.
std::vector<Score> scoreBatch(CausalLMImpl& model, const std::vector<const EncodedExample*>& rows) {
  size_t longest = 0;
  for (const auto* row : rows) longest = std::max(longest, row->ids.size());
  const int64_t batch = static_cast<int64_t>(rows.size());
  const int64_t length = static_cast<int64_t>(longest);
  auto ids = torch::zeros({batch, length}, torch::kInt64);
  auto scored = torch::zeros({batch, length}, torch::kBool);
  for (int64_t b = 0; b < batch; ++b) {
    const auto& row = *rows[static_cast<size_t>(b)];
    const int64_t size = static_cast<int64_t>(row.ids.size());
    ids[b].narrow(0, 0, size).copy_(torch::tensor(row.ids, torch::kInt64));
    const int64_t from = std::max<int64_t>(1, static_cast<int64_t>(row.promptIds.size()));
    if (size > from) scored[b].narrow(0, from, size - from).fill_(true);
  }
  std::vector<Score> scores(rows.size());
  if (length < 2) return scores;
  const auto device = model.parameters().front().device();
  ForwardInput input;
  input.inputIds = ids.to(device);
  const auto logits = model.forward(input);
  const auto logProbabilities = logits.narrow(1, 0, length - 1).log_softmax(-1);
  const auto targets = input.inputIds.narrow(1, 1, length - 1);
  const auto picked = logProbabilities.gather(-1, targets.unsqueeze(-1))
                          .squeeze(-1)
                          .to(torch::kCPU, torch::kFloat64);
  const auto mask = scored.narrow(1, 1, length - 1);
  const auto nll = -(picked * mask.to(torch::kFloat64)).sum(1);
  const auto counts = mask.sum(1);
  for (int64_t b = 0; b < batch; ++b) {
    scores[static_cast<size_t>(b)].nll = nll[b].item<double>();
    scores[static_cast<size_t>(b)].tokens = counts[b].item<int64_t>();
  }
  return scores;
}

void checkOptions(const EvaluationOptions& options) {
  if (options.maxNewTokens < 0) throw Error("evaluation: max new tokens must not be negative");
  if (options.batchSize < 1) throw Error("evaluation: batch size must be at least 1");
  if (options.maxExamples < 0) throw Error("evaluation: max examples must not be negative");
}

}  // namespace

bool answersMatch(const std::string& generated, const std::string& reference) {
  return trimmed(generated) == trimmed(reference);
}

std::vector<EvalExample> loadEvalExamples(const std::string& path, const std::string& promptField,
                                          const std::string& responseField) {
  std::vector<EvalExample> examples;
  readJsonLinesObjects(path, [&](const nlohmann::json& record, const std::string& where) {
    EvalExample example;
    example.prompt = requiredTextField(record, promptField, where);
    example.reference = requiredTextField(record, responseField, where);
    examples.push_back(std::move(example));
  });
  if (examples.empty()) throw Error(path + " has no examples");
  return examples;
}

EvaluationResult evaluateModelFolder(const std::string& modelFolder,
                                     const std::string& adapterFolder,
                                     const std::vector<EvalExample>& examples,
                                     const EvaluationOptions& options, JobContext* context) {
  return evaluateModel({modelFolder, adapterFolder, {}}, examples, options, context);
}

EvaluationResult evaluateModel(const ModelSource& source, const std::vector<EvalExample>& examples,
                               const EvaluationOptions& options, JobContext* context) {
  checkOptions(options);
  size_t count = examples.size();
  if (options.maxExamples > 0) count = std::min(count, static_cast<size_t>(options.maxExamples));
  if (count == 0) throw Error("evaluation: there are no examples to evaluate");
  const int64_t total = static_cast<int64_t>(count);

  const std::string& modelFolder = source.modelFolder;
  if (context) context->progress(0, 0, "loading " + source.describe());
  auto loaded = loadModelSource(source);
  auto& model = *loaded.model;
  if (context && !source.adapterFolder.empty())
    context->log(LogLevel::Info, "adapter " + source.adapterFolder + " applied");
  if (context && !source.checkpointFolder.empty())
    context->log(LogLevel::Info, "weights of checkpoint " + source.checkpointFolder + " applied");
  model.eval();
  const auto encoder = encoderForModelFolder(modelFolder);
  const ResponseDecoder decoder(encoder);

  std::vector<EncodedExample> encoded;
  encoded.reserve(count);
  const int64_t maxPositions = model.config().maxPositions;
  for (size_t i = 0; i < count; ++i) {
    const std::string which = "evaluation example " + std::to_string(i + 1);
    // Refused before tokenising: such a text has more tokens than the context (TokenBudget.h),
    // and tokenising megabytes costs gigabytes.
    const size_t bytes = examples[i].prompt.size() + examples[i].reference.size();
    if (maxPositions > 0 && bytes > bytesForTokens(maxPositions))
      throw Error(which + " has " + std::to_string(bytes) +
                  " bytes of text, more than the model's context of " +
                  std::to_string(maxPositions) + " tokens can hold");
    encoded.push_back(withContext(which, [&] { return encodeExample(encoder, examples[i]); }));
    if (encoded.back().promptIds.empty())
      throw Error(which + ": the prompt has no tokens and the tokenizer adds no BOS to start from");
    if (maxPositions > 0 && static_cast<int64_t>(encoded.back().ids.size()) > maxPositions)
      throw Error(which + " has " + std::to_string(encoded.back().ids.size()) +
                  " tokens; the model reads at most " + std::to_string(maxPositions));
  }

  GenerationSettings settings;
  settings.maxNewTokens = options.maxNewTokens;
  settings.temperature = 0.0;
  if (encoder.eosId >= 0) settings.stopIds.push_back(encoder.eosId);
  for (int64_t id : model.config().eosTokenIds)
    if (std::find(settings.stopIds.begin(), settings.stopIds.end(), id) == settings.stopIds.end())
      settings.stopIds.push_back(id);
  settings.padId = model.config().padTokenId.value_or(0);
  if (settings.padId < 0) settings.padId = 0;

  torch::NoGradGuard noGrad;
  EvaluationResult result;
  double totalNll = 0.0;
  int64_t matches = 0;
  const size_t batchSize = static_cast<size_t>(options.batchSize);
  if (context) context->progress(0, total, "evaluating");
  for (size_t start = 0; start < count; start += batchSize) {
    if (context) {
      context->waitIfPaused();
      if (context->isCanceled()) {
        result.canceled = true;
        break;
      }
    }
    const size_t end = std::min(count, start + batchSize);
    std::vector<const EncodedExample*> rows;
    std::vector<std::vector<int64_t>> prompts;
    for (size_t i = start; i < end; ++i) {
      rows.push_back(&encoded[i]);
      prompts.push_back(encoded[i].promptIds);
    }
    const std::string which =
        "evaluating examples " + std::to_string(start + 1) + "–" + std::to_string(end);
    const auto scores = withContext(which, [&] { return scoreBatch(model, rows); });
    const auto generated = withContext(which, [&] { return generate(model, prompts, settings); });
    for (size_t i = start; i < end; ++i) {
      ExampleOutcome outcome;
      outcome.prompt = examples[i].prompt;
      outcome.reference = examples[i].reference;
      outcome.generatedIds = generated[i - start];
      const auto& ids = outcome.generatedIds;
      if (!ids.empty() && std::find(settings.stopIds.begin(), settings.stopIds.end(), ids.back()) !=
                              settings.stopIds.end())
        outcome.generatedIds.pop_back();
      outcome.generated = decoder.decode(outcome.generatedIds);
      outcome.exactMatch = answersMatch(outcome.generated, outcome.reference);
      outcome.responseNll = scores[i - start].nll;
      outcome.responseTokens = scores[i - start].tokens;
      totalNll += outcome.responseNll;
      result.responseTokens += outcome.responseTokens;
      if (outcome.exactMatch) ++matches;
      result.outcomes.push_back(std::move(outcome));
    }
    if (context)
      context->progress(static_cast<int64_t>(end), total,
                        "evaluated " + std::to_string(end) + " of " + std::to_string(count));
  }

  result.examples = static_cast<int64_t>(result.outcomes.size());
  if (result.examples > 0)
    result.exactMatch = static_cast<double>(matches) / static_cast<double>(result.examples);
  if (result.responseTokens > 0) {
    result.meanNll = totalNll / static_cast<double>(result.responseTokens);
    result.perplexity = std::exp(result.meanNll);
  } else {
    result.meanNll = std::numeric_limits<double>::quiet_NaN();
    result.perplexity = std::numeric_limits<double>::quiet_NaN();
  }
  return result;
}

}  // namespace tunebench

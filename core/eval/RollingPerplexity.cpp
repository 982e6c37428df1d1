#include "eval/RollingPerplexity.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "common/PythonStrings.h"
#include "common/Utf8.h"
#include "eval/ModelSourceLoading.h"

namespace tunebench {

namespace {

std::vector<int64_t> slice(const std::vector<int64_t>& tokens, int64_t from, int64_t to) {
  return {tokens.begin() + from, tokens.begin() + to};
}

// The start of a text shown as its item.
std::string shownStart(const std::string& text) {
  const auto points = utf8ToCodePoints(text);
  if (points.size() <= 200) return text;
  return codePointsToUtf8(points.substr(0, 200)) + "…";
}

}  // namespace

std::vector<TokenizedRequest> rollingWindows(const std::vector<int64_t>& tokens, int64_t startToken,
                                             int64_t maxLength) {
  if (maxLength < 1) throw Error("rolling windows need a length of at least one token");
  std::vector<TokenizedRequest> windows;
  const int64_t count = static_cast<int64_t>(tokens.size());
  if (count == 0) return windows;
  const int64_t first = std::min(maxLength, count);
  windows.push_back({{startToken}, slice(tokens, 0, first)});
  int64_t predicted = first;
  while (predicted < count) {
    const int64_t length = std::min(count - predicted, maxLength);
    const int64_t end = predicted + length;
    // The harness's window is tokens[end - maxLength - 1, end - 1); made disjoint, its context
    // is what comes before the predicted tokens.
    windows.push_back({slice(tokens, std::max<int64_t>(0, end - maxLength - 1), end - length),
                       slice(tokens, end - length, end)});
    predicted += length;
  }
  return windows;
}

int64_t pythonWordCount(const std::string& text) {
  int64_t runs = 0;
  bool inRun = false;
  for (char32_t c : utf8ToCodePoints(text)) {
    const bool space = isPythonSpace(c);
    if (space && !inRun) ++runs;
    inRun = space;
  }
  return runs + 1;
}

EvaluatorResult evaluateRollingPerplexity(const ModelSource& source,
                                          const std::vector<std::string>& texts,
                                          const RollingPerplexityOptions& options,
                                          JobContext& context) {
  if (texts.empty()) throw Error("rolling perplexity: there are no texts");
  context.progress(0, 0, "loading " + source.describe());
  auto loaded = loadModelSource(source);
  loaded.model->eval();
  const auto encoder = encoderForModelFolder(source.modelFolder);
  const int64_t start = startTokenOf(encoder);
  if (start < 0)
    throw Error(source.modelFolder + ": the tokenizer has no start token to predict from");
  int64_t maxLength =
      options.maxLength > 0 ? options.maxLength : loaded.model->config().maxPositions;
  if (maxLength <= 0) throw Error("rolling perplexity: give the window length (window_length)");
  if (loaded.model->config().maxPositions > 0)
    maxLength = std::min(maxLength, loaded.model->config().maxPositions);

  std::vector<TokenizedRequest> requests;
  std::vector<size_t> owner;
  for (size_t t = 0; t < texts.size(); ++t) {
    if (context.isCanceled()) return {{}, {}, true};
    for (auto& window : rollingWindows(encoder.encode(texts[t]), start, maxLength)) {
      requests.push_back(std::move(window));
      owner.push_back(t);
    }
  }
  LoglikelihoodOptions scoring;
  scoring.batchSize = options.batchSize;
  scoring.sharedContexts = false;  // every window is its own sequence
  scoring.cache = options.cache;
  const auto scored = scoreLoglikelihoods(*loaded.model, requests, scoring, &context);

  std::vector<double> logLikelihood(texts.size(), 0.0);
  std::vector<bool> complete(texts.size(), true);
  int64_t tokens = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    logLikelihood[owner[i]] += scored.scores[i].logLikelihood;
    complete[owner[i]] = complete[owner[i]] && scored.scored[i];
    tokens += static_cast<int64_t>(requests[i].continuation.size());
  }
  EvaluatorResult result;
  result.canceled = scored.canceled;
  double total = 0.0, words = 0.0, bytes = 0.0;
  for (size_t t = 0; t < texts.size(); ++t) {
    if (!complete[t]) continue;
    const auto textWords = pythonWordCount(texts[t]);
    const auto textBytes = static_cast<int64_t>(texts[t].size());
    total += logLikelihood[t];
    words += static_cast<double>(textWords);
    bytes += static_cast<double>(textBytes);
    EvaluatedItem item;
    item.input = shownStart(texts[t]);
    item.score = logLikelihood[t];
    item.details = {
        {"log_likelihood", logLikelihood[t]}, {"words", textWords}, {"bytes", textBytes}};
    result.items.push_back(std::move(item));
  }
  if (bytes > 0) {
    result.metrics = {{"word_perplexity", std::exp(-total / words)},
                      {"byte_perplexity", std::exp(-total / bytes)},
                      {"bits_per_byte", -total / bytes / std::log(2.0)},
                      {"tokens", static_cast<double>(tokens)}};
  }
  return result;
}

}  // namespace tunebench

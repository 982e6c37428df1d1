// `tunebench-cli bench eval`: multiple-choice scoring speed on an MMLU-shaped suite (generated
// here: four single-token choices " A".." D" after a few-shot context), with contexts shared
// between a question's choices against one full sequence per choice. `--requests-out` writes
// the tokenised requests for bench/eval_reference.py, which scores them with eager PyTorch.
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>

#include "Commands.h"
#include "NumberChecks.h"
#include "common/TorchPch.h"
#include "eval/ChoiceBenchmark.h"
#include "eval/ChoicePrompts.h"
#include "model/ModelFolder.h"
#include "system/SystemInfo.h"

namespace tunebench::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Subject-like sentences long enough that a five-shot context is several hundred tokens.
nlohmann::json generatedQuestion(size_t n) {
  static const std::vector<std::string> words = {
      "energy", "river",  "theorem", "cell",   "market", "language", "orbit",   "protein",
      "law",    "signal", "enzyme",  "matrix", "empire", "climate",  "circuit", "poem"};
  std::string question = "Which statement about the " + words[n % words.size()];
  for (size_t i = 0; i < 24; ++i) question += " " + words[(n * 7 + i * 3) % words.size()];
  question += " is correct?";
  nlohmann::json choices = nlohmann::json::array();
  for (size_t c = 0; c < 4; ++c)
    choices.push_back("The " + words[(n + c * 5) % words.size()] + " of the " +
                      words[(n * 3 + c) % words.size()] + " follows from the " +
                      words[(n + c * 11) % words.size()] + ".");
  return {{"question", question},
          {"subject", "generated"},
          {"choices", choices},
          {"answer", static_cast<int>(n % 4)}};
}

std::vector<TokenizedRequest> generatedRequests(const TextEncoder& encoder, size_t count,
                                                size_t fewShot) {
  std::vector<ChoiceDocument> dev, test;
  for (size_t i = 0; i < fewShot; ++i)
    dev.push_back(readChoiceDocument("mmlu", generatedQuestion(1000 + i), "dev"));
  for (size_t i = 0; i < count; ++i)
    test.push_back(readChoiceDocument("mmlu", generatedQuestion(i), "test"));
  FewShotSettings settings;
  settings.count = fewShot;
  settings.pool = &dev;
  std::vector<TokenizedRequest> requests;
  for (const auto& question : choiceQuestions(choiceTask("mmlu"), test, settings))
    for (size_t c = 0; c < question.choiceCount(); ++c)
      requests.push_back(
          tokenizeRequest(encoder, question.contextOf(c), question.continuationOf(c)));
  return requests;
}

double timedScoring(CausalLMImpl& model, const std::vector<TokenizedRequest>& requests,
                    const LoglikelihoodOptions& options, int runs, LoglikelihoodResult& result) {
  double best = 1e30;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    result = scoreLoglikelihoods(model, requests, options);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

void writeRequests(const std::string& path, const std::vector<TokenizedRequest>& requests,
                   const LoglikelihoodResult& scored, int64_t batchSize) {
  nlohmann::json out = {{"batch_size", batchSize}, {"requests", nlohmann::json::array()}};
  for (size_t i = 0; i < requests.size(); ++i)
    out["requests"].push_back({{"context", requests[i].context},
                               {"continuation", requests[i].continuation},
                               {"log_likelihood", scored.scores[i].logLikelihood}});
  std::ofstream(path) << out.dump() << "\n";
}

}  // namespace

std::vector<Command> addEvalBenchmarks(CLI::App& bench) {
  struct Options {
    std::string folder, requestsOut;
    int threads = 0, runs = 2;
    int64_t questions = 32, fewShot = 5, batchSize = 8;
  };
  auto options = std::make_shared<Options>();
  auto* eval = bench.add_subcommand(
      "eval", "Multiple-choice scoring: shared contexts against one sequence per choice");
  eval->add_option("--model", options->folder, "Model folder (tunebench-cli make-model)")
      ->required();
  eval->add_option("--questions", options->questions, "Generated MMLU-shaped questions")
      ->capture_default_str()
      ->check(numberBetween(int64_t(1), int64_t(100000)));
  eval->add_option("--fewshot", options->fewShot, "Solved examples before each question")
      ->capture_default_str()
      ->check(numberBetween(int64_t(0), int64_t(25)));
  eval->add_option("--batch-size", options->batchSize, "Contexts (or sequences) per pass")
      ->capture_default_str()
      ->check(positiveNumber());
  eval->add_option("--runs", options->runs, "Timed runs of each path (the best is reported)")
      ->capture_default_str()
      ->check(numberBetween(1, 100));
  eval->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  eval->add_option("--requests-out", options->requestsOut,
                   "Write the tokenised requests and their scores here (bench/eval_reference.py)");
  return {{eval, [options] {
             setIntraOpThreads(options->threads);
             auto loaded = loadModelFolder(options->folder);
             loaded.model->eval();
             const auto encoder = encoderForModelFolder(options->folder);
             const auto requests =
                 generatedRequests(encoder, static_cast<size_t>(options->questions),
                                   static_cast<size_t>(options->fewShot));
             size_t tokens = 0;
             for (const auto& request : requests) tokens += request.context.size();
             std::printf("threads: %d\nquestions: %lld, requests: %zu, mean context: %.0f tokens\n",
                         torch::get_num_threads(), static_cast<long long>(options->questions),
                         requests.size(), double(tokens) / double(requests.size()));
             LoglikelihoodOptions shared;
             shared.batchSize = options->batchSize;
             LoglikelihoodOptions full = shared;
             full.sharedContexts = false;
             LoglikelihoodResult viaShared, viaFull;
             const double sharedSeconds =
                 timedScoring(*loaded.model, requests, shared, options->runs, viaShared);
             const double fullSeconds =
                 timedScoring(*loaded.model, requests, full, options->runs, viaFull);
             double largest = 0.0;
             for (size_t i = 0; i < requests.size(); ++i)
               largest = std::max(largest, std::abs(viaShared.scores[i].logLikelihood -
                                                    viaFull.scores[i].logLikelihood));
             const double questions = static_cast<double>(options->questions);
             std::printf("shared contexts:   %.3f s, %.2f questions/s\n", sharedSeconds,
                         questions / sharedSeconds);
             std::printf("one per choice:    %.3f s, %.2f questions/s\n", fullSeconds,
                         questions / fullSeconds);
             std::printf("speed-up: %.2fx; largest log-likelihood difference %.2e\n",
                         fullSeconds / sharedSeconds, largest);
             if (!options->requestsOut.empty())
               writeRequests(options->requestsOut, requests, viaShared, options->batchSize);
             return 0;
           }}};
}

}  // namespace tunebench::cli

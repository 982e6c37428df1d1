// `tunebench-cli bench load|forward|generate|train`: model benchmarks with measured figures.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include <torch/csrc/autograd/profiler_legacy.h>
#include "Commands.h"
#include "NumberChecks.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/CheckpointFolder.h"
#include "model/Generation.h"
#include "model/ModelFolder.h"
#include "system/SystemInfo.h"
#include "train/Optimizers.h"
#include "train/TrainingBatches.h"

namespace tunebench::cli {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Best of `runs` timings: the figure least disturbed by the rest of the machine.
template <typename F>
double bestOf(int runs, F&& body) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    body();
    best = std::min(best, secondsSince(start));
  }
  return best;
}

double readWholeFiles(const std::vector<std::string>& files) {
  std::vector<char> buffer(64 << 20);
  double bytes = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
      bytes += static_cast<double>(in.gcount());
  }
  return bytes;
}

void benchLoad(const std::string& folder) {
  const CheckpointFolder checkpoint(folder);
  double bytes = 0;
  readWholeFiles(checkpoint.files());  // warm the page cache
  const double readSeconds = bestOf(3, [&] { bytes = readWholeFiles(checkpoint.files()); });
  const double loadSeconds = bestOf(3, [&] { loadModelFolder(folder); });
  std::printf(
      "checkpoint bytes: %.0f MB\nraw read (warm cache): %.3f s (%.0f MB/s)\n"
      "model load (warm cache): %.3f s\nload / raw read: %.2f (target <= 1.5)\n",
      bytes / 1e6, readSeconds, bytes / 1e6 / readSeconds, loadSeconds, loadSeconds / readSeconds);
}

void benchForward(const std::string& folder, int64_t batch, int64_t length) {
  auto loaded = loadModelFolder(folder);
  torch::NoGradGuard noGrad;
  const auto ids = torch::randint(loaded.model->config().vocabSize, {batch, length}, torch::kInt64);
  ForwardInput input;
  input.inputIds = ids;
  loaded.model->forward(input);  // warm-up
  const double seconds = bestOf(3, [&] { loaded.model->forward(input); });
  std::printf("forward %lld x %lld tokens: %.3f s, %.0f tokens/s\n", static_cast<long long>(batch),
              static_cast<long long>(length), seconds, batch * length / seconds);
}

double memoryCopyBandwidth() {
  const size_t bytes = 256u << 20;
  std::vector<char> source(bytes, 1), target(bytes, 0);
  std::memcpy(target.data(), source.data(), bytes);
  const double seconds = bestOf(5, [&] { std::memcpy(target.data(), source.data(), bytes); });
  return 2.0 * bytes / seconds;  // a copy reads and writes every byte
}

void benchGenerate(const std::string& folder, int64_t newTokens) {
  auto loaded = loadModelFolder(folder);
  double weightBytes = 0;
  for (const auto& parameter : loaded.model->parameters())
    weightBytes += static_cast<double>(parameter.numel() * parameter.element_size());
  GenerationSettings settings;
  settings.maxNewTokens = newTokens;
  const std::vector<std::vector<int64_t>> prompt = {{1, 5, 9, 14, 20, 33, 7, 3}};
  generate(*loaded.model, prompt, settings);  // warm-up
  const double seconds = bestOf(3, [&] { generate(*loaded.model, prompt, settings); });
  const double tokensPerSecond = newTokens / seconds;
  const double bandwidth = memoryCopyBandwidth();
  const double roofline = bandwidth / weightBytes;
  std::printf(
      "decode batch 1 with KV cache: %.1f tokens/s (%lld tokens in %.3f s)\n"
      "weights: %.0f MB; memory copy bandwidth: %.1f GB/s; roofline %.1f tokens/s\n"
      "fraction of roofline: %.2f (target >= 0.6)\n",
      tokensPerSecond, static_cast<long long>(newTokens), seconds, weightBytes / 1e6,
      bandwidth / 1e9, roofline, tokensPerSecond / roofline);
}

// Training steps as the trainer takes them (forward, token loss, backward, clipping, AdamW) on
// random full-length rows; figures comparable with bench/train_reference.py.
void benchTrain(const std::string& folder, int64_t batch, int64_t length, int64_t steps,
                const std::string& tracePath) {
  auto loaded = loadModelFolder(folder);
  auto& model = *loaded.model;
  model.train();
  OptimizerConfig optimizerConfig;
  optimizerConfig.kind = OptimizerKind::AdamW;
  optimizerConfig.learningRate = 1e-4;
  auto optimizer = makeOptimizer(optimizerConfig, model);
  torch::manual_seed(0);
  std::vector<TokenizedExample> rows(static_cast<size_t>(batch));
  for (auto& row : rows) {
    const auto ids = torch::randint(model.config().vocabSize, {length}, torch::kInt64);
    row.ids.assign(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + length);
    row.labels = row.ids;
  }
  std::vector<const TokenizedExample*> pointers;
  for (const auto& row : rows) pointers.push_back(&row);
  const auto trainingBatch = collate(pointers, torch::kCPU);
  // Seconds spent in each phase of the last step: forward with loss, backward, clipping, update.
  std::array<double, 4> phases{};
  auto step = [&] {
    using Clock = std::chrono::steady_clock;
    auto mark = Clock::now();
    auto lap = [&](size_t phase) {
      const auto now = Clock::now();
      phases[phase] = std::chrono::duration<double>(now - mark).count();
      mark = now;
    };
    clearGradients(*optimizer);
    const auto loss =
        summedTokenLoss(model, trainingBatch) / static_cast<double>(trainingBatch.targetTokens);
    lap(0);
    loss.backward();
    lap(1);
    torch::nn::utils::clip_grad_norm_(model.parameters(), 1.0);
    lap(2);
    optimizer->step();
    lap(3);
  };
  step();                    // warm-up: allocations and optimiser state
  if (!tracePath.empty()) {  // one more step, recorded operation by operation
    torch::autograd::profiler::RecordProfile recording(tracePath);
    step();
  }
  std::vector<double> times;
  std::array<std::vector<double>, 4> phaseTimes;
  for (int64_t i = 0; i < steps; ++i) {
    times.push_back(bestOf(1, step));
    for (size_t p = 0; p < phases.size(); ++p) phaseTimes[p].push_back(phases[p]);
  }
  auto medianOf = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  const double median = medianOf(times);
  double parameters = 0;
  for (const auto& parameter : model.parameters())
    parameters += static_cast<double>(parameter.numel());
  const auto& c = model.config();
  // 6 FLOPs per parameter and token (forward + backward), plus attention scores and values:
  // 12 · layers · hidden · length per token.
  const double tokens = static_cast<double>(batch * length);
  const double flops = 6.0 * parameters * tokens +
                       12.0 * c.numLayers * c.hiddenSize * static_cast<double>(length) * tokens;
  const auto gemm = probeCpuGemm();
  std::printf(
      "train step %lld x %lld tokens (AdamW, clipping): median %.3f s of %lld steps, "
      "%.0f tokens/s\nmodel FLOPs per step: %.2f GFLOP; achieved %.1f GFLOP/s; "
      "fp32 GEMM peak %.1f GFLOP/s; MFU ratio %.2f (target >= 0.45)\n",
      static_cast<long long>(batch), static_cast<long long>(length), median,
      static_cast<long long>(steps), tokens / median, flops / 1e9, flops / median / 1e9,
      gemm.gflops, flops / median / 1e9 / gemm.gflops);
  std::printf(
      "phases (medians): forward and loss %.3f s, backward %.3f s, clipping %.3f s, "
      "optimiser %.3f s\n",
      medianOf(phaseTimes[0]), medianOf(phaseTimes[1]), medianOf(phaseTimes[2]),
      medianOf(phaseTimes[3]));
}

}  // namespace

std::vector<Command> addModelBenchmarks(CLI::App& bench) {
  struct Options {
    std::string folder;
    int threads = 0;
    int64_t batch = 8, length = 256, newTokens = 64, steps = 5;
    std::string trace;
  };
  auto options = std::make_shared<Options>();
  auto* load = bench.add_subcommand("load", "Model load time against a raw read of its files");
  auto* forward = bench.add_subcommand("forward", "Forward-pass throughput");
  auto* decode = bench.add_subcommand("generate", "Decode speed against the memory roofline");
  auto* train =
      bench.add_subcommand("train", "Training step time and MFU (compare: bench/compare-train.sh)");
  for (auto* sub : {load, forward, decode, train}) {
    sub->add_option("--model", options->folder, "Model folder (tunebench-cli make-model)")
        ->required();
    sub->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  }
  forward->add_option("--batch", options->batch, "Sequences per forward");
  forward->add_option("--length", options->length, "Tokens per sequence");
  decode->add_option("--new-tokens", options->newTokens, "Tokens to generate");
  train->add_option("--batch", options->batch, "Sequences per step");
  train->add_option("--length", options->length, "Tokens per sequence");
  train->add_option("--steps", options->steps, "Timed steps (the median is reported)")
      ->check(numberBetween(int64_t(1), int64_t(100000)));
  train->add_option("--trace", options->trace,
                    "Also record one step's operations into this Chrome trace file "
                    "(chrome://tracing, Perfetto)");

  auto prepare = [options] {
    setIntraOpThreads(options->threads);
    std::printf("threads: %d\n", torch::get_num_threads());
  };
  return {{load,
           [=] {
             prepare();
             benchLoad(options->folder);
             return 0;
           }},
          {forward,
           [=] {
             prepare();
             benchForward(options->folder, options->batch, options->length);
             return 0;
           }},
          {decode,
           [=] {
             prepare();
             benchGenerate(options->folder, options->newTokens);
             return 0;
           }},
          {train, [=] {
             prepare();
             benchTrain(options->folder, options->batch, options->length, options->steps,
                        options->trace);
             if (!options->trace.empty()) std::printf("trace: %s\n", options->trace.c_str());
             return 0;
           }}};
}

}  // namespace tunebench::cli

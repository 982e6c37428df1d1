// `tunebench-cli bench load|forward|generate`: model benchmarks with measured figures.
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/CheckpointFolder.h"
#include "model/Generation.h"
#include "model/ModelFolder.h"
#include "system/SystemInfo.h"

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
  std::printf("checkpoint bytes: %.0f MB\nraw read (warm cache): %.3f s (%.0f MB/s)\n"
              "model load (warm cache): %.3f s\nload / raw read: %.2f (target <= 1.5)\n",
              bytes / 1e6, readSeconds, bytes / 1e6 / readSeconds, loadSeconds,
              loadSeconds / readSeconds);
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
  std::printf("decode batch 1 with KV cache: %.1f tokens/s (%lld tokens in %.3f s)\n"
              "weights: %.0f MB; memory copy bandwidth: %.1f GB/s; roofline %.1f tokens/s\n"
              "fraction of roofline: %.2f (target >= 0.6)\n",
              tokensPerSecond, static_cast<long long>(newTokens), seconds, weightBytes / 1e6,
              bandwidth / 1e9, roofline, tokensPerSecond / roofline);
}

}  // namespace

std::vector<Command> addModelBenchmarks(CLI::App& bench) {
  struct Options {
    std::string folder;
    int threads = 0;
    int64_t batch = 8, length = 256, newTokens = 64;
  };
  auto options = std::make_shared<Options>();
  auto* load = bench.add_subcommand("load", "Model load time against a raw read of its files");
  auto* forward = bench.add_subcommand("forward", "Forward-pass throughput");
  auto* decode = bench.add_subcommand("generate", "Decode speed against the memory roofline");
  for (auto* sub : {load, forward, decode}) {
    sub->add_option("--model", options->folder, "Model folder (tunebench-cli make-model)")->required();
    sub->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  }
  forward->add_option("--batch", options->batch, "Sequences per forward");
  forward->add_option("--length", options->length, "Tokens per sequence");
  decode->add_option("--new-tokens", options->newTokens, "Tokens to generate");

  auto prepare = [options] {
    setIntraOpThreads(options->threads);
    std::printf("threads: %d\n", torch::get_num_threads());
  };
  return {{load, [=] { prepare(); benchLoad(options->folder); return 0; }},
          {forward, [=] { prepare(); benchForward(options->folder, options->batch, options->length); return 0; }},
          {decode, [=] { prepare(); benchGenerate(options->folder, options->newTokens); return 0; }}};
}

}  // namespace tunebench::cli

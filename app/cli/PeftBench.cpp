// `tunebench-cli bench peft`: step time and peak memory of full fine-tuning, LoRA, DoRA and QLoRA
// on one model folder. Each method runs in its own process, so that one method's peak resident
// memory is not another's.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "Commands.h"
#include "NumberChecks.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/ModelFolder.h"
#include "peft/LinearSlots.h"
#include "peft/LoraModel.h"
#include "peft/QloraModel.h"
#include "system/ResidentMemory.h"
#include "system/SystemInfo.h"
#include "train/Optimizers.h"
#include "train/TrainingBatches.h"

extern char** environ;

namespace tunebench::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct PeftBenchOptions {
  std::string folder;
  std::string methods = "full,lora,dora,qlora";
  int threads = 0;
  int64_t batch = 4, length = 128, steps = 5, rank = 8;
};

// A field of /proc/self/status in MiB ("VmRSS", "VmHWM": the peak resident set).
double statusMebibytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  return 0.0;
}

std::vector<std::string> splitMethods(const std::string& list) {
  std::vector<std::string> methods;
  std::stringstream stream(list);
  std::string method;
  while (std::getline(stream, method, ',')) {
    if (method != "full" && method != "lora" && method != "dora" && method != "qlora")
      throw Error("--methods: unknown method \"" + method + "\" (use full, lora, dora, qlora)");
    methods.push_back(method);
  }
  if (methods.empty()) throw Error("--methods: name at least one of full, lora, dora, qlora");
  return methods;
}

// Adapters on every attention and MLP projection, as QLoRA's paper trains them.
LoraConfig allProjections(const CausalLMImpl& model, int64_t rank) {
  std::set<std::string> names;
  for (const auto& slot : linearSlots(model))
    if (isReplaceable(slot)) names.insert(slot.name);
  LoraConfig config;
  config.r = rank;
  config.alpha = 2.0 * static_cast<double>(rank);
  config.targets.assign(names.begin(), names.end());
  return config;
}

void benchOneMethod(const PeftBenchOptions& options, const std::string& method) {
  const double startMiB = statusMebibytes("VmRSS");
  auto loaded = loadModelFolder(options.folder);
  auto& model = *loaded.model;
  model.train();
  int64_t weightBytes = 0, totalParameters = 0;
  if (method == "lora" || method == "dora") {
    auto config = allProjections(model, options.rank);
    config.dora = method == "dora";
    applyLora(model, config);
  }
  if (method == "qlora") {
    applyQlora(model, allProjections(model, options.rank));
    const auto quantized = quantizedBaseOf(model);
    weightBytes += quantized.nf4Bytes;
    totalParameters += quantized.parameters;
  }
  int64_t trainable = 0;
  for (const auto& parameter : model.parameters()) {
    weightBytes += parameter.numel() * static_cast<int64_t>(parameter.element_size());
    totalParameters += parameter.numel();
    if (parameter.requires_grad()) trainable += parameter.numel();
  }
  OptimizerConfig optimizerConfig;
  optimizerConfig.kind = OptimizerKind::AdamW;
  auto optimizer = makeOptimizer(optimizerConfig, model);
  std::vector<torch::Tensor> trainableTensors;
  for (const auto& parameter : model.parameters())
    if (parameter.requires_grad()) trainableTensors.push_back(parameter);

  torch::manual_seed(0);
  std::vector<TokenizedExample> rows(static_cast<size_t>(options.batch));
  for (auto& row : rows) {
    const auto ids = torch::randint(model.config().vocabSize, {options.length}, torch::kInt64);
    row.ids.assign(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + options.length);
    row.labels = row.ids;
  }
  std::vector<const TokenizedExample*> pointers;
  for (const auto& row : rows) pointers.push_back(&row);
  const auto batch = collate(pointers, torch::kCPU);
  auto step = [&] {
    clearGradients(*optimizer);
    const auto loss = summedTokenLoss(model, batch) / static_cast<double>(batch.targetTokens);
    loss.backward();
    torch::nn::utils::clip_grad_norm_(trainableTensors, 1.0);
    optimizer->step();
  };
  // What loading left cached is handed back, so that the training peak below is the method's.
  releaseFreeHeapMemory();
  ResidentPeakMeter meter;
  meter.start();
  step();  // warm-up: allocations and optimiser state
  std::vector<double> times;
  for (int64_t i = 0; i < options.steps; ++i) {
    const auto start = Clock::now();
    step();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double trainingPeakMiB = static_cast<double>(meter.stop()) / (1024.0 * 1024.0);
  const double peakMiB = statusMebibytes("VmHWM");
  std::printf("%-6s %9.3f s %10.0f tok/s %11.1f MiB %10.1f MiB %10.1f MiB %13lld / %lld\n",
              method.c_str(), median, static_cast<double>(options.batch * options.length) / median,
              static_cast<double>(weightBytes) / (1024.0 * 1024.0), trainingPeakMiB - startMiB,
              std::max(peakMiB, trainingPeakMiB) - startMiB, static_cast<long long>(trainable),
              static_cast<long long>(totalParameters));
  std::fflush(stdout);
}

// Runs `tunebench-cli bench peft` again for one method and waits for it.
int runInChild(const PeftBenchOptions& options, const std::string& method) {
  std::vector<std::string> arguments = {"tunebench-cli",
                                        "bench",
                                        "peft",
                                        "--model",
                                        options.folder,
                                        "--methods",
                                        method,
                                        "--batch",
                                        std::to_string(options.batch),
                                        "--length",
                                        std::to_string(options.length),
                                        "--steps",
                                        std::to_string(options.steps),
                                        "--r",
                                        std::to_string(options.rank),
                                        "--threads",
                                        std::to_string(options.threads),
                                        "--no-header"};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  if (posix_spawn(&child, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0)
    throw Error("bench peft: cannot start a process for " + method);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

std::vector<Command> addPeftBenchmarks(CLI::App& bench) {
  auto options = std::make_shared<PeftBenchOptions>();
  auto noHeader = std::make_shared<bool>(false);
  auto* peft = bench.add_subcommand(
      "peft", "Step time and peak memory of full fine-tuning, LoRA, DoRA and QLoRA on one model");
  peft->add_option("--model", options->folder, "Model folder (tunebench-cli make-model)")
      ->required();
  peft->add_option("--methods", options->methods, "Comma-separated: full, lora, dora, qlora");
  peft->add_option("--batch", options->batch, "Sequences per step")->check(positiveNumber());
  peft->add_option("--length", options->length, "Tokens per sequence")
      ->check(numberBetween(int64_t(2), int64_t(1) << 20));
  peft->add_option("--steps", options->steps, "Timed steps (the median is reported)")
      ->check(numberBetween(int64_t(1), int64_t(100000)));
  peft->add_option("--r", options->rank, "Adapter rank (alpha = 2r) on every projection")
      ->check(numberBetween(int64_t(1), int64_t(4096)));
  peft->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  peft->add_flag("--no-header", *noHeader)->group("");  // used by the per-method processes
  return {{peft, [options, noHeader] {
             const auto methods = splitMethods(options->methods);
             setIntraOpThreads(options->threads);
             if (!*noHeader) {
               std::printf(
                   "threads: %d; batch %lld x %lld tokens; AdamW; adapters r = %lld on "
                   "every projection; training = the method's process's peak resident set during "
                   "the steps (after setup, over the process before loading), "
                   "peak = its largest since the start (loading in fp32 included)\n",
                   torch::get_num_threads(), static_cast<long long>(options->batch),
                   static_cast<long long>(options->length), static_cast<long long>(options->rank));
               std::printf("%-6s %11s %16s %15s %14s %14s %21s\n", "method", "step", "throughput",
                           "weights", "training", "peak", "trainable / total");
               std::fflush(stdout);
             }
             if (methods.size() == 1) {
               benchOneMethod(*options, methods.front());
               return 0;
             }
             int failures = 0;
             for (const auto& method : methods) failures += runInChild(*options, method) != 0;
             return failures == 0 ? 0 : 1;
           }}};
}

}  // namespace tunebench::cli

// `tunebench-cli adapters inspect|merge|combine`: adapter folders (adapter_config.json +
// adapter_model.safetensors) as the trainer writes them: LoRA/DoRA and prompt tuning in Hugging
// Face PEFT's layout, bottleneck adapters in the project's own (docs/adapters.md). Only LoRA/DoRA
// can be merged or combined.
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "Commands.h"
#include "NumberChecks.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/ModelFolder.h"
#include "model/SafetensorsReader.h"
#include "peft/AdapterCombination.h"
#include "peft/AdapterFolder.h"
#include "peft/BottleneckAdapters.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"
#include "peft/PromptTuning.h"
#include "system/SystemInfo.h"

namespace tunebench::cli {

namespace {

namespace fs = std::filesystem;

// Prompt tuning and bottleneck adapters: what their adapter_config.json says.
void describeUnmergeable(AdapterKind kind, const nlohmann::json& config,
                         const std::string& source) {
  if (kind == AdapterKind::PromptTuning) {
    const auto prompt = readPromptTuningConfig(config, source);
    std::cout << "method: prompt tuning\nvirtual tokens: " << prompt.virtualTokens
              << ", token dim: " << config.value("token_dim", nlohmann::json()).dump() << "\ninit: "
              << (prompt.init == PromptTuningInit::Text ? "text \"" + prompt.initText + "\""
                                                        : std::string("random"))
              << "\n";
  } else {
    const auto bottleneck = readBottleneckConfig(config, source);
    std::cout << "method: bottleneck adapters (Tunebench's own format)\nbottleneck size: "
              << bottleneck.size << ", activation: " << activationName(bottleneck.activation)
              << ", hidden size: " << config.value("hidden_size", nlohmann::json()).dump()
              << "\nplacement: after attention and after the MLP of every layer\n";
  }
  std::cout << "merge: not possible ("
            << (kind == AdapterKind::PromptTuning ? "virtual tokens are extra inputs"
                                                  : "each adapter is a non-linear block")
            << ", not a change of linear weights)\n";
}

int inspectAdapter(const std::string& adapter, const std::string& model) {
  const auto json = readAdapterConfigJson(adapter);
  const auto source = (fs::path(adapter) / "adapter_config.json").string();
  const auto kind = adapterKindOf(json, source);
  const fs::path weights = fs::path(adapter) / "adapter_model.safetensors";
  if (!fs::exists(weights)) throw Error(weights.string() + " is missing");
  const SafetensorsReader reader(weights.string());
  uint64_t parameters = 0;
  for (const auto& entry : reader.header().entries) parameters += entry.elementCount();
  std::cout << "adapter: " << adapter << "\n";
  if (kind == AdapterKind::Lora) {
    const auto config = readPeftAdapterConfig(adapter);
    std::string targets;
    for (const auto& target : config.targets) targets += (targets.empty() ? "" : ", ") + target;
    std::cout << "method: " << (config.dora ? "DoRA" : "LoRA") << (config.rslora ? " (rsLoRA)" : "")
              << "\nrank: " << config.r << ", alpha: " << config.alpha
              << ", scaling: " << loraScaling(config) << ", dropout: " << config.dropout
              << "\ntarget modules: " << targets << "\n";
  } else {
    describeUnmergeable(kind, json, source);
  }
  std::cout << "tensors: " << reader.header().entries.size() << ", parameters: " << parameters
            << "\n";
  const auto labels = readClassLabels(adapter);
  if (isClassifierAdapterConfig(json)) {
    std::string names;
    for (const auto& label : labels) names += (names.empty() ? "" : ", ") + label;
    std::cout << "sequence classifier head over "
              << (names.empty() ? "classes it does not name (no class_labels.json)" : names)
              << "\n";
  }
  if (!model.empty()) {
    // Loading checks every tensor's name and shape against the model.
    auto loaded = loadModelFolder(model);
    // A classifier's adapter fits the model with the head over its classes.
    if (isClassifierAdapterConfig(json) && !loaded.model->isClassifier() && !labels.empty())
      loaded.model->attachClassificationHead(labels, 0);  // weights: the adapter's
    loadAdapterFolder(*loaded.model, adapter);
    std::cout << "fits " << model << ": every tensor matches the model\n";
  }
  return 0;
}

int mergeAdapter(const std::string& adapter, const std::string& model, const std::string& out) {
  const auto refusal = mergeRefusal(adapterKindOf(adapter));
  if (!refusal.empty()) throw Error(adapter + ": " + refusal);
  if (fs::exists(out) && !fs::is_empty(out))
    throw Error(out +
                " is not empty: choose an empty or new folder so that nothing is overwritten");
  auto loaded = loadModelFolder(model);
  loadPeftAdapter(*loaded.model, adapter);
  mergeAndUnloadLora(*loaded.model);
  SaveOptions save;
  save.tokenizerSourceFolder = model;
  saveModelFolder(*loaded.model, out, save);
  std::cout << "merged " << adapter << " into " << model << ": " << out << "\n";
  return 0;
}

int combine(const std::vector<std::string>& folders, std::vector<double> weights,
            const std::string& method, int64_t rank, const std::string& out) {
  if (!weights.empty() && weights.size() != folders.size()) {
    std::cerr << "tunebench-cli adapters combine: give one --weight per --adapter ("
              << folders.size() << " adapters, " << weights.size() << " weights)\n";
    return 2;
  }
  weights.resize(folders.size(), 1.0);
  std::vector<WeightedAdapter> adapters;
  for (size_t i = 0; i < folders.size(); ++i) adapters.push_back({folders[i], weights[i]});
  const auto report = combineAdapters(adapters, adapterCombinationFromName(method), rank, out);
  std::cout << "combined " << folders.size() << " adapters (" << method << ") into " << out
            << ": rank " << report.rank << ", " << report.layers << " layers, targets";
  for (const auto& target : report.targets) std::cout << " " << target;
  std::cout << "\n";
  if (method == "svd")
    std::cout << "largest relative error of the rank-" << report.rank
              << " approximation: " << report.worstRelativeError << "\n";
  return 0;
}

}  // namespace

Command addAdaptersCommand(CLI::App& app) {
  struct Options {
    std::string adapter, model, out;
    int threads = 0;
    std::vector<std::string> combined;
    std::vector<double> weights;
    std::string method = "concat";
    int64_t rank = 0;
  };
  auto options = std::make_shared<Options>();
  auto* adapters = app.add_subcommand("adapters",
                                      "Inspect adapters (LoRA/DoRA, prompt tuning, bottleneck), "
                                      "merge LoRA into a model, combine LoRA adapters");
  adapters->require_subcommand(1);
  auto* inspect = adapters->add_subcommand("inspect", "Settings and size of an adapter folder");
  auto* merge = adapters->add_subcommand(
      "merge", "Write a model folder with a LoRA/DoRA adapter merged into its weights");
  for (auto* sub : {inspect, merge}) {
    sub->add_option("--adapter", options->adapter, "Adapter folder")->required();
    sub->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  }
  inspect->add_option("--model", options->model, "Also check that it fits this model folder");
  merge->add_option("--model", options->model, "Base model folder")->required();
  merge->add_option("--out", options->out, "New model folder")->required();
  auto* combineCmd = adapters->add_subcommand(
      "combine", "Combine LoRA adapters of one base model into one adapter");
  combineCmd->add_option("--adapter", options->combined, "Adapter folder (repeat for each)")
      ->required()
      ->expected(1, -1);
  combineCmd->add_option("--weight", options->weights,
                         "Weight of each adapter, in the order given (default: 1 each)");
  combineCmd
      ->add_option("--method", options->method,
                   "concat (ranks add, exact), linear (same rank, weighted factors) or svd "
                   "(weighted sum truncated to --rank)")
      ->check(CLI::IsMember({"concat", "linear", "svd"}));
  combineCmd->add_option("--rank", options->rank, "svd: rank of the result (default: the largest)")
      ->check(positiveNumber());
  combineCmd->add_option("--out", options->out, "New adapter folder")->required();
  return {adapters, [options, inspect, combineCmd] {
            setIntraOpThreads(options->threads);
            if (combineCmd->parsed())
              return combine(options->combined, options->weights, options->method, options->rank,
                             options->out);
            if (inspect->parsed()) return inspectAdapter(options->adapter, options->model);
            return mergeAdapter(options->adapter, options->model, options->out);
          }};
}

}  // namespace tunebench::cli

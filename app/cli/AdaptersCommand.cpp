// `tunebench-cli adapters inspect|merge`: PEFT adapter folders (adapter_config.json +
// adapter_model.safetensors) as the trainer writes them and Hugging Face PEFT reads them.
#include <filesystem>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/ModelFolder.h"
#include "model/SafetensorsReader.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"
#include "system/SystemInfo.h"

namespace tunebench::cli {

namespace {

namespace fs = std::filesystem;

int inspectAdapter(const std::string& adapter, const std::string& model) {
  const auto config = readPeftAdapterConfig(adapter);
  const fs::path weights = fs::path(adapter) / "adapter_model.safetensors";
  if (!fs::exists(weights)) throw Error(weights.string() + " is missing");
  const SafetensorsReader reader(weights.string());
  uint64_t parameters = 0;
  for (const auto& entry : reader.header().entries) parameters += entry.elementCount();
  std::string targets;
  for (const auto& target : config.targets) targets += (targets.empty() ? "" : ", ") + target;
  std::cout << "adapter: " << adapter << "\n"
            << "method: " << (config.dora ? "DoRA" : "LoRA") << (config.rslora ? " (rsLoRA)" : "")
            << "\nrank: " << config.r << ", alpha: " << config.alpha
            << ", scaling: " << loraScaling(config) << ", dropout: " << config.dropout
            << "\ntarget modules: " << targets << "\ntensors: " << reader.header().entries.size()
            << ", parameters: " << parameters << "\n";
  if (!model.empty()) {
    // Loading checks every tensor's name and shape against the model.
    auto loaded = loadModelFolder(model);
    loadPeftAdapter(*loaded.model, adapter);
    std::cout << "fits " << model << ": every tensor matches a target layer\n";
  }
  return 0;
}

int mergeAdapter(const std::string& adapter, const std::string& model, const std::string& out) {
  if (fs::exists(out) && !fs::is_empty(out))
    throw Error(out + " is not empty: choose an empty or new folder so that nothing is overwritten");
  auto loaded = loadModelFolder(model);
  loadPeftAdapter(*loaded.model, adapter);
  mergeAndUnloadLora(*loaded.model);
  SaveOptions save;
  save.tokenizerSourceFolder = model;
  saveModelFolder(*loaded.model, out, save);
  std::cout << "merged " << adapter << " into " << model << ": " << out << "\n";
  return 0;
}

}  // namespace

Command addAdaptersCommand(CLI::App& app) {
  struct Options {
    std::string adapter, model, out;
    int threads = 0;
  };
  auto options = std::make_shared<Options>();
  auto* adapters = app.add_subcommand("adapters", "Inspect PEFT adapters or merge them into a model");
  adapters->require_subcommand(1);
  auto* inspect = adapters->add_subcommand("inspect", "Settings and size of an adapter folder");
  auto* merge = adapters->add_subcommand(
      "merge", "Write a model folder with the adapter merged into its weights");
  for (auto* sub : {inspect, merge}) {
    sub->add_option("--adapter", options->adapter, "Adapter folder")->required();
    sub->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  }
  inspect->add_option("--model", options->model, "Also check that it fits this model folder");
  merge->add_option("--model", options->model, "Base model folder")->required();
  merge->add_option("--out", options->out, "New model folder")->required();
  return {adapters, [options, inspect] {
            setIntraOpThreads(options->threads);
            if (inspect->parsed()) return inspectAdapter(options->adapter, options->model);
            return mergeAdapter(options->adapter, options->model, options->out);
          }};
}

}  // namespace tunebench::cli

#include "model/ModelFolder.h"

#include <filesystem>
#include <fstream>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/CheckpointFolder.h"
#include "model/SafetensorsWriter.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

std::string shapeText(c10::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

void writeJson(const fs::path& path, const nlohmann::json& json) {
  writeFileAtomically(path, json.dump(2) + "\n");
}

}  // namespace

const std::vector<std::string>& tokenizerFileNames() {
  static const std::vector<std::string> names = {
      "tokenizer.model",         "tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json", "vocab.json",     "merges.txt"};
  return names;
}

std::string torchDtypeName(torch::Dtype dtype) {
  if (dtype == torch::kBFloat16) return "bfloat16";
  if (dtype == torch::kFloat16) return "float16";
  return "float32";
}

LoadedModel loadModelFolder(const std::string& folder, const LoadOptions& options) {
  const auto config = loadModelConfig((fs::path(folder) / "config.json").string());
  const CheckpointFolder checkpoint(folder);
  auto model = buildCausalLM(config);
  const auto dtype =
      options.dtype.value_or(options.device.is_cuda() ? torch::kBFloat16 : torch::kFloat32);

  std::vector<std::string> missing, misShaped;
  std::set<std::string> used;
  {
    torch::NoGradGuard noGrad;
    const auto parameters = model->named_parameters();
    const auto total = static_cast<int64_t>(parameters.size());
    int64_t done = 0;
    for (auto& item : parameters) {
      if (options.progress) options.progress(done++, total);
      const auto& name = item.key();
      auto& parameter = item.value();
      std::string found;
      for (const auto& candidate : model->fileNamesFor(name))
        if (checkpoint.contains(candidate)) {
          found = candidate;
          break;
        }
      if (found.empty()) {
        missing.push_back(name + " " + shapeText(parameter.sizes()));
        continue;
      }
      used.insert(found);
      auto source = checkpoint.tensor(found);
      if (model->storedTransposed(name) && source.dim() == 2) source = source.t();
      if (source.sizes() != parameter.sizes()) {
        misShaped.push_back(found + " is " + shapeText(source.sizes()) + ", expected " +
                            shapeText(parameter.sizes()));
        continue;
      }
      if (!source.is_floating_point()) {
        misShaped.push_back(found + " has integer dtype " +
                            std::string(c10::toString(source.scalar_type())));
        continue;
      }
      parameter.set_data(source.to(options.device, dtype, false, true).contiguous());
    }
  }
  std::vector<std::string> unexpected;
  for (const auto& name : checkpoint.tensorNames())
    if (!used.count(name) && !model->isIgnoredFileTensor(name)) unexpected.push_back(name);

  if (!missing.empty() || !unexpected.empty() || !misShaped.empty()) {
    std::string message =
        "the weights in " + folder + " do not match its config.json (" + config.architecture + ")";
    auto list = [&](const char* title, const std::vector<std::string>& items) {
      if (items.empty()) return;
      message += std::string("\n") + title + " (" + std::to_string(items.size()) + "):";
      for (size_t i = 0; i < items.size() && i < 20; ++i) message += "\n  " + items[i];
      if (items.size() > 20) message += "\n  … and " + std::to_string(items.size() - 20) + " more";
    };
    list("missing", missing);
    list("unexpected", unexpected);
    list("wrong shape or dtype", misShaped);
    throw Error(message);
  }
  model->to(options.device);  // buffers (rotary tables)
  model->eval();
  return {model, folder};
}

void saveModelFolder(const CausalLMImpl& model, const std::string& folder,
                     const SaveOptions& options) {
  // A linear layer without its weight (an NF4-quantised base) or with adapter layers inside
  // (unmerged LoRA) would make a folder that no loader reads as the config says.
  for (const auto& item : model.named_modules("", false)) {
    if (!dynamic_cast<const LinearImpl*>(item.value().get())) continue;
    if (!item.value()->named_parameters(false).contains("weight"))
      throw Error("cannot save " + folder + ": " + item.key() +
                  " holds no full-precision weight (an NF4-quantised base); merge the adapter "
                  "into the full-precision model instead (adapters merge, or the run's final/)");
    if (!item.value()->children().empty())
      throw Error("cannot save " + folder + ": " + item.key() +
                  " carries an adapter; merge and unload it first, or save the adapter alone");
  }
  const fs::path target(folder);
  fs::create_directories(target);

  // Hugging Face names and layouts, in parameter order.
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  uint64_t totalBytes = 0;
  for (const auto& item : model.named_parameters()) {
    auto tensor = item.value().detach();
    if (model.storedTransposed(item.key())) tensor = tensor.t();
    tensor = tensor.to(torch::kCPU, options.dtype).contiguous();
    totalBytes += static_cast<uint64_t>(tensor.numel()) * tensor.element_size();
    tensors.emplace_back(model.fileNamesFor(item.key()).front(), tensor);
  }

  const std::map<std::string, std::string> metadata{{"format", "pt"}};
  fs::remove(target / "model.safetensors.index.json");
  if (totalBytes <= options.maxShardBytes) {
    writeSafetensors((target / "model.safetensors").string(), tensors, metadata);
  } else {
    std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
    uint64_t shardBytes = 0;
    for (auto& tensor : tensors) {
      const uint64_t bytes =
          static_cast<uint64_t>(tensor.second.numel()) * tensor.second.element_size();
      if (!shards.back().empty() && shardBytes + bytes > options.maxShardBytes) {
        shards.emplace_back();
        shardBytes = 0;
      }
      shards.back().push_back(tensor);
      shardBytes += bytes;
    }
    nlohmann::json index{{"metadata", {{"total_size", totalBytes}}},
                         {"weight_map", nlohmann::json::object()}};
    char name[64];
    for (size_t i = 0; i < shards.size(); ++i) {
      std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
      writeSafetensors((target / name).string(), shards[i], metadata);
      for (const auto& tensor : shards[i]) index["weight_map"][tensor.first] = name;
    }
    fs::remove(target / "model.safetensors");
    writeJson(target / "model.safetensors.index.json", index);
  }

  auto config = model.config().toJson();
  config["torch_dtype"] = torchDtypeName(options.dtype);
  writeJson(target / "config.json", config);

  nlohmann::json generation{{"_from_model_config", true}};
  const auto& typed = model.config();
  if (typed.bosTokenId) generation["bos_token_id"] = *typed.bosTokenId;
  if (typed.eosTokenIds.size() == 1) generation["eos_token_id"] = typed.eosTokenIds.front();
  if (typed.eosTokenIds.size() > 1) generation["eos_token_id"] = typed.eosTokenIds;
  if (typed.padTokenId) generation["pad_token_id"] = *typed.padTokenId;
  writeJson(target / "generation_config.json", generation);

  if (!options.tokenizerSourceFolder.empty() &&
      fs::weakly_canonical(options.tokenizerSourceFolder) != fs::weakly_canonical(target)) {
    for (const auto& name : tokenizerFileNames()) {
      const fs::path source = fs::path(options.tokenizerSourceFolder) / name;
      if (fs::exists(source))
        fs::copy_file(source, target / name, fs::copy_options::overwrite_existing);
    }
  }
}

}  // namespace tunebench

#include "peft/AdapterCombination.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"
#include "peft/LoraConfig.h"
#include "peft/PeftAdapterFiles.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

constexpr const char* kConfigFile = "adapter_config.json";
constexpr const char* kWeightsFile = "adapter_model.safetensors";

// One layer's factors: A [r, in], B [out, r].
struct LayerFactors {
  torch::Tensor a, b;
};

struct LoadedAdapter {
  std::string folder;
  double weight = 1;
  LoraConfig config;
  double scaling = 1;
  nlohmann::json configJson;
  std::vector<std::string> layerOrder;  // module paths as the file names them
  std::map<std::string, LayerFactors> layers;
};

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shapeText(const torch::Tensor& t) {
  std::ostringstream text;
  text << t.sizes();
  return text.str();
}

LoadedAdapter loadAdapter(const WeightedAdapter& input) {
  LoadedAdapter adapter;
  adapter.folder = input.folder;
  adapter.weight = input.weight;
  adapter.config = readPeftAdapterConfig(input.folder);
  if (adapter.config.dora)
    throw Error(input.folder +
                ": a DoRA adapter (use_dora) cannot be combined: its magnitude "
                "vectors do not add up; merge it into the model instead");
  adapter.scaling = loraScaling(adapter.config);
  adapter.configJson = readJsonFile((fs::path(input.folder) / kConfigFile).string());
  const auto weights = (fs::path(input.folder) / kWeightsFile).string();
  const SafetensorsReader reader(weights);
  for (const auto& entry : reader.header().entries) {
    const std::string& name = entry.name;
    std::string layer;
    bool isA = false;
    if (endsWith(name, ".lora_A.weight")) {
      layer = name.substr(0, name.size() - std::string(".lora_A.weight").size());
      isA = true;
    } else if (endsWith(name, ".lora_B.weight")) {
      layer = name.substr(0, name.size() - std::string(".lora_B.weight").size());
    } else {
      throw Error(weights + ": unexpected tensor " + name +
                  " (only lora_A and lora_B weights can be combined)");
    }
    const auto tensor = reader.tensor(name).to(torch::kFloat32).clone();
    if (tensor.dim() != 2)
      throw Error(weights + ": " + name + " has shape " + shapeText(tensor) +
                  ", expected a matrix");
    if (!adapter.layers.count(layer)) adapter.layerOrder.push_back(layer);
    auto& factors = adapter.layers[layer];
    (isA ? factors.a : factors.b) = tensor;
  }
  for (const auto& [layer, factors] : adapter.layers) {
    if (!factors.a.defined() || !factors.b.defined())
      throw Error(weights + ": " + layer + " has only one of lora_A and lora_B");
    if (factors.a.size(0) != adapter.config.r || factors.b.size(1) != adapter.config.r)
      throw Error(weights + ": " + layer + " has lora_A " + shapeText(factors.a) + " and lora_B " +
                  shapeText(factors.b) + ", which do not fit r = " +
                  std::to_string(adapter.config.r) + " of " + kConfigFile);
  }
  if (adapter.layers.empty()) throw Error(weights + ": holds no LoRA tensors");
  return adapter;
}

// The layer's factors of each adapter, zeros where an adapter does not touch the layer.
std::vector<LayerFactors> factorsOf(const std::vector<LoadedAdapter>& adapters,
                                    const std::string& layer, int64_t out, int64_t in) {
  std::vector<LayerFactors> factors;
  for (const auto& adapter : adapters) {
    const auto found = adapter.layers.find(layer);
    if (found == adapter.layers.end()) {
      factors.push_back(
          {torch::zeros({adapter.config.r, in}), torch::zeros({out, adapter.config.r})});
      continue;
    }
    if (found->second.a.size(1) != in || found->second.b.size(0) != out)
      throw Error(adapter.folder + ": " + layer + " is " + std::to_string(found->second.b.size(0)) +
                  "×" + std::to_string(found->second.a.size(1)) + " where " +
                  adapters.front().folder + "'s is " + std::to_string(out) + "×" +
                  std::to_string(in) + " (adapters of different base models?)");
    factors.push_back(found->second);
  }
  return factors;
}

}  // namespace

AdapterCombination adapterCombinationFromName(const std::string& name) {
  if (name == "concat") return AdapterCombination::Concatenate;
  if (name == "linear") return AdapterCombination::Linear;
  if (name == "svd") return AdapterCombination::Svd;
  throw Error("unknown combination \"" + name + "\" (expected concat, linear or svd)");
}

AdapterCombinationReport combineAdapters(const std::vector<WeightedAdapter>& inputs,
                                         AdapterCombination method, int64_t svdRank,
                                         const std::string& outFolder) {
  if (inputs.empty()) throw Error("no adapters to combine");
  if (fs::exists(outFolder))
    throw Error(outFolder + " already exists; choose a new folder for the combined adapter");
  torch::NoGradGuard noGrad;
  std::vector<LoadedAdapter> adapters;
  for (const auto& input : inputs) {
    if (!std::isfinite(input.weight)) throw Error(input.folder + ": the weight is not a number");
    adapters.push_back(loadAdapter(input));
  }
  int64_t largestRank = 0, rankSum = 0;
  for (const auto& adapter : adapters) {
    largestRank = std::max(largestRank, adapter.config.r);
    rankSum += adapter.config.r;
    if (method == AdapterCombination::Linear && adapter.config.r != adapters.front().config.r)
      throw Error("linear combination needs adapters of the same rank: " + adapter.folder +
                  " has r = " + std::to_string(adapter.config.r) + ", " + adapters.front().folder +
                  " has r = " + std::to_string(adapters.front().config.r) + " (use concat or svd)");
  }
  if (method == AdapterCombination::Svd && svdRank < 0)
    throw Error("the SVD rank must be positive");

  // Layers in the first adapter's order, then those only later adapters touch.
  std::vector<std::string> layers;
  std::map<std::string, std::pair<int64_t, int64_t>> shapes;  // out, in
  for (const auto& adapter : adapters)
    for (const auto& layer : adapter.layerOrder)
      if (!shapes.count(layer)) {
        layers.push_back(layer);
        const auto& f = adapter.layers.at(layer);
        shapes[layer] = {f.b.size(0), f.a.size(1)};
      }

  // A rank above every layer's smaller side only pads with zeros: refused before allocating.
  int64_t largestPossibleRank = 0;
  for (const auto& [layer, shape] : shapes)
    largestPossibleRank = std::max(largestPossibleRank, std::min(shape.first, shape.second));
  if (method == AdapterCombination::Svd && svdRank > largestPossibleRank)
    throw Error("the SVD rank " + std::to_string(svdRank) + " is above what the layers can hold (" +
                std::to_string(largestPossibleRank) +
                ": the smaller side of the largest adapted layer)");

  AdapterCombinationReport report;
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& layer : layers) {
    const auto [out, in] = shapes.at(layer);
    const auto factors = factorsOf(adapters, layer, out, in);
    torch::Tensor a, b;
    if (method == AdapterCombination::Concatenate) {
      std::vector<torch::Tensor> as, bs;
      for (size_t i = 0; i < adapters.size(); ++i) {
        as.push_back(factors[i].a);
        bs.push_back(factors[i].b * (adapters[i].weight * adapters[i].scaling));
      }
      a = torch::cat(as, 0);
      b = torch::cat(bs, 1);
    } else if (method == AdapterCombination::Linear) {
      a = torch::zeros_like(factors.front().a);
      b = torch::zeros_like(factors.front().b);
      for (size_t i = 0; i < adapters.size(); ++i) {
        const double factor = adapters[i].weight * adapters[i].scaling;
        const double root = std::sqrt(std::abs(factor));
        a += factors[i].a * root;
        b += factors[i].b * (factor < 0 ? -root : root);
      }
    } else {
      auto delta = torch::zeros({out, in}, torch::kFloat64);
      for (size_t i = 0; i < adapters.size(); ++i)
        delta += torch::matmul(factors[i].b.to(torch::kFloat64), factors[i].a.to(torch::kFloat64)) *
                 (adapters[i].weight * adapters[i].scaling);
      const int64_t targetRank = svdRank > 0 ? svdRank : largestRank;
      const int64_t rank = std::min({targetRank, out, in});
      const auto [u, s, vh] = torch::linalg::svd(delta, false, c10::nullopt);
      const auto bDouble = u.narrow(1, 0, rank) * s.narrow(0, 0, rank).unsqueeze(0);
      const auto aDouble = vh.narrow(0, 0, rank);
      const double norm = delta.norm().item<double>();
      if (norm > 0)
        report.worstRelativeError =
            std::max(report.worstRelativeError,
                     (delta - torch::matmul(bDouble, aDouble)).norm().item<double>() / norm);
      // Every layer gets the same rank, as adapter_config.json has one r (zeros pad a layer
      // smaller than it).
      a = torch::zeros({targetRank, in});
      b = torch::zeros({out, targetRank});
      a.narrow(0, 0, rank).copy_(aDouble);
      b.narrow(1, 0, rank).copy_(bDouble);
    }
    tensors.emplace_back(layer + ".lora_A.weight", a.contiguous());
    tensors.emplace_back(layer + ".lora_B.weight", b.contiguous());
    report.rank = a.size(0);
  }
  report.layers = layers.size();
  if (method == AdapterCombination::Concatenate) report.rank = rankSum;

  for (const auto& adapter : adapters)
    for (const auto& target : adapter.config.targets)
      if (std::find(report.targets.begin(), report.targets.end(), target) == report.targets.end())
        report.targets.push_back(target);
  auto config = adapters.front().configJson.is_object() ? adapters.front().configJson
                                                        : nlohmann::json::object();
  config["peft_type"] = "LORA";
  config["r"] = report.rank;
  config["lora_alpha"] = report.rank;  // scaling 1: the weights and scalings are in B
  config["use_rslora"] = false;
  config["use_dora"] = false;
  config["target_modules"] = report.targets;

  const fs::path temporary = outFolder + ".partial";
  fs::remove_all(temporary);
  fs::create_directories(temporary);
  try {
    writeSafetensors((temporary / kWeightsFile).string(), tensors, {{"format", "pt"}});
    writeFileAtomically(temporary / kConfigFile, config.dump(2) + "\n");
    publishFolder(temporary, outFolder);
  } catch (...) {
    fs::remove_all(temporary);
    throw;
  }
  return report;
}

}  // namespace tunebench

#include "train/Checkpoint.h"

#include <filesystem>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRngTensor = "__rng_state.cpu";

double jsonDouble(const nlohmann::json& value) {
  // JSON has no infinity: "inf" stands for "no evaluation yet".
  if (value.is_string()) return std::numeric_limits<double>::infinity();
  return value.get<double>();
}

// The files of a checkpoint, DONE last: a folder without it is an interrupted checkpoint and
// never resumed from.
void writeCheckpointFiles(const fs::path& partial, const torch::nn::Module& model,
                          const torch::optim::Optimizer& optimizer, const TrainerState& state,
                          const nlohmann::json& config) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& item : model.named_parameters())
    if (item.value().requires_grad()) tensors.emplace_back(item.key(), item.value());
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    tensors.emplace_back(kRngTensor, generator.get_state());
  }
  writeSafetensors((partial / "trainable.safetensors").string(), tensors);

  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  writeFileAtomically(partial / "optimizer.pt", [&](std::ostream& out) { archive.save_to(out); });
  writeFileAtomically(partial / "state.json", state.toJson().dump(2));
  writeFileAtomically(partial / "config.json", config.dump(2));
  writeFileAtomically(partial / "DONE", std::to_string(state.step) + "\n");
}

}  // namespace

nlohmann::json TrainerState::toJson() const {
  nlohmann::json json{{"step", step},
                      {"epoch", epoch},
                      {"position", position},
                      {"best_step", bestStep},
                      {"evaluations_without_improvement", evaluationsWithoutImprovement},
                      {"dataset_fingerprint", datasetFingerprint},
                      {"base_model_fingerprint", baseModelFingerprint},
                      {"diagnosis", diagnosis}};
  json["best_validation_loss"] = std::isfinite(bestValidationLoss)
                                     ? nlohmann::json(bestValidationLoss)
                                     : nlohmann::json("inf");
  return json;
}

TrainerState TrainerState::fromJson(const nlohmann::json& json, const std::string& source) {
  try {
    TrainerState state;
    state.step = json.at("step").get<int64_t>();
    state.epoch = json.at("epoch").get<int64_t>();
    state.position = json.at("position").get<int64_t>();
    state.bestValidationLoss = jsonDouble(json.at("best_validation_loss"));
    state.bestStep = json.at("best_step").get<int64_t>();
    state.evaluationsWithoutImprovement = json.at("evaluations_without_improvement").get<int64_t>();
    state.datasetFingerprint = json.at("dataset_fingerprint").get<std::string>();
    state.baseModelFingerprint = json.at("base_model_fingerprint").get<std::string>();
    state.diagnosis = json.value("diagnosis", nlohmann::json::object());
    return state;
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": " + e.what());
  }
}

std::string checkpointFolderName(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
  return name;
}

std::string writeCheckpoint(const std::string& checkpointsRoot, const torch::nn::Module& model,
                            const torch::optim::Optimizer& optimizer, const TrainerState& state,
                            const nlohmann::json& config) {
  const fs::path root(checkpointsRoot);
  fs::create_directories(root);
  const fs::path final = root / checkpointFolderName(state.step);
  const fs::path partial = final.string() + ".partial";
  fs::remove_all(partial);
  fs::create_directories(partial);

  try {
    writeCheckpointFiles(partial, model, optimizer, state, config);
  } catch (...) {
    // A failed checkpoint (a full disk) gives its space back; the previous ones stay complete.
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    throw;
  }

  std::error_code ec;
  fs::remove_all(final, ec);
  publishFolder(partial, final);
  return final.string();
}

size_t loadCheckpointWeights(torch::nn::Module& model, const std::string& checkpointFolder,
                             bool requireAdapters) {
  const fs::path folder(checkpointFolder);
  if (!fs::exists(folder / "DONE"))
    throw Error(checkpointFolder + " is not a complete checkpoint (it has no DONE marker)");
  const SafetensorsReader weights((folder / "trainable.safetensors").string());
  auto parameters = model.named_parameters();
  size_t copied = 0;
  torch::NoGradGuard noGrad;
  for (const auto& entry : weights.header().entries) {
    if (entry.name == kRngTensor) continue;
    auto* parameter = parameters.find(entry.name);
    if (!parameter)
      throw Error(weights.path() + ": tensor '" + entry.name +
                  "' has no place in the model (was the run's base model or method changed?)");
    const auto saved = weights.tensor(entry.name);
    if (saved.sizes() != parameter->sizes())
      throw Error(weights.path() + ": tensor '" + entry.name +
                  "' has another shape than the model's");
    parameter->copy_(saved.to(parameter->dtype()));
    ++copied;
  }
  if (requireAdapters)
    for (const auto& item : parameters)
      if (item.key().find(".lora_") != std::string::npos && !weights.contains(item.key()))
        throw Error(weights.path() + ": the checkpoint lacks adapter tensor '" + item.key() +
                    "' (was the run's method changed?)");
  if (copied == 0) throw Error(weights.path() + " holds no trained weights");
  return copied;
}

std::optional<std::string> latestCheckpoint(const std::string& checkpointsRoot) {
  const auto all = completeCheckpoints(checkpointsRoot);
  if (all.empty()) return std::nullopt;
  return all.back().second;
}

TrainerState readCheckpoint(const std::string& folder, torch::nn::Module& model,
                            torch::optim::Optimizer& optimizer) {
  const fs::path path(folder);
  if (!fs::exists(path / "DONE")) throw Error(folder + " is not a complete checkpoint (no DONE)");
  SafetensorsReader weights((path / "trainable.safetensors").string());
  {
    torch::NoGradGuard noGrad;
    for (auto& item : model.named_parameters()) {
      if (!item.value().requires_grad()) continue;
      if (!weights.contains(item.key()))
        throw Error(folder + ": checkpoint lacks trainable tensor '" + item.key() +
                    "' (was the run's method changed?)");
      const auto saved = weights.tensor(item.key());
      if (saved.sizes() != item.value().sizes())
        throw Error(folder + ": tensor '" + item.key() + "' has another shape than the model's");
      item.value().copy_(saved);
    }
  }
  if (weights.contains(kRngTensor)) {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(weights.tensor(kRngTensor).clone());
  }
  torch::serialize::InputArchive archive;
  withContext("reading " + (path / "optimizer.pt").string(), [&] {
    archive.load_from((path / "optimizer.pt").string());
    optimizer.load(archive);
  });
  const auto statePath = (path / "state.json").string();
  const auto state = readJsonFile(statePath);
  return TrainerState::fromJson(state, statePath);
}

void rotateCheckpoints(const std::string& checkpointsRoot, int64_t keep, int64_t protectedStep) {
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(checkpointsRoot, ec))
    if (item.path().extension() == ".partial") fs::remove_all(item.path(), ec);
  auto all = completeCheckpoints(checkpointsRoot);
  const int64_t surplus = static_cast<int64_t>(all.size()) - keep;
  for (int64_t i = 0; i < surplus; ++i)
    if (all[static_cast<size_t>(i)].first != protectedStep)
      fs::remove_all(all[static_cast<size_t>(i)].second, ec);
}

}  // namespace tunebench

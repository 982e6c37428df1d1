#include "train/HalfFineTuning.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "common/Error.h"
#include "common/TorchPch.h"

namespace tunebench {

namespace {

enum class Block { Attention, FeedForward, Norm, None };

// "model.layers.3.self_attn.q_proj" → layer "model.layers.3", block Attention.
bool splitLayerUnit(const std::string& unit, std::string& layer, Block& block) {
  for (const std::string prefix : {"model.layers.", "transformer.h."}) {
    if (unit.rfind(prefix, 0) != 0) continue;
    const size_t dot = unit.find('.', prefix.size());
    if (dot == std::string::npos) return false;
    layer = unit.substr(0, dot);
    const std::string rest = unit.substr(dot + 1);
    if (rest.rfind("self_attn.", 0) == 0 || rest.rfind("attn.", 0) == 0)
      block = Block::Attention;
    else if (rest.rfind("mlp.", 0) == 0)
      block = Block::FeedForward;
    else if (rest.find("norm") != std::string::npos || rest.rfind("ln_", 0) == 0)
      block = Block::Norm;
    else
      block = Block::None;
    return true;
  }
  return false;
}

}  // namespace

std::string parameterUnit(const std::string& name) {
  for (const std::string suffix : {".weight", ".bias"})
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return name.substr(0, name.size() - suffix.size());
  return name;
}

HalfFineTuningPlan::HalfFineTuningPlan(const CausalLMImpl& model, int64_t rounds,
                                       int64_t totalSteps, uint64_t seed) {
  // Units per (layer, block), in the model's order.
  std::vector<std::pair<std::string, Block>> groupOrder;
  std::map<std::pair<std::string, Block>, std::vector<std::string>> groups;
  std::set<std::string> seen;
  for (const auto& item : model.named_parameters()) {
    const auto unit = parameterUnit(item.key());
    std::string layer;
    Block block = Block::None;
    if (!splitLayerUnit(unit, layer, block) || block == Block::None || !seen.insert(unit).second)
      continue;
    const auto key = std::make_pair(layer, block);
    if (!groups.count(key)) groupOrder.push_back(key);
    groups[key].push_back(unit);
  }
  if (groups.empty())
    throw Error(
        "half fine-tuning found no decoder layers (self-attention, feed-forward, norms) "
        "in the model");
  unitCount_ = seen.size();
  units_.assign(seen.begin(), seen.end());
  rounds = std::max<int64_t>(1, rounds);
  const int64_t length = std::max<int64_t>(1, (totalSteps + rounds - 1) / rounds);
  for (int64_t r = 0; r < rounds; ++r) {
    HalfFineTuningRound round;
    round.fromStep = r * length;
    round.toStep = std::min(totalSteps, (r + 1) * length);
    if (round.fromStep >= totalSteps && r > 0) break;
    std::mt19937_64 random(seed * 6364136223846793005ull +
                           static_cast<uint64_t>(r) * 1442695040888963407ull + 1);
    for (const auto& key : groupOrder) {
      auto units = groups.at(key);
      for (size_t i = units.size(); i > 1; --i) std::swap(units[i - 1], units[random() % i]);
      // An odd block trains its larger or smaller half by a coin flip.
      const size_t half = units.size() / 2 + ((units.size() % 2) ? random() % 2 : 0);
      round.trainable.insert(round.trainable.end(), units.begin(), units.begin() + long(half));
    }
    std::sort(round.trainable.begin(), round.trainable.end());
    rounds_.push_back(std::move(round));
  }
}

size_t HalfFineTuningPlan::roundAt(int64_t step) const {
  for (size_t r = 0; r < rounds_.size(); ++r)
    if (step < rounds_[r].toStep) return r;
  return rounds_.size() - 1;
}

void HalfFineTuningPlan::apply(CausalLMImpl& model, size_t round) const {
  const auto& trainable = rounds_.at(round).trainable;
  for (auto& item : model.named_parameters()) {
    const bool trains =
        std::binary_search(trainable.begin(), trainable.end(), parameterUnit(item.key()));
    auto& parameter = item.value();
    parameter.set_requires_grad(trains);
    if (!trains && parameter.grad().defined()) parameter.mutable_grad() = torch::Tensor();
  }
}

void HalfFineTuningPlan::trainEveryUnit(CausalLMImpl& model) const {
  for (auto& item : model.named_parameters())
    item.value().set_requires_grad(
        std::binary_search(units_.begin(), units_.end(), parameterUnit(item.key())));
}

nlohmann::json HalfFineTuningPlan::toJson() const {
  auto list = nlohmann::json::array();
  for (size_t r = 0; r < rounds_.size(); ++r)
    list.push_back({{"round", r},
                    {"from_step", rounds_[r].fromStep},
                    {"to_step", rounds_[r].toStep},
                    {"trainable", rounds_[r].trainable}});
  return {{"units", unitCount_}, {"rounds", list}};
}

}  // namespace tunebench

#include "peft/LoraLinear.h"

#include <cmath>

#include "common/Error.h"
#include "common/TorchPch.h"

namespace tunebench {

LoraMagnitudeImpl::LoraMagnitudeImpl(torch::Tensor initial) {
  weight = register_parameter("weight", std::move(initial));
}

LoraLinearImpl::LoraLinearImpl(const LinearImpl& base) : LinearImpl(base.weight, base.bias) {
  weight.set_requires_grad(false);
  if (bias.defined()) bias.set_requires_grad(false);
  loraA_ = register_module("lora_A", torch::nn::ModuleDict());
  loraB_ = register_module("lora_B", torch::nn::ModuleDict());
  magnitudes_ = register_module("lora_magnitude_vector", torch::nn::ModuleDict());
}

void LoraLinearImpl::addAdapter(const LoraConfig& config) {
  const auto& name = config.adapterName;
  if (name.empty() || name.find('.') != std::string::npos)
    throw Error("LoRA adapter name \"" + name + "\" must be non-empty and contain no dot");
  if (adapters_.count(name)) throw Error("LoRA adapter \"" + name + "\" already exists");
  if (merged_)
    throw Error("cannot add LoRA adapter \"" + name + "\" to a merged layer; unmerge first");
  if (config.r < 1)
    throw Error("LoRA rank r must be at least 1 (got " + std::to_string(config.r) + ")");
  torch::NoGradGuard noGrad;
  const auto base = baseWeight();
  const int64_t out = base.size(0), in = base.size(1);
  Adapter adapter;
  adapter.config = config;
  const auto options = base.options();
  adapter.a = Linear(in, config.r, false);
  adapter.b = Linear(config.r, out, false);
  adapter.a->to(options.device(), options.dtype().toScalarType());
  adapter.b->to(options.device(), options.dtype().toScalarType());
  // PEFT's default initialisation: A as nn.Linear's (Kaiming-uniform, a = √5), B zero, so the
  // adapter starts as a no-op.
  torch::nn::init::kaiming_uniform_(adapter.a->weight, std::sqrt(5.0));
  adapter.b->weight.zero_();
  loraA_->update({{name, adapter.a.ptr()}});
  loraB_->update({{name, adapter.b.ptr()}});
  if (config.dora) {
    adapter.magnitude = LoraMagnitude(rowNorm(base).to(base.scalar_type()));
    magnitudes_->update({{name, adapter.magnitude.ptr()}});
  }
  adapters_.emplace(name, adapter);
  active_ = name;
}

void LoraLinearImpl::setActiveAdapter(const std::string& name) {
  adapter(name);
  if (merged_ && name != active_)
    throw Error("cannot switch to LoRA adapter \"" + name + "\" while \"" + active_ +
                "\" is merged; unmerge first");
  active_ = name;
}

std::vector<std::string> LoraLinearImpl::adapterNames() const {
  std::vector<std::string> names;
  for (const auto& item : adapters_) names.push_back(item.first);
  return names;
}

const LoraLinearImpl::Adapter& LoraLinearImpl::adapter(const std::string& name) const {
  const auto found = adapters_.find(name);
  if (found == adapters_.end()) throw Error("no LoRA adapter named \"" + name + "\" on this layer");
  return found->second;
}

const LoraConfig& LoraLinearImpl::adapterConfig(const std::string& name) const {
  return adapter(name).config;
}

double LoraLinearImpl::scaling(const std::string& name) const {
  return loraScaling(adapter(name).config);
}

torch::Tensor& LoraLinearImpl::loraA(const std::string& name) {
  return const_cast<Adapter&>(adapter(name)).a->weight;
}

torch::Tensor& LoraLinearImpl::loraB(const std::string& name) {
  return const_cast<Adapter&>(adapter(name)).b->weight;
}

torch::Tensor LoraLinearImpl::magnitude(const std::string& name) const {
  const auto& entry = adapter(name);
  return entry.magnitude ? entry.magnitude->weight : torch::Tensor();
}

torch::Tensor LoraLinearImpl::delta(const Adapter& adapter) const {
  return torch::matmul(adapter.b->weight, adapter.a->weight) * loraScaling(adapter.config);
}

torch::Tensor LoraLinearImpl::rowNorm(const torch::Tensor& w) const {
  // PEFT's "column-wise" norm of the [in, out] matrix = one norm per output row of W [out, in].
  return w.to(torch::kFloat32).pow(2).sum(1).sqrt();
}

torch::Tensor LoraLinearImpl::adaptedWeight() const {
  const auto base = baseWeight();
  if (active_.empty() || merged_) return base;
  const auto& current = adapter(active_);
  const auto combined = base + delta(current);
  if (!current.magnitude) return combined;
  const auto scale = current.magnitude->weight / rowNorm(combined).to(base.scalar_type());
  return combined * scale.unsqueeze(1);
}

torch::Tensor LoraLinearImpl::baseOutput(const torch::Tensor& x) const {
  return linearProduct(x, weight);
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& x) {
  const auto base = baseOutput(x);
  if (active_.empty() || merged_) return bias.defined() ? base + bias : base;
  const auto& current = adapter(active_);
  const double p = current.config.dropout;
  const auto dropped = p > 0 ? torch::dropout(x, p, is_training()) : x;
  namespace F = torch::nn::functional;
  const auto update = F::linear(F::linear(dropped, current.a->weight), current.b->weight) *
                      loraScaling(current.config);
  auto out = base + update;
  if (current.magnitude) {
    // The norm is treated as a constant in backward (DoRA paper §4.3), which saves memory.
    const auto norm = rowNorm(baseWeight() + delta(current)).detach().to(x.scalar_type());
    out = out * (current.magnitude->weight / norm);
  }
  return bias.defined() ? out + bias : out;
}

void LoraLinearImpl::merge() {
  if (merged_ || active_.empty()) return;
  torch::NoGradGuard noGrad;
  const auto& current = adapter(active_);
  auto combined = weight + delta(current);
  if (current.magnitude) {
    mergedNorm_ = rowNorm(combined).to(weight.scalar_type());
    combined = combined * (current.magnitude->weight / mergedNorm_).unsqueeze(1);
  }
  weight.copy_(combined);
  merged_ = true;
}

void LoraLinearImpl::unmerge() {
  if (!merged_) return;
  torch::NoGradGuard noGrad;
  const auto& current = adapter(active_);
  auto restored = weight.clone();
  if (current.magnitude)
    restored = restored * (mergedNorm_ / current.magnitude->weight).unsqueeze(1);
  weight.copy_(restored - delta(current));
  mergedNorm_ = torch::Tensor();
  merged_ = false;
}

}  // namespace tunebench

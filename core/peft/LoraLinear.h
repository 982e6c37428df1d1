#pragma once
// A linear layer with low-rank adapters: y = x W0ᵀ + b + s · B A dropout(x), W0 frozen.
// With DoRA the adapted weight is renormalised per output row and scaled by a trainable
// magnitude m: W' = m · (W0 + s B A) / ‖W0 + s B A‖.
// Parameter names follow HF PEFT: weight, bias, lora_A.<adapter>.weight,
// lora_B.<adapter>.weight, lora_magnitude_vector.<adapter>.weight.
#include <torch/nn/modules/container/moduledict.h>
#include <map>
#include <string>
#include <vector>

#include "model/Layers.h"
#include "peft/LoraConfig.h"

namespace tunebench {

// Holds DoRA's magnitude vector as a module's "weight", as PEFT does.
class LoraMagnitudeImpl : public torch::nn::Module {
 public:
  explicit LoraMagnitudeImpl(torch::Tensor initial);
  torch::Tensor weight;  // [out]
};
TORCH_MODULE(LoraMagnitude);

class LoraLinearImpl : public LinearImpl {
 public:
  // Shares the base layer's weight and bias (no copy) and freezes them.
  explicit LoraLinearImpl(const LinearImpl& base);

  // Adds an adapter (A Kaiming-uniform from the global generator, B zeros, m = ‖W0‖ rows) and
  // makes it active. Throws when the name is taken or the layer is merged.
  void addAdapter(const LoraConfig& config);
  void setActiveAdapter(const std::string& name);
  const std::string& activeAdapter() const { return active_; }
  std::vector<std::string> adapterNames() const;
  const LoraConfig& adapterConfig(const std::string& name) const;
  double scaling(const std::string& name) const;

  torch::Tensor& loraA(const std::string& name);           // [r, in]
  torch::Tensor& loraB(const std::string& name);           // [out, r]
  torch::Tensor magnitude(const std::string& name) const;  // [out], undefined without DoRA

  // The weight the active adapter produces: W0 + s B A, or DoRA's m-scaled version.
  torch::Tensor adaptedWeight() const;

  torch::Tensor forward(const torch::Tensor& x) override;

  // Writes the active adapter into `weight` (forward then skips the adapter) and back out.
  virtual void merge();
  virtual void unmerge();
  bool merged() const { return merged_; }

 protected:
  // The frozen base weight W0 [out, in] at full precision, without autograd history. A layer
  // that stores its base in another form (QLoRA's NF4) reconstructs it here.
  virtual torch::Tensor baseWeight() const { return weight; }
  // x W0ᵀ (no bias). Overridden where the base weight is not kept as a tensor.
  virtual torch::Tensor baseOutput(const torch::Tensor& x) const;

 private:
  struct Adapter {
    LoraConfig config;
    Linear a{nullptr};
    Linear b{nullptr};
    LoraMagnitude magnitude{nullptr};
  };
  const Adapter& adapter(const std::string& name) const;
  torch::Tensor delta(const Adapter& adapter) const;  // s B A
  torch::Tensor rowNorm(const torch::Tensor& w) const;

  torch::nn::ModuleDict loraA_{nullptr}, loraB_{nullptr}, magnitudes_{nullptr};
  std::map<std::string, Adapter> adapters_;
  std::string active_;
  bool merged_ = false;
  torch::Tensor mergedNorm_;  // DoRA: the row norms used by merge, so unmerge can invert it
};
TORCH_MODULE(LoraLinear);

}  // namespace tunebench

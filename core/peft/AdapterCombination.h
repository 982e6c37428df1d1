#pragma once
// Combining LoRA adapters of one base model into one adapter (guide §6.3.5), file to file:
//  - concatenation: the ranks add up; ΔW = Σ wᵢ·sᵢ·Bᵢ·Aᵢ exactly (sᵢ: each adapter's scaling);
//  - linear: adapters of the same rank; A = Σ √|wᵢ·sᵢ|·Aᵢ and B = Σ sign(wᵢ)·√|wᵢ·sᵢ|·Bᵢ (the
//    weighted sum of the factors, as PEFT's "linear" does: exact for one adapter or equal
//    adapters, an approximation of the summed updates otherwise);
//  - svd: ΔW = Σ wᵢ·sᵢ·Bᵢ·Aᵢ per layer, truncated to a chosen rank by its singular value
//    decomposition (the best approximation of that rank in the Frobenius norm).
// The result is a plain LoRA adapter in PEFT's layout with scaling 1 (lora_alpha = r).
#include <string>
#include <vector>

namespace tunebench {

enum class AdapterCombination { Concatenate, Linear, Svd };

// "concat", "linear", "svd"; throws tunebench::Error for another name.
AdapterCombination adapterCombinationFromName(const std::string& name);

struct WeightedAdapter {
  std::string folder;  // adapter_config.json + adapter_model.safetensors
  double weight = 1.0;
};

struct AdapterCombinationReport {
  int64_t rank = 0;
  size_t layers = 0;
  std::vector<std::string> targets;
  // svd: the largest ‖ΔW − BA‖ / ‖ΔW‖ over the layers (0 for the exact methods).
  double worstRelativeError = 0;
};

// Writes the combined adapter into `outFolder` (which must not exist; written through a
// temporary folder renamed into place). `svdRank` 0 means the largest input rank. Throws
// tunebench::Error naming the folder and the problem: DoRA adapters (their magnitude vectors do
// not combine), ranks that differ for "linear", mis-shaped or unexpected tensors, layers whose
// shapes differ between adapters (adapters of different base models).
AdapterCombinationReport combineAdapters(const std::vector<WeightedAdapter>& adapters,
                                         AdapterCombination method, int64_t svdRank,
                                         const std::string& outFolder);

}  // namespace tunebench

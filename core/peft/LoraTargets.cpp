#include "peft/LoraTargets.h"

#include <algorithm>
#include <map>

namespace tunebench {

std::vector<std::string> loraTargetsForArchitecture(const std::string& architecture,
                                                    const std::vector<std::string>& targets) {
  static const std::map<std::string, std::string> phi3 = {{"q_proj", "qkv_proj"},
                                                          {"k_proj", "qkv_proj"},
                                                          {"v_proj", "qkv_proj"},
                                                          {"gate_proj", "gate_up_proj"},
                                                          {"up_proj", "gate_up_proj"}};
  if (architecture != "Phi3ForCausalLM") return targets;
  std::vector<std::string> mapped;
  for (const auto& target : targets) {
    const auto fused = phi3.find(target);
    const std::string name = fused == phi3.end() ? target : fused->second;
    if (std::find(mapped.begin(), mapped.end(), name) == mapped.end()) mapped.push_back(name);
  }
  return mapped;
}

}  // namespace tunebench

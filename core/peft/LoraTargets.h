#pragma once
// LoRA targets named per projection (q_proj, k_proj, v_proj, gate_proj, up_proj: the names most
// families use and the presets give) mapped onto the fused projections of a family that has them,
// as PEFT names that family's modules: Phi-3 (Phi3ForCausalLM) keeps q, k and v in qkv_proj and
// the gate and up projections in gate_up_proj. Other families' targets stay as they are. Order is
// kept and a fused name appears once.
#include <string>
#include <vector>

namespace tunebench {

std::vector<std::string> loraTargetsForArchitecture(const std::string& architecture,
                                                    const std::vector<std::string>& targets);

}  // namespace tunebench

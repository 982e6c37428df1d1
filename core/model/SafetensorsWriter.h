#pragma once
#include <torch/types.h>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tunebench {

// Writes tensors (any device, contiguous or not) to a .safetensors file in the given order:
// to a temporary file in the same folder, fsync, then rename, so a failed write never leaves a
// half file under the final name.
void writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace tunebench

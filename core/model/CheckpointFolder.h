#pragma once
// The weights of a Hugging Face model folder: model.safetensors, or shards listed by
// model.safetensors.index.json. Pickle checkpoints (.bin, .pt) are refused, never unpickled.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/SafetensorsReader.h"

namespace tunebench {

class CheckpointFolder {
 public:
  // Throws tunebench::Error naming the folder/file and the problem.
  explicit CheckpointFolder(const std::string& folder);

  std::vector<std::string> tensorNames() const;  // sorted
  bool contains(const std::string& name) const { return location_.count(name) != 0; }
  const SafetensorsEntry& entry(const std::string& name) const;
  torch::Tensor tensor(const std::string& name) const;  // zero-copy view, read-only
  const std::vector<std::string>& files() const { return files_; }

 private:
  std::vector<std::unique_ptr<SafetensorsReader>> readers_;
  std::map<std::string, size_t> location_;  // tensor name → reader index
  std::vector<std::string> files_;
};

}  // namespace tunebench

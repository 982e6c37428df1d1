#pragma once
// Reads tensors from a .safetensors file without copying: each aligned tensor is a view of the
// memory map.
#include <torch/types.h>
#include <memory>
#include <string>

#include "model/MappedFile.h"
#include "model/SafetensorsFormat.h"

namespace tunebench {

torch::Dtype toTorchDtype(SafetensorsDType dtype);
SafetensorsDType fromTorchDtype(torch::Dtype dtype);  // throws for dtypes safetensors lacks

class SafetensorsReader {
 public:
  // Maps and validates the file; throws tunebench::Error naming it and the problem.
  explicit SafetensorsReader(const std::string& path);

  const SafetensorsHeader& header() const { return header_; }
  const std::string& path() const { return file_->path(); }
  bool contains(const std::string& name) const { return header_.find(name) != nullptr; }

  // A read-only CPU view of the tensor's bytes in the map (copy before writing to it); a copy
  // when the file places the tensor at an offset that is not a multiple of its element size.
  torch::Tensor tensor(const std::string& name) const;

 private:
  std::shared_ptr<MappedFile> file_;
  SafetensorsHeader header_;
};

}  // namespace tunebench

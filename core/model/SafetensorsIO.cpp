// Reader and writer of .safetensors files (one translation unit: both need LibTorch).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

namespace tunebench {

torch::Dtype toTorchDtype(SafetensorsDType dtype) {
  switch (dtype) {
    case SafetensorsDType::Bool:
      return torch::kBool;
    case SafetensorsDType::U8:
      return torch::kUInt8;
    case SafetensorsDType::I8:
      return torch::kInt8;
    case SafetensorsDType::I16:
      return torch::kInt16;
    case SafetensorsDType::I32:
      return torch::kInt32;
    case SafetensorsDType::I64:
      return torch::kInt64;
    case SafetensorsDType::F16:
      return torch::kFloat16;
    case SafetensorsDType::BF16:
      return torch::kBFloat16;
    case SafetensorsDType::F32:
      return torch::kFloat32;
    case SafetensorsDType::F64:
      return torch::kFloat64;
  }
  return torch::kFloat32;
}

SafetensorsDType fromTorchDtype(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kBool:
      return SafetensorsDType::Bool;
    case torch::kUInt8:
      return SafetensorsDType::U8;
    case torch::kInt8:
      return SafetensorsDType::I8;
    case torch::kInt16:
      return SafetensorsDType::I16;
    case torch::kInt32:
      return SafetensorsDType::I32;
    case torch::kInt64:
      return SafetensorsDType::I64;
    case torch::kFloat16:
      return SafetensorsDType::F16;
    case torch::kBFloat16:
      return SafetensorsDType::BF16;
    case torch::kFloat32:
      return SafetensorsDType::F32;
    case torch::kFloat64:
      return SafetensorsDType::F64;
    default:
      throw Error(std::string("safetensors cannot store dtype ") + c10::toString(dtype));
  }
}

SafetensorsReader::SafetensorsReader(const std::string& path) : file_(MappedFile::open(path)) {
  header_ = parseSafetensorsHeader(file_->view(), file_->size(), path);
}

torch::Tensor SafetensorsReader::tensor(const std::string& name) const {
  const auto* entry = header_.find(name);
  if (!entry) throw Error(path() + ": no tensor named '" + name + "'");
  const auto dtype = toTorchDtype(entry->dtype);
  if (entry->elementCount() == 0) return torch::empty(entry->shape, torch::TensorOptions(dtype));
  auto* address = const_cast<char*>(file_->data() + header_.dataStart + entry->begin);
  // Other writers may start a tensor at any byte (any header length, no padding between
  // tensors); LibTorch's kernels load elements as their type, which needs natural alignment.
  if (reinterpret_cast<uintptr_t>(address) % dtypeSize(entry->dtype) != 0) {
    auto copy = torch::empty(entry->shape, torch::TensorOptions(dtype));
    std::memcpy(copy.data_ptr(), address, entry->end - entry->begin);
    return copy;
  }
  auto keepAlive = file_;
  return torch::from_blob(
      address, entry->shape, [keepAlive](void*) {}, torch::TensorOptions(dtype));
}

void writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header;
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> cpuTensors;
  std::set<std::string> names;
  for (const auto& [name, tensor] : tensors) {
    if (!names.insert(name).second)
      throw Error("writing " + path + ": tensor '" + name + "' given twice");
    cpuTensors.push_back(tensor.detach().to(torch::kCPU).contiguous());
  }
  // The data section holds wider elements first: with the 8-byte aligned data start below,
  // every tensor then starts at a multiple of its element size and readers can map it in place.
  std::vector<size_t> dataOrder(tensors.size());
  for (size_t i = 0; i < dataOrder.size(); ++i) dataOrder[i] = i;
  std::stable_sort(dataOrder.begin(), dataOrder.end(), [&](size_t a, size_t b) {
    return cpuTensors[a].element_size() > cpuTensors[b].element_size();
  });
  std::vector<std::pair<uint64_t, uint64_t>> offsets(tensors.size());
  uint64_t offset = 0;
  for (size_t i : dataOrder) {
    const auto& cpu = cpuTensors[i];
    const uint64_t bytes = static_cast<uint64_t>(cpu.numel()) * cpu.element_size();
    offsets[i] = {offset, offset + bytes};
    offset += bytes;
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& cpu = cpuTensors[i];
    header[tensors[i].first] = {{"dtype", dtypeName(fromTorchDtype(cpu.scalar_type()))},
                                {"shape", cpu.sizes().vec()},
                                {"data_offsets", {offsets[i].first, offsets[i].second}}};
  }
  std::string headerText = header.dump();
  // Padding with spaces keeps the data section 8-byte aligned for zero-copy readers.
  headerText.append((8 - headerText.size() % 8) % 8, ' ');

  writeFileAtomically(path, [&](std::ostream& out) {
    uint64_t length = headerText.size();
    char lengthBytes[8];
    for (int i = 0; i < 8; ++i) lengthBytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
    out.write(lengthBytes, 8);
    out.write(headerText.data(), static_cast<std::streamsize>(headerText.size()));
    for (size_t i : dataOrder)
      out.write(static_cast<const char*>(cpuTensors[i].data_ptr()),
                static_cast<std::streamsize>(cpuTensors[i].numel() * cpuTensors[i].element_size()));
  });
}

}  // namespace tunebench

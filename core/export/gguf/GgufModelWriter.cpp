#include "export/gguf/GgufModelWriter.h"

#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "export/gguf/GgufTokenizer.h"
#include "model/ModelConfig.h"
#include "model/SafetensorsReader.h"

namespace tunebench::gguf {

namespace fs = std::filesystem;

namespace {

// general.file_type: llama.cpp's numbers for "mostly <type>".
uint32_t fileType(TensorType type) {
  switch (type) {
    case TensorType::F32:
      return 0;
    case TensorType::F16:
      return 1;
    case TensorType::Q4_0:
      return 2;
    case TensorType::Q8_0:
      return 7;
    case TensorType::BF16:
      return 32;
  }
  return 0;
}

// The weights of a folder, single file or sharded with model.safetensors.index.json.
class FolderWeights {
 public:
  explicit FolderWeights(const fs::path& folder) {
    const auto index = folder / "model.safetensors.index.json";
    if (fs::exists(index)) {
      const auto json = nlohmann::json::parse(readTextFile(index.string()));
      std::map<std::string, std::shared_ptr<SafetensorsReader>> files;
      for (const auto& [name, file] : json.at("weight_map").items()) {
        auto& reader = files[file.get<std::string>()];
        if (!reader)
          reader = std::make_shared<SafetensorsReader>((folder / file.get<std::string>()).string());
        readers_[name] = reader;
      }
    } else {
      const auto reader =
          std::make_shared<SafetensorsReader>((folder / "model.safetensors").string());
      for (const auto& entry : reader->header().entries) readers_[entry.name] = reader;
    }
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : readers_) out.push_back(entry.first);
    return out;
  }
  std::vector<int64_t> shape(const std::string& name) const {
    return reader(name).header().find(name)->shape;
  }
  std::vector<float> values(const std::string& name) const {
    const auto tensor = reader(name).tensor(name).to(torch::kFloat32).contiguous();
    const float* data = tensor.data_ptr<float>();
    return std::vector<float>(data, data + tensor.numel());
  }

 private:
  const SafetensorsReader& reader(const std::string& name) const {
    const auto it = readers_.find(name);
    if (it == readers_.end()) throw Error("the model has no tensor " + name);
    return *it->second;
  }
  std::map<std::string, std::shared_ptr<SafetensorsReader>> readers_;
};

void setArchitectureMetadata(GgufWriter& writer, const std::string& arch,
                             const ModelConfig& config) {
  auto u32 = [&](const std::string& key, int64_t v) {
    writer.set(arch + "." + key, Value::uint32(static_cast<uint32_t>(v)));
  };
  u32("vocab_size", config.vocabSize);
  u32("context_length", config.maxPositions);
  u32("embedding_length", config.hiddenSize);
  u32("block_count", config.numLayers);
  u32("feed_forward_length", config.intermediateSize);
  u32("attention.head_count", config.numHeads);
  u32("attention.head_count_kv", config.numKeyValueHeads);
  u32("rope.dimension_count", config.headDim);
  if (config.headDim * config.numHeads != config.hiddenSize) {
    u32("attention.key_length", config.headDim);
    u32("attention.value_length", config.headDim);
  }
  writer.set(arch + ".rope.freq_base", Value::float32(static_cast<float>(config.ropeTheta)));
  writer.set(arch + ".attention.layer_norm_rms_epsilon",
             Value::float32(static_cast<float>(config.normEps)));
}

// The type a tensor is written in: vectors stay F32; a quantised type needs whole blocks.
TensorType tensorTypeFor(TensorType chosen, const std::vector<uint64_t>& dims, bool* fallback) {
  *fallback = false;
  if (dims.size() < 2) return TensorType::F32;
  if (dims[0] % blockValues(chosen) != 0) {
    *fallback = true;
    return TensorType::F16;
  }
  return chosen;
}

void checkReadBack(const std::string& path, const std::vector<TensorInfo>& written,
                   size_t metadataCount) {
  const auto contents = readGgufFile(path);
  auto fail = [&](const std::string& problem) {
    throw Error("checking the written " + path + ": " + problem);
  };
  if (contents.metadata.size() != metadataCount)
    fail(std::to_string(contents.metadata.size()) + " metadata keys instead of " +
         std::to_string(metadataCount));
  if (contents.tensors.size() != written.size())
    fail(std::to_string(contents.tensors.size()) + " tensors instead of " +
         std::to_string(written.size()));
  for (size_t i = 0; i < written.size(); ++i) {
    const auto& a = written[i];
    const auto& b = contents.tensors[i];
    if (a.name != b.name || a.dims != b.dims || a.type != b.type || a.offset != b.offset)
      fail("tensor " + std::to_string(i) + " reads back as " + b.name + " (" +
           tensorTypeName(b.type) + " at " + std::to_string(b.offset) + "), written as " + a.name +
           " (" + tensorTypeName(a.type) + " at " + std::to_string(a.offset) + ")");
  }
}

}  // namespace

std::string ggufArchitecture(const ModelConfig& config, std::string* why) {
  auto refuse = [&](const std::string& reason) {
    if (why) *why = reason;
    return std::string();
  };
  std::string arch;
  if (config.architecture == "LlamaForCausalLM" || config.architecture == "MistralForCausalLM")
    arch = "llama";
  else if (config.architecture == "Qwen2ForCausalLM")
    arch = "qwen2";
  else if (config.architecture == "Qwen3ForCausalLM")
    arch = "qwen3";
  else
    return refuse(config.architecture +
                  " is not written as GGUF yet (supported: LlamaForCausalLM, "
                  "MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM); export the merged "
                  "model folder and convert it with llama.cpp's convert_hf_to_gguf.py");
  if (config.isClassifier())
    return refuse("it is a sequence classifier; GGUF export writes language models only");
  if (!config.languageModelOf.empty()) return refuse("it is the text part of a multimodal model");
  if (config.ropeScaling.type != RopeScaling::Type::None)
    return refuse("its rope_scaling is not written to GGUF yet");
  if (config.mlpBias || config.fusedProjections || config.gemmaNorms)
    return refuse("its layers differ from the Llama layout llama.cpp expects for " + arch);
  if (arch == "llama" && (config.attentionBias || config.outputProjectionBias))
    return refuse(
        "its attention projections have biases, which the query/key reordering for "
        "llama.cpp does not cover");
  if (config.headDim % 2 != 0 || config.numHeads <= 0 || config.numKeyValueHeads <= 0)
    return refuse("its attention heads have an odd or zero size");
  return arch;
}

std::string ggufRefusal(const std::string& modelFolder) {
  try {
    const auto config = loadModelConfig((fs::path(modelFolder) / "config.json").string());
    std::string why;
    if (ggufArchitecture(config, &why).empty()) return why;
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string ggufTensorName(const std::string& hfName) {
  static const std::map<std::string, std::string> global{
      {"model.embed_tokens.weight", "token_embd.weight"},
      {"model.norm.weight", "output_norm.weight"},
      {"lm_head.weight", "output.weight"}};
  if (const auto it = global.find(hfName); it != global.end()) return it->second;
  static const std::map<std::string, std::string> layer{
      {"input_layernorm", "attn_norm"},    {"post_attention_layernorm", "ffn_norm"},
      {"self_attn.q_proj", "attn_q"},      {"self_attn.k_proj", "attn_k"},
      {"self_attn.v_proj", "attn_v"},      {"self_attn.o_proj", "attn_output"},
      {"self_attn.q_norm", "attn_q_norm"}, {"self_attn.k_norm", "attn_k_norm"},
      {"mlp.gate_proj", "ffn_gate"},       {"mlp.up_proj", "ffn_up"},
      {"mlp.down_proj", "ffn_down"}};
  static const std::regex pattern(R"(model\.layers\.(\d+)\.(.+)\.(weight|bias))");
  std::smatch match;
  if (!std::regex_match(hfName, match, pattern)) return {};
  const auto it = layer.find(match[2].str());
  if (it == layer.end()) return {};
  return "blk." + match[1].str() + "." + it->second + "." + match[3].str();
}

void permuteForPairRotation(float* rows, int64_t heads, int64_t rowCount, int64_t columns) {
  const int64_t headDim = rowCount / heads;
  const int64_t half = headDim / 2;
  std::vector<float> copy(rows, rows + rowCount * columns);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < half; ++j)
        std::copy_n(&copy[(h * headDim + i * half + j) * columns], columns,
                    rows + (h * headDim + 2 * j + i) * columns);
}

void unpermuteFromPairRotation(float* rows, int64_t heads, int64_t rowCount, int64_t columns) {
  const int64_t headDim = rowCount / heads;
  const int64_t half = headDim / 2;
  std::vector<float> copy(rows, rows + rowCount * columns);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < half; ++j)
        std::copy_n(&copy[(h * headDim + 2 * j + i) * columns], columns,
                    rows + (h * headDim + i * half + j) * columns);
}

GgufExportReport writeGgufModel(const std::string& modelFolder, const std::string& path,
                                const GgufExportOptions& options,
                                const std::function<void(size_t, size_t)>& progress) {
  const fs::path folder(modelFolder);
  const auto config = loadModelConfig((folder / "config.json").string());
  std::string why;
  const std::string arch = ggufArchitecture(config, &why);
  if (arch.empty()) throw Error(modelFolder + " cannot be written as GGUF: " + why);

  GgufWriter writer;
  writer.set("general.architecture", Value::string(arch));
  writer.set("general.name",
             Value::string(options.name.empty()
                               ? fs::absolute(folder).lexically_normal().filename().string()
                               : options.name));
  writer.set("general.file_type", Value::uint32(fileType(options.type)));
  if (options.type == TensorType::Q8_0 || options.type == TensorType::Q4_0)
    writer.set("general.quantization_version", Value::uint32(2));
  setArchitectureMetadata(writer, arch, config);
  for (auto& [key, value] : withContext("reading the tokenizer of " + modelFolder, [&] {
         return tokenizerMetadata(modelFolder, config.vocabSize);
       }))
    writer.set(key, std::move(value));

  auto weights = std::make_shared<FolderWeights>(folder);
  GgufExportReport report;
  report.architecture = arch;
  std::vector<std::string> unmapped;
  std::map<std::string, std::string> order;  // llama.cpp name -> HF name, sorted by block
  for (const auto& name : weights->names()) {
    if (name == "lm_head.weight" && config.tieWordEmbeddings) continue;  // output = token_embd
    const std::string target = ggufTensorName(name);
    if (target.empty()) {
      unmapped.push_back(name);
      continue;
    }
    order[target] = name;
  }
  if (!unmapped.empty())
    throw Error(modelFolder + " has tensors without a llama.cpp name for " + arch + ", e.g. " +
                unmapped.front() + " (" + std::to_string(unmapped.size()) + " in all)");
  const bool pairRotation = arch == "llama";
  for (const auto& [target, source] : order) {
    const auto shape = weights->shape(source);
    std::vector<uint64_t> dims(shape.rbegin(), shape.rend());  // innermost first
    bool fallback = false;
    const TensorType type = tensorTypeFor(options.type, dims, &fallback);
    report.fallbackTensors += fallback ? 1 : 0;
    int64_t heads = 0;
    if (pairRotation && source.find("self_attn.q_proj.weight") != std::string::npos)
      heads = config.numHeads;
    if (pairRotation && source.find("self_attn.k_proj.weight") != std::string::npos)
      heads = config.numKeyValueHeads;
    writer.addTensor(target, dims, type, [weights, source, shape, heads, type] {
      auto values = weights->values(source);
      if (heads > 0) permuteForPairRotation(values.data(), heads, shape[0], shape[1]);
      return encodeValues(type, values.data(), values.size());
    });
  }
  report.metadataCount = writer.metadataCount();
  report.tensors = writer.write(path, progress);
  checkReadBack(path, report.tensors, report.metadataCount);
  report.bytes = fs::file_size(path);
  return report;
}

}  // namespace tunebench::gguf

#include "export/gguf/GgufFile.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

#include "common/Error.h"

namespace tunebench::gguf {

namespace {

uint64_t alignUp(uint64_t offset, uint64_t alignment) {
  return (offset + alignment - 1) / alignment * alignment;
}

size_t scalarBytes(ValueType type) {
  switch (type) {
    case ValueType::UInt8:
    case ValueType::Int8:
    case ValueType::Bool:
      return 1;
    case ValueType::UInt16:
    case ValueType::Int16:
      return 2;
    case ValueType::UInt32:
    case ValueType::Int32:
    case ValueType::Float32:
      return 4;
    case ValueType::UInt64:
    case ValueType::Int64:
    case ValueType::Float64:
      return 8;
    case ValueType::String:
    case ValueType::Array:
      return 0;
  }
  return 0;
}

// Little-endian serialisation into a growing buffer.
class Output {
 public:
  template <typename T>
  void raw(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    data.append(bytes, sizeof(T));
  }
  void string(const std::string& text) {
    raw<uint64_t>(text.size());
    data += text;
  }
  void value(const Value& v) {
    switch (v.type) {
      case ValueType::Float32:
        return raw(static_cast<float>(v.real));
      case ValueType::Float64:
        return raw(v.real);
      case ValueType::String:
        return string(v.text);
      case ValueType::Array:
        raw(static_cast<uint32_t>(v.elementType));
        raw<uint64_t>(v.elements.size());
        for (const auto& element : v.elements) value(element);
        return;
      default: {
        const uint64_t bits = static_cast<uint64_t>(v.integer);
        char bytes[8];
        std::memcpy(bytes, &bits, 8);
        data.append(bytes, scalarBytes(v.type));
      }
    }
  }
  std::string data;
};

// Bounds-checked reading of a file held in memory up to the end of its tensor table.
class Input {
 public:
  Input(std::ifstream& file, uint64_t size, const std::string& path)
      : file_(file), size_(size), path_(path) {}
  template <typename T>
  T raw(const char* what) {
    char bytes[sizeof(T)];
    take(bytes, sizeof(T), what);
    T value;
    std::memcpy(&value, bytes, sizeof(T));
    return value;
  }
  std::string string(const char* what) {
    const auto length = raw<uint64_t>(what);
    if (length > size_ - position_) fail(std::string(what) + ": string length past the file end");
    std::string text(length, '\0');
    take(text.data(), length, what);
    return text;
  }
  Value value(ValueType type, const std::string& key, int depth = 0) {
    Value v;
    v.type = type;
    const char* what = key.c_str();
    switch (type) {
      case ValueType::UInt8:
        v.integer = raw<uint8_t>(what);
        break;
      case ValueType::Int8:
        v.integer = raw<int8_t>(what);
        break;
      case ValueType::UInt16:
        v.integer = raw<uint16_t>(what);
        break;
      case ValueType::Int16:
        v.integer = raw<int16_t>(what);
        break;
      case ValueType::UInt32:
        v.integer = raw<uint32_t>(what);
        break;
      case ValueType::Int32:
        v.integer = raw<int32_t>(what);
        break;
      case ValueType::UInt64:
        v.integer = static_cast<int64_t>(raw<uint64_t>(what));
        break;
      case ValueType::Int64:
        v.integer = raw<int64_t>(what);
        break;
      case ValueType::Bool: {
        const auto b = raw<uint8_t>(what);
        if (b > 1) fail(key + ": a bool that is neither 0 nor 1");
        v.integer = b;
        break;
      }
      case ValueType::Float32:
        v.real = raw<float>(what);
        break;
      case ValueType::Float64:
        v.real = raw<double>(what);
        break;
      case ValueType::String:
        v.text = string(what);
        break;
      case ValueType::Array: {
        if (depth > 8) fail(key + ": arrays nested too deeply");
        v.elementType = valueType(raw<uint32_t>(what), key);
        const auto count = raw<uint64_t>(what);
        // Every element takes at least one byte: a larger count cannot fit the file.
        if (count > size_ - position_) fail(key + ": array count past the file end");
        v.elements.reserve(count);
        for (uint64_t i = 0; i < count; ++i)
          v.elements.push_back(value(v.elementType, key, depth + 1));
        break;
      }
    }
    return v;
  }
  ValueType valueType(uint32_t number, const std::string& key) {
    if (number > static_cast<uint32_t>(ValueType::Float64))
      fail(key + ": unknown value type " + std::to_string(number));
    return static_cast<ValueType>(number);
  }
  uint64_t position() const { return position_; }
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(path_ + " is not a valid GGUF file: " + problem + " (at byte " +
                std::to_string(position_) + ")");
  }

 private:
  void take(char* out, uint64_t count, const char* what) {
    if (count > size_ - position_) fail(std::string(what) + ": past the end of the file");
    if (!file_.read(out, static_cast<std::streamsize>(count))) fail("read error");
    position_ += count;
  }
  std::ifstream& file_;
  uint64_t size_;
  std::string path_;
  uint64_t position_ = 0;
};

}  // namespace

const char* valueTypeName(ValueType type) {
  static const char* names[] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                "int32",  "float32", "bool",   "string", "array",
                                "uint64", "int64",   "float64"};
  const auto index = static_cast<uint32_t>(type);
  return index < 13 ? names[index] : "?";
}

Value Value::scalar(ValueType type, int64_t v) {
  Value value;
  value.type = type;
  value.integer = v;
  return value;
}

Value Value::float32(float v) {
  Value value;
  value.type = ValueType::Float32;
  value.real = v;
  return value;
}

Value Value::float64(double v) {
  Value value;
  value.type = ValueType::Float64;
  value.real = v;
  return value;
}

Value Value::string(std::string v) {
  Value value;
  value.type = ValueType::String;
  value.text = std::move(v);
  return value;
}

Value Value::array(ValueType elementType, std::vector<Value> elements) {
  for (const auto& element : elements)
    if (element.type != elementType)
      throw Error(std::string("a GGUF array of ") + valueTypeName(elementType) + " holds a " +
                  valueTypeName(element.type));
  Value value;
  value.type = ValueType::Array;
  value.elementType = elementType;
  value.elements = std::move(elements);
  return value;
}

Value Value::strings(const std::vector<std::string>& values) {
  std::vector<Value> elements;
  elements.reserve(values.size());
  for (const auto& v : values) elements.push_back(string(v));
  return array(ValueType::String, std::move(elements));
}

Value Value::float32s(const std::vector<float>& values) {
  std::vector<Value> elements;
  elements.reserve(values.size());
  for (const float v : values) elements.push_back(float32(v));
  return array(ValueType::Float32, std::move(elements));
}

Value Value::int32s(const std::vector<int32_t>& values) {
  std::vector<Value> elements;
  elements.reserve(values.size());
  for (const int32_t v : values) elements.push_back(int32(v));
  return array(ValueType::Int32, std::move(elements));
}

bool Value::operator==(const Value& other) const {
  if (type != other.type) return false;
  switch (type) {
    case ValueType::Float32:
    case ValueType::Float64:
      return real == other.real;
    case ValueType::String:
      return text == other.text;
    case ValueType::Array:
      return elementType == other.elementType && elements == other.elements;
    default:
      return integer == other.integer;
  }
}

uint64_t TensorInfo::elementCount() const {
  uint64_t count = 1;
  for (const auto d : dims) count *= d;
  return count;
}

uint64_t tensorBytes(TensorType type, const std::vector<uint64_t>& dims) {
  if (dims.empty()) throw Error("a GGUF tensor needs at least one dimension");
  const uint64_t perBlock = blockValues(type);
  if (dims[0] % perBlock != 0)
    throw Error(std::string(tensorTypeName(type)) + " needs rows of a multiple of " +
                std::to_string(perBlock) + " values; the innermost dimension is " +
                std::to_string(dims[0]));
  TensorInfo info;
  info.dims = dims;
  return info.elementCount() / perBlock * blockBytes(type);
}

void GgufWriter::set(const std::string& key, Value value) {
  for (const auto& entry : metadata_)
    if (entry.first == key) throw Error("GGUF metadata key " + key + " is set twice");
  metadata_.emplace_back(key, std::move(value));
}

void GgufWriter::addTensor(const std::string& name, std::vector<uint64_t> dims, TensorType type,
                           std::function<std::string()> bytes) {
  for (const auto& tensor : tensors_)
    if (tensor.name == name) throw Error("GGUF tensor " + name + " is added twice");
  TensorInfo info;
  info.name = name;
  info.dims = std::move(dims);
  info.type = type;
  tensorBytes(type, info.dims);  // checks the shape fits the type
  tensors_.push_back(std::move(info));
  sources_.push_back(std::move(bytes));
}

uint64_t GgufWriter::alignment() const {
  for (const auto& [key, value] : metadata_) {
    if (key != "general.alignment") continue;
    if (value.type != ValueType::UInt32 || value.integer <= 0 ||
        (value.integer & (value.integer - 1)) != 0)
      throw Error("general.alignment must be a uint32 power of two");
    return static_cast<uint64_t>(value.integer);
  }
  return kDefaultAlignment;
}

std::vector<TensorInfo> GgufWriter::write(
    const std::string& path, const std::function<void(size_t, size_t)>& progress) const {
  const uint64_t align = alignment();
  std::vector<TensorInfo> placed = tensors_;
  uint64_t offset = 0;
  for (auto& tensor : placed) {
    tensor.offset = offset;
    offset = alignUp(offset + tensorBytes(tensor.type, tensor.dims), align);
  }
  Output header;
  header.data = "GGUF";
  header.raw<uint32_t>(kGgufVersion);
  header.raw<uint64_t>(placed.size());
  header.raw<uint64_t>(metadata_.size());
  for (const auto& [key, value] : metadata_) {
    header.string(key);
    header.raw(static_cast<uint32_t>(value.type));
    header.value(value);
  }
  for (const auto& tensor : placed) {
    header.string(tensor.name);
    header.raw<uint32_t>(static_cast<uint32_t>(tensor.dims.size()));
    for (const auto d : tensor.dims) header.raw<uint64_t>(d);
    header.raw(static_cast<uint32_t>(tensor.type));
    header.raw<uint64_t>(tensor.offset);
  }
  header.data.resize(alignUp(header.data.size(), align), '\0');

  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw Error("cannot create " + path);
  file.write(header.data.data(), static_cast<std::streamsize>(header.data.size()));
  uint64_t written = 0;
  for (size_t i = 0; i < placed.size(); ++i) {
    if (progress) progress(i, placed.size());
    const auto& tensor = placed[i];
    const std::string bytes = sources_[i]();
    if (bytes.size() != tensorBytes(tensor.type, tensor.dims))
      throw Error("writing " + path + ": tensor " + tensor.name + " came with " +
                  std::to_string(bytes.size()) + " bytes instead of " +
                  std::to_string(tensorBytes(tensor.type, tensor.dims)));
    const std::string padding(alignUp(written, align) - written, '\0');
    file.write(padding.data(), static_cast<std::streamsize>(padding.size()));
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    written = tensor.offset + bytes.size();
  }
  file.flush();
  if (!file) throw Error("cannot write " + path + " (is the disk full?)");
  return placed;
}

const Value* GgufContents::find(const std::string& key) const {
  for (const auto& entry : metadata)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

const TensorInfo* GgufContents::tensor(const std::string& name) const {
  for (const auto& info : tensors)
    if (info.name == name) return &info;
  return nullptr;
}

GgufContents readGgufFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw Error("cannot open " + path);
  GgufContents contents;
  contents.fileSize = static_cast<uint64_t>(file.tellg());
  file.seekg(0);
  Input in(file, contents.fileSize, path);
  char magic[4];
  for (char& c : magic) c = static_cast<char>(in.raw<uint8_t>("magic"));
  if (std::memcmp(magic, "GGUF", 4) != 0) in.fail("the file does not start with GGUF");
  contents.version = in.raw<uint32_t>("version");
  if (contents.version != kGgufVersion)
    in.fail("version " + std::to_string(contents.version) + " (this reader knows version 3)");
  const auto tensorCount = in.raw<uint64_t>("tensor count");
  const auto keyCount = in.raw<uint64_t>("metadata count");
  // A key takes at least 12 bytes, a tensor info at least 24: larger counts cannot fit.
  if (keyCount > contents.fileSize / 12 || tensorCount > contents.fileSize / 24)
    in.fail("counts larger than the file can hold");
  std::set<std::string> keys;
  for (uint64_t i = 0; i < keyCount; ++i) {
    std::string key = in.string("metadata key");
    if (!keys.insert(key).second) in.fail("metadata key " + key + " appears twice");
    const auto type = in.valueType(in.raw<uint32_t>(key.c_str()), key);
    contents.metadata.emplace_back(key, in.value(type, key));
  }
  if (const auto* alignment = contents.find("general.alignment")) {
    if (alignment->type != ValueType::UInt32 || alignment->integer <= 0 ||
        (alignment->integer & (alignment->integer - 1)) != 0)
      in.fail("general.alignment is not a uint32 power of two");
    contents.alignment = static_cast<uint64_t>(alignment->integer);
  }
  std::set<std::string> names;
  for (uint64_t i = 0; i < tensorCount; ++i) {
    TensorInfo info;
    info.name = in.string("tensor name");
    if (!names.insert(info.name).second) in.fail("tensor " + info.name + " appears twice");
    const auto dimCount = in.raw<uint32_t>("dimension count");
    if (dimCount == 0 || dimCount > 4)
      in.fail(info.name + ": " + std::to_string(dimCount) + " dimensions (1 to 4 allowed)");
    for (uint32_t d = 0; d < dimCount; ++d) {
      info.dims.push_back(in.raw<uint64_t>("dimension"));
      if (info.dims.back() == 0 || info.dims.back() > (1ull << 40))
        in.fail(info.name + ": dimension " + std::to_string(info.dims.back()));
    }
    const auto type = in.raw<uint32_t>("tensor type");
    if (!isKnownTensorType(type))
      in.fail(info.name + ": unknown tensor type " + std::to_string(type));
    info.type = static_cast<TensorType>(type);
    info.offset = in.raw<uint64_t>("tensor offset");
    if (info.offset % contents.alignment != 0)
      in.fail(info.name + ": offset " + std::to_string(info.offset) + " is not aligned");
    contents.tensors.push_back(std::move(info));
  }
  contents.dataOffset = alignUp(in.position(), contents.alignment);
  std::vector<std::pair<uint64_t, const TensorInfo*>> ranges;
  for (const auto& info : contents.tensors) {
    uint64_t bytes = 0;
    try {
      bytes = tensorBytes(info.type, info.dims);
    } catch (const Error& e) {
      in.fail(info.name + ": " + e.what());
    }
    if (info.offset > contents.fileSize || bytes > contents.fileSize - contents.dataOffset ||
        contents.dataOffset + info.offset + bytes > contents.fileSize)
      in.fail(info.name + ": its data lies past the end of the file");
    ranges.emplace_back(info.offset, &info);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < ranges.size(); ++i) {
    const auto* previous = ranges[i - 1].second;
    if (previous->offset + tensorBytes(previous->type, previous->dims) > ranges[i].first)
      in.fail(previous->name + " and " + ranges[i].second->name + " overlap");
  }
  return contents;
}

std::string readGgufTensorBytes(const std::string& path, const GgufContents& contents,
                                const TensorInfo& tensor) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("cannot open " + path);
  std::string bytes(tensorBytes(tensor.type, tensor.dims), '\0');
  file.seekg(static_cast<std::streamoff>(contents.dataOffset + tensor.offset));
  if (!file.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    throw Error("cannot read tensor " + tensor.name + " of " + path);
  return bytes;
}

}  // namespace tunebench::gguf

// Crafted broken safetensors files and the error each must produce. Kept apart from the test
// class: moc's tokenizer does not follow the raw string literals used here.
#include "BrokenSafetensorsCases.h"

namespace {

std::string lengthPrefix(uint64_t length) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return bytes;
}

// A file made of a header text and `dataBytes` bytes of data.
std::string craft(const std::string& header, size_t dataBytes) {
  return lengthPrefix(header.size()) + header + std::string(dataBytes, '\x01');
}

}  // namespace

std::vector<BrokenSafetensorsCase> brokenSafetensorsCases() {
  std::vector<BrokenSafetensorsCase> cases;
  auto row = [&](const char* name, const std::string& file, const char* expected) {
    cases.push_back({name, file, expected});
  };
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  row("empty file", std::string(), "too short for a safetensors header");
  row("7 bytes", std::string(7, '\0'), "too short");
  row("header length 2^64-1", std::string(8, '\xff'), "exceeds the limit");
  row("header 100 MB + 1", lengthPrefix(100000001) + "{}", "exceeds the limit");
  row("header past end", lengthPrefix(50) + "{}", "runs past the end of the file");
  row("truncated data", craft(ok, 4), "past the end of the data section");
  row("trailing bytes", craft(ok, 12), "4 trailing bytes");
  row("not json", craft("{not json}", 0), "not valid JSON");
  row("json array", craft("[1,2]", 0), "not a JSON object");
  row("invalid utf-8", craft("{\"\xff\":1}", 0), "invalid UTF-8");
  row("duplicate key",
      craft(
          R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
          8),
      "names tensor 'a' twice");
  row("unknown dtype", craft(R"({"a":{"dtype":"F13","shape":[1],"data_offsets":[0,4]}})", 4),
      "unsupported dtype 'F13'");
  row("dtype not string", craft(R"({"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", 4),
      "no dtype string");
  row("missing dtype", craft(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", 4), "no dtype string");
  row("missing shape", craft(R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", 4), "no shape array");
  row("shape not array", craft(R"({"a":{"dtype":"F32","shape":4,"data_offsets":[0,4]}})", 4),
      "no shape array");
  row("negative dim", craft(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
      "not a non-negative integer");
  row("float dim", craft(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4),
      "not a non-negative integer");
  row("string dim", craft(R"({"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}})", 4),
      "not a non-negative integer");
  row("overflowing shape",
      craft(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", 4),
      "overflows");
  row("huge dim",
      craft(R"({"a":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,4]}})", 4),
      "overflows");
  row("shape/size mismatch", craft(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
      "shape × dtype size is 12 bytes but data_offsets span 8");
  row("bf16 mismatch", craft(R"({"a":{"dtype":"BF16","shape":[3],"data_offsets":[0,8]}})", 8),
      "is 6 bytes but data_offsets span 8");
  row("missing offsets", craft(R"({"a":{"dtype":"F32","shape":[1]}})", 4), "needs data_offsets");
  row("offsets one number", craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4),
      "needs data_offsets");
  row("offsets three numbers",
      craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})", 4),
      "needs data_offsets");
  row("negative offset", craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", 4),
      "needs data_offsets");
  row("end before begin", craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", 4),
      "end before begin");
  row("offset past data", craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", 4),
      "past the end of the data section");
  row("gap",
      craft(
          R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
          12),
      "gap of 4 bytes before tensor 'b'");
  row("gap at start", craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8),
      "gap of 4 bytes before tensor 'a'");
  row("overlap",
      craft(
          R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
          8),
      "overlaps the previous tensor");
  row("same range twice",
      craft(
          R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
          4),
      "overlaps the previous tensor");
  row("unknown field", craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}})", 4),
      "unknown field 'x'");
  row("entry not object", craft(R"({"a":[1,2,3]})", 0), "is not described by an object");
  row("metadata not object", craft(R"({"__metadata__":"x"})", 0), "__metadata__ is not an object");
  row("metadata value not string", craft(R"({"__metadata__":{"k":1}})", 0),
      "__metadata__.k is not a string");
  row("empty name", craft(R"({"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4),
      "empty name");
  row("control character in name",
      craft("{\"a\\u0001\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
      "control character");
  // A NUL in a name must not cut the message short: it is printed escaped.
  row("nul in name",
      craft("{\"a\\u0000b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
      "tensor name 'a\\x00b' contains a control character");
  row("name too long",
      craft(
          "{\"" + std::string(2000, 'n') + R"(":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
          4),
      "longer than 1024 bytes");
  row("header is a string", craft("\"hello\"", 0), "not a JSON object");
  row("truncated json", craft(R"({"a":{"dtype":"F32")", 0), "not valid JSON");
  row("nul in header", craft(std::string("{\"a\":\0}", 7), 0), "not valid JSON");
  return cases;
}

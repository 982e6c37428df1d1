#pragma once
// Cuts a Jinja template into text and tag tokens, applying whitespace control: "-" on a tag,
// and trim_blocks / lstrip_blocks (both on for Hugging Face chat templates).
#include <cstdint>
#include <string>
#include <vector>

namespace tunebench::jinja {

struct Token {
  enum class Kind {
    Text,
    VarBegin,
    VarEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Int,
    Float,
    Op,
    Eof
  };
  Kind kind;
  std::string text;  // Text, Name, String (decoded), Op
  int64_t intValue = 0;
  double floatValue = 0.0;
  size_t offset = 0;  // in the template source
};

struct LexOptions {
  bool trimBlocks = true;
  bool lstripBlocks = true;
  bool keepTrailingNewline = false;
};

// Throws tunebench::Error naming the line and column of the problem.
std::vector<Token> lexTemplate(const std::string& source, const LexOptions& options = {});

// "line L, column C" (1-based) of a byte offset in the source.
std::string describePosition(const std::string& source, size_t offset);

}  // namespace tunebench::jinja

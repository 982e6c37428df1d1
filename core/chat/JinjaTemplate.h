#pragma once
// A parsed Jinja template and its renderer (the subset Hugging Face chat templates use).
#include <string>
#include <utility>
#include <vector>

#include "chat/JinjaAst.h"
#include "chat/JinjaLexer.h"
#include "chat/JinjaValue.h"

namespace tunebench::jinja {

class Template {
 public:
  // Throws tunebench::Error with the line and column of a syntax error.
  explicit Template(std::string source, const LexOptions& options = {});

  // context holds the template's variables; range, dict, namespace, raise_exception and
  // strftime_now are always there. Throws tunebench::Error naming the line and column.
  // When generationSpans is given, it receives the byte ranges of the output written inside
  // {% generation %} ... {% endgeneration %} blocks.
  std::string render(const ValueDict& context,
                     std::vector<std::pair<size_t, size_t>>* generationSpans = nullptr) const;

  bool hasGenerationBlocks() const { return hasGeneration_; }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  Body body_;
  bool hasGeneration_ = false;
};

}  // namespace tunebench::jinja

#pragma once
// Jinja syntax -> AST. Covers the constructs Hugging Face chat templates use.
#include <string>

#include "chat/JinjaAst.h"
#include "chat/JinjaLexer.h"

namespace tunebench::jinja {

// Throws tunebench::Error naming the template line and column.
Body parseTemplate(const std::string& source, const LexOptions& options = {});

}  // namespace tunebench::jinja

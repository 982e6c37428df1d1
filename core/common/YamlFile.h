#pragma once
// YAML that users write by hand (a benchmark suite's definition) read as a JSON value, through
// libyaml's parser: mappings become objects, sequences arrays, and plain scalars resolve as YAML
// 1.2's core schema does (null, ~ and nothing: null; true/false; integers in decimal, 0x and 0o;
// floats with .inf and .nan; anything else a string). Quoted scalars and those tagged !!str stay
// strings. Anchors and aliases are refused (an alias can multiply a small file into a huge
// value), as are several documents in one file and keys that are not scalars. The nesting and
// size limits are those of JSON (common/JsonFile.h), checked while reading.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/JsonFile.h"

namespace tunebench {

// Throws tunebench::Error "<source>: line L, column C: <problem>".
nlohmann::json parseYaml(std::string_view text, const std::string& source,
                         const JsonLimits& limits = {});

// readTextFile + parseYaml with the file as the source.
nlohmann::json readYamlFile(const std::string& path, const JsonLimits& limits = {});

}  // namespace tunebench

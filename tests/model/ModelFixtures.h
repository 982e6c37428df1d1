#pragma once
// Tiny random models of every supported architecture, made in the test (nothing downloaded).
#include <string>

#include <nlohmann/json.hpp>

#include "model/CausalLM.h"

// config.json of a tiny model: 2 layers, hidden 32, 4 heads (2 key/value heads where the
// architecture has grouped-query attention), vocabulary 97.
nlohmann::json tinyConfigJson(const std::string& architecture);

// The built module with seeded random weights (biases and norms randomised too, so that a
// mapping error in any tensor changes the logits).
tunebench::CausalLM tinyRandomModel(const std::string& architecture, uint64_t seed);

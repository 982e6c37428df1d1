#pragma once
// A run with a LoRA adapter, made in a second or two: a tiny random llama, a few lines of text,
// four optimiser steps with a checkpoint every second step. The config is recorded with paths
// relative to the folder, as a project beside it would hold them.
// This header includes no LibTorch, so that widget tests can use it.
#include <string>

#include <nlohmann/json.hpp>

namespace lorarun {

struct LoraRun {
  std::string baseModel;  // absolute
  std::string output;     // absolute
  nlohmann::json config;  // as recorded with the run (relative paths)
};

// Trains the run in `folder` (the base model is made there once); throws what the trainer throws.
LoraRun makeLoraRun(const std::string& folder, const std::string& name = "lora-run");

}  // namespace lorarun

#pragma once
// Plugin interface: writes a trained model in some format. Plugin API version 1.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"

namespace tunebench {

struct ExportRequest {
  std::string modelFolder;    // Hugging Face layout of the base model
  std::string adapterFolder;  // empty: export the base model
  std::string outputPath;
  nlohmann::json settings;
};

class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual std::string id() const = 0;
  virtual std::string displayName() const = 0;
  // Writes to a temporary name next to outputPath and renames when complete.
  virtual std::vector<std::string> exportModel(const ExportRequest& request,
                                               JobContext& context) = 0;  // files written
};

}  // namespace tunebench

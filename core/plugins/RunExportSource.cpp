#include "plugins/RunExportSource.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "train/CheckpointList.h"
#include "train/RecordedConfig.h"

namespace tunebench {

namespace fs = std::filesystem;

RunExportSource runExportSource(const std::string& configJson, const std::string& projectFolder) {
  RunExportSource source;
  try {
    source.config = readRecordedConfig(configJson, projectFolder);
  } catch (const std::exception& e) {
    source.problem = std::string("its recorded config cannot be read: ") + e.what();
    return source;
  }
  source.usesAdapters = source.config.method.usesAdapters();
  source.unmergeable = source.config.method.addsUnmergeableModules();
  const fs::path output(source.config.outputFolder);
  std::error_code ec;
  source.finalModelFolder = (output / "final").string();
  source.finalModelExists = fs::exists(output / "final" / "config.json", ec);
  if (source.usesAdapters || source.unmergeable) {
    source.adapterFolder = (output / "adapter").string();
    source.adapterExists = fs::exists(output / "adapter" / "adapter_config.json", ec);
  }
  source.checkpoints = completeCheckpoints((output / "checkpoints").string());
  if (!source.finalModelExists && !source.adapterExists && source.checkpoints.empty())
    source.problem = "it has neither a final model nor a complete checkpoint in " +
                     output.string() + " (it has not trained yet, or its folder was moved)";
  return source;
}

}  // namespace tunebench

#include "builtin/GgufExporter.h"

#include <filesystem>

#include "builtin/MergedModelExporter.h"
#include "common/Error.h"
#include "export/RunModelWriting.h"
#include "export/gguf/GgufModelWriter.h"

namespace tunebench::builtin {

namespace fs = std::filesystem;

namespace {

gguf::TensorType requestedType(const nlohmann::json& settings) {
  if (!settings.is_object()) throw Error("GGUF export settings must be a JSON object");
  for (const auto& item : settings.items())
    if (item.key() != "type")
      throw Error("unknown GGUF export setting \"" + item.key() + "\" (known: type)");
  gguf::TensorType type = gguf::TensorType::F16;
  if (!settings.contains("type")) return type;
  const auto& value = settings["type"];
  if (!value.is_string() || !gguf::parseTensorType(value.get<std::string>(), type))
    throw Error("GGUF export setting type is " + value.dump() +
                "; choose one of f32, f16, bf16, q8_0, q4_0");
  return type;
}

// The merged folder the GGUF file is made from, beside the export's folder: removed afterwards.
class ScratchFolder {
 public:
  explicit ScratchFolder(fs::path path) : path_(std::move(path)) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_, ec);
    if (ec) throw Error("cannot create " + path_.string() + ": " + ec.message());
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::string GgufExporter::refusal(const RunExportSource& run,
                                  const std::optional<int64_t>& checkpointStep) const {
  if (auto merged = MergedModelExporter().refusal(run, checkpointStep); !merged.empty())
    return merged;
  return gguf::ggufRefusal(run.config.modelFolder);
}

std::string GgufExporter::summary(const RunExportSource& run) const {
  return std::string(run.usesAdapters ? "Merges the adapter into the base model and writes"
                                      : "Writes") +
         " the model as one GGUF file for llama.cpp (f16 unless the setting type says f32, bf16, "
         "q8_0 or q4_0).";
}

void GgufExporter::exportModel(const ExportRequest& request, JobContext& context) {
  gguf::GgufExportOptions options;
  options.type = requestedType(request.settings);
  options.name = request.runName;
  const auto& run = request.run;
  const bool asItIs = request.checkpointFolder.empty() && !run.usesAdapters;
  std::optional<ScratchFolder> scratch;
  std::string source = run.finalModelFolder;
  if (!asItIs) {
    scratch.emplace(fs::path(request.outputFolder).string() + ".merged");
    ExportRequest merged = request;
    merged.outputFolder = scratch->path().string();
    writeMergedModelFolder(merged, context);
    if (context.isCanceled()) return;
    source = merged.outputFolder;
  }
  const auto file = (fs::path(request.outputFolder) /
                     ("model-" + std::string(gguf::tensorTypeName(options.type)) + ".gguf"))
                        .string();
  try {
    const auto report = gguf::writeGgufModel(source, file, options, [&](size_t done, size_t total) {
      context.waitIfPaused();
      if (context.isCanceled()) throw Canceled("writing " + file);
      context.progress(static_cast<int64_t>(done), static_cast<int64_t>(total),
                       "writing GGUF tensors");
    });
    context.log(
        LogLevel::Info,
        "wrote " + file + " (" + report.architecture + ", " +
            std::to_string(report.tensors.size()) + " tensors, " + std::to_string(report.bytes) +
            " bytes" +
            (report.fallbackTensors ? ", " + std::to_string(report.fallbackTensors) +
                                          " matrices as f16: their rows are not whole blocks of 32"
                                    : std::string()) +
            "); read back and checked");
  } catch (const Canceled&) {
    return;  // the job sees the cancel and removes the folder
  }
}

}  // namespace tunebench::builtin

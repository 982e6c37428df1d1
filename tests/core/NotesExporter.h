#pragma once
// An exporter as a third party would write one, registered by tests next to the built-in ones:
// "notes" writes a run's description as two small files and keeps the request it was given.
#include <fstream>
#include <memory>

#include "plugins/PluginRegistry.h"

namespace tunebench::fixtures {

class NotesExporter : public Exporter {
 public:
  std::string id() const override { return "notes"; }
  std::string displayName() const override { return "Run notes (fixture)"; }
  std::string description() const override { return "notes.txt + method.txt"; }
  bool needsAdapters() const override { return false; }
  std::string refusal(const RunExportSource&, const std::optional<int64_t>& step) const override {
    return step && *step == 4 ? "step 4 is not noted" : std::string();
  }
  std::string summary(const RunExportSource& run) const override {
    return "Notes about a run of " + run.config.modelFolder;
  }
  void exportModel(const ExportRequest& request, JobContext& context) override {
    lastRequest = std::make_shared<ExportRequest>(request);
    context.progress(0, 2, "writing notes");
    std::ofstream(request.outputFolder + "/notes.txt")
        << request.runName << "\n"
        << (request.checkpointStep ? *request.checkpointStep : -1) << "\n"
        << request.checkpointFolder << "\n";
    context.progress(1, 2, "writing the method");
    std::ofstream(request.outputFolder + "/method.txt") << request.run.config.method.lora.r << "\n";
  }

  std::shared_ptr<ExportRequest> lastRequest;  // what the last exportModel call was given
};

// Registers one NotesExporter as the plugin "notes-fixture"; returns it.
inline std::shared_ptr<NotesExporter> registerNotesExporter(PluginRegistry& registry) {
  static std::shared_ptr<NotesExporter> exporter;
  exporter = std::make_shared<NotesExporter>();
  registry.addBuiltin("notes-fixture",
                      [](PluginRegistrar* registrar) { registrar->addExporter(exporter); });
  return exporter;
}

}  // namespace tunebench::fixtures

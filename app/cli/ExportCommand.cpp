// `tunebench-cli export run PROJECT --run ID [--checkpoint STEP] --format FORMAT [--out DIR]` and
// `tunebench-cli export list PROJECT`: a run's model in the format of an exporter plugin (built
// in: merged, a Hugging Face folder; adapter, the PEFT adapter), recorded in the project with its
// SHA-256. The formats are those of the plugin registry, read when `export run` is parsed.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "Commands.h"
#include "NumberChecks.h"
#include "TerminalProgress.h"
#include "builtin/BuiltinPlugins.h"
#include "export/ExportListing.h"
#include "export/RunExport.h"
#include "system/SystemInfo.h"

namespace tunebench::cli {

namespace {

std::string formatTime(double unixTime) {
  const std::time_t time = static_cast<std::time_t>(unixTime);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

int exportRun(const PluginRegistry& plugins, const RunExportRequest& request, bool json) {
  RunExportJob job(plugins, request);
  TerminalProgress context;
  job.run(context);
  const auto& result = job.result();
  if (result.canceled) {
    std::cerr << "export canceled: nothing was written\n";
    return 130;
  }
  if (json) {
    const nlohmann::ordered_json report{
        {"export_id", result.exportId},
        {"run", request.runId},
        {"checkpoint_step", request.checkpointStep ? nlohmann::ordered_json(*request.checkpointStep)
                                                   : nlohmann::ordered_json()},
        {"format", request.format},
        {"folder", result.folder},
        {"files", result.files},
        {"bytes", result.bytes},
        {"sha256", result.sha256}};
    std::cout << report.dump() << "\n";
  } else {
    std::cout << "exported run " << request.runId
              << (request.checkpointStep
                      ? " checkpoint step " + std::to_string(*request.checkpointStep)
                      : std::string(" final model"))
              << " (" << request.format << ") to " << result.folder << "\n"
              << "files: " << result.files << ", bytes: " << result.bytes << "\n"
              << "sha256: " << result.sha256 << "\n"
              << "recorded as export " << result.exportId << "\n";
  }
  return 0;
}

int listExports(const std::string& project, bool json) {
  const auto listings = readExports(project);
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& listing : listings) {
      const auto& record = listing.record;
      list.push_back(
          {{"id", record.id},
           {"run", record.runId ? nlohmann::ordered_json(*record.runId) : nlohmann::ordered_json()},
           {"run_name", listing.runName},
           {"checkpoint_step", listing.checkpointStep
                                   ? nlohmann::ordered_json(*listing.checkpointStep)
                                   : nlohmann::ordered_json()},
           {"format", record.format},
           {"path", record.path},
           {"exists", listing.exists},
           {"bytes", listing.bytes},
           {"sha256", record.sha256},
           {"created_at", record.createdAt}});
    }
    std::cout << list.dump() << "\n";
    return 0;
  }
  if (listings.empty()) std::cout << "no exports in " << project << "\n";
  for (const auto& listing : listings) {
    const auto& record = listing.record;
    std::cout << "export " << record.id << ": run "
              << (record.runId ? std::to_string(*record.runId) + " (" + listing.runName + ")"
                               : std::string("(deleted)"))
              << ", "
              << (listing.checkpointStep
                      ? "checkpoint step " + std::to_string(*listing.checkpointStep)
                      : std::string("final model"))
              << ", " << record.format << ", " << formatTime(record.createdAt) << " UTC\n"
              << "  " << listing.folder << (listing.exists ? "" : " (missing)") << ", "
              << listing.bytes << " bytes\n"
              << "  sha256 " << record.sha256 << "\n";
  }
  return 0;
}

}  // namespace

Command addExportCommand(CLI::App& app) {
  struct Options {
    std::string project;
    RunExportRequest request;
    int64_t checkpoint = -1;
    int threads = 0;
    std::string type;  // the exporter setting "type" (gguf: f32, f16, bf16, q8_0, q4_0)
    bool json = false;
    std::unique_ptr<PluginRegistry> plugins;  // built when `export run` is parsed
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "export",
      "Export a run's model (merged folder, PEFT adapter, a plugin's format) and list exports");
  command->require_subcommand(1);
  auto* run = command->add_subcommand(
      "run", "Export a run's final model or checkpoint into a new folder, recorded in the project");
  auto* list = command->add_subcommand("list", "The exports recorded in a project");
  for (auto* sub : {run, list}) {
    sub->add_option("project", options->project, "Project file (*.tbproj)")->required();
    sub->add_flag("--json", options->json, "Print JSON");
  }
  run->add_option("--run", options->request.runId, "Run id (see the Runs list)")
      ->required()
      ->check(positiveNumber());
  run->add_option("--checkpoint", options->checkpoint,
                  "Step of a complete checkpoint (default: the run's final model)")
      ->check(nonNegativeNumber());
  auto* format = run->add_option("--format", options->request.format,
                                 "Export format: the id of an exporter (tunebench-cli plugins)")
                     ->required();
  // The formats come from the plugin registry, so that an exporter plugin's format is offered
  // (and listed by --help) like the built-in ones.
  run->preparse_callback([options, format](size_t) {
    options->plugins = builtin::makeDefaultPluginRegistry();
    std::vector<std::string> ids;
    std::string text = "Export format, one of:";
    for (const auto& exporter : options->plugins->exporters()) {
      ids.push_back(exporter->id());
      text += "\n  " + exporter->id() + ": " + exporter->displayName() + " (" +
              exporter->description() + ")" +
              (exporter->needsAdapters() ? ", for runs that trained adapters" : "");
    }
    format->description(text);
    format->check(CLI::IsMember(ids));
  });
  run->add_option("--out", options->request.destination,
                  "New folder (default: <project folder>/exports/<run name>-<format>-<n>)");
  run->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  run->add_option("--type", options->type,
                  "Tensor type for formats that take one (gguf: f32, f16, bf16, q8_0, q4_0)");
  return {command, [options, run] {
            if (!run->parsed()) return listExports(options->project, options->json);
            setIntraOpThreads(options->threads);
            auto request = options->request;
            request.projectFile = options->project;
            if (options->checkpoint >= 0) request.checkpointStep = options->checkpoint;
            if (!options->type.empty()) request.settings["type"] = options->type;
            return exportRun(*options->plugins, request, options->json);
          }};
}

}  // namespace tunebench::cli

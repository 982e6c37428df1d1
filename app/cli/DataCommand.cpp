// tunebench-cli data import|list|clean|profile|split|export: the data pipeline on a project.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "Commands.h"
#include "TerminalProgress.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "store/DatasetVersions.h"
#include "store/ProjectDatasetImport.h"
#include "store/ProjectStore.h"

namespace tunebench::cli {

namespace {

using store::ProjectStore;

struct DataOptions {
  std::string project, file, dataset, format, mapping, name, recipe, split, out, preset;
  bool skipBadRows = false, json = false;
  int64_t version = 0;  // 0: the newest
  store::SplitRequest splitRequest;
  int bins = 20;
};

// Value problems the argument parser cannot see: exit code 2 like other usage errors.
struct UsageError : Error {
  using Error::Error;
};

ProjectStore openForWriting(const std::string& file) {
  auto project = ProjectStore::open(file);
  if (project.isReadOnly()) throw Error(file + ": " + project.readOnlyReason());
  return project;
}

ProjectStore openForReading(const std::string& file) {
  store::OpenOptions options;
  options.readOnly = true;
  return ProjectStore::open(file, options);
}

std::optional<int64_t> versionNumber(const DataOptions& o) {
  return o.version > 0 ? std::optional<int64_t>(o.version) : std::nullopt;
}

nlohmann::json readJsonFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the " + what);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": the " + what + " is not valid JSON: " + e.what());
  }
}

// --mapping takes JSON text, or the path of a file holding it.
ColumnMapping parseMapping(const std::string& text) {
  nlohmann::json json;
  if (!text.empty() && text.front() == '{') {
    try {
      json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("--mapping is not valid JSON: ") + e.what());
    }
  } else {
    json = readJsonFile(text, "mapping");
  }
  try {
    return ColumnMapping::fromJson(json);
  } catch (const Error& e) {
    throw UsageError(std::string("--mapping: ") + e.what());
  }
}

int importFile(const DataOptions& o) {
  auto registry = builtin::makeDefaultPluginRegistry();
  auto importer =
      o.format.empty() ? registry->importerForFile(o.file) : registry->findImporter(o.format);
  if (!importer)
    throw UsageError(o.file + ": no importer for this file; name one with --format " +
                     "(jsonl, json, csv, tsv, text)");
  store::ProjectImportRequest request;
  request.options.path = o.file;
  request.options.skipBadRows = o.skipBadRows;
  request.options.settings = nlohmann::json::object();
  if (!o.mapping.empty()) request.mapping = parseMapping(o.mapping);
  request.name = o.name;
  auto project = openForWriting(o.project);
  TerminalProgress context;
  const auto result = store::importIntoProject(project, *importer, request, context);
  if (result.canceled) {
    std::cerr << "import canceled; nothing was stored\n";
    return 1;
  }
  std::cout << "imported " << result.records << " records as dataset \""
            << store::DatasetRepository(project).findDataset(result.datasetId)->name
            << "\" version 1 (" << datasetKindName(result.mapping.kind) << ")\n";
  if (result.rejects > 0) std::cout << "rejected rows: " << result.rejects << " (stored)\n";
  return 0;
}

std::string describeVersion(store::DatasetRepository& repository,
                            const store::DatasetVersionRecord& v) {
  std::ostringstream line;
  line << "  v" << v.number << ": " << v.recordCount << " records";
  if (v.rejectCount) line << ", " << v.rejectCount << " rejects";
  if (v.parentVersionId) {
    const auto parent = repository.findVersion(*v.parentVersionId);
    std::string steps;
    for (const auto& step : repository.recipe(v.id))
      steps += (steps.empty() ? "" : ", ") + step.operation;
    line << ", from v" << (parent ? parent->number : 0) << " by " << steps;
  } else {
    line << ", imported";
  }
  if (v.splitSettings) {
    line << ", split";
    for (const auto& [split, count] : repository.splitCounts(v.id))
      line << " " << split << "=" << count;
  }
  return line.str();
}

int listDatasets(const DataOptions& o) {
  auto project = openForReading(o.project);
  store::DatasetRepository repository(project);
  const auto datasets = repository.datasets();
  if (datasets.empty()) std::cout << "no datasets\n";
  for (const auto& d : datasets) {
    const auto mapping = ColumnMapping::fromJson(nlohmann::json::parse(d.detectedSchema));
    std::cout << d.name << " (" << datasetKindName(mapping.kind) << ") from " << d.sourcePath
              << " sha256 " << d.sourceSha256.substr(0, 12) << "\n";
    for (const auto& v : repository.versions(d.id))
      std::cout << describeVersion(repository, v) << "\n";
  }
  return 0;
}

int cleanDataset(const DataOptions& o) {
  const auto recipe = CleaningRecipe::fromJson(readJsonFile(o.recipe, "recipe"));
  auto project = openForWriting(o.project);
  const auto source = store::resolveVersion(project, o.dataset, versionNumber(o));
  TerminalProgress context;
  const auto result = store::cleanVersion(project, source.id, recipe, context);
  if (result.canceled) {
    std::cerr << "cleaning canceled; nothing was stored\n";
    return 1;
  }
  for (const auto& r : result.reports)
    std::cout << r.stepId << ": " << r.before << " in, " << r.kept << " kept, " << r.removed
              << " removed, " << r.changed << " changed, " << r.added << " added\n";
  std::cout << "stored version " << result.version.number << " with " << result.version.recordCount
            << " records (from version " << source.number << ")\n";
  return 0;
}

int profile(const DataOptions& o) {
  auto project = openForReading(o.project);
  const auto version = store::resolveVersion(project, o.dataset, versionNumber(o));
  TerminalProgress context;
  ProfileOptions options;
  options.bins = o.bins;
  const auto p = store::profileVersion(project, version.id, options, context);
  if (o.json) {
    std::cout << p.toJson().dump(2) << "\n";
    return 0;
  }
  std::cout << "version " << version.number << ": " << p.examples << " examples ("
            << datasetKindName(p.kind) << ")\n";
  for (const auto& [field, s] : p.characters)
    std::cout << "characters " << field << ": min " << s.min << ", mean " << s.mean << ", p50 "
              << s.p50 << ", p90 " << s.p90 << ", p99 " << s.p99 << ", max " << s.max << "\n";
  for (const auto& [label, count] : p.labels)
    std::cout << "label " << label << ": " << count << "\n";
  if (!p.labels.empty()) std::cout << "imbalance ratio: " << p.imbalanceRatio << "\n";
  std::cout << "exact duplicates: " << p.exactDuplicates << "\n"
            << "empty fields: " << p.emptyFields << "\n";
  return 0;
}

int split(const DataOptions& o) {
  auto project = openForWriting(o.project);
  const auto source = store::resolveVersion(project, o.dataset, versionNumber(o));
  TerminalProgress context;
  const auto version = store::splitVersion(project, source.id, o.splitRequest, context);
  store::DatasetRepository repository(project);
  std::cout << "stored version " << version.number << " (split of version " << source.number
            << "):";
  for (const auto& [name, count] : repository.splitCounts(version.id))
    std::cout << " " << name << "=" << count;
  std::cout << "\n";
  return 0;
}

int exportData(const DataOptions& o) {
  auto project = openForReading(o.project);
  const auto version = store::resolveVersion(project, o.dataset, versionNumber(o));
  std::optional<PromptPreset> preset;
  if (!o.preset.empty()) preset = promptPresetFromName(o.preset);
  TerminalProgress context;
  const auto count = store::exportVersion(project, version.id, o.split, o.out, preset, context);
  std::cout << "wrote " << count << " records to " << o.out << "\n";
  return 0;
}

}  // namespace

Command addDataCommand(CLI::App& app) {
  auto o = std::make_shared<DataOptions>();
  auto* data = app.add_subcommand("data", "Import, clean, profile, split and export datasets");
  data->require_subcommand(1);
  auto* import = data->add_subcommand("import", "Import a file as a new dataset (version 1)");
  auto* list = data->add_subcommand("list", "Datasets and their versions");
  auto* clean = data->add_subcommand("clean", "Apply a cleaning recipe: stores a new version");
  auto* prof = data->add_subcommand("profile", "Counts, lengths, labels and duplicates");
  auto* splitCmd = data->add_subcommand("split", "Draw train/validation/test: a new version");
  auto* exportCmd = data->add_subcommand("export", "Write a version as trainer JSON Lines");
  for (auto* sub : {import, list, clean, prof, splitCmd, exportCmd})
    sub->add_option("project", o->project, "Project file (*.tbproj)")->required();
  for (auto* sub : {clean, prof, splitCmd, exportCmd}) {
    sub->add_option("dataset", o->dataset, "Dataset name (or id)")->required();
    sub->add_option("--version", o->version, "Version number (default: the newest)")
        ->check(CLI::PositiveNumber);
  }

  import->add_option("file", o->file, "File to import")->required();
  import->add_option("--format", o->format, "Importer (default: by file extension)")
      ->check(CLI::IsMember({"jsonl", "json", "csv", "tsv", "text"}));
  import->add_option("--mapping", o->mapping,
                     "Column mapping as JSON, or a file holding it (default: detected)");
  import->add_flag("--skip-bad-rows", o->skipBadRows, "Store bad rows as rejects and go on");
  import->add_option("--name", o->name, "Dataset name (default: the file name)");

  clean->add_option("--recipe", o->recipe, "Recipe JSON ({\"steps\": [...]})")->required();

  prof->add_option("--bins", o->bins, "Histogram bins")->check(CLI::Range(1, 1000));
  prof->add_flag("--json", o->json, "Print the whole profile as JSON");

  auto& r = o->splitRequest;
  splitCmd->add_option("--method", r.method, "random, stratified, kfold or group")
      ->check(CLI::IsMember({"random", "stratified", "kfold", "group"}));
  splitCmd->add_option("--validation", r.validation, "Validation share")
      ->check(CLI::Range(0.0, 0.99));
  splitCmd->add_option("--test", r.test, "Test share")->check(CLI::Range(0.0, 0.99));
  splitCmd->add_option("--seed", r.seed, "Random seed");
  splitCmd->add_option("--folds", r.folds, "kfold: number of folds")->check(CLI::Range(2, 1000));
  splitCmd->add_option("--fold", r.fold, "kfold: the test fold (0-based)");
  splitCmd->add_option("--group-field", r.groupField, "group: field that keeps rows together");

  exportCmd->add_option("--split", o->split, "train, validation or test (default: all rows)")
      ->check(CLI::IsMember({"train", "validation", "test"}));
  exportCmd->add_option("--out", o->out, "Output file (.jsonl)")->required();
  exportCmd->add_option("--template", o->preset, "alpaca or chatml (default: by dataset kind)")
      ->check(CLI::IsMember({"alpaca", "chatml"}));

  return {data, [o, import, list, clean, prof, splitCmd] {
            try {
              if (import->parsed()) return importFile(*o);
              if (list->parsed()) return listDatasets(*o);
              if (clean->parsed()) return cleanDataset(*o);
              if (prof->parsed()) return profile(*o);
              if (splitCmd->parsed()) return split(*o);
              return exportData(*o);
            } catch (const UsageError& e) {
              std::cerr << "tunebench-cli data: " << e.what() << "\n";
              return 2;
            }
          }};
}

}  // namespace tunebench::cli

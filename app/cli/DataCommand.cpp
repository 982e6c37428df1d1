// tunebench-cli data import|list|clean|profile|preview|split|balance|export|rejects: the data
// pipeline on a project.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "Commands.h"
#include "NumberChecks.h"
#include "TerminalProgress.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "data/Balancing.h"
#include "store/DatasetBalancing.h"
#include "store/DatasetRejects.h"
#include "store/DatasetVersions.h"
#include "store/ProjectDatasetImport.h"
#include "store/ProjectStore.h"
#include "train/TokenProfile.h"

namespace tunebench::cli {

namespace {

using store::ProjectStore;

struct DataOptions {
  std::string project, file, dataset, format, mapping, name, recipe, split, out, preset, model;
  bool skipBadRows = false, json = false, classWeights = false, force = false;
  int64_t version = 0;    // 0: the newest
  int64_t maxLength = 0;  // 0: the model's maximum positions, else 2048
  int64_t row = 0;
  store::SplitRequest splitRequest;
  store::BalanceRequest balanceRequest;
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
  try {
    return tunebench::readJsonFile(path);
  } catch (const Error& e) {
    throw Error(std::string("the ") + what + ": " + e.what());
  }
}

// --mapping takes JSON text, or the path of a file holding it.
ColumnMapping parseMapping(const std::string& text) {
  nlohmann::json json;
  if (!text.empty() && text.front() == '{') {
    try {
      json = parseJson(text, "--mapping");
    } catch (const Error& e) {
      throw UsageError(e.what());
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
    if (const auto balance = store::storedBalance(repository, v.id)) {
      line << " (" << balance->request.method << " of \"" << balance->request.labelField
           << "\", seed " << balance->request.seed << ":";
      for (const auto& [label, count] : balance->after) line << " " << label << "=" << count;
      line << ")";
    }
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
    const auto mapping = ColumnMapping::fromJson(
        parseJson(d.detectedSchema, "the project's column mapping of dataset \"" + d.name + "\""));
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

// --template: a preset by name, or "model" for the --model folder's own chat template.
std::optional<TrainingTextFormat> formatOption(const DataOptions& o) {
  if (o.preset.empty()) return std::nullopt;
  if (o.preset == "model") {
    if (o.model.empty()) throw UsageError("--template model needs --model DIR");
    return TrainingTextFormat::fromModelFolder(o.model);
  }
  return TrainingTextFormat(promptPresetFromName(o.preset));
}

std::string statsLine(const LengthStats& s) {
  char line[160];
  std::snprintf(line, sizeof line, "min %zu, mean %.1f, p50 %zu, p90 %zu, p99 %zu, max %zu", s.min,
                s.mean, s.p50, s.p90, s.p99, s.max);
  return line;
}

void printHistogram(const Histogram& h) {
  size_t most = 1;
  for (size_t c : h.counts) most = std::max(most, c);
  for (size_t i = 0; i < h.counts.size(); ++i) {
    const bool last = i + 1 == h.counts.size();
    std::printf("  [%7.0f, %7.0f%c %-40s %zu\n", h.edges[i], h.edges[i + 1], last ? ']' : ')',
                std::string(h.counts[i] * 40 / most, '#').c_str(), h.counts[i]);
  }
}

void printTokenProfile(const TokenProfile& t, const TrainingTokenizer& tokenizer) {
  std::cout << "tokens with " << tokenizer.file.string() << " (" << t.objective << ", template "
            << t.preset << ", max length " << t.maxLength << "):\n";
  for (const auto& [field, s] : t.fields)
    std::cout << "tokens " << field << ": " << statsLine(s) << "\n";
  std::cout << "tokens training text: " << statsLine(t.training) << "\n";
  std::cout << "tokens with loss: " << statsLine(t.lossTokens) << "\n";
  std::cout << "training text histogram (tokens):\n";
  printHistogram(t.training.histogram);
  char share[64];
  std::snprintf(share, sizeof share, "%.2f%%", 100.0 * t.truncatedShare);
  std::cout << "truncated at " << t.maxLength << ": " << t.truncated << " of " << t.examples << " ("
            << share << ")\n";
  if (t.withoutLoss) std::cout << "no loss left after truncation: " << t.withoutLoss << "\n";
  if (t.countedInPart)
    std::cout << "counted up to " << 4 * t.maxLength
              << " tokens (longer texts): " << t.countedInPart << "\n";
}

int64_t maxLengthFor(const DataOptions& o, const TrainingTokenizer& tokenizer) {
  return o.maxLength > 0 ? o.maxLength : defaultMaxLength(tokenizer);
}

int profile(const DataOptions& o) {
  auto project = openForReading(o.project);
  const auto version = store::resolveVersion(project, o.dataset, versionNumber(o));
  TerminalProgress context;
  ProfileOptions options;
  options.bins = o.bins;
  std::optional<TrainingTokenizer> tokenizer;
  if (!o.model.empty()) tokenizer = openTrainingTokenizer(o.model);
  const auto loaded = store::loadVersion(project, version.id, context);
  const auto p = profileDataset(loaded.data, options);
  std::optional<TokenProfile> tokens;
  if (tokenizer) {
    TokenProfileOptions tokenOptions;
    tokenOptions.bins = o.bins;
    tokenOptions.maxLength = maxLengthFor(o, *tokenizer);
    tokenOptions.format = formatOption(o);
    tokens = profileTokens(loaded.data, tokenizer->encoder, tokenOptions, &context);
  }
  if (o.json) {
    auto json = p.toJson();
    if (tokens) {
      json["tokenizer"] = tokenizer->file.string();
      json["tokens"] = tokens->toJson();
      json["truncatedShare"] = tokens->truncatedShare;
    }
    std::cout << json.dump(2) << "\n";
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
  for (const auto& [field, withValue] : p.unusedFields)
    std::cout << "unused field " << field << ": " << withValue << " with a value\n";
  if (tokens) printTokenProfile(*tokens, *tokenizer);
  return 0;
}

// Control characters and line breaks inside a piece are shown escaped.
std::string printable(const std::string& piece) {
  std::string out;
  for (unsigned char c : piece) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out += char(c);
        }
    }
  }
  return out;
}

int preview(const DataOptions& o) {
  const auto tokenizer = openTrainingTokenizer(o.model);
  auto project = openForReading(o.project);
  const auto version = store::resolveVersion(project, o.dataset, versionNumber(o));
  TerminalProgress context;
  const auto loaded = store::loadVersion(project, version.id, context);
  const int64_t maxLength = maxLengthFor(o, tokenizer);
  LabelMaskPreview p;
  try {
    p = previewLabelMask(loaded.data, size_t(o.row), tokenizer, maxLength, formatOption(o));
  } catch (const Error& e) {
    throw UsageError(std::string("--row: ") + e.what());
  }
  if (o.json) {
    auto json = p.toJson();
    json["row"] = o.row;
    json["version"] = version.number;
    json["maxLength"] = maxLength;
    json["tokenizer"] = tokenizer.file.string();
    std::cout << json.dump(2) << "\n";
    return 0;
  }
  size_t withLoss = 0;
  for (bool loss : p.carriesLoss) withLoss += loss;
  std::cout << "row " << o.row << " of version " << version.number << " (" << p.objective << ", "
            << p.ids.size() << " tokens, " << withLoss << " with loss";
  if (p.truncated) std::cout << "; truncated from " << p.untruncatedLength << " at " << maxLength;
  std::cout << ")\n";
  std::printf("%6s %8s  %-4s  %s\n", "pos", "id", "loss", "piece");
  for (size_t i = 0; i < p.ids.size(); ++i)
    std::printf("%6zu %8lld  %-4s  %s\n", i, static_cast<long long>(p.ids[i]),
                p.carriesLoss[i] ? "yes" : "-", printable(p.pieces[i]).c_str());
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

std::string countChange(const store::ClassCounts& before, const store::ClassCounts& after) {
  std::ostringstream lines;
  for (const auto& [label, count] : before) {
    const auto found = after.find(label);
    lines << "  " << label << ": " << count << " -> " << (found == after.end() ? 0 : found->second)
          << "\n";
  }
  return lines.str();
}

int balance(const DataOptions& o) {
  const auto& request = o.balanceRequest;
  if (o.classWeights) {
    auto project = openForReading(o.project);
    const auto version = store::resolveVersion(project, o.dataset, versionNumber(o));
    TerminalProgress context;
    const auto labels = store::readLabels(project, version.id, request.labelField, context);
    if (labels.empty())
      throw Error("dataset \"" + o.dataset + "\" version " + std::to_string(version.number) +
                  " has no rows");
    std::cout << classWeightsJson(balancedClassWeights(labels)) << "\n";
    return 0;
  }
  if (request.method.empty())
    throw UsageError("--method oversample or undersample is needed (or --class-weights)");
  auto project = openForWriting(o.project);
  const auto source = store::resolveVersion(project, o.dataset, versionNumber(o));
  TerminalProgress context;
  const auto result = store::balanceVersion(project, source.id, request, context);
  std::cout << "stored version " << result.version.number << " (" << request.method
            << " of version " << source.number << " by \"" << request.labelField << "\", seed "
            << request.seed << "): " << source.recordCount << " -> " << result.version.recordCount
            << " records\n"
            << countChange(result.before, result.after);
  return 0;
}

// Nothing of the user's is replaced unless asked.
void checkOutputFile(const DataOptions& o) {
  std::error_code ec;
  if (std::filesystem::is_directory(o.out, ec))
    throw Error(o.out + " is a folder: --out names the file to write");
  if (std::filesystem::exists(o.out, ec) && !o.force)
    throw Error(o.out + " already exists: pass --force to replace it, or choose another file");
}

int exportRejects(const DataOptions& o) {
  auto project = openForReading(o.project);
  const auto version = store::resolveVersion(project, o.dataset, versionNumber(o));
  checkOutputFile(o);
  TerminalProgress context;
  const auto count = store::exportVersionRejects(project, version.id, o.out, context);
  std::cout << "wrote " << count << " rejected rows to " << o.out << "\n";
  return 0;
}

int exportData(const DataOptions& o) {
  auto project = openForReading(o.project);
  const auto version = store::resolveVersion(project, o.dataset, versionNumber(o));
  const auto format = formatOption(o);
  checkOutputFile(o);
  TerminalProgress context;
  const auto count = store::exportVersion(project, version.id, o.split, o.out, format, context);
  std::cout << "wrote " << count << " records to " << o.out << "\n";
  return 0;
}

}  // namespace

Command addDataCommand(CLI::App& app) {
  auto o = std::make_shared<DataOptions>();
  auto* data =
      app.add_subcommand("data", "Import, clean, profile, split, balance and export datasets");
  data->require_subcommand(1);
  auto* import = data->add_subcommand("import", "Import a file as a new dataset (version 1)");
  auto* list = data->add_subcommand("list", "Datasets and their versions");
  auto* clean = data->add_subcommand("clean", "Apply a cleaning recipe: stores a new version");
  auto* prof = data->add_subcommand("profile", "Counts, lengths, labels and duplicates");
  auto* previewCmd =
      data->add_subcommand("preview", "One row as the trainer tokenises it, with its label mask");
  auto* splitCmd = data->add_subcommand("split", "Draw train/validation/test: a new version");
  auto* balanceCmd = data->add_subcommand(
      "balance", "Over- or under-sample the classes: a new version; or print class weights");
  auto* exportCmd = data->add_subcommand("export", "Write a version as trainer JSON Lines");
  auto* rejectsCmd = data->add_subcommand(
      "rejects", "Write the rows an import skipped as JSON Lines (line, problem, raw)");
  for (auto* sub :
       {import, list, clean, prof, previewCmd, splitCmd, balanceCmd, exportCmd, rejectsCmd})
    sub->add_option("project", o->project, "Project file (*.tbproj)")->required();
  for (auto* sub : {clean, prof, previewCmd, splitCmd, balanceCmd, exportCmd, rejectsCmd}) {
    sub->add_option("dataset", o->dataset, "Dataset name (or id)")->required();
    sub->add_option("--version", o->version, "Version number (default: the newest)")
        ->check(positiveNumber());
  }

  import->add_option("file", o->file, "File to import")->required();
  import->add_option("--format", o->format, "Importer (default: by file extension)")
      ->check(CLI::IsMember({"jsonl", "json", "parquet", "csv", "tsv", "text"}));
  import->add_option("--mapping", o->mapping,
                     "Column mapping as JSON, or a file holding it (default: detected)");
  import->add_flag("--skip-bad-rows", o->skipBadRows, "Store bad rows as rejects and go on");
  import->add_option("--name", o->name, "Dataset name (default: the file name)");

  clean->add_option("--recipe", o->recipe, "Recipe JSON ({\"steps\": [...]})")->required();

  prof->add_option("--bins", o->bins, "Histogram bins")->check(numberBetween(1, 1000));
  prof->add_flag("--json", o->json, "Print the whole profile as JSON");
  for (auto* sub : {prof, previewCmd}) {
    auto* model =
        sub->add_option("--model", o->model, "Model folder whose tokenizer counts the tokens");
    if (sub == previewCmd) model->required();
    sub->add_option("--max-length", o->maxLength,
                    "Training sequence length (default: the model's maximum positions, or 2048)")
        ->check(positiveNumber())
        ->needs(model);
    sub->add_option("--template", o->preset,
                    "alpaca, chatml, or model: the model's own chat template (default: by "
                    "dataset kind)")
        ->check(CLI::IsMember({"alpaca", "chatml", "model"}))
        ->needs(model);
  }
  previewCmd->add_option("--row", o->row, "Row of the version (0-based)")
      ->check(nonNegativeNumber());
  previewCmd->add_flag("--json", o->json, "Print the tokens and their loss flags as JSON");

  auto& r = o->splitRequest;
  splitCmd->add_option("--method", r.method, "random, stratified, kfold or group")
      ->check(CLI::IsMember({"random", "stratified", "kfold", "group"}));
  splitCmd->add_option("--validation", r.validation, "Validation share")
      ->check(numberBetween(0.0, 0.99));
  splitCmd->add_option("--test", r.test, "Test share")->check(numberBetween(0.0, 0.99));
  splitCmd->add_option("--seed", r.seed, "Random seed");
  splitCmd->add_option("--folds", r.folds, "kfold: number of folds")->check(numberBetween(2, 1000));
  splitCmd->add_option("--fold", r.fold, "kfold: the test fold (0-based)");
  splitCmd->add_option("--group-field", r.groupField, "group: field that keeps rows together");

  auto& b = o->balanceRequest;
  b.method.clear();  // required unless --class-weights
  balanceCmd->add_option("--label", b.labelField, "Record field holding the class")->required();
  auto* balanceMethod =
      balanceCmd
          ->add_option("--method", b.method,
                       "oversample (copies up to the largest class) or undersample (down to the "
                       "smallest)")
          ->check(CLI::IsMember({"oversample", "undersample"}));
  balanceCmd->add_option("--seed", b.seed, "Random seed");
  balanceCmd
      ->add_flag("--class-weights", o->classWeights,
                 "Print the balanced class weights n / (classes * count) as JSON for a training "
                 "config's classWeights; stores nothing")
      ->excludes(balanceMethod);

  rejectsCmd->add_option("--out", o->out, "Output file (.jsonl)")->required();
  rejectsCmd->add_flag("--force", o->force, "Replace --out when it exists");

  exportCmd->add_option("--split", o->split, "train, validation or test (default: all rows)")
      ->check(CLI::IsMember({"train", "validation", "test"}));
  exportCmd->add_option("--out", o->out, "Output file (.jsonl)")->required();
  exportCmd->add_flag("--force", o->force, "Replace --out when it exists");
  exportCmd->add_option("--model", o->model,
                        "Model folder whose chat template renders the records (--template model)");
  exportCmd
      ->add_option("--template", o->preset,
                   "alpaca, chatml, or model: the --model folder's own chat template (default: by "
                   "dataset kind)")
      ->check(CLI::IsMember({"alpaca", "chatml", "model"}));

  return {data, [o, import, list, clean, prof, previewCmd, splitCmd, balanceCmd, rejectsCmd] {
            try {
              if (import->parsed()) return importFile(*o);
              if (list->parsed()) return listDatasets(*o);
              if (clean->parsed()) return cleanDataset(*o);
              if (prof->parsed()) return profile(*o);
              if (previewCmd->parsed()) return preview(*o);
              if (splitCmd->parsed()) return split(*o);
              if (balanceCmd->parsed()) return balance(*o);
              if (rejectsCmd->parsed()) return exportRejects(*o);
              return exportData(*o);
            } catch (const UsageError& e) {
              std::cerr << "tunebench-cli data: " << e.what() << "\n";
              return 2;
            }
          }};
}

}  // namespace tunebench::cli

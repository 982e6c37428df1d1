// The demo: its dataset generators (deterministic, with dirt for cleaning to find), the starter
// model recipe, and a short end-to-end demo run whose project, exports and report are checked.
#include <QFile>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "common/Sha256.h"
#include "demo/DemoDatasets.h"
#include "demo/DemoRun.h"
#include "demo/StarterCorpus.h"
#include "demo/StarterModel.h"
#include "eval/RunEvaluationTarget.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelConfig.h"
#include "model/ModelFingerprint.h"
#include "plugins/PluginRegistry.h"
#include "store/ArtifactRepository.h"
#include "store/BaseModelComparison.h"
#include "store/EvaluationRepository.h"
#include "store/MetricRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "tokenizer/TokenizerLoader.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A well-formed SVG document that draws data: a series line or dot, or a bar.
bool isSvgChart(const std::string& document) {
  QXmlStreamReader xml(QByteArray::fromStdString(document));
  bool root = false, drawn = false;
  QStringList groups;  // classes of the open <g> elements
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isEndElement() && xml.name() == QLatin1String("g")) groups.removeLast();
    if (!xml.isStartElement()) continue;
    const QString name = xml.name().toString();
    if (name == "svg") root = xml.namespaceUri() == QLatin1String("http://www.w3.org/2000/svg");
    if (name == "g") groups << xml.attributes().value("class").toString();
    if (groups.contains("series") && (name == "polyline" || name == "circle")) drawn = true;
    if (groups.contains("bars") && name == "rect") drawn = true;
  }
  return !xml.hasError() && root && drawn;
}

std::vector<nlohmann::json> readRows(const fs::path& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

}  // namespace

class DemoTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string starter_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    // A starter made by the real recipe, cut short: the demo's plumbing is what is tested here.
    StarterModelOptions options;
    options.folder = dir_.filePath("starter").toStdString();
    options.steps = 12;
    options.threads = 1;
    BasicJobContext context;
    QVERIFY(makeStarterModel(options, context));
    starter_ = options.folder;
  }

  void generatorsAreDeterministic() {
    const fs::path root = dir_.filePath("determinism").toStdString();
    fs::create_directories(root);
    writeDemoInstructionDataset((root / "a.jsonl").string(), 3, 200);
    writeDemoInstructionDataset((root / "b.jsonl").string(), 3, 200);
    writeDemoInstructionDataset((root / "c.jsonl").string(), 4, 200);
    QCOMPARE(readFile(root / "a.jsonl"), readFile(root / "b.jsonl"));
    QVERIFY(readFile(root / "a.jsonl") != readFile(root / "c.jsonl"));
    QCOMPARE(starterCorpusDocuments(5, 5000), starterCorpusDocuments(5, 5000));
  }

  void instructionDataHasRightAnswersAndDirt() {
    const fs::path file = dir_.filePath("instructions.jsonl").toStdString();
    const auto counts = writeDemoInstructionDataset(file.string(), 11, 600);
    const auto rows = readRows(file);
    QCOMPARE(int64_t(rows.size()), counts.rows);
    QVERIFY(counts.dirtyRows >= 10);
    int empty = 0, pii = 0, padded = 0, conversions = 0;
    std::set<std::string> seen;
    int duplicates = 0;
    for (const auto& row : rows) {
      const auto instruction = row["instruction"].get<std::string>();
      const auto output = row["output"].get<std::string>();
      if (!seen.insert(row.dump()).second) ++duplicates;
      if (output.empty()) ++empty;
      if (instruction.find("@example.com") != std::string::npos ||
          instruction.find("+1 555") != std::string::npos)
        ++pii;
      if (!instruction.empty() && instruction.front() == ' ') ++padded;
      int metres = 0;
      // (sscanf counts %d as matched even when the text after it differs.)
      if (instruction.find(" metres to centimetres.") != std::string::npos &&
          std::sscanf(instruction.c_str(), "Convert %d", &metres) == 1 && !output.empty()) {
        ++conversions;
        QVERIFY2(output.substr(0, output.find(' ')) == std::to_string(metres * 100),
                 row.dump().c_str());
      }
    }
    QVERIFY(empty > 0);
    QVERIFY(pii > 0);
    QVERIFY(padded > 0);
    QVERIFY(duplicates > 0);
    QVERIFY(conversions > 50);
  }

  void classificationIsImbalancedAndPreferencesDiffer() {
    const fs::path reviews = dir_.filePath("reviews.jsonl").toStdString();
    writeDemoClassificationDataset(reviews.string(), 2, 900);
    std::map<std::string, int> labels;
    for (const auto& row : readRows(reviews)) ++labels[row["label"].get<std::string>()];
    QCOMPARE(int(labels.size()), 3);
    QVERIFY(labels["positive"] > 5 * labels["question"]);
    // `demo --rows 50` asks for 16 reviews: every label still has enough for a stratified split
    // into train, validation and test, whatever the seed.
    for (uint64_t seed = 0; seed < 40; ++seed) {
      writeDemoClassificationDataset(reviews.string(), seed, 50 / 3);
      std::map<std::string, int> few;
      for (const auto& row : readRows(reviews))
        if (!row["text"].get<std::string>().empty()) ++few[row["label"].get<std::string>()];
      QCOMPARE(int(few.size()), 3);
      for (const auto& [label, count] : few) QVERIFY2(count >= 5, label.c_str());
    }
    const fs::path preferences = dir_.filePath("preferences.jsonl").toStdString();
    writeDemoPreferenceDataset(preferences.string(), 2, 300);
    for (const auto& row : readRows(preferences))
      if (!row["chosen"].get<std::string>().empty()) QVERIFY(row["chosen"] != row["rejected"]);
  }

  // Same seed, same steps, same threads: the same weights, byte for byte.
  void starterModelIsDeterministic() {
    BasicJobContext context;
    std::vector<std::string> weights;
    for (const char* name : {"again-1", "again-2"}) {
      StarterModelOptions options;
      options.folder = dir_.filePath(name).toStdString();
      options.steps = 3;
      options.threads = 1;
      QVERIFY(makeStarterModel(options, context));
      weights.push_back(readFile(fs::path(options.folder) / "model.safetensors"));
      // (tokenizer.model records its training paths, so the pieces are compared.)
      const auto made = loadTokenizer(options.folder).tokenizer;
      const auto first = loadTokenizer(starter_).tokenizer;
      QCOMPARE(made->vocabSize(), first->vocabSize());
      for (int id = 0; id < made->vocabSize(); ++id)
        QCOMPARE(made->idToToken(id), first->idToToken(id));
    }
    QVERIFY(!weights[0].empty());
    QVERIFY(weights[0] == weights[1]);
  }

  void starterModelIsMarkedReady() {
    QVERIFY(isStarterModelReady(starter_));
    const auto config = loadModelConfig((fs::path(starter_) / "config.json").string());
    QCOMPARE(config.hiddenSize, int64_t(192));
    QVERIFY(!isStarterModelReady(dir_.filePath("nowhere").toStdString()));
    // A marker of another recipe version is not ready.
    const fs::path copy = dir_.filePath("starter-old").toStdString();
    fs::copy(starter_, copy, fs::copy_options::recursive);
    std::ofstream(copy / "starter.json") << R"({"recipe_version": 0})";
    QVERIFY(!isStarterModelReady(copy.string()));
  }

  void demoRunsEndToEnd() {
    auto registry = builtin::makeDefaultPluginRegistry();
    auto importer = registry->findImporter("jsonl");
    QVERIFY(importer);
    DemoOptions options;
    options.folder = dir_.filePath("demo").toStdString();
    options.starterFolder = starter_;
    options.instructionRows = 160;
    options.trainSteps = 24;
    options.threads = 1;
    BasicJobContext context;
    const auto outcome = runDemo(options, *importer, context);
    QVERIFY(outcome.has_value());
    QVERIFY(isDemoComplete(options.folder));
    QVERIFY(outcome->testExamples > 5);
    QVERIFY(outcome->accuracyBefore >= 0 && outcome->accuracyBefore <= 1);
    QVERIFY(outcome->accuracyAfter >= 0 && outcome->accuracyAfter <= 1);
    // Even a short LoRA run learns the answer format: the references become likelier.
    QVERIFY2(outcome->perplexityAfter < outcome->perplexityBefore,
             qPrintable(
                 QString("%1 -> %2").arg(outcome->perplexityBefore).arg(outcome->perplexityAfter)));

    const fs::path folder(options.folder);
    for (const char* name : {"config.json", "model.safetensors", "tokenizer.model"})
      QVERIFY2(fs::exists(fs::path(outcome->mergedFolder) / name), name);
    QVERIFY(fs::exists(fs::path(outcome->adapterFolder) / "adapter_config.json"));
    const std::string report = readFile(outcome->reportFile);
    for (const char* chart :
         {"loss.svg", "learning-rate.svg", "accuracy.svg", "lengths.svg", "classes.svg"}) {
      QVERIFY2(report.find(std::string("](") + chart + ")") != std::string::npos, chart);
      QVERIFY2(isSvgChart(readFile((folder / "report" / chart).string())), chart);
    }

    auto project = store::ProjectStore::open(outcome->projectFile);
    const auto run = store::RunRepository(project).find(outcome->runId);
    QVERIFY(run.has_value());
    // The model the demo trained is registered: the Model stage opens with it.
    const auto models = store::ModelRepository(project).list();
    QCOMPARE(int(models.size()), 1);
    QCOMPARE(project.resolve(models.front().folder), fs::path(starter_));
    QCOMPARE(models.front().architecture, std::string("LlamaForCausalLM"));
    QCOMPARE(models.front().sha256, modelFolderFingerprint(starter_));
    QCOMPARE(run->modelId, std::optional<int64_t>(models.front().id));  // the run names its base
    QCOMPARE(int64_t(store::MetricRepository(project).points(outcome->runId, "loss").size()),
             options.trainSteps);
    store::EvaluationRepository evaluations(project);
    // The starter model's evaluation is the model's, not the run's (no version's score); both
    // have the identity of the Evaluate stage's evaluation of the test split with its defaults.
    // Each evaluated twice: the test split (generation) and the multiple-choice suite
    // (benchmark), in that order.
    const auto recorded = evaluations.forRun(outcome->runId);
    QCOMPARE(int(recorded.size()), 2);
    QCOMPARE(recorded[0].evaluator, std::string("generation"));
    QCOMPARE(int64_t(evaluations.items(recorded[0].id, 0, 100000).size()), outcome->testExamples);
    const auto ofModels = evaluations.ofModels();
    QCOMPARE(int(ofModels.size()), 2);
    QCOMPARE(ofModels[0].modelId, std::optional<int64_t>(models.front().id));
    QCOMPARE(ofModels[0].identity(), recorded[0].identity());
    QCOMPARE(ofModels[1].identity(), recorded[1].identity());
    QCOMPARE(recorded[1].evaluator, std::string("benchmark"));
    QCOMPARE(int(evaluations.items(recorded[1].id, 0, 1000).size()), 40);
    QVERIFY(outcome->choiceAccuracyBefore >= 0.0 && outcome->choiceAccuracyBefore <= 1.0);
    QVERIFY(outcome->choiceAccuracyAfter >= 0.0 && outcome->choiceAccuracyAfter <= 1.0);
    QVERIFY(report.find("Multiple choice (40 generated questions") != std::string::npos);
    QVERIFY(report.find("On the multiple-choice suite the change is") != std::string::npos);
    // The run is compared with the starter it was trained from on both evaluations (the Evaluate
    // stage's Base vs fine-tuned tab shows this).
    const auto againstBase = store::readRunBaseComparison(outcome->projectFile, outcome->runId);
    QCOMPARE(againstBase.modelId, std::optional<int64_t>(models.front().id));
    bool comparesAccuracy = false;
    for (const auto& score : againstBase.scores)
      comparesAccuracy = comparesAccuracy || (score.metric == "acc" && score.margin());
    QVERIFY(comparesAccuracy);
    QCOMPARE(recorded[0].dataSha256,
             sha256OfFile(
                 (fs::path(outcome->projectFile).parent_path() / "data" / "test.jsonl").string()));
    QVERIFY2(nlohmann::json::parse(recorded[0].settings) ==
                 (nlohmann::json{{"prompt_field", "prompt"},
                                 {"response_field", "response"},
                                 {"max_new_tokens", 32},
                                 {"limit", 0}}),
             recorded[0].settings.c_str());
    // The GUI's Evaluate stage finds the run's final model and validation data from its config.
    const auto target =
        runEvaluationTarget(run->config, fs::path(outcome->projectFile).parent_path().string());
    QVERIFY2(target.problem.empty(), target.problem.c_str());
    QVERIFY(target.finalModelExists);
    QVERIFY(fs::exists(target.validationFile));

    // A second run into the same folder needs --replace; a folder the demo did not make is
    // never emptied.
    QVERIFY_THROWS_EXCEPTION(Error, runDemo(options, *importer, context));
    const fs::path foreign = dir_.filePath("foreign").toStdString();
    fs::create_directories(foreign);
    std::ofstream(foreign / "keep.txt") << "mine";
    options.folder = foreign.string();
    options.replace = true;
    QVERIFY_THROWS_EXCEPTION(Error, runDemo(options, *importer, context));
    QVERIFY(fs::exists(foreign / "keep.txt"));
  }
};

QTEST_GUILESS_MAIN(DemoTest)
#include "tst_demo.moc"

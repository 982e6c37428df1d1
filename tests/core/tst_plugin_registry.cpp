#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "jobs/BasicJobContext.h"
#include "plugins/PluginRegistry.h"

using tunebench::PluginRegistry;

namespace {

const QString kPluginDir = QStringLiteral(TUNEBENCH_TEST_PLUGIN_DIR);

struct CollectingSink : tunebench::RecordSink {
  std::vector<tunebench::ImportedRecord> records;
  std::vector<tunebench::ImportReject> rejects;
  void record(tunebench::ImportedRecord&& r) override { records.push_back(std::move(r)); }
  void reject(tunebench::ImportReject&& r) override { rejects.push_back(std::move(r)); }
};

bool failureMentions(const PluginRegistry& registry, const QString& source, const QString& text) {
  for (const auto& failure : registry.failures())
    if (QString::fromStdString(failure.source).endsWith(source) &&
        QString::fromStdString(failure.problem).contains(text))
      return true;
  return false;
}

}  // namespace

class PluginRegistryTest : public QObject {
  Q_OBJECT
 private slots:
  void builtinsRegisterThroughThePluginInterface() {
    PluginRegistry registry;
    tunebench::builtin::registerBuiltinPlugins(registry);
    QVERIFY(registry.failures().empty());
    QVERIFY(registry.findImporter("jsonl"));
    QVERIFY(registry.findImporter("text"));
    QCOMPARE(registry.importerForFile("data/Train.JSONL")->id(), std::string("jsonl"));
    QCOMPARE(registry.importerForFile("notes.txt")->id(), std::string("text"));
    QVERIFY(!registry.importerForFile("table.xyz"));
    QCOMPARE(registry.plugins().front().source, std::string("built-in"));
    // The evaluations: a language model's (the default for one), a classifier's, then the
    // benchmarks, the rolling perplexity and the safety suites a user picks by name.
    QCOMPARE(registry.evaluators().size(), size_t(5));
    QCOMPARE(registry.evaluators()[0]->id(), std::string("generation"));
    QCOMPARE(registry.evaluators()[1]->id(), std::string("classifier"));
    QCOMPARE(registry.evaluators()[2]->id(), std::string("benchmark"));
    QCOMPARE(registry.evaluators()[3]->id(), std::string("perplexity"));
    QCOMPARE(registry.evaluators()[4]->id(), std::string("safety"));
    QVERIFY(registry.findEvaluator("classifier"));
    QVERIFY(!registry.findEvaluator("mmlu"));
    // The formats a run exports in: the merged model folder first, then the adapter alone, then
    // GGUF for llama.cpp.
    QCOMPARE(registry.exporters().size(), size_t(3));
    QCOMPARE(registry.exporters()[0]->id(), std::string("merged"));
    QCOMPARE(registry.exporters()[1]->id(), std::string("adapter"));
    QVERIFY(!registry.exporters()[0]->needsAdapters());
    QVERIFY(registry.exporters()[1]->needsAdapters());
    QCOMPARE(registry.exporter("adapter"), registry.exporters()[1]);
    QCOMPARE(registry.exporters()[2]->id(), std::string("gguf"));
    try {
      registry.exporter("onnx");
      QFAIL("an unknown format was found");
    } catch (const tunebench::Error& e) {
      QVERIFY2(
          QString(e.what()).contains("unknown export format 'onnx': use one of merged, adapter, gguf"),
          e.what());
    }
    bool listed = false;
    for (const auto& plugin : registry.plugins())
      for (const auto& contribution : plugin.contributions)
        listed |= contribution == "exporter: adapter (PEFT adapter)";
    QVERIFY(listed);
  }

  // What a built-in exporter refuses, before any weights are read.
  void builtinExportersSayWhatTheyCannotWrite() {
    PluginRegistry registry;
    tunebench::builtin::registerBuiltinPlugins(registry);
    tunebench::RunExportSource full;
    full.finalModelExists = true;
    full.finalModelFolder = "/runs/full/final";
    QVERIFY(registry.exporter("merged")->refusal(full, std::nullopt).empty());
    QVERIFY(QString::fromStdString(registry.exporter("adapter")->refusal(full, std::nullopt))
                .contains("full fine-tuning"));
    tunebench::RunExportSource prompt;
    prompt.unmergeable = true;
    prompt.adapterExists = true;
    QVERIFY(registry.exporter("adapter")->refusal(prompt, std::nullopt).empty());
    QVERIFY(QString::fromStdString(registry.exporter("merged")->refusal(prompt, std::nullopt))
                .contains("cannot be merged"));
    QVERIFY(!registry.exporter("adapter")->refusal(prompt, int64_t(4)).empty());
    tunebench::RunExportSource unfinished;
    unfinished.usesAdapters = true;
    unfinished.adapterFolder = "/runs/lora/adapter";
    QVERIFY(QString::fromStdString(registry.exporter("merged")->refusal(unfinished, std::nullopt))
                .contains("export one of its checkpoints"));
    QVERIFY(registry.exporter("merged")->refusal(unfinished, int64_t(2)).empty());
  }

  void loadsAThirdPartyLibrary() {
    PluginRegistry registry;
    QVERIFY(registry.loadLibrary((kPluginDir + "/tb_fixture_plugin.so").toStdString()));
    QCOMPARE(registry.plugins().size(), size_t(1));
    QCOMPARE(registry.plugins().front().name, std::string("fixture"));
    auto importer = registry.findImporter("fixture-kv");
    QVERIFY(importer);

    QTemporaryDir dir;
    const std::string path = dir.filePath("a.kv").toStdString();
    std::ofstream(path) << "colour=blue\nbroken line\nsize=3\n";
    CollectingSink sink;
    tunebench::BasicJobContext context;
    importer->importFile({path, true, {}}, sink, context);
    QCOMPARE(sink.records.size(), size_t(2));
    QCOMPARE(sink.records[1].fields["size"].get<std::string>(), std::string("3"));
    QCOMPARE(sink.rejects.size(), size_t(1));
    QCOMPARE(sink.rejects[0].line, int64_t(2));

    // Its evaluator: scores the file's lines, metrics and items.
    auto evaluator = registry.findEvaluator("fixture-kv");
    QVERIFY(evaluator);
    const auto evaluated = evaluator->evaluate({{"/models/tiny", "", ""}, path, {}}, context);
    QCOMPARE(evaluated.items.size(), size_t(3));
    QCOMPARE(evaluated.items[1].score, 0.0);
    QCOMPARE(evaluated.metrics.front().first, std::string("pair_share"));
    QCOMPARE(evaluated.metrics.front().second, 2.0 / 3.0);

    // Its exporter: a format of its own, given the resolved run and a folder to write into.
    auto exporter = registry.findExporter("fixture-kv");
    QVERIFY(exporter);
    QCOMPARE(registry.plugins().front().contributions.back(),
             std::string("exporter: fixture-kv (Key=value settings (fixture))"));
    tunebench::ExportRequest request;
    request.run.config.modelFolder = "/models/tiny";
    request.run.config.method.lora.r = 4;
    request.checkpointStep = 6;
    request.outputFolder = dir.path().toStdString();
    exporter->exportModel(request, context);
    std::ifstream written(dir.filePath("settings.kv").toStdString());
    std::string text((std::istreambuf_iterator<char>(written)), {});
    QCOMPARE(text, std::string("model=/models/tiny\nstep=6\nlora_r=4\n"));
  }

  void failuresAreCollectedNotFatal() {
    QTemporaryDir dir;
    QVERIFY(QFile::copy(kPluginDir + "/tb_fixture_plugin.so", dir.filePath("a_good.so")));
    QVERIFY(QFile::copy(kPluginDir + "/tb_fixture_plugin.so", dir.filePath("b_duplicate.so")));
    QVERIFY(QFile::copy(kPluginDir + "/tb_fixture_plugin_future.so", dir.filePath("c_future.so")));
    QVERIFY(
        QFile::copy(kPluginDir + "/tb_fixture_plugin_throwing.so", dir.filePath("d_throwing.so")));
    std::ofstream(dir.filePath("e_garbage.so").toStdString()) << "this is not an ELF file";
    std::ofstream(dir.filePath("ignored.txt").toStdString()) << "not a library";

    PluginRegistry registry;
    registry.loadFolder(dir.path().toStdString());
    registry.loadFolder((dir.path() + "/does-not-exist").toStdString());  // not an error

    QCOMPARE(registry.plugins().size(), size_t(1));
    QCOMPARE(registry.datasetImporters().size(), size_t(1));
    QCOMPARE(registry.exporters().size(), size_t(1));  // nothing of a refused plugin is kept
    QCOMPARE(registry.evaluators().size(), size_t(1));
    QCOMPARE(registry.failures().size(), size_t(4));
    QVERIFY(failureMentions(registry, "b_duplicate.so", "already registered"));
    QVERIFY(failureMentions(registry, "c_future.so", "plugin API version 99 is not supported"));
    QVERIFY(failureMentions(registry, "d_throwing.so", "fixture refuses to register"));
    QVERIFY(failureMentions(registry, "e_garbage.so", "cannot load"));
  }

  void aLibraryWithoutTheEntryPointsIsRefused() {
    PluginRegistry registry;
    const QString module =
        QStringLiteral(TUNEBENCH_BINARY_DIR "/lib/tunebench/libtunebench_spm.so");
    QVERIFY(!registry.loadLibrary(module.toStdString()));
    QVERIFY(failureMentions(registry, "libtunebench_spm.so", "not a Tunebench plugin"));
  }
};

QTEST_GUILESS_MAIN(PluginRegistryTest)
#include "tst_plugin_registry.moc"

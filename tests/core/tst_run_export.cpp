// RunExportJob: a LoRA run exported merged gives the logits of base + adapter; exported as an
// adapter it is the run's adapter bit for bit (from the final model and from the checkpoint of
// the last step); checkpoints export too; the export is recorded with the SHA-256 of its files;
// a full fine-tuning run refuses the adapter format and exports its model folder as it is; a
// canceled export leaves nothing behind; the destination is never overwritten. Formats are the
// exporters of the plugin registry: a third-party exporter is called with the resolved run and an
// empty folder, and what it wrote is published and recorded like a built-in export.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "CliRunner.h"
#include "NotesExporter.h"
#include "RecordedRunFixtures.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/Sha256.h"
#include "common/TorchPch.h"
#include "export/ExportFolder.h"
#include "export/ExportListing.h"
#include "export/RunExport.h"
#include "model/ModelFolder.h"
#include "model/SafetensorsReader.h"
#include "peft/PeftAdapterFiles.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

torch::Tensor logitsOf(CausalLMImpl& model) {
  torch::NoGradGuard noGrad;
  model.eval();
  ForwardInput input;
  input.inputIds = torch::arange(3, 23, torch::kInt64).view({2, 10}) % 50;
  return model.forward(input);
}

// What `sha256sum` of the folder's files, hashed again, gives: computed here independently.
std::string folderDigestLikeSha256sum(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& item : fs::directory_iterator(folder))
    names.push_back(item.path().filename().string());
  std::sort(names.begin(), names.end());
  std::string listing;
  for (const auto& name : names) listing += sha256OfFile(folder + "/" + name) + "  " + name + "\n";
  return sha256Hex(listing);
}

std::vector<std::string> entriesOf(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(folder, ec))
    names.push_back(item.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void expectSameSafetensors(const std::string& a, const std::string& b) {
  const SafetensorsReader left(a), right(b);
  QCOMPARE(left.header().entries.size(), right.header().entries.size());
  for (const auto& entry : left.header().entries) {
    QVERIFY2(right.contains(entry.name), entry.name.c_str());
    QVERIFY2(torch::equal(left.tensor(entry.name), right.tensor(entry.name)), entry.name.c_str());
  }
}

}  // namespace

class RunExportTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string folder_, project_;
  int64_t loraRun_ = 0, fullRun_ = 0;
  PluginRegistry plugins_;
  std::shared_ptr<fixtures::NotesExporter> notes_;

  RunExportResult exportRun(int64_t runId, const std::string& format,
                            std::optional<int64_t> step = std::nullopt,
                            const std::string& destination = {}) {
    RunExportRequest request;
    request.projectFile = project_;
    request.runId = runId;
    request.format = format;
    request.checkpointStep = step;
    request.destination = destination;
    RunExportJob job(plugins_, request);
    BasicJobContext context;
    job.run(context);
    return job.result();
  }
  size_t recordedExports() {
    auto project = store::ProjectStore::open(project_);
    return store::ExportRepository(project).list().size();
  }
  std::string exportsFolder() const { return folder_ + "/exports"; }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    builtin::registerBuiltinPlugins(plugins_);
    notes_ = fixtures::registerNotesExporter(plugins_);
    QVERIFY(plugins_.failures().empty());
    folder_ = dir_.path().toStdString();
    fixtures::makeTinyModelAndCorpus(folder_);
    project_ = folder_ + "/export.tbproj";
    store::ProjectStore::create(project_);
    loraRun_ = fixtures::trainRecordedRun(project_, folder_, "lora run", "lora");
    fullRun_ = fixtures::trainRecordedRun(project_, folder_, "full run", "full", 2, 2);
    QVERIFY(fs::exists(folder_ + "/runs/lora run/adapter/adapter_model.safetensors"));
    QVERIFY(fs::exists(folder_ + "/runs/full run/final/config.json"));
  }

  void mergedExportGivesBasePlusAdapterLogits() {
    const auto result = exportRun(loraRun_, "merged");
    QVERIFY(!result.canceled);
    // The default destination: <project folder>/exports/<run name>-<format>-<n>.
    QCOMPARE(result.folder, exportsFolder() + "/lora_run-merged-1");
    QVERIFY(fs::exists(result.folder + "/config.json"));
    QVERIFY(fs::exists(result.folder + "/tokenizer.model"));

    auto merged = loadModelFolder(result.folder);
    auto base = loadModelFolder(folder_ + "/model");
    const auto baseLogits = logitsOf(*base.model);
    loadPeftAdapter(*base.model, folder_ + "/runs/lora run/adapter");
    const auto adapted = logitsOf(*base.model);
    QVERIFY(!torch::allclose(adapted, baseLogits, 0, 1e-4));  // the adapter did change something
    const double difference = (logitsOf(*merged.model) - adapted).abs().max().item<double>();
    QVERIFY2(difference <= 1e-5, qPrintable(QString::number(difference)));
  }

  void adapterExportIsTheRunsAdapterBitForBit() {
    const std::string runAdapter = folder_ + "/runs/lora run/adapter";
    const auto final = exportRun(loraRun_, "adapter");
    QCOMPARE(entriesOf(final.folder),
             (std::vector<std::string>{"adapter_config.json", "adapter_model.safetensors"}));
    expectSameSafetensors(final.folder + "/adapter_model.safetensors",
                          runAdapter + "/adapter_model.safetensors");
    // The checkpoint of the last step holds the same adapter as the final model.
    const auto fromCheckpoint = exportRun(loraRun_, "adapter", 4);
    expectSameSafetensors(fromCheckpoint.folder + "/adapter_model.safetensors",
                          runAdapter + "/adapter_model.safetensors");
    QCOMPARE(readPeftAdapterConfig(fromCheckpoint.folder).r, int64_t(4));
    // And it reloads onto the base like the run's adapter.
    auto exported = loadModelFolder(folder_ + "/model");
    loadPeftAdapter(*exported.model, fromCheckpoint.folder);
    auto original = loadModelFolder(folder_ + "/model");
    loadPeftAdapter(*original.model, runAdapter);
    QVERIFY(torch::equal(logitsOf(*exported.model), logitsOf(*original.model)));
  }

  void anEarlierCheckpointExportsMergedAndAsAdapter() {
    const auto merged = exportRun(loraRun_, "merged", 2);
    const auto adapter = exportRun(loraRun_, "adapter", 2);
    auto base = loadModelFolder(folder_ + "/model");
    loadPeftAdapter(*base.model, adapter.folder);
    auto mergedModel = loadModelFolder(merged.folder);
    const double difference =
        (logitsOf(*mergedModel.model) - logitsOf(*base.model)).abs().max().item<double>();
    QVERIFY2(difference <= 1e-5, qPrintable(QString::number(difference)));
    // Step 2 is not step 4: the adapters differ.
    const SafetensorsReader early(adapter.folder + "/adapter_model.safetensors");
    const SafetensorsReader late(folder_ + "/runs/lora run/adapter/adapter_model.safetensors");
    bool anyDifferent = false;
    for (const auto& entry : early.header().entries)
      anyDifferent |= !torch::equal(early.tensor(entry.name), late.tensor(entry.name));
    QVERIFY(anyDifferent);
  }

  void exportsAreRecordedWithTheirSha256() {
    const auto listings = readExports(project_);
    QVERIFY(listings.size() >= 4);
    for (const auto& listing : listings) {
      QVERIFY(listing.exists);
      QCOMPARE(listing.record.sha256, folderDigestLikeSha256sum(listing.folder));
      QCOMPARE(listing.record.sha256.size(), size_t(64));
      QCOMPARE(listing.runName, std::string("lora run"));
      QCOMPARE(listing.bytes, pathBytes(listing.folder));
      QVERIFY(listing.bytes > 0);
      // Stored relative to the project folder.
      QVERIFY(fs::path(listing.record.path).is_relative());
    }
    QCOMPARE(listings[0].record.format, std::string("merged"));
    QVERIFY(!listings[0].checkpointStep);
    QCOMPARE(listings[2].record.format, std::string("adapter"));
    QCOMPARE(listings[2].checkpointStep, std::optional<int64_t>(4));
    // The exported checkpoint is registered, complete, with the digest of its files.
    auto project = store::ProjectStore::open(project_);
    const auto checkpoints = store::CheckpointRepository(project).forRun(loraRun_);
    QCOMPARE(checkpoints.size(), size_t(2));
    QCOMPARE(checkpoints[0].step, int64_t(2));
    QVERIFY(checkpoints[0].complete);
    QCOMPARE(checkpoints[0].sha256,
             folderDigestLikeSha256sum(project.resolve(checkpoints[0].path).string()));
    QCOMPARE(*listings[2].record.checkpointId, checkpoints[1].id);
  }

  void aFullFineTuningRunRefusesTheAdapterFormat() {
    const size_t before = recordedExports();
    try {
      exportRun(fullRun_, "adapter");
      QFAIL("a full fine-tuning run exported an adapter");
    } catch (const Error& e) {
      const std::string message = e.what();
      QVERIFY2(message.find("full fine-tuning") != std::string::npos, e.what());
      QVERIFY2(message.find("merged") != std::string::npos, e.what());
    }
    QCOMPARE(recordedExports(), before);
    // Merged, its model folder is exported as it is.
    const auto result = exportRun(fullRun_, "merged");
    const std::string final = folder_ + "/runs/full run/final";
    QCOMPARE(entriesOf(result.folder), entriesOf(final));
    for (const auto& name : entriesOf(final))
      QCOMPARE(sha256OfFile(result.folder + "/" + name), sha256OfFile(final + "/" + name));
    // A checkpoint of a full run carries the trained weights into a full model folder.
    const auto checkpoint = exportRun(fullRun_, "merged", 2);
    auto fromCheckpoint = loadModelFolder(checkpoint.folder);
    auto finalModel = loadModelFolder(final);
    QVERIFY(torch::equal(logitsOf(*fromCheckpoint.model), logitsOf(*finalModel.model)));
  }

  void aCanceledExportLeavesNothingBehind_data() {
    QTest::addColumn<int>("cancelAtProgress");
    QTest::addColumn<QString>("format");
    QTest::newRow("before starting") << 0 << "merged";
    QTest::newRow("after loading the base model") << 2 << "merged";
    QTest::newRow("while writing") << 4 << "merged";
    QTest::newRow("while hashing the adapter") << 2 << "adapter";
  }
  void aCanceledExportLeavesNothingBehind() {
    QFETCH(int, cancelAtProgress);
    QFETCH(QString, format);
    const auto before = entriesOf(exportsFolder());
    const size_t recordedBefore = recordedExports();
    RunExportRequest request;
    request.projectFile = project_;
    request.runId = loraRun_;
    request.format = format.toStdString();
    request.checkpointStep = 2;
    RunExportJob job(plugins_, request);
    BasicJobContext context;
    int reports = 0;
    context.onProgress = [&](int64_t, int64_t, const std::string&) {
      if (++reports >= cancelAtProgress) context.cancel();
    };
    if (cancelAtProgress == 0) context.cancel();
    job.run(context);
    QVERIFY(job.result().canceled);
    QCOMPARE(job.result().exportId, int64_t(0));
    QCOMPARE(entriesOf(exportsFolder()), before);  // no folder, no hidden temporary one
    QCOMPARE(recordedExports(), recordedBefore);
  }

  void anExistingFolderIsNeverOverwritten() {
    const std::string taken = folder_ + "/taken";
    fs::create_directories(taken);
    std::ofstream(taken + "/keep.txt") << "mine";
    try {
      exportRun(loraRun_, "adapter", std::nullopt, taken);
      QFAIL("an export overwrote a folder");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("already exists") != std::string::npos, e.what());
    }
    QCOMPARE(entriesOf(taken), std::vector<std::string>{"keep.txt"});
    // An empty folder is fine, as is a new one at a path of the user's choosing.
    fs::create_directories(folder_ + "/empty");
    QCOMPARE(exportRun(loraRun_, "adapter", std::nullopt, folder_ + "/empty").folder,
             folder_ + "/empty");
    QVERIFY(fs::exists(folder_ + "/empty/adapter_model.safetensors"));
  }

  void unknownRunsCheckpointsAndFormatsAreClearErrors_data() {
    QTest::addColumn<qint64>("run");
    QTest::addColumn<QString>("format");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no such run") << qint64(99) << "merged" << qint64(-1) << "run 99 is not in";
    QTest::newRow("no such checkpoint") << qint64(1) << "merged" << qint64(3)
                                        << "no complete checkpoint at step 3 (complete ones: 2, 4)";
    QTest::newRow("no such format")
        << qint64(1) << "onnx" << qint64(-1)
        << "unknown export format 'onnx': use one of merged, adapter, gguf, notes";
    QTest::newRow("refused by the exporter")
        << qint64(1) << "notes" << qint64(4)
        << "run 1 (lora run) checkpoint step 4 cannot be exported as Run notes (fixture) (notes): "
           "step 4 is not noted";
  }
  void unknownRunsCheckpointsAndFormatsAreClearErrors() {
    QFETCH(qint64, run);
    QFETCH(QString, format);
    QFETCH(qint64, step);
    QFETCH(QString, expected);
    QCOMPARE(loraRun_, int64_t(1));
    try {
      exportRun(run, format.toStdString(), step < 0 ? std::nullopt : std::optional<int64_t>(step));
      QFAIL("no error");
    } catch (const Error& e) {
      QVERIFY2(QString::fromStdString(e.what()).contains(expected), e.what());
    }
  }

  void theRegistryOffersTheBuiltinFormatsFirst() {
    QCOMPARE(plugins_.exporters().size(), size_t(4));
    QCOMPARE(plugins_.exporters()[0]->id(), std::string("merged"));
    QCOMPARE(plugins_.exporters()[1]->id(), std::string("adapter"));
    QVERIFY(!plugins_.exporters()[0]->needsAdapters());
    QVERIFY(plugins_.exporters()[1]->needsAdapters());
    QCOMPARE(plugins_.findExporter("notes"), std::shared_ptr<Exporter>(notes_));
  }

  // A third-party exporter gets the resolved run and an empty folder; the caller publishes,
  // fingerprints and records what it wrote under its id.
  void aPluginExporterIsCalledAndItsFilesArePublishedAndRecorded() {
    const size_t before = recordedExports();
    RunExportRequest notesRequest;
    notesRequest.projectFile = project_;
    notesRequest.runId = loraRun_;
    notesRequest.format = "notes";
    notesRequest.checkpointStep = 2;
    notesRequest.settings = {{"detail", "full"}};
    RunExportJob job(plugins_, notesRequest);
    BasicJobContext context;
    job.run(context);
    const auto result = job.result();
    QVERIFY(!result.canceled);
    QVERIFY(notes_->lastRequest);
    const auto& request = *notes_->lastRequest;
    QCOMPARE(request.runName, std::string("lora run"));
    QCOMPARE(request.checkpointStep, std::optional<int64_t>(2));
    QVERIFY(request.checkpointFolder.find("step-00000002") != std::string::npos);
    QCOMPARE(request.run.config.modelFolder, folder_ + "/model");
    QVERIFY(request.run.usesAdapters);
    QCOMPARE(request.settings["detail"].get<std::string>(), std::string("full"));
    // It wrote into a temporary folder beside the destination, which was then moved into place.
    QCOMPARE(fs::path(request.outputFolder).parent_path().string(), exportsFolder());
    QVERIFY(!fs::exists(request.outputFolder));
    QCOMPARE(result.folder, exportsFolder() + "/lora_run-notes-1");
    QCOMPARE(entriesOf(result.folder), (std::vector<std::string>{"method.txt", "notes.txt"}));
    std::ifstream notes(result.folder + "/notes.txt");
    std::string name;
    std::getline(notes, name);
    QCOMPARE(name, std::string("lora run"));
    QCOMPARE(result.files, size_t(2));
    QCOMPARE(result.sha256, folderDigestLikeSha256sum(result.folder));
    const auto listings = readExports(project_);
    QCOMPARE(listings.size(), before + 1);
    QCOMPARE(listings.back().record.id, result.exportId);
    QCOMPARE(listings.back().record.format, std::string("notes"));
    QCOMPARE(listings.back().record.sha256, result.sha256);
    QCOMPARE(listings.back().checkpointStep, std::optional<int64_t>(2));
  }

  void theCommandLineExportsAndLists() {
    const QString project = QString::fromStdString(project_);
    const QString out = QString::fromStdString(folder_ + "/cli-export");
    const auto exported = runCli({"export", "run", project, "--run", "1", "--checkpoint", "2",
                                  "--format", "merged", "--out", out, "--json", "--threads", "1"});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    const auto report = nlohmann::json::parse(exported.out.toStdString());
    QCOMPARE(report["folder"].get<std::string>(), out.toStdString());
    QCOMPARE(report["sha256"].get<std::string>(), folderDigestLikeSha256sum(out.toStdString()));
    QCOMPARE(report["checkpoint_step"].get<int64_t>(), int64_t(2));
    QVERIFY(fs::exists(out.toStdString() + "/model.safetensors"));

    const auto listed = runCli({"export", "list", project});
    QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
    QVERIFY2(listed.out.contains(out + ", "), qPrintable(listed.out));
    QVERIFY(listed.out.contains(QString::fromStdString(report["sha256"].get<std::string>())));
    const auto json =
        nlohmann::json::parse(runCli({"export", "list", project, "--json"}).out.toStdString());
    QCOMPARE(json.size(), recordedExports());
    QCOMPARE(json.back()["path"].get<std::string>(), std::string("cli-export"));

    // A full fine-tuning run's adapter: a clear message, exit code 1, nothing recorded.
    const size_t before = recordedExports();
    const auto refused = runCli(
        {"export", "run", project, "--run", QString::number(fullRun_), "--format", "adapter"});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("full fine-tuning"), qPrintable(refused.err));
    QCOMPARE(recordedExports(), before);
  }

  // An exporter plugin found in a plugin folder offers its format to the command line, which
  // exports and records through it like a built-in format.
  void aPluginFormatExportsThroughTheCommandLine() {
    QTemporaryDir pluginFolder;
    QVERIFY(QFile::copy(QStringLiteral(TUNEBENCH_TEST_PLUGIN_DIR "/tb_fixture_plugin.so"),
                        pluginFolder.filePath("fixture.so")));
    const QString project = QString::fromStdString(project_);
    qputenv("TUNEBENCH_PLUGIN_PATH", pluginFolder.path().toUtf8());
    const auto help = runCli({"export", "run", "--help"});
    const auto exported =
        runCli({"export", "run", project, "--run", "1", "--format", "fixture-kv", "--json"});
    qputenv("TUNEBENCH_PLUGIN_PATH", "");
    QVERIFY2(help.out.contains("merged: Merged model folder"), qPrintable(help.out));
    QVERIFY2(help.out.contains("fixture-kv: Key=value settings (fixture)"), qPrintable(help.out));
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    const auto report = nlohmann::json::parse(exported.out.toStdString());
    const auto folder = report["folder"].get<std::string>();
    QCOMPARE(folder, exportsFolder() + "/lora_run-fixture-kv-1");
    std::ifstream written(folder + "/settings.kv");
    const std::string text((std::istreambuf_iterator<char>(written)), {});
    QCOMPARE(text, "model=" + folder_ + "/model\nstep=final\nlora_r=4\n");
    const auto listings = readExports(project_);
    QCOMPARE(listings.back().record.format, std::string("fixture-kv"));
    QCOMPARE(listings.back().record.sha256, folderDigestLikeSha256sum(folder));
    // Without the plugin, the format is not one the command line knows.
    const auto refused = runCli({"export", "run", project, "--run", "1", "--format", "fixture-kv"});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("fixture-kv"), qPrintable(refused.err));
  }

  // A classification run's checkpoint exports with its head: merged, a classifier over the
  // run's classes; as an adapter, PEFT's SEQ_CLS layout with the head beside the adapter.
  void aClassifierRunExportsWithItsHead() {
    const auto corpus = folder_ + "/labels.jsonl";
    {
      std::ofstream out(corpus);
      for (int i = 0; i < 12; ++i)
        out << nlohmann::json{{"text", i % 2 ? "loud storm tonight" : "quiet calm sea"},
                              {"label", i % 2 ? "storm" : "calm"}}
                   .dump()
            << "\n";
    }
    nlohmann::json json{{"model", folder_ + "/model"},
                        {"output", folder_ + "/runs/classifier"},
                        {"objective", "classification"},
                        {"data", {{"train", corpus}, {"max_length", 16}}},
                        {"method", {{"name", "lora"}, {"r", 4}, {"targets", {"q_proj"}}}},
                        {"batch_size", 4},
                        {"max_steps", 3},
                        {"checkpoint_every", 2},
                        {"keep_checkpoints", 10},
                        {"threads", 1}};
    RecordedTrainingJob job(project_, parseTrainingConfig(json, "classifier.json"), "classifier");
    BasicJobContext context;
    job.run(context);
    const auto merged = exportRun(job.runId(), "merged", 2);
    auto model = loadModelFolder(merged.folder);
    QCOMPARE(model.model->config().classLabels, (std::vector<std::string>{"calm", "storm"}));
    const auto adapter = exportRun(job.runId(), "adapter", 2);
    const SafetensorsReader tensors(adapter.folder + "/adapter_model.safetensors");
    QVERIFY(tensors.contains("base_model.model.score.weight"));
    QCOMPARE(readJsonFile(adapter.folder + "/adapter_config.json")["task_type"].get<std::string>(),
             std::string("SEQ_CLS"));
  }
};

QTEST_GUILESS_MAIN(RunExportTest)
#include "tst_run_export.moc"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "builtin/BuiltinPlugins.h"
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
  }

  void failuresAreCollectedNotFatal() {
    QTemporaryDir dir;
    QVERIFY(QFile::copy(kPluginDir + "/tb_fixture_plugin.so", dir.filePath("a_good.so")));
    QVERIFY(QFile::copy(kPluginDir + "/tb_fixture_plugin.so", dir.filePath("b_duplicate.so")));
    QVERIFY(QFile::copy(kPluginDir + "/tb_fixture_plugin_future.so", dir.filePath("c_future.so")));
    QVERIFY(QFile::copy(kPluginDir + "/tb_fixture_plugin_throwing.so",
                        dir.filePath("d_throwing.so")));
    std::ofstream(dir.filePath("e_garbage.so").toStdString()) << "this is not an ELF file";
    std::ofstream(dir.filePath("ignored.txt").toStdString()) << "not a library";

    PluginRegistry registry;
    registry.loadFolder(dir.path().toStdString());
    registry.loadFolder((dir.path() + "/does-not-exist").toStdString());  // not an error

    QCOMPARE(registry.plugins().size(), size_t(1));
    QCOMPARE(registry.datasetImporters().size(), size_t(1));
    QCOMPARE(registry.failures().size(), size_t(4));
    QVERIFY(failureMentions(registry, "b_duplicate.so", "already registered"));
    QVERIFY(failureMentions(registry, "c_future.so", "plugin API version 99 is not supported"));
    QVERIFY(failureMentions(registry, "d_throwing.so", "fixture refuses to register"));
    QVERIFY(failureMentions(registry, "e_garbage.so", "cannot load"));
  }

  void aLibraryWithoutTheEntryPointsIsRefused() {
    PluginRegistry registry;
    const QString module = QStringLiteral(TUNEBENCH_BINARY_DIR "/lib/tunebench/libtunebench_spm.so");
    QVERIFY(!registry.loadLibrary(module.toStdString()));
    QVERIFY(failureMentions(registry, "libtunebench_spm.so", "not a Tunebench plugin"));
  }
};

QTEST_GUILESS_MAIN(PluginRegistryTest)
#include "tst_plugin_registry.moc"

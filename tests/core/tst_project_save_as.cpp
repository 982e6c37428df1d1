// Save As through SQLite's online backup API: a complete, consistent copy whose relative paths
// still name the same files, written without ever damaging a previous file at the target.
#include "StoreTestSupport.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectCopy.h"
#include "store/ProjectStore.h"

using namespace tunebench::store;
using storetest::expectError;
using storetest::projectPath;
namespace fs = std::filesystem;

class ProjectSaveAsTest : public QObject {
  Q_OBJECT
 private slots:
  void copyHoldsEverythingAndPathsStillResolve() {
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    fs::create_directories(root / "a" / "models" / "m1");
    fs::create_directories(root / "b" / "deeper");
    auto source = ProjectStore::create(root / "a" / "one.tbproj");
    ModelRepository(source).add("m1", root / "a" / "models" / "m1", "LlamaForCausalLM", "aa");
    ModelRepository(source).add("outside", "/opt/models/abs", "GPT2LMHeadModel", "bb");
    source.setSetting("owner", "test");

    auto copy = saveProjectAs(source, root / "b" / "deeper" / "two.tbproj");
    QCOMPARE(copy.file(), root / "b" / "deeper" / "two.tbproj");
    QVERIFY(!copy.isReadOnly());
    QCOMPARE(copy.integrityCheck(), std::vector<std::string>{"ok"});
    QCOMPARE(copy.setting("owner").value_or(""), std::string("test"));
    const auto models = ModelRepository(copy).list();
    QCOMPARE(models.size(), size_t(2));
    QCOMPARE(models[0].folder, std::string("../../a/models/m1"));
    QCOMPARE(copy.resolve(models[0].folder), root / "a" / "models" / "m1");
    // A folder outside the project still resolves to the same place.
    QCOMPARE(copy.resolve(models[1].folder), fs::path("/opt/models/abs"));
    QCOMPARE(copy.db().queryText("PRAGMA journal_mode"), std::string("wal"));
    QVERIFY(!fs::exists(root / "b" / "deeper" / "two.tbproj.saving"));

    // The two are independent from now on.
    ModelRepository(source).add("later", root / "a" / "later", "LlamaForCausalLM", "cc");
    QCOMPARE(ModelRepository(copy).list().size(), size_t(2));
    const auto sourceModels = ModelRepository(source).list();  // ordered by name
    QCOMPARE(sourceModels.size(), size_t(3));
    QCOMPARE(sourceModels[1].name, std::string("m1"));
    QCOMPARE(sourceModels[1].folder, std::string("models/m1"));
  }

  void sameFolderKeepsPathsAndReplacesAnOlderFile() {
    QTemporaryDir dir;
    auto source = ProjectStore::create(projectPath(dir, "one.tbproj"));
    ModelRepository(source).add("m", projectPath(dir, "models"), "LlamaForCausalLM", "aa");
    const auto target = projectPath(dir, "two.tbproj");
    storetest::writeBytes(target, "an older file the user agreed to replace");
    auto copy = saveProjectAs(source, target);
    QCOMPARE(ModelRepository(copy).list().at(0).folder, std::string("models"));
  }

  void refusesTheProjectItselfAndMissingFolders() {
    QTemporaryDir dir;
    auto source = ProjectStore::create(projectPath(dir, "one.tbproj"));
    expectError([&] { saveProjectAs(source, projectPath(dir, "one.tbproj")); },
                {"open project itself", "another file name"});
    expectError([&] { saveProjectAs(source, projectPath(dir, "nowhere/two.tbproj")); },
                {"does not exist"});
    QVERIFY(!fs::exists(projectPath(dir, "nowhere")));
    fs::create_directories(projectPath(dir, "folder.tbproj"));
    expectError([&] { saveProjectAs(source, projectPath(dir, "folder.tbproj")); }, {"is a folder"});
  }

  void failedSaveLeavesThePreviousTargetIntact() {
    QTemporaryDir dir;
    auto source = ProjectStore::create(projectPath(dir, "one.tbproj"));
    const auto target = projectPath(dir, "two.tbproj");
    storetest::writeBytes(target, "previous");
    // Something in the way of the partial file makes the copy fail part-way.
    fs::create_directories(projectPath(dir, "two.tbproj.saving"));
    storetest::writeBytes(projectPath(dir, "two.tbproj.saving") / "blocker", "x");
    expectError([&] { saveProjectAs(source, target); }, {"two.tbproj"});
    QCOMPARE(storetest::readBytes(target), std::string("previous"));
    // The original is still open and writable.
    ModelRepository(source).add("m", projectPath(dir, "m"), "LlamaForCausalLM", "aa");
  }

  void readOnlyProjectCanBeCopied() {
    QTemporaryDir dir;
    { ProjectStore::create(projectPath(dir, "one.tbproj")); }
    OpenOptions options;
    options.readOnly = true;
    auto source = ProjectStore::open(projectPath(dir, "one.tbproj"), options);
    auto copy = saveProjectAs(source, projectPath(dir, "two.tbproj"));
    QVERIFY(!copy.isReadOnly());
    QCOMPARE(copy.integrityCheck(), std::vector<std::string>{"ok"});
  }
};

QTEST_GUILESS_MAIN(ProjectSaveAsTest)
#include "tst_project_save_as.moc"

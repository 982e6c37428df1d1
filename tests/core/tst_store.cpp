// ProjectStore: creating, opening, migrating, refusing files that are not projects, read-only
// opening of newer schemas and recovery of runs whose owner died.
#include <QtTest>

#include "StoreTestSupport.h"
#include "WriteProtectingVfs.h"
#include "store/ArtifactRepository.h"
#include "store/EvaluationRepository.h"
#include "store/MetricRepository.h"
#include "store/Migrations.h"
#include "store/RunRepository.h"

using namespace tunebench::store;
namespace fs = std::filesystem;
using storetest::expectError;
using storetest::projectPath;

class StoreTest : public QObject {
  Q_OBJECT
 private slots:
  void createsAProjectWithTheLatestSchema() {
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    {
      auto store = ProjectStore::create(file);
      QCOMPARE(store.schemaVersion(), latestSchemaVersion());
      QVERIFY(!store.isReadOnly());
      QCOMPARE(store.db().queryText("PRAGMA journal_mode"), std::string("wal"));
      QCOMPARE(store.db().queryInt64("PRAGMA foreign_keys"), int64_t(1));
      QCOMPARE(store.db().queryInt64("PRAGMA busy_timeout"), int64_t(5000));
      QCOMPARE(store.db().queryInt64("PRAGMA application_id"), int64_t(kProjectApplicationId));
      store.setSetting("title", "first");
      store.setSetting("title", "second");
    }
    auto reopened = ProjectStore::open(file);
    QCOMPARE(reopened.schemaVersion(), latestSchemaVersion());
    QCOMPARE(reopened.setting("title").value_or(""), std::string("second"));
    QVERIFY(!reopened.setting("missing"));
    QCOMPARE(reopened.integrityCheck(), std::vector<std::string>{"ok"});
  }

  void refusesToCreateOverAnExistingFile() {
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    storetest::writeBytes(file, "precious");
    expectError([&] { ProjectStore::create(file); }, {"file exists"});
    QCOMPARE(storetest::readBytes(file), std::string("precious"));
  }

  void shippedMigrationsAreContiguous() {
    const auto& migrations = shippedMigrations();
    QVERIFY(!migrations.empty());
    for (size_t i = 0; i < migrations.size(); ++i) QCOMPARE(migrations[i].version, int(i + 1));
  }

  void embeddedMigrationsAreTheSqlFiles() {
    const fs::path folder = fs::path(TUNEBENCH_SOURCE_DIR) / "resources/store/migrations";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().extension() == ".sql") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    const auto& migrations = shippedMigrations();
    QCOMPARE(migrations.size(), files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      QCOMPARE(std::string(migrations[i].name), files[i].stem().string());
      QVERIFY2(std::string(migrations[i].sql) == storetest::readBytes(files[i]),
               qPrintable(QString::fromStdString(files[i].string())));
    }
  }

  void migratesFromEveryShippedVersion_data() {
    QTest::addColumn<int>("from");
    for (int version = 1; version <= latestSchemaVersion(); ++version)
      QTest::newRow(qPrintable(QString("schema %1").arg(version))) << version;
  }

  void migratesFromEveryShippedVersion() {
    QFETCH(int, from);
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    {
      // A project as an older build left it, with a run and metrics written by that schema.
      Connection old(file.string(), Connection::Mode::ReadWriteCreate);
      old.exec("PRAGMA journal_mode = WAL; PRAGMA application_id = " +
               std::to_string(kProjectApplicationId));
      QCOMPARE(migrate(old, from), from);
      old.exec(
          "INSERT INTO run (id, name, config, created_at) VALUES (1, 'old', '{\"lr\":1}', 0);"
          "INSERT INTO metric_key (id, name) VALUES (1, 'loss');");
      // Evaluations (schema 2 on) keep their metrics and items through the table rebuild of
      // schema 6 (dropping a table with foreign keys on would delete what points at it).
      if (from >= 2)
        old.exec(
            "INSERT INTO evaluation (id, run_id, suite, created_at) VALUES (1, 1, 'qa', 0);"
            "INSERT INTO evaluation_metric (evaluation_id, name, value) VALUES (1, 'em', 0.5);"
            "INSERT INTO evaluation_item (evaluation_id, item_index, input, expected, output) "
            "VALUES (1, 0, 'a', 'b', 'c');");
      // From schema 3 on, metric rows come with rollups that only MetricRepository writes.
      if (from < 3)
        old.exec(
            "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 999) "
            "INSERT INTO metric (run_id, key_id, step, value, kind, wall_time) "
            "SELECT 1, 1, n, CASE WHEN n = 500 THEN NULL ELSE n % 97 END, "
            "CASE WHEN n = 500 THEN 1 ELSE 0 END, 0 FROM s");
    }
    if (from >= 3) {
      auto store = ProjectStore::open(file);
      std::vector<MetricPoint> points;
      for (int n = 0; n < 1000; ++n)
        points.push_back({1, "loss", n, n == 500 ? std::nan("") : double(n % 97), 0});
      MetricRepository(store).append(points);
    }
    auto store = ProjectStore::open(file);
    QCOMPARE(store.schemaVersion(), latestSchemaVersion());
    QCOMPARE(store.db().queryInt64("PRAGMA user_version"), int64_t(latestSchemaVersion()));
    QCOMPARE(RunRepository(store).find(1)->config, std::string("{\"lr\":1}"));
    if (from >= 2) {
      EvaluationRepository evaluations(store);
      const auto kept = evaluations.forRun(1);
      QCOMPARE(kept.size(), size_t(1));
      QCOMPARE(kept[0].suite, std::string("qa"));
      QCOMPARE(kept[0].identity(), std::string("suite:qa"));
      QCOMPARE(evaluations.metrics(1).size(), size_t(1));
      QCOMPARE(evaluations.items(1, 0, 10).size(), size_t(1));
      QCOMPARE(store.db().queryInt64("PRAGMA foreign_keys"), int64_t(1));
    }

    MetricRepository metrics(store);
    QCOMPARE(metrics.count(1), int64_t(1000));
    const auto series = metrics.downsample({1}, {"loss"}, 10);
    QCOMPARE(series.size(), size_t(1));
    int64_t total = 0, nonFinite = 0;
    double low = 1e9, high = -1e9;
    for (const auto& bucket : series[0].buckets) {
      total += bucket.count;
      nonFinite += bucket.nonFinite;
      low = std::min(low, *bucket.min);
      high = std::max(high, *bucket.max);
    }
    QCOMPARE(total, int64_t(1000));
    QCOMPARE(nonFinite, int64_t(1));
    QCOMPARE(low, 0.0);
    QCOMPARE(high, 96.0);
    QVERIFY(std::isnan(metrics.points(1, "loss", {500, 500}).at(0).value));
    QCOMPARE(store.integrityCheck(), std::vector<std::string>{"ok"});
  }

  void opensANewerSchemaReadOnly() {
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    {
      auto store = ProjectStore::create(file);
      RunRepository(store).create({"kept"});
    }
    const int future = latestSchemaVersion() + 1;
    storetest::rawExec(
        file, "CREATE TABLE added_later (x); PRAGMA user_version = " + std::to_string(future));

    auto store = ProjectStore::open(file);
    QVERIFY(store.isReadOnly());
    QCOMPARE(store.schemaVersion(), future);
    const std::string reason = store.readOnlyReason();
    QVERIFY2(reason.find("newer Tunebench") != std::string::npos, reason.c_str());
    QVERIFY2(reason.find("read-only") != std::string::npos, reason.c_str());
    RunRepository runs(store);
    QCOMPARE(runs.list().size(), size_t(1));
    expectError([&] { runs.create({"refused"}); }, {"read-only"});
    // Nothing was migrated or changed.
    QCOMPARE(store.db().queryInt64("PRAGMA user_version"), int64_t(future));
  }

  void opensReadOnlyOnRequest() {
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    ProjectStore::create(file);
    OpenOptions options;
    options.readOnly = true;
    auto store = ProjectStore::open(file, options);
    QVERIFY(store.isReadOnly());
    expectError([&] { store.setSetting("a", "b"); }, {"read-only"});
  }

  void opensAWriteProtectedFileReadOnly() {
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    ProjectStore::create(file);
    fs::permissions(file, fs::perms::owner_read | fs::perms::group_read);
    // Root may write to write-protected files: the VFS makes the file refuse writing for
    // everyone, the way SQLite sees a file it may not open for writing.
    storetest::WriteProtectingVfs vfs;
    vfs.writeProtect(file);
    auto store = ProjectStore::open(file);
    QVERIFY(vfs.protectedOpens() > 0);
    QVERIFY(store.isReadOnly());
    expectError([&] { store.setSetting("a", "b"); }, {"read-only"});
    QVERIFY2(store.readOnlyReason().find("write-protected") != std::string::npos,
             store.readOnlyReason().c_str());
  }

  void refusesFilesThatAreNotProjects_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << "missing"
                             << "no such project file";
    QTest::newRow("folder") << "folder"
                            << "is a folder";
    QTest::newRow("empty") << "empty"
                           << "not a Tunebench project (empty file)";
    QTest::newRow("text") << "text"
                          << "not a Tunebench project (the file is not an SQLite";
    QTest::newRow("other sqlite") << "other sqlite"
                                  << "not a Tunebench project (SQLite application_id 0x00000000";
    QTest::newRow("damaged header") << "damaged header"
                                    << "not a Tunebench project (the file is not an SQLite";
    QTest::newRow("damaged schema page") << "damaged schema page"
                                         << "corrupt";
  }

  void refusesFilesThatAreNotProjects() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    if (kind == "folder") fs::create_directory(file);
    if (kind == "empty") storetest::writeBytes(file, "");
    if (kind == "text") storetest::writeBytes(file, std::string(5000, 'x') + "\nnot sqlite\n");
    if (kind == "other sqlite") {
      Connection other(file.string(), Connection::Mode::ReadWriteCreate);
      other.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    }
    if (kind.startsWith("damaged")) {
      { ProjectStore::create(file); }  // closed: the WAL is checkpointed into the file
      auto bytes = storetest::readBytes(file);
      QVERIFY(bytes.size() > 4096);
      // Bytes 0..15 are the SQLite magic; the schema b-tree header starts at offset 100.
      const size_t at = kind == "damaged header" ? 0 : 100;
      for (size_t i = at; i < at + 100; ++i) bytes[i] = '\xff';
      storetest::writeBytes(file, bytes);
    }
    expectError([&] { ProjectStore::open(file); }, {file.filename().c_str(), qPrintable(expected)});
  }

  void integrityCheckFindsDamageInsideTheFile() {
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    {
      auto store = ProjectStore::create(file);
      std::vector<MetricPoint> points;
      for (int step = 0; step < 20000; ++step)
        points.push_back({0, "loss", step, 1.0 / (step + 1), 0});
      const auto run = RunRepository(store).create({"big"});
      for (auto& point : points) point.runId = run;
      MetricRepository(store).append(points);
    }
    auto bytes = storetest::readBytes(file);
    const size_t pageSize = 4096;
    QVERIFY(bytes.size() > 40 * pageSize);
    // Scribble over the middle of the file, away from the schema.
    for (size_t i = 30 * pageSize; i < 31 * pageSize; ++i) bytes[i] = static_cast<char>(i * 7);
    storetest::writeBytes(file, bytes);
    // Opening for writing (an import, a run) refuses the damaged file; read-only still shows it.
    expectError([&] { ProjectStore::open(file); },
                {file.filename().c_str(), "the project file is damaged (SQLite's quick check",
                 "restore it from a backup"});
    OpenOptions readOnly;
    readOnly.readOnly = true;
    auto store = ProjectStore::open(file, readOnly);
    const auto problems = store.integrityCheck();
    QVERIFY(!problems.empty());
    QVERIFY(problems.front() != "ok");
  }

  void storesPathsRelativeToTheProjectFolder() {
    QTemporaryDir dir;
    auto store = ProjectStore::create(projectPath(dir));
    const fs::path folder = dir.path().toStdString();
    QCOMPARE(store.toProjectPath(folder / "checkpoints" / "step-10"),
             std::string("checkpoints/step-10"));
    QCOMPARE(store.toProjectPath("exports/../exports/a.gguf"), std::string("exports/a.gguf"));
    QCOMPARE(store.toProjectPath(folder.parent_path() / "elsewhere.jsonl"),
             std::string("../elsewhere.jsonl"));
    QCOMPARE(store.resolve("checkpoints/step-10"), folder / "checkpoints" / "step-10");

    const auto run = RunRepository(store).create({"r"});
    CheckpointRepository(store).add(run, 10, folder / "checkpoints" / "step-10", "abc");
    QCOMPARE(CheckpointRepository(store).forRun(run).at(0).path,
             std::string("checkpoints/step-10"));
  }

  void projectFolderCanBeMoved() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "a" / "checkpoints");
    {
      auto store = ProjectStore::create(root / "a" / "p.tbproj");
      const auto run = RunRepository(store).create({"r"});
      storetest::writeBytes(root / "a" / "checkpoints" / "c1", "weights");
      CheckpointRepository(store).add(run, 1, root / "a" / "checkpoints" / "c1", "00");
    }
    fs::rename(root / "a", root / "b");
    auto store = ProjectStore::open(root / "b" / "p.tbproj");
    const auto checkpoint = CheckpointRepository(store).forRun(1).at(0);
    QCOMPARE(store.resolve(checkpoint.path), root / "b" / "checkpoints" / "c1");
    QVERIFY(fs::exists(store.resolve(checkpoint.path)));
  }

  void recoversStaleRuns_data() {
    QTest::addColumn<QString>("status");
    QTest::addColumn<int>("heartbeatAgeSeconds");
    QTest::addColumn<QString>("owner");
    QTest::addColumn<QString>("expected");
    QTest::newRow("running, old beat, owner gone") << "running" << 60 << "dead"
                                                   << "interrupted";
    QTest::newRow("running, old beat, no owner") << "running" << 60 << "none"
                                                 << "interrupted";
    QTest::newRow("paused, old beat, owner gone") << "paused" << 60 << "dead"
                                                  << "interrupted";
    QTest::newRow("running, old beat, owner alive") << "running" << 60 << "alive"
                                                    << "running";
    QTest::newRow("running, fresh beat, owner gone") << "running" << 5 << "dead"
                                                     << "running";
    QTest::newRow("completed, old beat, owner gone") << "completed" << 60 << "dead"
                                                     << "completed";
    QTest::newRow("queued, old beat, no owner") << "queued" << 60 << "none"
                                                << "queued";
  }

  void recoversStaleRuns() {
    QFETCH(QString, status);
    QFETCH(int, heartbeatAgeSeconds);
    QFETCH(QString, owner);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    int64_t id = 0;
    {
      auto store = ProjectStore::create(file);
      id = RunRepository(store).create({"r"});
    }
    const std::string pid = owner == "dead"    ? std::to_string(storetest::deadPid())
                            : owner == "alive" ? std::to_string(getpid())
                                               : "NULL";
    const double beat = unixNow() - heartbeatAgeSeconds;
    storetest::rawExec(file, "UPDATE run SET status = '" + status.toStdString() +
                                 "', heartbeat_at = " + std::to_string(beat) +
                                 ", owner_pid = " + pid);
    auto store = ProjectStore::open(file);
    const auto run = RunRepository(store).find(id);
    QCOMPARE(QString(runStatusName(run->status)), expected);
    QCOMPARE(store.recoveredRuns().size(), size_t(expected == "interrupted" ? 1 : 0));
    if (expected == "interrupted") QVERIFY(run->finishedAt.has_value());
  }

  void staleThresholdIsAnOption() {
    QTemporaryDir dir;
    const auto file = projectPath(dir);
    int64_t id = 0;
    {
      auto store = ProjectStore::create(file);
      RunRepository runs(store);
      id = runs.create({"r"});
      runs.markRunning(id, storetest::deadPid());
    }
    QCOMPARE(
        RunRepository(*std::make_unique<ProjectStore>(ProjectStore::open(file))).find(id)->status,
        RunStatus::Running);
    OpenOptions options;
    options.staleRunAfter = std::chrono::milliseconds(0);
    auto store = ProjectStore::open(file, options);
    QCOMPARE(RunRepository(store).find(id)->status, RunStatus::Interrupted);
  }

 private:
  static double unixNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

QTEST_GUILESS_MAIN(StoreTest)
#include "tst_store.moc"

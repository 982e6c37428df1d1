// Kills `tunebench-cli train` (SIGKILL) at random moments and resumes: the final weights must be
// byte-identical to those of an uninterrupted run. Also: SIGTERM stops cleanly with a checkpoint.
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kCli = QStringLiteral(TUNEBENCH_BINARY_DIR "/bin/tunebench-cli");

QByteArray fileHash(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

bool hasCheckpoint(const QString& output) {
  const QDir checkpoints(output + "/checkpoints");
  for (const auto& name : checkpoints.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
    if (!name.endsWith(".partial") && QFile::exists(checkpoints.filePath(name) + "/DONE")) return true;
  return false;
}

int runToEnd(const QStringList& arguments) {
  QProcess process;
  process.start(kCli, arguments);
  if (!process.waitForFinished(300000)) return -1;
  return process.exitCode();
}

}  // namespace

class TrainingCrashTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString writeConfig(const QString& name) {
    const QString output = dir_.filePath(name);
    const QString path = dir_.filePath(name + ".json");
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(QString("{\"model\": \"%1\", \"output\": \"%2\", \"data\": {\"train\": \"%3\", \"max_length\": 32},"
                       " \"optimizer\": {\"name\": \"adam\", \"lr\": 0.002}, \"batch_size\": 2,"
                       " \"epochs\": 12, \"checkpoint_every\": 3, \"keep_checkpoints\": 2, \"threads\": 1}")
                   .arg(dir_.filePath("model"), output, dir_.filePath("train.jsonl"))
                   .toUtf8());
    return path;
  }

 private slots:
  void initTestCase() {
    QCOMPARE(runToEnd({"make-model", "--arch", "llama", "--preset", "tiny", "--out", dir_.filePath("model")}), 0);
    QFile data(dir_.filePath("train.jsonl"));
    QVERIFY(data.open(QIODevice::WriteOnly));
    for (int i = 0; i < 60; ++i)
      data.write(QString("{\"text\": \"Line %1: the owl counts %2 stars.\"}\n").arg(i).arg(i * 7 % 13).toUtf8());
  }

  void killedRunsResumeToIdenticalWeights() {
    const QString reference = writeConfig("reference");
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(runToEnd({"train", "--config", reference}), 0);
    const qint64 fullMs = timer.elapsed();
    const QByteArray expected = fileHash(dir_.filePath("reference/final/model.safetensors"));
    QVERIFY(!expected.isEmpty());

    auto* random = QRandomGenerator::global();
    for (int attempt = 0; attempt < 4; ++attempt) {
      const QString name = QString("killed-%1").arg(attempt);
      const QString config = writeConfig(name);
      QProcess process;
      process.start(kCli, {"train", "--config", config});
      QVERIFY(process.waitForStarted());
      const int delay = int(fullMs * (0.3 + 0.6 * random->generateDouble()));
      QThread::msleep(static_cast<unsigned long>(delay));
      process.kill();  // SIGKILL: no chance to clean up
      process.waitForFinished();
      QStringList arguments{"train", "--config", config};
      if (hasCheckpoint(dir_.filePath(name))) arguments << "--resume";
      else QDir(dir_.filePath(name)).removeRecursively();
      QCOMPARE(runToEnd(arguments), 0);
      QVERIFY2(fileHash(dir_.filePath(name + "/final/model.safetensors")) == expected,
               qPrintable(QString("attempt %1 killed after %2 ms").arg(attempt).arg(delay)));
    }
  }

  void terminationStopsCleanlyWithACheckpoint() {
    const QString config = writeConfig("terminated");
    QProcess process;
    process.start(kCli, {"train", "--config", config});
    QVERIFY(process.waitForStarted());
    QByteArray seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen += process.readAllStandardOutput()).contains("step "), 60000);
    process.terminate();
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(hasCheckpoint(dir_.filePath("terminated")));
    QCOMPARE(runToEnd({"train", "--config", config, "--resume"}), 0);
    QCOMPARE(fileHash(dir_.filePath("terminated/final/model.safetensors")),
             fileHash(dir_.filePath("reference/final/model.safetensors")));
  }
};

QTEST_GUILESS_MAIN(TrainingCrashTest)
#include "tst_training_crash.moc"

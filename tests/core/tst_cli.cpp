// Runs the real tunebench-cli binary.
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

namespace {

struct Result {
  int exitCode;
  QString out;
  QString err;
};

Result runCli(const QStringList& arguments) {
  QProcess process;
  process.start(QStringLiteral(TUNEBENCH_BINARY_DIR "/bin/tunebench-cli"), arguments);
  if (!process.waitForFinished(120000)) return {-1, {}, QStringLiteral("timed out")};
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace

class CliTest : public QObject {
  Q_OBJECT
 private slots:
  void infoReportsTheInstallation() {
    const auto r = runCli({"info", "--threads", "2"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QRegularExpression("^Tunebench: \\d+\\.\\d+\\.\\d+$",
                                                QRegularExpression::MultilineOption)),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression("^LibTorch: \\d+\\.\\d+", QRegularExpression::MultilineOption)),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("Intra-op threads: 2"), qPrintable(r.out));
    QVERIFY2(r.out.contains("BLAS: OpenBLAS"), qPrintable(r.out));
    QVERIFY2(r.out.contains("sentencepiece module: loaded OK"), qPrintable(r.out));
    const auto gemm = QRegularExpression("CPU GEMM: ([0-9.]+) GFLOP/s").match(r.out);
    QVERIFY2(gemm.hasMatch(), qPrintable(r.out));
    QVERIFY(gemm.captured(1).toDouble() > 0.0);
    QVERIFY(r.out.contains("CUDA: "));
  }

  void unknownSubcommandExitsWithTwo() {
    const auto r = runCli({"frobnicate"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("unknown subcommand 'frobnicate'"), qPrintable(r.err));
  }

  void missingSubcommandExitsWithTwo() { QCOMPARE(runCli({}).exitCode, 2); }

  void helpListsSubcommands() {
    const auto r = runCli({"--help"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("info"));
    QVERIFY(r.out.contains("plugins"));
  }

  void pluginsListsTheBuiltins() {
    const auto r = runCli({"plugins"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("dataset importer: jsonl (JSON Lines)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("dataset importers: 2"), qPrintable(r.out));
  }

  // make-model trains a sentencepiece tokenizer inside the CLI process, which also prints with
  // iostreams: the case that crashes when the module and the executable disagree on std::cerr.
  void makeModelInspectAndGenerate() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("tiny");
    auto r = runCli({"make-model", "--arch", "llama", "--preset", "tiny", "--out", folder});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(QFile::exists(folder + "/tokenizer.model"));
    r = runCli({"inspect", "--model", folder});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("architecture: LlamaForCausalLM"), qPrintable(r.out));
    QVERIFY2(r.out.contains("tokenizer: tokenizer.model (sentencepiece)"), qPrintable(r.out));
    r = runCli({"generate", "--model", folder, "--prompt", "The cat", "--max-new-tokens", "5"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.startsWith("The cat"));
    QVERIFY2(r.err.contains("5 tokens in"), qPrintable(r.err));
    r = runCli({"inspect", "--model", dir.filePath("missing")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("missing"));
  }

  void pluginsReportsAFolderOfBrokenPlugins() {
    QTemporaryDir dir;
    QFile bad(dir.filePath("broken.so"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("garbage");
    bad.close();
    const auto r = runCli({"plugins", "--plugin-dir", dir.path()});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Plugins that could not be loaded:"), qPrintable(r.out));
    QVERIFY(r.out.contains("broken.so: cannot load"));
  }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"

// Runs the real tunebench-cli binary.
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include "CliRunner.h"

class CliTest : public QObject {
  Q_OBJECT
 private slots:
  void infoReportsTheInstallation() {
    const auto r = runCli({"info", "--threads", "2"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QRegularExpression("^Tunebench: \\d+\\.\\d+\\.\\d+$",
                                               QRegularExpression::MultilineOption)),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(
                 QRegularExpression("^LibTorch: \\d+\\.\\d+", QRegularExpression::MultilineOption)),
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
    QVERIFY(r.out.contains("project"));
    QVERIFY(r.out.contains("bench"));
  }

  void pluginsListsTheBuiltins() {
    const auto r = runCli({"plugins"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("dataset importer: jsonl (JSON Lines)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("dataset importer: csv (Comma-separated values)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("dataset importer: tsv (Tab-separated values)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("dataset importer: json (JSON)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("dataset importer: parquet (Apache Parquet)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("dataset importers: 6"), qPrintable(r.out));
    QVERIFY2(r.out.contains("exporter: merged (Merged model folder)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("exporter: adapter (PEFT adapter)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("exporter: gguf (GGUF for llama.cpp)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("exporters: 3\n"), qPrintable(r.out));
    QVERIFY2(r.out.contains("evaluator: generation (Exact match and perplexity)"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("evaluator: classifier (Classifier accuracy and F1)"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("evaluator: benchmark (Benchmark (multiple choice))"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("evaluator: perplexity (Rolling perplexity of texts)"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("evaluators: 5\n"), qPrintable(r.out));
    QVERIFY2(r.out.contains("Plugin API version 2"), qPrintable(r.out));
  }

  void benchDataReportsFigures() {
    QTemporaryDir dir;
    const auto r = runCli({"bench", "data", "--megabytes", "1", "--records", "2000",
                           "--tokenize-megabytes", "1", "--dir", dir.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    for (const char* format : {"jsonl", "json ", "csv  "}) {
      const auto line = QRegularExpression(QString("import %1 +([0-9.]+) MiB +([0-9]+) records .* "
                                                   "([0-9.]+) MiB/s")
                                               .arg(format))
                            .match(r.out);
      QVERIFY2(line.hasMatch(), qPrintable(r.out));
      QVERIFY(line.captured(2).toInt() > 1000);
      QVERIFY(line.captured(3).toDouble() > 0);
    }
    QVERIFY2(r.out.contains(QRegularExpression("near-dup +2000 records .* [0-9]+ pairs")),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression("tokenize .* [0-9]+ tokens .* [0-9]+ tokens/s")),
             qPrintable(r.out));
    for (const char* tokenizer : {"sentencepiece bpe \\(tiny make-model", "byte-level bpe"})
      QVERIFY2(
          r.out.contains(QRegularExpression(
              QString("tokenize +%1.* [0-9]+ tokens +1 threads .* [0-9]+ tokens/s +[0-9.]+ MiB/s")
                  .arg(tokenizer))),
          qPrintable(r.out));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot).size(),
             0);  // generated files and folders removed
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

  void projectCreateInfoAndCheck() {
    QTemporaryDir dir;
    const QString file = dir.filePath("p.tbproj");
    auto r = runCli({"project", "create", file});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("created ") && r.out.contains("schema version"), qPrintable(r.out));

    r = runCli({"project", "create", file});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("file exists"), qPrintable(r.err));

    r = runCli({"project", "info", file});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(
        r.out.contains(QRegularExpression("^schema version: \\d+ \\(this build writes \\d+\\)$",
                                          QRegularExpression::MultilineOption)),
        qPrintable(r.out));
    QVERIFY2(r.out.contains("journal mode: wal"), qPrintable(r.out));
    QVERIFY2(r.out.contains("runs: 0"), qPrintable(r.out));

    QDir(dir.path()).mkpath("checkpoints");
    QFile orphan(dir.filePath("checkpoints/forgotten.bin"));
    QVERIFY(orphan.open(QIODevice::WriteOnly));
    orphan.close();
    r = runCli({"project", "check", file});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("integrity: ok"), qPrintable(r.out));
    QVERIFY2(r.out.contains("orphaned files: 1\n  checkpoints/forgotten.bin"), qPrintable(r.out));
    QVERIFY2(r.out.contains("check: ok"), qPrintable(r.out));
  }

  void projectCommandsRefuseOtherFiles() {
    QTemporaryDir dir;
    QFile text(dir.filePath("notes.tbproj"));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write(QByteArray(4096, 'x'));
    text.close();
    for (const char* sub : {"info", "check"}) {
      const auto r = runCli({"project", sub, text.fileName()});
      QCOMPARE(r.exitCode, 1);
      QVERIFY2(r.err.contains("notes.tbproj") && r.err.contains("not a Tunebench project"),
               qPrintable(r.err));
    }
    const auto r = runCli({"project", "create", dir.filePath("wrong.db")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("ends in .tbproj"), qPrintable(r.err));
  }

  void benchStorePrintsTheThreeFigures() {
    QTemporaryDir dir;
    const auto r = runCli({"bench", "store", "--dir", dir.path(), "--metric-rows", "5000",
                           "--dataset-rows", "2000", "--logging-seconds", "1"});
    QVERIFY2(r.exitCode == 0 || r.exitCode == 1, qPrintable(r.err));
    for (const char* figure :
         {"added to training step wall time", "downsampled query", "dataset page of 100 rows"})
      QVERIFY2(r.out.contains(QRegularExpression(QString("=> %1[^:]*: [0-9.]+ ").arg(figure))),
               qPrintable(r.out));
    QVERIFY(QFile::exists(dir.filePath("bench.tbproj")));
  }

  // Checks that both digests agree on a generated file and that the second fingerprint is cached.
  void benchHashComparesWithSha256sum() {
    const auto r = runCli({"bench", "hash", "--size-mb", "3", "--rounds", "2"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QCOMPARE(r.out.count(QRegularExpression("round \\d +tunebench +[0-9.]+ MiB/s +sha256sum +"
                                            "[0-9.]+ MiB/s +digest [0-9a-f]{64}")),
             2);
    QVERIFY2(r.out.contains(QRegularExpression("time ratio [0-9.]+ \\(tunebench / sha256sum\\)")),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("(from the cache)"), qPrintable(r.out));
  }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"

// `tunebench-cli evaluate` end to end through the real binary.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "CliRunner.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

namespace {

#define EXPECT_EXIT(result, code)                                                             \
  QVERIFY2((result).exitCode == (code), qPrintable(QString("exit %1\nstdout: %2\nstderr: %3") \
                                                       .arg((result).exitCode)                \
                                                       .arg((result).out, (result).err)))

QString write(const QTemporaryDir& dir, const QString& name, const std::string& bytes) {
  const QString path = dir.filePath(name);
  std::ofstream(path.toStdString(), std::ios::binary) << bytes;
  return path;
}

}  // namespace

class CliEvaluateTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString model_;
  QString data_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model");
    EXPECT_EXIT(runCli({"make-model", "--arch", "llama", "--preset", "tiny", "--out", model_}), 0);
    data_ = write(dir_, "eval.jsonl",
                  "{\"question\": \"What is 2 plus 3?\", \"answer\": \"5\"}\n"
                  "{\"question\": \"Name a bird.\", \"answer\": \"owl\"}\n"
                  "{\"question\": \"The cat sat on the\", \"answer\": \"mat\"}\n");
  }

  void textReportShowsFiguresAndSamples() {
    const auto r =
        runCli({"evaluate", "--model", model_, "--data", data_, "--prompt-field", "question",
                "--response-field", "answer", "--max-new-tokens", "4", "--samples", "2"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("examples: 3\n"), qPrintable(r.out));
    QVERIFY2(r.out.contains("exact match: "), qPrintable(r.out));
    QVERIFY2(r.out.contains("perplexity: "), qPrintable(r.out));
    QVERIFY2(r.out.contains("sample 2"), qPrintable(r.out));
    QVERIFY2(!r.out.contains("sample 3"), qPrintable(r.out));
    QVERIFY2(r.out.contains("prompt:    \"Name a bird.\""), qPrintable(r.out));
    QVERIFY2(r.out.contains("reference: \"owl\""), qPrintable(r.out));
    QVERIFY2(r.out.contains("generated: "), qPrintable(r.out));
  }

  void jsonReportIsOneObject() {
    const auto r =
        runCli({"evaluate", "--model", model_, "--data", data_, "--prompt-field", "question",
                "--response-field", "answer", "--max-new-tokens", "3", "--limit", "2", "--json"});
    EXPECT_EXIT(r, 0);
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(), qPrintable(r.out));
    const auto report = document.object();
    QCOMPARE(report["examples"].toInt(), 2);
    QVERIFY(report["exact_match"].isDouble());
    QVERIFY(report["perplexity"].toDouble() > 1.0);
    QVERIFY(std::abs(std::exp(report["mean_nll"].toDouble()) - report["perplexity"].toDouble()) <
            1e-6 * report["perplexity"].toDouble());
    const auto outcomes = report["outcomes"].toArray();
    QCOMPARE(outcomes.size(), qsizetype(2));
    QCOMPARE(outcomes[1].toObject()["reference"].toString(), QString("owl"));
    QVERIFY(outcomes[0].toObject().contains("generated"));
    QVERIFY(outcomes[0].toObject()["response_tokens"].toInt() > 0);
  }

  void evaluatesAnAdapterTrainedByTheCli() {
    const auto train = write(dir_, "train.jsonl",
                             "{\"prompt\": \"What is 2 plus 3?\", \"response\": \"5\"}\n"
                             "{\"prompt\": \"Name a bird.\", \"response\": \"owl\"}\n");
    const QString output = dir_.filePath("run");
    const std::string config = "{\"model\": \"" + model_.toStdString() + "\", \"output\": \"" +
                               output.toStdString() + "\", \"objective\": \"sft\", " +
                               "\"data\": {\"train\": \"" + train.toStdString() +
                               "\", \"max_length\": 32}, \"method\": {\"name\": \"lora\", " +
                               "\"r\": 4}, \"batch_size\": 2, \"epochs\": 2, \"threads\": 1}";
    const auto configPath = write(dir_, "run.json", config);
    EXPECT_EXIT(runCli({"train", "--config", configPath}), 0);
    const QString adapter = output + "/adapter";
    QVERIFY(QFile::exists(adapter + "/adapter_config.json"));

    const auto r = runCli({"evaluate", "--model", model_, "--adapter", adapter, "--data", train,
                           "--max-new-tokens", "2", "--json"});
    EXPECT_EXIT(r, 0);
    const auto report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(report["adapter"].toString(), adapter);
    QCOMPARE(report["examples"].toInt(), 2);

    const auto missing = runCli(
        {"evaluate", "--model", model_, "--adapter", dir_.filePath("nowhere"), "--data", train});
    EXPECT_EXIT(missing, 1);
    QVERIFY2(missing.err.contains("nowhere"), qPrintable(missing.err));
  }

  // `adapters inspect|merge` on the adapter the previous case trained: the merged folder generates
  // what the base model with the adapter applied generates (merged vs unmerged LoRA).
  void adaptersInspectAndMerge() {
    const QString adapter = dir_.filePath("run/adapter");
    if (!QFile::exists(adapter + "/adapter_config.json")) QSKIP("needs the trained adapter");
    const auto inspect = runCli({"adapters", "inspect", "--adapter", adapter, "--model", model_});
    EXPECT_EXIT(inspect, 0);
    QVERIFY2(inspect.out.contains("rank: 4"), qPrintable(inspect.out));
    QVERIFY2(inspect.out.contains("fits "), qPrintable(inspect.out));

    const QString merged = dir_.filePath("merged");
    EXPECT_EXIT(
        runCli({"adapters", "merge", "--adapter", adapter, "--model", model_, "--out", merged}), 0);
    QVERIFY(QFile::exists(merged + "/model.safetensors"));
    QVERIFY(QFile::exists(merged + "/tokenizer.model"));
    const QStringList prompt{"--prompt", "What is 2 plus 3?", "--max-new-tokens",
                             "6",        "--threads",         "1"};
    const auto fromMerged = runCli(QStringList{"generate", "--model", merged} + prompt);
    const auto withAdapter =
        runCli(QStringList{"generate", "--model", model_, "--adapter", adapter} + prompt);
    EXPECT_EXIT(fromMerged, 0);
    EXPECT_EXIT(withAdapter, 0);
    QCOMPARE(fromMerged.out, withAdapter.out);

    const auto again =
        runCli({"adapters", "merge", "--adapter", adapter, "--model", model_, "--out", merged});
    EXPECT_EXIT(again, 1);
    QVERIFY2(again.err.contains("not empty"), qPrintable(again.err));
    const auto missing = runCli({"adapters", "inspect", "--adapter", dir_.filePath("nowhere")});
    EXPECT_EXIT(missing, 1);
    QVERIFY2(missing.err.contains("adapter_config.json"), qPrintable(missing.err));
  }

  // A classifier trained by `train` (LoRA, objective classification): `evaluate` sees that the
  // merged folder, and the base with the adapter, are classifiers and reports their figures;
  // the confusion counts add up to the examples and agree with the per-example answers.
  void evaluatesAClassifierTrainedByTheCli() {
    std::string lines;
    for (int i = 0; i < 12; ++i)
      lines += std::string("{\"body\": \"") + (i % 3 ? "quiet sea " : "loud storm ") +
               std::to_string(i) + "\", \"tag\": \"" + (i % 3 ? "calm" : "storm") + "\"}\n";
    const auto train = write(dir_, "classes.jsonl", lines);
    const QString output = dir_.filePath("classifier-run");
    const std::string config =
        "{\"model\": \"" + model_.toStdString() + "\", \"output\": \"" + output.toStdString() +
        "\", \"objective\": \"classification\", \"data\": {\"train\": \"" + train.toStdString() +
        "\", \"text_field\": \"body\", \"label_field\": \"tag\", \"max_length\": 16}, "
        "\"method\": {\"name\": \"lora\", \"r\": 4}, \"batch_size\": 4, \"max_steps\": 2, "
        "\"threads\": 1}";
    EXPECT_EXIT(runCli({"train", "--config", write(dir_, "classifier-run.json", config)}), 0);

    const QStringList fields{"--text-field", "body", "--label-field", "tag", "--max-length", "16"};
    const auto text = runCli(
        QStringList{"evaluate", "--model", output + "/final", "--data", train, "--samples", "1"} +
        fields);
    EXPECT_EXIT(text, 0);
    QVERIFY2(text.out.contains("classifier over 2 classes"), qPrintable(text.out));
    QVERIFY2(text.out.contains("examples: 12\n"), qPrintable(text.out));
    QVERIFY2(text.out.contains("accuracy: "), qPrintable(text.out));
    QVERIFY2(text.out.contains("macro F1: "), qPrintable(text.out));
    QVERIFY2(text.out.contains("confusion (rows: label, columns: predicted)"),
             qPrintable(text.out));
    QVERIFY2(!text.out.contains("perplexity"), qPrintable(text.out));

    const auto r = runCli(QStringList{"evaluate", "--model", model_, "--adapter",
                                      output + "/adapter", "--data", train, "--json"} +
                          fields);
    EXPECT_EXIT(r, 0);
    const auto report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(report["task"].toString(), QString("classification"));
    QCOMPARE(report["examples"].toInt(), 12);
    QCOMPARE(report["labels"].toArray(), (QJsonArray{"calm", "storm"}));
    const auto outcomes = report["outcomes"].toArray();
    QCOMPARE(outcomes.size(), qsizetype(12));
    int counts[2][2] = {{0, 0}, {0, 0}}, correct = 0;
    for (const auto& value : outcomes) {
      const auto outcome = value.toObject();
      const int actual = outcome["label"].toString() == "storm";
      const int predicted = outcome["predicted"].toString() == "storm";
      ++counts[actual][predicted];
      correct += actual == predicted;
      QCOMPARE(outcome["correct"].toBool(), actual == predicted);
      QVERIFY(outcome["probability"].toDouble() >= 0.5);
    }
    const auto confusion = report["confusion"].toArray();
    for (int a = 0; a < 2; ++a)
      for (int p = 0; p < 2; ++p) QCOMPARE(confusion[a].toArray()[p].toInt(), counts[a][p]);
    QCOMPARE(report["accuracy"].toDouble(), correct / 12.0);
    QCOMPARE(report["classes"].toArray()[1].toObject()["support"].toInt(), 4);

    const auto bad =
        write(dir_, "unknown-class.jsonl",
              "{\"body\": \"a\", \"tag\": \"calm\"}\n{\"body\": \"b\", \"tag\": \"fog\"}\n");
    const auto refused =
        runCli(QStringList{"evaluate", "--model", output + "/final", "--data", bad} + fields);
    EXPECT_EXIT(refused, 1);
    QVERIFY2(refused.err.contains(bad + ": line 2: label \"fog\""), qPrintable(refused.err));

    // A bottleneck-adapter classifier: no merged folder, the adapter carries head and classes.
    const QString bottleneckOutput = dir_.filePath("bottleneck-classifier-run");
    std::string bottleneckConfig = config;
    bottleneckConfig.replace(bottleneckConfig.find(output.toStdString()), output.size(),
                             bottleneckOutput.toStdString());
    const std::string lora = "{\"name\": \"lora\", \"r\": 4}";
    bottleneckConfig.replace(bottleneckConfig.find(lora), lora.size(),
                             "{\"name\": \"bottleneck\", \"bottleneck\": {\"size\": 4}}");
    EXPECT_EXIT(
        runCli({"train", "--config", write(dir_, "bottleneck-classifier.json", bottleneckConfig)}),
        0);
    const auto inspect = runCli(
        {"adapters", "inspect", "--adapter", bottleneckOutput + "/adapter", "--model", model_});
    EXPECT_EXIT(inspect, 0);
    QVERIFY2(inspect.out.contains("sequence classifier head over calm, storm"),
             qPrintable(inspect.out));
    QVERIFY2(inspect.out.contains("every tensor matches the model"), qPrintable(inspect.out));
    const auto bottleneck = runCli(QStringList{"evaluate", "--model", model_, "--adapter",
                                               bottleneckOutput + "/adapter", "--data", train} +
                                   fields);
    EXPECT_EXIT(bottleneck, 0);
    QVERIFY2(bottleneck.out.contains("classifier over 2 classes"), qPrintable(bottleneck.out));
  }

  // An evaluator plugin from a plugin folder is offered by --evaluator (and listed by --help);
  // its metrics and items are printed. Without the plugin its id is refused.
  void aPluginEvaluatorRunsByItsId() {
    QTemporaryDir plugins;
    QVERIFY(QFile::copy(QStringLiteral(TUNEBENCH_TEST_PLUGIN_DIR "/tb_fixture_plugin.so"),
                        plugins.filePath("fixture.so")));
    const auto lines = write(dir_, "pairs.kv", "colour=blue\nbroken line\nsize=3\nx=y\n");
    qputenv("TUNEBENCH_PLUGIN_PATH", plugins.path().toUtf8());
    const auto help = runCli({"evaluate", "--help"});
    const auto json = runCli(
        {"evaluate", "--model", model_, "--data", lines, "--evaluator", "fixture-kv", "--json"});
    const auto text = runCli({"evaluate", "--model", model_, "--data", lines, "--evaluator",
                              "fixture-kv", "--samples", "1"});
    qputenv("TUNEBENCH_PLUGIN_PATH", "");
    QVERIFY2(help.out.contains("generation: Exact match and perplexity"), qPrintable(help.out));
    QVERIFY2(help.out.contains("fixture-kv: Key=value lines (fixture)"), qPrintable(help.out));
    EXPECT_EXIT(json, 0);
    const auto report = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(report["evaluator"].toString(), QStringLiteral("fixture-kv"));
    QCOMPARE(report["metrics"].toObject()["pair_share"].toDouble(), 0.75);
    QCOMPARE(report["metrics"].toObject()["lines"].toDouble(), 4.0);
    QCOMPARE(report["items"].toArray().size(), 4);
    QCOMPARE(report["items"].toArray()[1].toObject()["output"].toString(), QStringLiteral("other"));
    EXPECT_EXIT(text, 0);
    QVERIFY2(text.out.contains("evaluator: fixture-kv\npair_share: 0.7500\nlines: 4.0000\n"),
             qPrintable(text.out));
    QVERIFY2(text.out.contains("item 1 (score 1)"), qPrintable(text.out));
    QVERIFY2(!text.out.contains("item 2"), qPrintable(text.out));

    const auto refused =
        runCli({"evaluate", "--model", model_, "--data", lines, "--evaluator", "fixture-kv"});
    EXPECT_EXIT(refused, 2);
    QVERIFY2(refused.err.contains("fixture-kv"), qPrintable(refused.err));
  }

  // A Parquet benchmark file through --evaluator benchmark: the task is detected, the few-shot
  // setting reaches the evaluator, and the JSON report has the harness's metrics.
  void aBenchmarkFileIsScoredByLogLikelihood() {
    const QString parquet = QStringLiteral(
        TUNEBENCH_SOURCE_DIR "/tests/fixtures/parquet/mmlu.arrow-v2-zstd-dict.parquet");
    const auto r = runCli({"evaluate", "--model", model_, "--data", parquet, "--evaluator",
                           "benchmark", "--fewshot", "2", "--limit", "4", "--json"});
    EXPECT_EXIT(r, 0);
    const auto report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(report["evaluator"].toString(), QStringLiteral("benchmark"));
    const auto metrics = report["metrics"].toObject();
    QCOMPARE(metrics["questions"].toDouble(), 4.0);
    QVERIFY(metrics.contains("acc") && metrics.contains("acc_stderr") &&
            metrics.contains("acc_norm"));
    QCOMPARE(report["items"].toArray().size(), 4);
    QCOMPARE(report["items"]
                 .toArray()[0]
                 .toObject()["details"]
                 .toObject()["log_likelihoods"]
                 .toArray()
                 .size(),
             4);
    const auto bad = runCli({"evaluate", "--model", model_, "--data", data_, "--evaluator",
                             "benchmark", "--task", "winogrande"});
    QVERIFY(bad.exitCode != 0);
    QVERIFY2(bad.err.contains("sentence"), qPrintable(bad.err));  // the field it misses

    const auto bench = runCli({"bench", "eval", "--model", model_, "--questions", "3", "--fewshot",
                               "1", "--runs", "1", "--threads", "1"});
    EXPECT_EXIT(bench, 0);
    QVERIFY2(bench.out.contains("shared contexts:") && bench.out.contains("speed-up:"),
             qPrintable(bench.out));
  }

  // `evaluate bench`: two tasks from the command line, saved as a suite and re-run from it with
  // the same figures; recorded in a project as the base model and as a run's final model, the
  // run is compared with its base on the same evaluation.
  void aSuiteRunsSavesAndComparesWithTheBase() {
    const QString mmlu = QStringLiteral(TUNEBENCH_SOURCE_DIR
                                        "/tests/fixtures/parquet/mmlu.arrow-v2-zstd-dict.parquet");
    const QString suite = dir_.filePath("suite.yaml");
    const auto first = runCli({"evaluate", "bench", "--model", model_, "--task", "mmlu=" + mmlu,
                               "--task", "generation=" + data_, "--limit", "3", "--save-suite",
                               suite, "--json", "--threads", "1"});
    EXPECT_EXIT(first, 1);  // a task failed; the others ran
    const auto report = QJsonDocument::fromJson(first.out.toUtf8()).object();
    const auto tasks = report["tasks"].toArray();
    QCOMPARE(tasks.size(), 2);
    QCOMPARE(tasks[0].toObject()["evaluator"].toString(), QStringLiteral("benchmark"));
    QCOMPARE(tasks[0].toObject()["settings"].toObject()["num_fewshot"].toInt(), 0);
    QCOMPARE(tasks[0].toObject()["metrics"].toObject()["questions"].toDouble(), 3.0);
    // The generation task read prompt/response fields it does not have: reported, not fatal.
    QVERIFY(tasks[1].toObject().contains("error"));
    QVERIFY(QFile::exists(suite));

    const auto again = runCli({"evaluate", "bench", "--model", model_, "--suite", suite, "--limit",
                               "3", "--json", "--threads", "1"});
    EXPECT_EXIT(again, 1);  // the failing task again
    const auto rerun = QJsonDocument::fromJson(again.out.toUtf8()).object()["tasks"].toArray();
    QCOMPARE(rerun[0].toObject()["metrics"], tasks[0].toObject()["metrics"]);

    const std::string project = dir_.filePath("bench.tbproj").toStdString();
    int64_t run = 0;
    {
      auto store = tunebench::store::ProjectStore::create(project);
      const int64_t model =
          tunebench::store::ModelRepository(store).add("tiny", model_.toStdString(), "llama", "00");
      tunebench::store::NewRun record("tuned");
      record.modelId = model;
      run = tunebench::store::RunRepository(store).create(record);
    }
    const QString projectFile = QString::fromStdString(project);
    EXPECT_EXIT(runCli({"evaluate", "bench", "--model", model_, "--task", "mmlu=" + mmlu, "--limit",
                        "3", "--project", projectFile, "--threads", "1"}),
                0);
    const auto tuned =
        runCli({"evaluate", "bench", "--model", model_, "--task", "mmlu=" + mmlu, "--limit", "3",
                "--project", projectFile, "--run", QString::number(run), "--threads", "1"});
    EXPECT_EXIT(tuned, 0);
    QVERIFY2(tuned.out.contains("recorded as evaluation #") &&
                 tuned.out.contains("against the base model:") && tuned.out.contains("acc: 0.") &&
                 !tuned.out.contains("FORGETTING"),
             qPrintable(tuned.out));

    const auto unknown =
        runCli({"evaluate", "bench", "--model", model_, "--task", "mmlux=" + mmlu});
    EXPECT_EXIT(unknown, 1);
    QVERIFY2(unknown.err.contains("unknown task \"mmlux\""), qPrintable(unknown.err));
    EXPECT_EXIT(runCli({"evaluate", "bench", "--model", model_}), 1);
  }

  // `evaluate safety`: a built-in suite with the judge and wrappers asked for, reported per task.
  void safetySuitesWithTheirJudge() {
    const auto r = runCli({"evaluate", "safety", "--model", model_, "--suite", "overrefusal",
                           "--limit", "2", "--max-new-tokens", "4", "--judge", "refusal-substring",
                           "--attacks", "rot13", "--json", "--threads", "1"});
    EXPECT_EXIT(r, 0);
    const auto tasks = QJsonDocument::fromJson(r.out.toUtf8()).object()["tasks"].toArray();
    QCOMPARE(tasks.size(), 1);
    const auto task = tasks[0].toObject();
    QCOMPARE(task["name"].toString(), QStringLiteral("overrefusal"));
    QCOMPARE(task["evaluator"].toString(), QStringLiteral("safety"));
    QCOMPARE(task["settings"].toObject()["judge"].toString(), QStringLiteral("refusal-substring"));
    QCOMPARE(task["questions"].toInt(), 2);  // two prompts under one wrapper
    QVERIFY(task["metrics"].toObject().contains("over_refusal_rate"));
    QVERIFY(task["metrics"].toObject().contains("attack_success_rate (attack: rot13)"));
    EXPECT_EXIT(
        runCli({"evaluate", "safety", "--model", model_, "--suite", "redteam", "--judge", "guess"}),
        2);
  }

  void badInputIsReported() {
    const auto bad = write(dir_, "bad.jsonl", "{\"prompt\": \"a\", \"response\": \"b\"}\n{oops\n");
    auto r = runCli({"evaluate", "--model", model_, "--data", bad});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains(bad + ": line 2: not valid JSON at column"), qPrintable(r.err));

    r = runCli({"evaluate", "--model", model_, "--data", data_});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains("line 1: field 'prompt' is missing"), qPrintable(r.err));

    r = runCli({"evaluate", "--model", model_});
    EXPECT_EXIT(r, 2);
  }
};

QTEST_GUILESS_MAIN(CliEvaluateTest)
#include "tst_cli_evaluate.moc"

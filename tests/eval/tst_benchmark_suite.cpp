// Benchmark suite definitions: YAML read as the core schema types it (and refused where it could
// hurt: aliases, deep nesting, several documents), suites read from YAML and JSON with files
// relative to the suite, written back relative so they travel, command-line task specs, and the
// harness's default few-shot counts.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

#include "common/Error.h"
#include "common/YamlFile.h"
#include "eval/BenchmarkSuite.h"

using namespace tunebench;

namespace {

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

class BenchmarkSuiteTest : public QObject {
  Q_OBJECT
 private slots:
  void yamlScalarsFollowTheCoreSchema() {
    const auto value = parseYaml(
        "a: 12\nb: -3.5e2\nc: true\nd: ~\ne: '12'\nf: \"yes\"\ng: yes\nh: 0x1F\ni: 0o17\n"
        "j: .inf\nk: -.inf\nl: [1, two, 3.0]\nm:\n  - x: 1\n  - y\nn: !!str 7\no:\n",
        "t.yaml");
    QCOMPARE(value["a"].get<int64_t>(), int64_t(12));
    QCOMPARE(value["b"].get<double>(), -350.0);
    QCOMPARE(value["c"].get<bool>(), true);
    QVERIFY(value["d"].is_null());
    QCOMPARE(value["e"].get<std::string>(), std::string("12"));  // quoted: text
    QCOMPARE(value["f"].get<std::string>(), std::string("yes"));
    QCOMPARE(value["g"].get<std::string>(), std::string("yes"));  // 1.2: not a boolean
    QCOMPARE(value["h"].get<int64_t>(), int64_t(31));
    QCOMPARE(value["i"].get<int64_t>(), int64_t(15));
    QVERIFY(std::isinf(value["j"].get<double>()) && value["j"].get<double>() > 0);
    QVERIFY(value["k"].get<double>() < 0);
    QCOMPARE(value["l"].dump(), std::string("[1,\"two\",3.0]"));
    QCOMPARE(value["m"][0]["x"].get<int64_t>(), int64_t(1));
    QCOMPARE(value["m"][1].get<std::string>(), std::string("y"));
    QCOMPARE(value["n"].get<std::string>(), std::string("7"));
    QVERIFY(value["o"].is_null());
    // JSON is YAML.
    QCOMPARE(parseYaml("{\"a\": [1, {\"b\": null}]}", "j.yaml").dump(),
             std::string("{\"a\":[1,{\"b\":null}]}"));
  }

  void yamlThatCouldHurtIsRefusedWithItsPosition() {
    QVERIFY(errorOf([] {
              parseYaml("a: &x [1, 2]\nb: *x\n", "t.yaml");
            }).find("t.yaml: line 1, column 4: anchors") != std::string::npos);
    QVERIFY(errorOf([] { parseYaml("a: 1\n---\nb: 2\n", "t.yaml"); }).find("a second document") !=
            std::string::npos);
    QVERIFY(errorOf([] {
              parseYaml("a: 1\na: 2\n", "t.yaml");
            }).find("line 2, column 4: the key \"a\" appears twice") != std::string::npos);
    QVERIFY(errorOf([] { parseYaml("a: [1, 2\nb: 3\n", "t.yaml"); }).find("t.yaml: line ") == 0);
    QVERIFY(errorOf([] { parseYaml("? [1]\n: 2\n", "t.yaml"); }).find("a key must be") !=
            std::string::npos);
    const std::string deep = std::string(600, '[') + std::string(600, ']');
    QVERIFY(errorOf([&] { parseYaml(deep, "deep.yaml"); }).find("nested deeper than 512") !=
            std::string::npos);
    JsonLimits small;
    small.maxBytes = 4;
    QVERIFY(errorOf([&] { parseYaml("a: 12345", "big.yaml", small); }).find("more than the 4") !=
            std::string::npos);
    // A long plain scalar is read, not matched by a recursive pattern.
    const std::string longScalar(1 << 20, '7');
    QVERIFY(parseYaml("a: " + longScalar, "long.yaml")["a"].is_number());
  }

  void suitesReadRelativeAndWriteRelative() {
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString();
    std::ofstream(folder + "/suite.yml") << "name: general\n"
                                            "tasks:\n"
                                            "  - file: data/mmlu.parquet\n"
                                            "    task: mmlu\n"
                                            "    num_fewshot: 5\n"
                                            "    fewshot_file: data/dev.parquet\n"
                                            "  - name: answers\n"
                                            "    file: /elsewhere/qa.jsonl\n"
                                            "    evaluator: generation\n"
                                            "    metrics: [bleu, rouge]\n";
    const auto suite = readBenchmarkSuite(folder + "/suite.yml");
    QCOMPARE(suite.name, std::string("general"));
    QCOMPARE(suite.tasks.size(), size_t(2));
    QCOMPARE(suite.tasks[0].file, folder + "/data/mmlu.parquet");
    QCOMPARE(suite.tasks[0].evaluator, std::string("benchmark"));
    QCOMPARE(suite.tasks[0].settings["fewshot_file"].get<std::string>(),
             folder + "/data/dev.parquet");
    QCOMPARE(suite.tasks[0].displayName(), std::string("mmlu.parquet"));
    QCOMPARE(suite.tasks[1].displayName(), std::string("answers"));
    QCOMPARE(suite.tasks[1].settings["metrics"].size(), size_t(2));

    writeBenchmarkSuite(suite, folder + "/copy.json");
    const auto json = benchmarkSuiteJson(suite, folder);
    QCOMPARE(json["tasks"][0]["file"].get<std::string>(), std::string("data/mmlu.parquet"));
    QCOMPARE(json["tasks"][0]["fewshot_file"].get<std::string>(), std::string("data/dev.parquet"));
    QCOMPARE(json["tasks"][1]["file"].get<std::string>(), std::string("/elsewhere/qa.jsonl"));
    const auto again = readBenchmarkSuite(folder + "/copy.json");
    QCOMPARE(again.tasks[0].file, suite.tasks[0].file);
    QCOMPARE(again.tasks[1].settings.dump(), suite.tasks[1].settings.dump());
    // JSON is valid YAML: the same file under a YAML name reads the same.
    std::filesystem::copy_file(folder + "/copy.json", folder + "/copy.yaml");
    QCOMPARE(readBenchmarkSuite(folder + "/copy.yaml").tasks[1].name, std::string("answers"));
  }

  void badSuitesNameTheTaskAndKey() {
    const auto bad = [](const std::string& json) {
      return errorOf(
          [&] { benchmarkSuiteFromJson(nlohmann::json::parse(json), "s.json", "/data"); });
    };
    QCOMPARE(bad(R"({"tasks": []})"), std::string("s.json: \"tasks\" must list at least one task"));
    QCOMPARE(bad(R"({"tasks": [{"task": "mmlu"}]})"),
             std::string("s.json: task 1: names no \"file\" to evaluate"));
    QVERIFY(bad(R"({"tasks": [{"file": "a", "evaluator": "judge"}]})")
                .find("s.json: task 1: unknown evaluator \"judge\"") == 0);
    QVERIFY(bad(R"({"tasks": [{"file": "a"}, {"file": "b", "task": "mmlux"}]})")
                .find("s.json: task 2: ") == 0);
    QVERIFY(bad(R"({"tasks": [{"file": 3}]})").find("\"file\" must be text") != std::string::npos);
  }

  void specsAndDefaultFewShot() {
    const auto detected = suiteTaskFromSpec("data/arc.jsonl");
    QCOMPARE(detected.file, std::string("data/arc.jsonl"));
    QVERIFY(detected.settings.empty());
    const auto gsm8k = suiteTaskFromSpec("gsm8k=test.parquet");
    QCOMPARE(gsm8k.settings["task"].get<std::string>(), std::string("gsm8k"));
    QCOMPARE(suiteTaskFromSpec("perplexity=wiki.txt").evaluator, std::string("perplexity"));
    // A built-in safety suite keeps its name wherever the suite file lies.
    const auto safety = suiteTaskFromSpec("safety=builtin:redteam");
    QCOMPARE(safety.evaluator, std::string("safety"));
    BenchmarkSuite withSafety{"s", {safety}};
    const auto json = benchmarkSuiteJson(withSafety, "/data");
    QCOMPARE(json["tasks"][0]["file"].get<std::string>(), std::string("builtin:redteam"));
    QCOMPARE(benchmarkSuiteFromJson(json, "s.json", "/data").tasks[0].file,
             std::string("builtin:redteam"));
    QVERIFY(errorOf([] { suiteTaskFromSpec("mmlux=a"); }).find("unknown task \"mmlux\"") !=
            std::string::npos);
    QVERIFY(errorOf([] { suiteTaskFromSpec("mmlu="); }).find("names no file") != std::string::npos);

    // GSM8K's harness default is 5-shot; an explicit count (the task's or an override) wins.
    QCOMPARE(effectiveTaskSettings(gsm8k, {})["num_fewshot"].get<int64_t>(), int64_t(5));
    QCOMPARE(effectiveTaskSettings(gsm8k, {{"num_fewshot", 2}})["num_fewshot"].get<int64_t>(),
             int64_t(2));
    QCOMPARE(effectiveTaskSettings(suiteTaskFromSpec("mmlu=a"), {})["num_fewshot"].get<int64_t>(),
             int64_t(0));
    QVERIFY(!effectiveTaskSettings(detected, {}).contains("num_fewshot"));
    QCOMPARE(effectiveTaskSettings(detected, {{"limit", 4}})["limit"].get<int64_t>(), int64_t(4));
  }
};

QTEST_GUILESS_MAIN(BenchmarkSuiteTest)
#include "tst_benchmark_suite.moc"

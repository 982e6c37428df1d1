// Logits against an independent reference: tests/reference/decoder_reference.py computes them
// from the model definitions with plain PyTorch (Debian's python3-torch).
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "ModelFixtures.h"
#include "common/TorchPch.h"
#include "model/ModelFolder.h"

using namespace tunebench;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kScript =
    QStringLiteral(TUNEBENCH_SOURCE_DIR "/tests/reference/decoder_reference.py");

bool referenceAvailable() {
  QProcess probe;
  probe.start(kPython, {"-c", "import torch, numpy"});
  return probe.waitForFinished(60000) && probe.exitStatus() == QProcess::NormalExit &&
         probe.exitCode() == 0;
}

}  // namespace

class ReferenceLogitsTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    if (!referenceAvailable())
      QSKIP("python3-torch is not installed (packaging/install-deps.sh installs it)");
  }

  void matchesReference_data() {
    QTest::addColumn<QString>("architecture");
    // Merged into the tiny model's config.json (a JSON merge patch); empty: none.
    QTest::addColumn<QString>("configPatch");
    QTest::newRow("llama") << "llama"
                           << "";
    QTest::newRow("llama, linear rope")
        << "llama"
        << "{\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0}}";
    QTest::newRow("llama, llama3 rope")
        << "llama"
        << "{\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,"
           "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":16}}";
    QTest::newRow("mistral, window 6") << "mistral"
                                       << "";
    QTest::newRow("qwen2") << "qwen2"
                           << "";
    // head_dim 16 with hidden 32 and 4 heads: the explicit head size, not hidden / heads.
    QTest::newRow("qwen3") << "qwen3"
                           << "";
    // Layer 1 of 2 without positions: a model that rotated it would differ.
    QTest::newRow("smollm3") << "smollm3"
                             << "";
    QTest::newRow("olmo2") << "olmo2"
                           << "";
    // Gemma: (1 + w) norms, scaled embeddings, GeGLU; Gemma 2 and 3 with a window of 4 that
    // the 12 tokens cross, a score scale that is not 1/√head_dim; Gemma 2's caps at 2 and 3;
    // Gemma 3's local base 100 against a linearly scaled global one.
    QTest::newRow("gemma") << "gemma"
                           << "";
    QTest::newRow("gemma2") << "gemma2"
                            << "";
    QTest::newRow("gemma3") << "gemma3"
                            << "";
    // Phi-3: fused projections, half of each head rotating, LongRope's short factors (12 tokens
    // within 64) and, with the original context lowered to 8, its long factors and sqrt(2) scale.
    QTest::newRow("phi3") << "phi3"
                          << "";
    QTest::newRow("phi3, past the original context") << "phi3"
                                                     << "{\"original_max_position_embeddings\":8}";
    QTest::newRow("gpt2") << "gpt2"
                          << "";
  }
  void matchesReference() {
    QFETCH(QString, architecture);
    QFETCH(QString, configPatch);
    auto config = tinyConfigJson(architecture.toStdString());
    if (!configPatch.isEmpty())
      config.merge_patch(nlohmann::json::parse(configPatch.toStdString()));
    if (architecture == "llama") config["rope_theta"] = 500.0;  // makes every frequency band matter
    auto model = buildCausalLM(parseModelConfig(config.dump(), "config.json"));
    {
      torch::NoGradGuard noGrad;
      auto generator = at::detail::createCPUGenerator(21);
      for (auto& parameter : model->parameters())
        parameter.copy_(torch::randn(parameter.sizes(), generator) * 0.3 +
                        (parameter.dim() == 1 ? 1.0 : 0.0));
    }
    const auto folder = dir_.filePath(QTest::currentDataTag()).toStdString();
    saveModelFolder(*model, folder);

    const std::vector<int64_t> ids = {3, 50, 7, 7, 91, 12, 0, 44, 65, 23, 5, 80};
    QStringList arguments{kScript, QString::fromStdString(folder)};
    for (auto id : ids) arguments << QString::number(id);
    QProcess python;
    python.start(kPython, arguments);
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const auto expectedJson = nlohmann::json::parse(python.readAllStandardOutput().toStdString());

    torch::NoGradGuard noGrad;
    ForwardInput input;
    input.inputIds = torch::tensor(ids, torch::kInt64).unsqueeze(0);
    const auto logits = model->forward(input)[0];
    QCOMPARE(logits.size(0), int64_t(ids.size()));
    std::vector<std::vector<float>> rows = expectedJson.get<std::vector<std::vector<float>>>();
    torch::Tensor reference = torch::empty({int64_t(rows.size()), int64_t(rows[0].size())});
    for (size_t i = 0; i < rows.size(); ++i) reference[int64_t(i)] = torch::tensor(rows[i]);
    const double difference = (logits - reference).abs().max().item<double>();
    QVERIFY2(difference < 1e-3, qPrintable(QString("max |difference| %1").arg(difference)));
  }
};

QTEST_GUILESS_MAIN(ReferenceLogitsTest)
#include "tst_reference_logits.moc"

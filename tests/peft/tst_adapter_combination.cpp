// Combining LoRA adapters file to file: concatenation is exact (checked against merging each
// adapter into the model in turn), linear follows its formula, SVD is exact at full rank and the
// best approximation below it; what cannot be combined is refused with the reason.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "ModelFixtures.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "peft/AdapterCombination.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"

using namespace tunebench;

namespace {

const std::string kLayer = "base_model.model.model.layers.0.self_attn.q_proj";

torch::Tensor logitsOf(CausalLMImpl& model) {
  torch::NoGradGuard noGrad;
  torch::manual_seed(123);
  ForwardInput input;
  input.inputIds = torch::randint(97, {2, 9}, torch::kInt64);
  return model.forward(input);
}

// An adapter with random A and B on a tiny Llama, saved in PEFT's layout.
void writeAdapter(const std::string& folder, LoraConfig config, uint64_t seed) {
  auto model = tinyRandomModel("llama", 4);
  applyLora(*model, config);
  torch::NoGradGuard noGrad;
  torch::manual_seed(seed);
  for (auto& [path, layer] : loraLayers(*model)) {
    layer->loraA(config.adapterName).normal_(0, 0.2);
    layer->loraB(config.adapterName).normal_(0, 0.2);
  }
  savePeftAdapter(*model, folder, config.adapterName, "tiny-llama");
}

// ΔW of one layer as the adapter folder's files say: scaling · B · A.
torch::Tensor deltaOf(const std::string& folder, const std::string& layer) {
  const auto config = readPeftAdapterConfig(folder);
  const SafetensorsReader reader(folder + "/adapter_model.safetensors");
  const auto a = reader.tensor(layer + ".lora_A.weight").to(torch::kFloat64);
  const auto b = reader.tensor(layer + ".lora_B.weight").to(torch::kFloat64);
  return torch::matmul(b, a) * loraScaling(config);
}

}  // namespace

class AdapterCombinationTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string first_, second_, same_;

  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    LoraConfig a;
    a.r = 4;
    a.alpha = 8;
    a.targets = {"q_proj", "v_proj"};
    first_ = path("first");
    writeAdapter(first_, a, 1);
    LoraConfig b;
    b.r = 2;
    b.alpha = 3;
    b.rslora = true;
    b.targets = {"q_proj", "o_proj"};
    second_ = path("second");
    writeAdapter(second_, b, 2);
    a.alpha = 4;
    same_ = path("same-rank");
    writeAdapter(same_, a, 3);
  }

  // Concatenation with weights 1 and 1 equals merging both adapters into the model in turn.
  void concatenationEqualsMergingEachInTurn() {
    const auto out = path("concat");
    const auto report =
        combineAdapters({{first_, 1.0}, {second_, 1.0}}, AdapterCombination::Concatenate, 0, out);
    QCOMPARE(report.rank, int64_t(6));
    QCOMPARE(report.targets, (std::vector<std::string>{"q_proj", "v_proj", "o_proj"}));
    QCOMPARE(report.worstRelativeError, 0.0);

    auto inTurn = tinyRandomModel("llama", 4);
    loadPeftAdapter(*inTurn, first_);
    mergeAndUnloadLora(*inTurn);
    loadPeftAdapter(*inTurn, second_);
    mergeAndUnloadLora(*inTurn);
    auto combined = tinyRandomModel("llama", 4);
    const auto config = loadPeftAdapter(*combined, out);
    QCOMPARE(config.r, int64_t(6));
    QCOMPARE(loraScaling(config), 1.0);
    QVERIFY(torch::allclose(logitsOf(*combined), logitsOf(*inTurn), 1e-5, 1e-5));
  }

  void weightedConcatenationAddsWeightedUpdates() {
    const auto out = path("concat-weighted");
    combineAdapters({{first_, 0.7}, {second_, -0.4}}, AdapterCombination::Concatenate, 0, out);
    for (const auto* layer : {"base_model.model.model.layers.0.self_attn.q_proj",
                              "base_model.model.model.layers.1.self_attn.v_proj"}) {
      auto expected = deltaOf(first_, layer) * 0.7;
      if (std::string(layer).find("q_proj") != std::string::npos)
        expected += deltaOf(second_, layer) * -0.4;
      QVERIFY2(torch::allclose(deltaOf(out, layer), expected, 1e-5, 1e-6), layer);
    }
    // A layer only the second adapter touches.
    const std::string oProj = "base_model.model.model.layers.0.self_attn.o_proj";
    QVERIFY(torch::allclose(deltaOf(out, oProj), deltaOf(second_, oProj) * -0.4, 1e-5, 1e-6));
  }

  // Linear: one adapter at weight 1 reproduces it; two adapters follow the factor formula.
  void linearFollowsItsFormula() {
    const auto alone = path("linear-alone");
    combineAdapters({{first_, 1.0}}, AdapterCombination::Linear, 0, alone);
    QVERIFY(torch::allclose(deltaOf(alone, kLayer), deltaOf(first_, kLayer), 1e-5, 1e-6));

    const auto out = path("linear");
    combineAdapters({{first_, 0.5}, {same_, 2.0}}, AdapterCombination::Linear, 0, out);
    const SafetensorsReader a(first_ + "/adapter_model.safetensors");
    const SafetensorsReader c(same_ + "/adapter_model.safetensors");
    const double s1 = 8.0 / 4, s2 = 4.0 / 4;
    const double r1 = std::sqrt(0.5 * s1), r2 = std::sqrt(2.0 * s2);
    const auto bigA =
        a.tensor(kLayer + ".lora_A.weight") * r1 + c.tensor(kLayer + ".lora_A.weight") * r2;
    const auto bigB =
        a.tensor(kLayer + ".lora_B.weight") * r1 + c.tensor(kLayer + ".lora_B.weight") * r2;
    QVERIFY(torch::allclose(deltaOf(out, kLayer), torch::matmul(bigB, bigA).to(torch::kFloat64),
                            1e-5, 1e-6));
  }

  // SVD at a rank that holds the whole update is exact; below it the error is the
  // Eckart–Young bound, the norm of the dropped singular values.
  void svdIsExactAtFullRankAndOptimalBelow() {
    const auto full = path("svd-full");
    auto report =
        combineAdapters({{first_, 0.6}, {second_, 0.9}}, AdapterCombination::Svd, 6, full);
    QVERIFY2(report.worstRelativeError < 1e-6,
             qPrintable(QString::number(report.worstRelativeError)));
    const auto expected = deltaOf(first_, kLayer) * 0.6 + deltaOf(second_, kLayer) * 0.9;
    QVERIFY(torch::allclose(deltaOf(full, kLayer), expected, 1e-4, 1e-6));

    const auto low = path("svd-rank-2");
    report = combineAdapters({{first_, 0.6}, {second_, 0.9}}, AdapterCombination::Svd, 2, low);
    QCOMPARE(report.rank, int64_t(2));
    QCOMPARE(readPeftAdapterConfig(low).r, int64_t(2));
    const auto singular = torch::linalg::svdvals(expected, c10::nullopt);
    const double bound =
        singular.narrow(0, 2, singular.size(0) - 2).pow(2).sum().sqrt().item<double>() /
        expected.norm().item<double>();
    const double error =
        (deltaOf(low, kLayer) - expected).norm().item<double>() / expected.norm().item<double>();
    QVERIFY2(std::abs(error - bound) < 1e-5, qPrintable(QString("%1 vs %2").arg(error).arg(bound)));
    QVERIFY(report.worstRelativeError >= error - 1e-9);
  }

  void whatCannotBeCombinedIsRefused() {
    auto refuses = [](const std::function<void()>& call, const std::string& expected) {
      try {
        call();
      } catch (const Error& e) {
        return std::string(e.what()).find(expected) != std::string::npos;
      }
      return false;
    };
    QVERIFY(refuses(
        [&] {
          combineAdapters({{first_, 1}, {second_, 1}}, AdapterCombination::Linear, 0, path("x"));
        },
        "same rank"));
    QVERIFY(refuses(
        [&] {
          combineAdapters({{first_, 1}}, AdapterCombination::Concatenate, 0, first_);
        },
        "already exists"));
    LoraConfig dora;
    dora.dora = true;
    const auto doraFolder = path("dora");
    writeAdapter(doraFolder, dora, 4);
    QVERIFY(refuses(
        [&] {
          combineAdapters({{doraFolder, 1}}, AdapterCombination::Concatenate, 0, path("y"));
        },
        "DoRA"));
    QVERIFY(!QFileInfo::exists(dir_.filePath("x")) && !QFileInfo::exists(dir_.filePath("y")));
    QVERIFY(!QFileInfo::exists(dir_.filePath("x.partial")));
    QVERIFY(refuses(
        [&] {
          combineAdapters({{path("nowhere"), 1}}, AdapterCombination::Svd, 0, path("z"));
        },
        "nowhere"));
    // A rank beyond every layer would only allocate zeros: refused with the number.
    QVERIFY(refuses(
        [&] {
          combineAdapters({{first_, 1}}, AdapterCombination::Svd, 1000000000, path("w"));
        },
        "the SVD rank 1000000000 is above what the layers can hold"));
    QVERIFY(!QFileInfo::exists(dir_.filePath("w")));
    // An adapter_config.json whose r no layer could have is a damaged file, not an allocation.
    const auto damaged = path("damaged-rank");
    QDir().mkpath(QString::fromStdString(damaged));
    std::ofstream(damaged + "/adapter_config.json")
        << R"({"peft_type": "LORA", "r": 1000000000000, "lora_alpha": 8,)"
        << R"( "target_modules": ["q_proj"]})";
    QVERIFY(refuses([&] { readPeftAdapterConfig(damaged); }, "r must be a whole number from 1"));
  }
};

QTEST_GUILESS_MAIN(AdapterCombinationTest)
#include "tst_adapter_combination.moc"

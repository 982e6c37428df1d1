#include <QTemporaryDir>
#include <QtTest>

#include <cfloat>
#include <filesystem>
#include <fstream>

#include "ModelFixtures.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "peft/LinearSlots.h"
#include "peft/LoraModel.h"
#include "peft/Nf4.h"
#include "peft/PeftAdapterFiles.h"
#include "peft/QloraLinear.h"
#include "peft/QloraModel.h"
#include "train/Trainer.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kLlamaTargets = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                "gate_proj", "up_proj", "down_proj"};

// Each block's absmax as the original weight has it, zero-padded like the quantiser pads.
torch::Tensor blockAbsmax(const torch::Tensor& weight) {
  const auto flat = weight.reshape(-1);
  const int64_t padded = (flat.numel() + kNf4BlockSize - 1) / kNf4BlockSize * kNf4BlockSize;
  return torch::constant_pad_nd(flat, {0, padded - flat.numel()}, 0)
      .view({-1, kNf4BlockSize})
      .abs()
      .amax(1);
}

struct RoundTrip {
  double maxError = 0;       // largest |w − ŵ|
  double maxBoundRatio = 0;  // largest |w − ŵ| / (bound of its element)
  double maxScaleError = 0;  // largest |absmax − stored absmax|
  double maxScaleRatio = 0;  // that over its bound, groupScale / 254
  double relativeRms = 0;    // ‖w − ŵ‖ / ‖w‖
};

// Checks every element against NF4's bound: half the widest code gap times its block's absmax,
// plus the error of the double-quantised absmax, which is checked against its own bound.
RoundTrip checkRoundTrip(const torch::Tensor& weight) {
  const auto quantized = quantizeNf4(weight);
  const auto restored = dequantizeNf4(quantized);
  RoundTrip trip;
  if (restored.sizes() != weight.sizes()) {
    QTest::qFail("shape changed", __FILE__, __LINE__);
    return trip;
  }
  const auto absmax = blockAbsmax(weight);
  const auto stored = dequantizeNf4Scales(quantized);
  const auto scaleError = (absmax - stored).abs();
  const int64_t blocks = absmax.numel();
  const int64_t groups = (blocks + kNf4ScaleGroupSize - 1) / kNf4ScaleGroupSize;
  const auto groupOfBlock = torch::arange(blocks, torch::kInt64).div(kNf4ScaleGroupSize, "floor");
  // One step of the 8-bit scale codes is groupScale / 127; rounding costs at most half of it.
  // (The small slack is fp32 rounding of the centring and rescaling.)
  const auto scaleBound = quantized.groupScales.index_select(0, groupOfBlock) / 254.0 * (1 + 1e-5) +
                          1e-6 * absmax.max().item<double>() + 1e-30;
  trip.maxScaleError = scaleError.max().item<double>();
  trip.maxScaleRatio = (scaleError / scaleBound).max().item<double>();
  if (quantized.groupScales.numel() != groups) QTest::qFail("group count", __FILE__, __LINE__);

  const auto error = (weight - restored).abs().reshape(-1);
  const auto bound = (nf4MaxRoundingError() * absmax + scaleError) * (1 + 1e-5) + 1e-30;
  const auto elementBound = bound.repeat_interleave(kNf4BlockSize).narrow(0, 0, weight.numel());
  trip.maxError = error.max().item<double>();
  trip.maxBoundRatio = (error / elementBound).max().item<double>();
  trip.relativeRms = (weight - restored).norm().item<double>() / weight.norm().item<double>();
  return trip;
}

struct Recorder {
  BasicJobContext context;
  std::map<int64_t, double> losses;
  std::vector<std::string> infos;
  Recorder() {
    context.onMetric = [this](int64_t step, const std::string& key, double value) {
      if (key == "loss") losses[step] = value;
    };
    context.onLog = [this](LogLevel, const std::string& text) { infos.push_back(text); };
  }
  std::string lineStartingWith(const std::string& prefix) const {
    for (const auto& line : infos)
      if (line.rfind(prefix, 0) == 0) return line;
    return {};
  }
};

torch::Tensor logitsOf(CausalLMImpl& model) {
  torch::NoGradGuard noGrad;
  model.eval();
  ForwardInput input;
  input.inputIds = torch::arange(3, 23, torch::kInt64).view({2, 10}) % 50;
  return model.forward(input);
}

}  // namespace

class QloraTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  // Saving a model whose base is in NF4, or one with unmerged adapters, is refused with what to
  // do instead: either would write a folder that does not load as its config says.
  void savingAnUnmergedOrQuantisedModelIsRefused() {
    auto quantised = tinyRandomModel("llama", 2);
    LoraConfig config;
    applyQlora(*quantised, config);
    try {
      saveModelFolder(*quantised, dir_.filePath("nf4-save").toStdString());
      QFAIL("saved an NF4 base");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("NF4-quantised base") != std::string::npos, e.what());
    }
    auto adapted = tinyRandomModel("llama", 2);
    applyLora(*adapted, config);
    try {
      saveModelFolder(*adapted, dir_.filePath("lora-save").toStdString());
      QFAIL("saved unmerged adapters");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("merge and unload it first") != std::string::npos,
               e.what());
    }
    mergeAndUnloadLora(*adapted);
    saveModelFolder(*adapted, dir_.filePath("merged-save").toStdString());
    QVERIFY(loadModelFolder(dir_.filePath("merged-save").toStdString()).model);
  }

  void codeTableIsNormalQuantiles() {
    const auto& codes = nf4CodeValues();
    QCOMPARE(codes.size(), size_t(16));
    QCOMPARE(codes.front(), -1.0f);
    QCOMPARE(codes.back(), 1.0f);
    for (size_t i = 0; i + 1 < codes.size(); ++i) QVERIFY(codes[i] < codes[i + 1]);
    QCOMPARE(std::count(codes.begin(), codes.end(), 0.0f), 1L);
    QCOMPARE(codes[7], 0.0f);
    // The definition: 8 positive and 7 negative quantiles of N(0, 1), evenly spaced in
    // probability from 1/2 to the offset 1 − (1/30 + 1/32)/2, divided by the largest.
    auto quantile = [](double p) {
      return std::sqrt(2.0) *
             torch::erfinv(torch::tensor(2 * p - 1, torch::kFloat64)).item<double>();
    };
    const double offset = 0.9677083, top = quantile(offset);
    for (int i = 1; i <= 8; ++i)
      QVERIFY(std::abs(codes[7 + i] - quantile(0.5 + (offset - 0.5) * i / 8) / top) < 1e-6);
    for (int i = 1; i <= 7; ++i)
      QVERIFY(std::abs(codes[7 - i] + quantile(0.5 + (offset - 0.5) * i / 7) / top) < 1e-6);
    QVERIFY(std::abs(nf4MaxRoundingError() - 0.5 * (codes[1] - codes[0])) < 1e-7);
  }

  void gaussianWeightsStayWithinTheBound() {
    torch::manual_seed(11);
    const auto weight = torch::randn({384, 320}) * 0.02;  // 1920 blocks, 8 scale groups
    const auto trip = checkRoundTrip(weight);
    qInfo(
        "NF4 on N(0, 0.02²) %s: max error %.3g, max error / bound %.3f, relative RMS error "
        "%.4f; absmax error max %.3g (%.3f of its bound)",
        "384x320", trip.maxError, trip.maxBoundRatio, trip.relativeRms, trip.maxScaleError,
        trip.maxScaleRatio);
    QVERIFY2(trip.maxBoundRatio <= 1.0, qPrintable(QString::number(trip.maxBoundRatio)));
    QVERIFY2(trip.maxScaleRatio <= 1.0, qPrintable(QString::number(trip.maxScaleRatio)));
    // Rounding to 16 levels is lossy, but on normal weights far from the worst case.
    QVERIFY(trip.maxError > 0);
    QVERIFY2(trip.relativeRms < 0.12, qPrintable(QString::number(trip.relativeRms)));
    // The codes are the nearest ones: re-quantising the restored weight changes nothing.
    const auto once = dequantizeNf4(quantizeNf4(weight));
    QVERIFY(torch::allclose(dequantizeNf4(quantizeNf4(once)), once, 1e-3, 1e-6));
  }

  void memoryIsReported() {
    const auto quantized = quantizeNf4(torch::randn({256, 512}));
    // 0.5 bytes per weight, 1 byte per 64-block, 4 bytes per 256 blocks, 4 bytes of mean.
    const int64_t blocks = 256 * 512 / 64;
    QCOMPARE(quantized.bytes(), 256 * 512 / 2 + blocks + 4 * (blocks / 256) + 4);
    QVERIFY(quantized.bytes() * 6 < 256 * 512 * 4);
    QCOMPARE(quantized.packedCodes.scalar_type(), torch::kUInt8);
    QCOMPARE(quantized.scaleCodes.scalar_type(), torch::kInt8);
  }

  void zeroBlocksStayZero() {
    torch::manual_seed(2);
    auto weight = torch::randn({10, 64});
    weight.narrow(0, 3, 2).zero_();  // blocks 3 and 4
    weight[9][5] = 0.0f;             // a single zero inside a non-zero block
    const auto restored = dequantizeNf4(quantizeNf4(weight));
    QVERIFY(torch::equal(restored.narrow(0, 3, 2), torch::zeros({2, 64})));
    QCOMPARE(restored[9][5].item<float>(), 0.0f);
    QVERIFY(torch::equal(dequantizeNf4(quantizeNf4(torch::zeros({3, 7}))), torch::zeros({3, 7})));
  }

  void oddShapesRoundTrip_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("columns");
    QTest::newRow("1x1") << 1 << 1;
    QTest::newRow("3x5") << 3 << 5;
    QTest::newRow("1x64") << 1 << 64;
    QTest::newRow("65x3") << 65 << 3;
    QTest::newRow("130x257 (two scale groups)") << 130 << 257;
  }
  void oddShapesRoundTrip() {
    QFETCH(int, rows);
    QFETCH(int, columns);
    torch::manual_seed(rows * 1000 + columns);
    const auto weight = torch::randn({rows, columns});
    const auto quantized = quantizeNf4(weight);
    const int64_t count = int64_t(rows) * columns;
    const int64_t blocks = (count + 63) / 64;
    QCOMPARE(quantized.shape, std::vector<int64_t>({rows, columns}));
    QCOMPARE(quantized.count, count);
    QCOMPARE(quantized.blocks(), blocks);
    QCOMPARE(quantized.packedCodes.numel(), blocks * 32);
    QCOMPARE(quantized.groupScales.numel(), (blocks + 255) / 256);
    QCOMPARE(dequantizeNf4(quantized).sizes(), weight.sizes());
    const auto trip = checkRoundTrip(weight);
    QVERIFY2(trip.maxBoundRatio <= 1.0, qPrintable(QString::number(trip.maxBoundRatio)));
    QVERIFY2(trip.maxScaleRatio <= 1.0, qPrintable(QString::number(trip.maxScaleRatio)));
  }

  // The decoder reads the packed bytes directly; here each element is decoded on its own from
  // its nibble, its code value and its block's stored scale.
  void dequantisationDecodesEveryNibble_data() { oddShapesRoundTrip_data(); }
  void dequantisationDecodesEveryNibble() {
    QFETCH(int, rows);
    QFETCH(int, columns);
    torch::manual_seed(rows * 7 + columns);
    const auto quantized = quantizeNf4(torch::randn({rows, columns}) * 0.02);
    const auto codes = quantized.packedCodes.to(torch::kInt64);
    const auto nibbles = torch::stack({codes.remainder(16), codes.div(16, "floor")}, 1).view(-1);
    const auto codeValues =
        torch::tensor(std::vector<float>(nf4CodeValues().begin(), nf4CodeValues().end()));
    const auto scales = dequantizeNf4Scales(quantized).repeat_interleave(kNf4BlockSize);
    const auto expected = (codeValues.index_select(0, nibbles) * scales)
                              .narrow(0, 0, quantized.count)
                              .view({rows, columns});
    QVERIFY(torch::equal(dequantizeNf4(quantized), expected));
    QVERIFY(torch::equal(dequantizeNf4Transient(quantized), expected));
    // The reused buffer: a smaller weight after a larger one still reads its own values.
    const auto small = quantizeNf4(torch::randn({2, 3}));
    const auto smallExpected = dequantizeNf4(small);
    QVERIFY(torch::equal(dequantizeNf4Transient(small), smallExpected));
    QCOMPARE(dequantizeNf4(quantized, torch::kFloat64).scalar_type(), torch::kFloat64);
  }

  void badWeightsAreRefused_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("nan") << "nan"
                         << "NaN or infinite";
    QTest::newRow("infinity") << "inf"
                              << "NaN or infinite";
    QTest::newRow("integer") << "int"
                             << "floating-point";
    QTest::newRow("empty") << "empty"
                           << "non-empty";
  }
  void badWeightsAreRefused() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    auto weight = torch::randn({4, 8});
    if (kind == "nan") weight[1][2] = NAN;
    if (kind == "inf") weight[3][7] = INFINITY;
    if (kind == "int") weight = torch::ones({4, 8}, torch::kInt32);
    if (kind == "empty") weight = torch::empty({0, 8});
    try {
      quantizeNf4(weight);
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(expected), e.what());
    }
  }

  void qloraLinearMatchesLoraOnTheDequantisedWeight_data() {
    QTest::addColumn<bool>("rslora");
    QTest::addColumn<bool>("bias");
    QTest::newRow("lora with bias") << false << true;
    QTest::newRow("rslora without bias") << true << false;
  }
  void qloraLinearMatchesLoraOnTheDequantisedWeight() {
    QFETCH(bool, rslora);
    QFETCH(bool, bias);
    torch::manual_seed(5);
    LinearImpl base(70, 40, bias);
    {
      torch::NoGradGuard noGrad;
      base.weight.normal_(0, 0.05);
      if (bias) base.bias.normal_(0, 0.1);
    }
    LoraConfig config;
    config.r = 4;
    config.alpha = 8;
    config.rslora = rslora;
    QloraLinearImpl qlora(base);
    qlora.addAdapter(config);
    QVERIFY(!qlora.weight.defined());
    QVERIFY(!qlora.named_parameters(false).contains("weight"));
    QCOMPARE(qlora.named_parameters(false).contains("bias"), bias);

    const auto dequantised = dequantizeNf4(qlora.quantizedWeight());
    LoraLinearImpl reference(
        LinearImpl(dequantised, bias ? base.bias.detach().clone() : torch::Tensor()));
    reference.addAdapter(config);
    {
      torch::NoGradGuard noGrad;
      qlora.loraB("default").normal_(0, 0.1);
      reference.loraA("default").copy_(qlora.loraA("default"));
      reference.loraB("default").copy_(qlora.loraB("default"));
    }
    QCOMPARE(qlora.scaling("default"), reference.scaling("default"));
    const auto x = torch::randn({2, 5, 70});
    const auto xq = x.clone().requires_grad_(true), xr = x.clone().requires_grad_(true);
    const auto yq = qlora.forward(xq), yr = reference.forward(xr);
    QVERIFY(torch::equal(yq, yr));
    QVERIFY(torch::equal(qlora.adaptedWeight(), reference.adaptedWeight()));

    const auto upstream = torch::randn({2, 5, 40});
    (yq * upstream).sum().backward();
    (yr * upstream).sum().backward();
    for (const char* which : {"A", "B"}) {
      const auto& a = which[0] == 'A' ? qlora.loraA("default") : qlora.loraB("default");
      const auto& b = which[0] == 'A' ? reference.loraA("default") : reference.loraB("default");
      QVERIFY2(a.grad().defined(), which);
      QVERIFY2(torch::allclose(a.grad(), b.grad(), 1e-6, 1e-7), which);
    }
    QVERIFY(torch::allclose(xq.grad(), xr.grad(), 1e-6, 1e-7));
    if (bias) QVERIFY(!qlora.bias.grad().defined());  // the base stays frozen
  }

  void qloraLayersRefuseMerging() {
    LinearImpl base(8, 8, false);
    {
      torch::NoGradGuard noGrad;
      base.weight.normal_();
    }
    QloraLinearImpl qlora(base);
    qlora.addAdapter(LoraConfig{});
    try {
      qlora.merge();
      QFAIL("merged");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("full-precision base"), e.what());
    }
  }

  void quantisedModelUsesASixthOfTheMemory_data() {
    QTest::addColumn<QString>("architecture");
    QTest::newRow("llama") << "llama";
    QTest::newRow("gpt2") << "gpt2";
  }
  void quantisedModelUsesASixthOfTheMemory() {
    QFETCH(QString, architecture);
    auto quantizedModel = tinyRandomModel(architecture.toStdString(), 4);
    auto reference = tinyRandomModel(architecture.toStdString(), 4);
    int64_t linearParameters = 0;
    for (const auto& slot : linearSlots(*reference))
      if (isReplaceable(slot) && slot.path != "lm_head")  // the head stays in full precision
        linearParameters += slot.layer->weight.numel();
    const auto report = quantizeLinearLayers(*quantizedModel);
    QCOMPARE(report.layers, int64_t(architecture == "gpt2" ? 8 : 14));
    QCOMPARE(report.parameters, linearParameters);
    QCOMPARE(report.fp32Bytes, linearParameters * 4);
    qInfo("%s: NF4 base %lld bytes, fp32 %lld bytes (%.3f)", qPrintable(architecture),
          static_cast<long long>(report.nf4Bytes), static_cast<long long>(report.fp32Bytes),
          double(report.nf4Bytes) / double(report.fp32Bytes));
    QVERIFY(report.nf4Bytes * 6 < report.fp32Bytes);
    for (const auto& item : quantizedModel->named_parameters())
      QVERIFY2(item.key().find("_proj.weight") == std::string::npos &&
                   item.key().find(".c_attn.weight") == std::string::npos &&
                   item.key().find(".c_fc.weight") == std::string::npos,
               item.key().c_str());

    // The quantised model computes what the model with dequantised weights computes.
    {
      torch::NoGradGuard noGrad;
      std::map<std::string, torch::Tensor> restored;
      for (const auto& item : quantizedModel->named_modules("", false))
        if (auto layer = std::dynamic_pointer_cast<QloraLinearImpl>(item.value()))
          restored[item.key()] = dequantizeNf4(layer->quantizedWeight());
      for (const auto& slot : linearSlots(*reference))
        if (restored.count(slot.path)) slot.layer->weight.copy_(restored.at(slot.path));
      QCOMPARE(restored.size(), size_t(report.layers));
    }
    QVERIFY(torch::allclose(logitsOf(*quantizedModel), logitsOf(*reference), 1e-5, 1e-5));
    try {
      auto again = tinyRandomModel(architecture.toStdString(), 4);
      LoraConfig config;
      config.targets = {architecture == "gpt2" ? "c_attn" : "q_proj"};
      applyLora(*again, config);
      quantizeLinearLayers(*again);
      QFAIL("quantised a layer with an adapter");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("already carries a LoRA adapter"), e.what());
    }
  }

  void qloraSettingsAreRead() {
    const nlohmann::json json = {
        {"model", "m"},
        {"output", "o"},
        {"data", {{"train", "t.jsonl"}}},
        {"method", {{"name", "qlora"}, {"r", 16}, {"alpha", 4}, {"rslora", true}}}};
    const auto config = parseTrainingConfig(json, "run.json");
    QVERIFY(config.method.kind == MethodKind::Qlora);
    QVERIFY(config.method.usesAdapters() && config.method.quantizesBase());
    QCOMPARE(config.method.lora.r, int64_t(16));
    QVERIFY(config.method.lora.rslora && !config.method.lora.dora);
    auto withFreeze = json;
    withFreeze["freeze"] = {{"layers", 1}};
    QVERIFY_THROWS_EXCEPTION(Error, parseTrainingConfig(withFreeze, "run.json"));
  }

  void qloraTrainingLowersTheLossAndSavesALoraAdapter() {
    const std::string model = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model, 3});
    const std::string data = dir_.filePath("train.jsonl").toStdString();
    {
      std::ofstream train(data);
      const char* animals[] = {"cat", "dog", "owl", "fox"};
      for (int i = 0; i < 32; ++i) {
        const int a = i % 10, b = (i * 7) % 10;
        nlohmann::json record{{"text", "The " + std::string(animals[i % 4]) + " has " +
                                           std::to_string(a) + " and " + std::to_string(b) + "."}};
        train << record.dump() << "\n";
      }
    }
    const nlohmann::json json = {
        {"model", model},
        {"output", dir_.filePath("qlora-run").toStdString()},
        {"data", {{"train", data}, {"max_length", 48}}},
        {"optimizer", {{"name", "adamw"}, {"lr", 0.02}}},
        {"schedule", {{"name", "constant"}}},
        {"method",
         {{"name", "qlora"}, {"r", 4}, {"alpha", 8}, {"dropout", 0.1}, {"targets", kLlamaTargets}}},
        {"batch_size", 4},
        {"epochs", 3},
        {"threads", 1},
        {"seed", 7}};
    const auto config = parseTrainingConfig(json, "run.json");
    QVERIFY(config.method.kind == MethodKind::Qlora && config.method.usesAdapters());
    QVERIFY(!config.method.lora.dora);

    Trainer trainer(config, false);
    bool baseIsNf4 = false;
    trainer.hooks.afterBackward = [&](int64_t step, CausalLMImpl& trained) {
      if (step != 0) return;
      const auto report = quantizedBaseOf(trained);
      baseIsNf4 = report.layers == 14;
      for (const auto& item : trained.named_parameters())
        if (item.value().requires_grad() != (item.key().find(".lora_") != std::string::npos))
          baseIsNf4 = false;
    };
    Recorder recorder;
    trainer.run(recorder.context);
    const auto result = trainer.result();
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    QVERIFY(baseIsNf4);
    // The last quarter's mean against the first loss: single losses swing by about 0.05 from
    // step to step (dropout, a constant learning rate), which float rounding alone can shift.
    const double firstLoss = recorder.losses.begin()->second;
    const size_t lastQuarter = std::max<size_t>(1, recorder.losses.size() / 4);
    double lastLoss = 0;
    auto late = recorder.losses.rbegin();
    for (size_t i = 0; i < lastQuarter; ++i, ++late) lastLoss += late->second / lastQuarter;
    QString trace;
    for (const auto& [step, loss] : recorder.losses) trace += QString(" %1").arg(loss, 0, 'f', 3);
    qInfo("QLoRA losses:%s", qPrintable(trace));
    QVERIFY2(lastLoss < 0.93 * firstLoss, qPrintable(QString("%1 -> %2 (mean of the last %3)")
                                                         .arg(firstLoss)
                                                         .arg(lastLoss)
                                                         .arg(lastQuarter)));

    // Parameters: the total is the full model's, NF4 weights included, plus the adapters.
    auto base = loadModelFolder(model);
    int64_t baseTotal = 0;
    for (const auto& parameter : base.model->parameters()) baseTotal += parameter.numel();
    long long trainable = 0, total = 0;
    const auto counts = recorder.lineStartingWith("trainable parameters: ");
    QVERIFY2(
        std::sscanf(counts.c_str(), "trainable parameters: %lld of %lld", &trainable, &total) == 2,
        counts.c_str());
    // r · (in + out) per adapted layer: every projection of the 2 layers.
    int64_t adapterSize = 0;
    for (const auto& slot : linearSlots(*base.model))
      if (isReplaceable(slot) && slot.path != "lm_head")
        adapterSize += 4 * (slot.layer->weight.size(0) + slot.layer->weight.size(1));
    QCOMPARE(int64_t(trainable), adapterSize);
    QCOMPARE(int64_t(total), baseTotal + int64_t(trainable));
    const auto memory = recorder.lineStartingWith("NF4 base: 14 linear weights");
    QVERIFY2(!memory.empty(), "no NF4 memory line");
    qInfo("%s", memory.c_str());

    // The adapter is a plain PEFT LoRA adapter: it loads onto the full-precision base and gives
    // the final (merged) model's logits.
    const auto adapterConfig = readJsonFile(result.adapterFolder + "/adapter_config.json");
    QCOMPARE(adapterConfig["peft_type"].get<std::string>(), std::string("LORA"));
    QVERIFY(!adapterConfig["use_rslora"].get<bool>());
    QVERIFY(!adapterConfig["use_dora"].get<bool>());
    const auto baseLogits = logitsOf(*base.model);
    loadPeftAdapter(*base.model, result.adapterFolder);
    const auto adapted = logitsOf(*base.model);
    QVERIFY(!torch::allclose(adapted, baseLogits, 0, 1e-3));
    auto merged = loadModelFolder(result.finalModelFolder);
    // The final model is the full-precision base with the update merged, not the NF4 base.
    QVERIFY(torch::allclose(logitsOf(*merged.model), adapted, 1e-5, 1e-5));
  }
};

QTEST_GUILESS_MAIN(QloraTest)
#include "tst_qlora.moc"

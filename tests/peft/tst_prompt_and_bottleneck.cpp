// Prompt tuning and bottleneck adapters: the forward pass with virtual tokens (masks,
// positions, packed segments, padding, generation), adapters that start as the base, training
// that moves only the adapter, PEFT-layout files, resume and config errors.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "../train/TrainingRecorder.h"
#include "ModelFixtures.h"
#include "builtin/AdapterExporter.h"
#include "builtin/MergedModelExporter.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "eval/ModelSourceLoading.h"
#include "eval/RunEvaluationTarget.h"
#include "jobs/BasicJobContext.h"
#include "model/Generation.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "model/SafetensorsReader.h"
#include "peft/AdapterFolder.h"
#include "peft/BottleneckAdapters.h"
#include "peft/PeftAdapterFiles.h"
#include "peft/PromptTuning.h"
#include "plugins/RunExportSource.h"
#include "train/DryRunEstimate.h"
#include "train/Trainer.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

using Recorder = tunebench::testing::TrainingRecorder;

torch::Tensor ids(std::vector<int64_t> values) {
  return torch::tensor(values, torch::kInt64).unsqueeze(0);
}

torch::Tensor logitsOf(CausalLMImpl& model, const torch::Tensor& inputIds) {
  torch::NoGradGuard noGrad;
  model.eval();
  ForwardInput input;
  input.inputIds = inputIds;
  return model.forward(input);
}

const torch::Tensor& tokenEmbeddings(CausalLMImpl& model) {
  const bool gpt2 = model.config().family == ModelFamily::Gpt2;
  return *model.named_parameters().find(gpt2 ? "transformer.wte.weight"
                                             : "model.embed_tokens.weight");
}

// Virtual tokens equal to the embeddings of `prefix`: the model then reads prefix + text.
void usePrefixAsVirtualTokens(CausalLMImpl& model, const std::vector<int64_t>& prefix) {
  applyPromptTuning(
      model, tokenEmbeddings(model).detach().index_select(0, torch::tensor(prefix, torch::kInt64)));
}

void randomise(const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  torch::NoGradGuard noGrad;
  for (const auto& [name, tensor] : tensors) {
    auto target = tensor;
    target.copy_(torch::randn_like(target) * 0.1);
  }
}

const std::vector<int64_t> kPrefix = {5, 17, 42};
const std::vector<int64_t> kText = {7, 3, 88, 21, 9, 60};

}  // namespace

class PromptAndBottleneckTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_;
  std::string data_;

  nlohmann::json runConfig(const QString& output, const nlohmann::json& method) {
    return {{"model", model_},
            {"output", dir_.filePath(output).toStdString()},
            {"data", {{"train", data_}, {"max_length", 48}}},
            {"optimizer", {{"name", "adamw"}, {"lr", 0.05}}},
            {"schedule", {{"name", "constant"}}},
            {"method", method},
            {"batch_size", 4},
            {"max_steps", 8},
            {"checkpoint_every", 4},
            {"threads", 1},
            {"seed", 11}};
  }
  static nlohmann::json methodFor(const QString& method) {
    if (method == "prompt_tuning")
      return {{"name", "prompt_tuning"},
              {"prompt_tuning",
               {{"num_virtual_tokens", 4}, {"init", "text"}, {"init_text", "The cat"}}}};
    return {{"name", "bottleneck"}, {"bottleneck", {{"size", 8}, {"activation", "relu"}}}};
  }
  TrainingResult train(const nlohmann::json& json, Recorder& recorder, bool resume = false) {
    Trainer trainer(parseTrainingConfig(json, "run.json"), resume);
    trainer.run(recorder.context);
    return trainer.result();
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
    data_ = dir_.filePath("train.jsonl").toStdString();
    std::ofstream train(data_);
    const char* animals[] = {"cat", "dog", "owl", "fox"};
    for (int i = 0; i < 16; ++i) {
      nlohmann::json record{{"text", "The " + std::string(animals[i % 4]) + " sees " +
                                         std::to_string(i % 3) + " birds."}};
      train << record.dump() << "\n";
    }
  }

  void virtualTokensActAsATokenPrefix_data() {
    QTest::addColumn<QString>("architecture");
    QTest::newRow("llama") << "llama";
    QTest::newRow("gpt2") << "gpt2";
    QTest::newRow("mistral") << "mistral";
  }
  void virtualTokensActAsATokenPrefix() {
    QFETCH(QString, architecture);
    auto base = tinyRandomModel(architecture.toStdString(), 5);
    auto tuned = tinyRandomModel(architecture.toStdString(), 5);
    usePrefixAsVirtualTokens(*tuned, kPrefix);
    QCOMPARE(tuned->virtualTokenCount(), int64_t(3));
    std::vector<int64_t> whole = kPrefix;
    whole.insert(whole.end(), kText.begin(), kText.end());
    const auto expected = logitsOf(*base, ids(whole)).narrow(1, 3, 6);
    const auto got = logitsOf(*tuned, ids(kText));
    QVERIFY(got.sizes() == expected.sizes());  // logits of the real tokens only
    QVERIFY2(torch::allclose(got, expected, 1e-5, 1e-5),
             qPrintable(QString::number((got - expected).abs().max().item<double>())));
  }

  void packedSegmentsAndPaddingSeeTheVirtualTokens() {
    auto base = tinyRandomModel("llama", 6);
    auto tuned = tinyRandomModel("llama", 6);
    usePrefixAsVirtualTokens(*tuned, kPrefix);
    torch::NoGradGuard noGrad;
    // A packed row of two segments: each must read as prefix + its own segment.
    const std::vector<int64_t> first = {7, 3, 88}, second = {21, 9, 60, 11};
    ForwardInput packed;
    packed.inputIds = ids({7, 3, 88, 21, 9, 60, 11});
    packed.segmentIds = ids({0, 0, 0, 1, 1, 1, 1});
    packed.positionIds = ids({0, 1, 2, 0, 1, 2, 3});
    tuned->eval();
    const auto packedLogits = tuned->forward(packed);
    QCOMPARE(packedLogits.size(1), int64_t(7));
    int64_t offset = 0;
    for (const auto& segment : {first, second}) {
      std::vector<int64_t> whole = kPrefix;
      whole.insert(whole.end(), segment.begin(), segment.end());
      const auto length = static_cast<int64_t>(segment.size());
      const auto expected = logitsOf(*base, ids(whole)).narrow(1, 3, length);
      QVERIFY(torch::allclose(packedLogits.narrow(1, offset, length), expected, 1e-5, 1e-5));
      offset += length;
    }
    // Left padding: the padded row gives the logits of its real tokens read after the prefix.
    ForwardInput padded;
    padded.inputIds = torch::cat({ids({0, 0, 7, 3, 88, 21}), ids({9, 60, 11, 4, 2, 8})}, 0);
    padded.paddingMask = torch::cat({ids({0, 0, 1, 1, 1, 1}), ids({1, 1, 1, 1, 1, 1})}, 0);
    const auto paddedLogits = tuned->forward(padded);
    std::vector<int64_t> whole = kPrefix;
    for (int64_t id : {7, 3, 88, 21}) whole.push_back(id);
    const auto expected = logitsOf(*base, ids(whole)).narrow(1, 3, 4);
    QVERIFY(torch::allclose(paddedLogits[0].narrow(0, 2, 4), expected[0], 1e-5, 1e-5));
  }

  void generationWithVirtualTokens_data() {
    QTest::addColumn<QString>("architecture");
    QTest::newRow("llama") << "llama";
    QTest::newRow("gpt2") << "gpt2";
  }
  void generationWithVirtualTokens() {
    QFETCH(QString, architecture);
    auto base = tinyRandomModel(architecture.toStdString(), 8);
    auto tuned = tinyRandomModel(architecture.toStdString(), 8);
    usePrefixAsVirtualTokens(*tuned, kPrefix);
    base->eval();
    tuned->eval();
    GenerationSettings settings;
    settings.maxNewTokens = 6;
    const std::vector<std::vector<int64_t>> prompts = {{7, 3, 88}, {21, 9}};
    const auto cached = generate(*tuned, prompts, settings);
    settings.useCache = false;
    const auto uncached = generate(*tuned, prompts, settings);
    QCOMPARE(cached, uncached);
    // The base model given the prefix in front of each prompt continues the same way.
    settings.useCache = true;
    for (size_t i = 0; i < prompts.size(); ++i) {
      std::vector<int64_t> whole = kPrefix;
      whole.insert(whole.end(), prompts[i].begin(), prompts[i].end());
      QCOMPARE(generate(*base, {whole}, settings).front(), cached[i]);
    }
  }

  void bottleneckAdaptersStartAsTheBase_data() {
    QTest::addColumn<QString>("architecture");
    QTest::newRow("llama") << "llama";
    QTest::newRow("gpt2") << "gpt2";
  }
  void bottleneckAdaptersStartAsTheBase() {
    QFETCH(QString, architecture);
    auto base = tinyRandomModel(architecture.toStdString(), 9);
    auto adapted = tinyRandomModel(architecture.toStdString(), 9);
    QCOMPARE(applyBottleneckAdapters(*adapted, {16, BottleneckActivation::Gelu}), int64_t(2));
    const auto expected = logitsOf(*base, ids(kText));
    const auto got = logitsOf(*adapted, ids(kText));
    QVERIFY(torch::allclose(got, expected, 0, 1e-6));
    int64_t trainable = 0;
    for (const auto& item : adapted->named_parameters()) {
      const bool adapter = item.key().find("_adapter.") != std::string::npos;
      QCOMPARE(item.value().requires_grad(), adapter);
      trainable += adapter ? item.value().numel() : 0;
    }
    // Two adapters per layer, each down [16, 32] + 16 and up [32, 16] + 32.
    QCOMPARE(trainable, int64_t(2 * 2 * (16 * 32 + 16 + 32 * 16 + 32)));
    const auto names = bottleneckAdapterTensors(*adapted);
    const std::string layer0 = architecture == "gpt2" ? "base_model.model.transformer.h.0."
                                                      : "base_model.model.model.layers.0.";
    QCOMPARE(names.front().first, layer0 + "attn_adapter.down.weight");
    // Once the adapters are not zero any more, the output moves.
    randomise(names);
    QVERIFY(!torch::allclose(logitsOf(*adapted, ids(kText)), expected, 0, 1e-3));
  }

  void adapterFilesRoundTrip_data() {
    QTest::addColumn<QString>("method");
    QTest::newRow("prompt_tuning") << "prompt_tuning";
    QTest::newRow("bottleneck") << "bottleneck";
  }
  void adapterFilesRoundTrip() {
    QFETCH(QString, method);
    const bool prompt = method == "prompt_tuning";
    auto model = tinyRandomModel("gpt2", 12);
    const auto folder = dir_.filePath("round-trip-" + method).toStdString();
    PromptTuningConfig promptConfig{5, PromptTuningInit::Text, "a b"};
    BottleneckConfig bottleneckConfig{8, BottleneckActivation::Relu};
    if (prompt) {
      applyPromptTuning(*model,
                        initialVirtualTokens(*model, promptConfig, 1, [](const std::string&) {
                          return std::vector<int64_t>{4, 9};
                        }));
      randomise({{"", model->virtualTokens()}});
      savePromptTuningAdapter(*model, promptConfig, folder, "base-folder");
    } else {
      applyBottleneckAdapters(*model, bottleneckConfig);
      randomise(bottleneckAdapterTensors(*model));
      saveBottleneckAdapters(*model, bottleneckConfig, folder, "base-folder");
    }
    const auto config = readJsonFile(folder + "/adapter_config.json");
    QCOMPARE(config["task_type"].get<std::string>(), std::string("CAUSAL_LM"));
    QCOMPARE(config["base_model_name_or_path"].get<std::string>(), std::string("base-folder"));
    const SafetensorsReader weights(folder + "/adapter_model.safetensors");
    if (prompt) {
      QCOMPARE(config["peft_type"].get<std::string>(), std::string("PROMPT_TUNING"));
      QCOMPARE(config["num_virtual_tokens"].get<int64_t>(), int64_t(5));
      QCOMPARE(config["token_dim"].get<int64_t>(), int64_t(32));
      QCOMPARE(config["num_transformer_submodules"].get<int64_t>(), int64_t(1));
      QCOMPARE(config["num_attention_heads"].get<int64_t>(), int64_t(4));
      QCOMPARE(config["num_layers"].get<int64_t>(), int64_t(2));
      QCOMPARE(config["prompt_tuning_init"].get<std::string>(), std::string("TEXT"));
      QCOMPARE(config["prompt_tuning_init_text"].get<std::string>(), std::string("a b"));
      QCOMPARE(weights.header().entries.size(), size_t(1));
      QCOMPARE(weights.tensor("prompt_embeddings").size(0), int64_t(5));
      QCOMPARE(weights.tensor("prompt_embeddings").size(1), int64_t(32));
    } else {
      QCOMPARE(config["peft_type"].get<std::string>(), std::string("BOTTLENECK"));
      QCOMPARE(config["bottleneck_size"].get<int64_t>(), int64_t(8));
      QCOMPARE(config["activation"].get<std::string>(), std::string("relu"));
      QCOMPARE(weights.header().entries.size(), size_t(2 * 2 * 4));
      QVERIFY(weights.contains("base_model.model.transformer.h.1.mlp_adapter.up.bias"));
    }
    auto fresh = tinyRandomModel("gpt2", 12);
    const auto kind = loadAdapterFolder(*fresh, folder);
    QVERIFY(kind == (prompt ? AdapterKind::PromptTuning : AdapterKind::Bottleneck));
    QVERIFY(!mergeRefusal(kind).empty());
    QVERIFY(torch::equal(logitsOf(*fresh, ids(kText)), logitsOf(*model, ids(kText))));
    for (const auto& parameter : fresh->parameters()) QVERIFY(!parameter.requires_grad());
    // Neither loads as a LoRA adapter, nor on a model of another shape.
    QVERIFY_THROWS_EXCEPTION(Error, loadPeftAdapter(*tinyRandomModel("gpt2", 12), folder));
    auto other = tinyRandomModel("gpt2", 12);
    auto wrong = config;
    if (prompt)
      wrong["num_virtual_tokens"] = 6;
    else
      wrong["bottleneck_size"] = 4;
    std::ofstream(folder + "/adapter_config.json") << wrong.dump();
    try {
      loadAdapterFolder(*other, folder);
      QFAIL("a mis-shaped adapter was accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("adapter_model.safetensors: does not fit"), e.what());
    }
  }

  void randomInitIsSeededAndScaled() {
    auto model = tinyRandomModel("llama", 2);
    PromptTuningConfig config{64, PromptTuningInit::Random, {}};
    const auto a = initialVirtualTokens(*model, config, 3, {});
    const auto b = initialVirtualTokens(*model, config, 3, {});
    const auto c = initialVirtualTokens(*model, config, 4, {});
    QVERIFY(torch::equal(a, b));
    QVERIFY(!torch::equal(a, c));
    const double embeddingSpread = tokenEmbeddings(*model).std().item<double>();
    QVERIFY(std::abs(a.std().item<double>() - embeddingSpread) < 0.2 * embeddingSpread);
    // Text: the text's token embeddings, repeated to the count.
    config.virtualTokens = 5;
    config.init = PromptTuningInit::Text;
    const auto fromText = initialVirtualTokens(*model, config, 0, [](const std::string&) {
      return std::vector<int64_t>{4, 9};
    });
    const auto rows = tokenEmbeddings(*model).detach().index_select(
        0, torch::tensor(std::vector<int64_t>{4, 9, 4, 9, 4}, torch::kInt64));
    QVERIFY(torch::equal(fromText, rows));
    QVERIFY_THROWS_EXCEPTION(Error, initialVirtualTokens(*model, config, 0, [](const std::string&) {
                               return std::vector<int64_t>{};
                             }));
  }

  void trainingMovesOnlyTheAdapter_data() {
    QTest::addColumn<QString>("method");
    QTest::newRow("prompt_tuning") << "prompt_tuning";
    QTest::newRow("bottleneck") << "bottleneck";
  }
  void trainingMovesOnlyTheAdapter() {
    QFETCH(QString, method);
    const bool prompt = method == "prompt_tuning";
    auto json = runConfig("train-" + method, methodFor(method));
    Trainer trainer(parseTrainingConfig(json, "run.json"), false);
    std::map<std::string, torch::Tensor> first;
    std::vector<std::string> changedBase, unchangedAdapters;
    torch::Tensor lastLogits;
    trainer.hooks.afterBackward = [&](int64_t step, CausalLMImpl& model) {
      if (step == 0)
        for (const auto& item : model.named_parameters())
          first[item.key()] = item.value().detach().clone();
      if (step != 7) return;
      for (const auto& item : model.named_parameters()) {
        const bool same = torch::equal(item.value(), first.at(item.key()));
        const bool adapter = item.value().requires_grad();
        if (!adapter && !same) changedBase.push_back(item.key());
        if (adapter && same) unchangedAdapters.push_back(item.key());
      }
    };
    Recorder recorder;
    trainer.run(recorder.context);
    const auto result = trainer.result();
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    QVERIFY(first.count(prompt ? "prompt_embeddings" : "model.layers.1.mlp_adapter.up.weight"));
    QVERIFY2(changedBase.empty(), changedBase.empty() ? "" : changedBase.front().c_str());
    QVERIFY2(unchangedAdapters.empty(),
             unchangedAdapters.empty() ? "" : unchangedAdapters.front().c_str());
    double early = 0, late = 0;
    for (int64_t step = 1; step <= 2; ++step) early += recorder.losses.at(step);
    for (int64_t step = 7; step <= 8; ++step) late += recorder.losses.at(step);
    QVERIFY2(late < early, qPrintable(QString("%1 -> %2").arg(early).arg(late)));
    // The tiny preset: hidden 64, 2 layers.
    const int64_t trainable = prompt ? 4 * 64 : 2 * 2 * (8 * 64 + 8 + 64 * 8 + 64);
    QVERIFY(recorder.logged("trainable parameters: " + std::to_string(trainable) + " of "));
    QVERIFY(recorder.logged("holds no merged model"));

    // The adapter folder is the result; no merged model is written.
    QVERIFY(result.finalModelFolder.empty());
    QVERIFY(!fs::exists(json["output"].get<std::string>() + "/final"));
    QCOMPARE(result.adapterFolder, json["output"].get<std::string>() + "/adapter");
    auto base = loadModelFolder(model_);
    const auto baseLogits = logitsOf(*base.model, ids(kText));
    QVERIFY(loadAdapterFolder(*base.model, result.adapterFolder) ==
            (prompt ? AdapterKind::PromptTuning : AdapterKind::Bottleneck));
    const auto adapted = logitsOf(*base.model, ids(kText));
    QVERIFY(!torch::allclose(adapted, baseLogits, 0, 1e-4));
    // The last checkpoint (step 8) evaluates as the same model, and so does the run's final
    // target, which is the base with the adapter here.
    QVERIFY(result.lastCheckpoint.find("step-00000008") != std::string::npos);
    auto atCheckpoint = loadModelSource({model_, "", result.lastCheckpoint});
    QVERIFY(torch::equal(logitsOf(*atCheckpoint.model, ids(kText)), adapted));
    const auto target = runEvaluationTarget(json.dump(), dir_.path().toStdString());
    QVERIFY2(target.problem.empty(), target.problem.c_str());
    QCOMPARE(target.source().adapterFolder, result.adapterFolder);
    QCOMPARE(target.source().modelFolder, model_);
    // Exporting the run: its adapter, but no merged model.
    const auto exportSource = runExportSource(json.dump(), dir_.path().toStdString());
    QVERIFY(exportSource.unmergeable && exportSource.adapterExists);
    QVERIFY(builtin::AdapterExporter().refusal(exportSource, std::nullopt).empty());
    QVERIFY(
        QString::fromStdString(builtin::MergedModelExporter().refusal(exportSource, std::nullopt))
            .contains("cannot be merged"));
  }

  void resumeContinuesBitForBit_data() {
    QTest::addColumn<QString>("method");
    QTest::newRow("prompt_tuning") << "prompt_tuning";
    QTest::newRow("bottleneck") << "bottleneck";
  }
  void resumeContinuesBitForBit() {
    QFETCH(QString, method);
    auto json = runConfig("resume-" + method + "-whole", methodFor(method));
    Recorder whole;
    const auto uninterrupted = train(json, whole);

    json["output"] = dir_.filePath("resume-" + method + "-split").toStdString();
    Recorder first;
    first.cancelAfter = 4;
    QCOMPARE(train(json, first).stopReason, tunebench::StopReason::Stopped);
    Recorder second;
    const auto resumed = train(json, second, true);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    QCOMPARE(second.losses.begin()->first, int64_t(5));
    for (const auto& [step, loss] : second.losses)
      QVERIFY2(loss == whole.losses.at(step), qPrintable(QString("step %1").arg(step)));
    const SafetensorsReader a(uninterrupted.adapterFolder + "/adapter_model.safetensors"),
        b(resumed.adapterFolder + "/adapter_model.safetensors");
    QCOMPARE(a.header().entries.size(), b.header().entries.size());
    for (const auto& entry : a.header().entries)
      QVERIFY2(torch::equal(a.tensor(entry.name), b.tensor(entry.name)), entry.name.c_str());
  }

  void dryRunEstimateCoversBothMethods() {
    for (const QString method : {"prompt_tuning", "bottleneck"}) {
      auto json = runConfig("dry-" + method, methodFor(method));
      BasicJobContext context;
      DryRunOptions options;
      options.timedSteps = 1;
      const auto estimate =
          estimateTrainingRun(parseTrainingConfig(json, "run.json"), context, options);
      QVERIFY(estimate.completed);
      QVERIFY(estimate.trainableParameters > 0);
      QVERIFY(estimate.trainableParameters < estimate.totalParameters / 10);
    }
  }

  void methodSettingsAreValidated_data() {
    QTest::addColumn<QString>("method");
    QTest::addColumn<bool>("withFreeze");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero virtual tokens")
        << R"({"name":"prompt_tuning","prompt_tuning":{"num_virtual_tokens":0}})" << false
        << "run.json: method.prompt_tuning.num_virtual_tokens must be between 1 and";
    QTest::newRow("virtual tokens not a number")
        << R"({"name":"prompt_tuning","prompt_tuning":{"num_virtual_tokens":"8"}})" << false
        << "method.prompt_tuning.num_virtual_tokens must be a whole number";
    QTest::newRow("unknown init") << R"({"name":"prompt_tuning","prompt_tuning":{"init":"vocab"}})"
                                  << false
                                  << "method.prompt_tuning.init must be one of random, text";
    QTest::newRow("text init without text")
        << R"({"name":"prompt_tuning","prompt_tuning":{"init":"text"}})" << false
        << "method.prompt_tuning.init_text is required";
    QTest::newRow("text with random init")
        << R"({"name":"prompt_tuning","prompt_tuning":{"init_text":"hi"}})" << false
        << "method.prompt_tuning.init_text is only used";
    QTest::newRow("unknown prompt key")
        << R"({"name":"prompt_tuning","prompt_tuning":{"tokens":4}})" << false
        << "method.prompt_tuning.tokens is not a known setting";
    QTest::newRow("prompt block not an object")
        << R"({"name":"prompt_tuning","prompt_tuning":4})" << false
        << "method.prompt_tuning must be an object";
    QTest::newRow("bottleneck size zero")
        << R"({"name":"bottleneck","bottleneck":{"size":0}})" << false
        << "method.bottleneck.size must be between 1 and";
    QTest::newRow("unknown activation")
        << R"({"name":"bottleneck","bottleneck":{"activation":"tanh"}})" << false
        << "method.bottleneck.activation must be one of gelu, relu";
    QTest::newRow("other method's block") << R"({"name":"bottleneck","prompt_tuning":{}})" << false
                                          << "method.prompt_tuning belongs to method prompt_tuning";
    QTest::newRow("block on lora")
        << R"({"name":"lora","bottleneck":{}})" << false << "method.bottleneck is not a known";
    QTest::newRow("with freeze") << R"({"name":"bottleneck"})" << true
                                 << "freeze cannot be combined";
  }
  void methodSettingsAreValidated() {
    QFETCH(QString, method);
    QFETCH(bool, withFreeze);
    QFETCH(QString, expected);
    auto json = runConfig("unused", nlohmann::json::parse(method.toStdString()));
    if (withFreeze) json["freeze"] = {{"layers", 1}};
    try {
      parseTrainingConfig(json, "run.json");
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(expected), e.what());
    }
  }

  void methodSettingsAreRead() {
    auto json = runConfig("unused", methodFor("prompt_tuning"));
    auto config = parseTrainingConfig(json, "run.json");
    QVERIFY(config.method.kind == MethodKind::PromptTuning);
    QVERIFY(config.method.addsUnmergeableModules() && !config.method.usesAdapters());
    QCOMPARE(config.method.promptTuning.virtualTokens, int64_t(4));
    QVERIFY(config.method.promptTuning.init == PromptTuningInit::Text);
    QCOMPARE(config.method.promptTuning.initText, std::string("The cat"));
    json["method"] = {{"name", "bottleneck"}};
    config = parseTrainingConfig(json, "run.json");
    QVERIFY(config.method.kind == MethodKind::Bottleneck);
    QCOMPARE(config.method.bottleneck.size, int64_t(64));
    QVERIFY(config.method.bottleneck.activation == BottleneckActivation::Gelu);
  }
};

QTEST_GUILESS_MAIN(PromptAndBottleneckTest)
#include "tst_prompt_and_bottleneck.moc"

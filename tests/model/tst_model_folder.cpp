#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ModelFixtures.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/CheckpointFolder.h"
#include "model/ModelFolder.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

torch::Tensor logitsOf(CausalLMImpl& model, const torch::Tensor& ids) {
  torch::NoGradGuard noGrad;
  ForwardInput input;
  input.inputIds = ids;
  return model.forward(input);
}

void expectError(const std::function<void()>& action, const QStringList& parts) {
  try {
    action();
    QFAIL("expected an error");
  } catch (const Error& e) {
    for (const auto& part : parts) QVERIFY2(QString::fromUtf8(e.what()).contains(part), e.what());
  }
}

}  // namespace

class ModelFolderTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string folder(const QString& name) { return dir_.filePath(name).toStdString(); }

 private slots:
  void savedAndReloadedLogitsAreBitIdentical_data() {
    QTest::addColumn<QString>("architecture");
    for (const char* name : {"llama", "mistral", "qwen2", "qwen3", "smollm3", "olmo2", "gemma",
                             "gemma2", "gemma3", "phi3", "gpt2"})
      QTest::newRow(name) << name;
  }
  void savedAndReloadedLogitsAreBitIdentical() {
    QFETCH(QString, architecture);
    auto model = tinyRandomModel(architecture.toStdString(), 7);
    const auto target = folder("roundtrip-" + architecture);
    saveModelFolder(*model, target);
    QVERIFY(fs::exists(target + "/config.json"));
    QVERIFY(fs::exists(target + "/generation_config.json"));
    auto loaded = loadModelFolder(target);
    const auto ids = torch::randint(97, {2, 9}, torch::kInt64);
    QVERIFY(torch::equal(logitsOf(*model, ids), logitsOf(*loaded.model, ids)));
  }

  // Gemma 3's multimodal folders (Gemma3ForConditionalGeneration): the language model loads from
  // under either prefix transformers has saved it with; the vision tower is left out; saved
  // again it is a text-only Gemma3ForCausalLM folder.
  void theLanguageModelOfAGemma3MultimodalFolderLoads_data() {
    QTest::addColumn<QString>("prefix");
    QTest::newRow("language_model.model.") << "language_model.";
    QTest::newRow("model.language_model.") << "model.language_model.";
  }
  void theLanguageModelOfAGemma3MultimodalFolderLoads() {
    QFETCH(QString, prefix);
    auto model = tinyRandomModel("gemma3", 8);
    const auto text = folder("gemma3-text-" + QString::number(prefix.size()));
    saveModelFolder(*model, text);
    const auto multimodal = folder("gemma3-multimodal-" + QString::number(prefix.size()));
    fs::create_directories(multimodal);
    auto textConfig = nlohmann::json::parse(std::ifstream(text + "/config.json"));
    textConfig.erase("architectures");
    nlohmann::json outer = {{"architectures", {"Gemma3ForConditionalGeneration"}},
                            {"model_type", "gemma3"},
                            {"text_config", textConfig},
                            {"vision_config", {{"hidden_size", 8}}}};
    std::ofstream(multimodal + "/config.json") << outer.dump();
    const CheckpointFolder weights(text);
    std::vector<std::pair<std::string, torch::Tensor>> renamed;
    for (const auto& name : weights.tensorNames()) {
      const bool body = name.rfind("model.", 0) == 0;
      const std::string moved = prefix == "language_model."
                                    ? "language_model." + name
                                    : (body ? "model.language_model." + name.substr(6) : name);
      renamed.emplace_back(moved, weights.tensor(name).clone());
    }
    renamed.emplace_back(prefix == "language_model." ? "vision_tower.patch.weight"
                                                     : "model.vision_tower.patch.weight",
                         torch::ones({2, 2}));
    renamed.emplace_back("multi_modal_projector.mm_input_projection_weight", torch::ones({2, 2}));
    writeSafetensors(multimodal + "/model.safetensors", renamed);
    LoadedModel loaded;
    try {
      loaded = loadModelFolder(multimodal);
    } catch (const std::exception& e) {
      QFAIL(e.what());
    }
    QCOMPARE(loaded.model->config().languageModelOf, std::string("Gemma3ForConditionalGeneration"));
    const auto ids = torch::randint(97, {1, 7}, torch::kInt64);
    QVERIFY(torch::equal(logitsOf(*model, ids), logitsOf(*loaded.model, ids)));
    const auto resaved = folder("gemma3-resaved-" + QString::number(prefix.size()));
    saveModelFolder(*loaded.model, resaved);
    const auto config = nlohmann::json::parse(std::ifstream(resaved + "/config.json"));
    QCOMPARE(config["architectures"][0].get<std::string>(), std::string("Gemma3ForCausalLM"));
    try {
      QVERIFY(torch::equal(logitsOf(*model, ids), logitsOf(*loadModelFolder(resaved).model, ids)));
    } catch (const std::exception& e) {
      QFAIL(QString::fromUtf8(e.what()).replace('\n', " | ").toUtf8().constData());
    }
  }

  void shardedFoldersRoundTrip() {
    auto model = tinyRandomModel("llama", 3);
    const auto target = folder("sharded");
    SaveOptions options;
    options.maxShardBytes = 20000;
    saveModelFolder(*model, target, options);
    QVERIFY(fs::exists(target + "/model.safetensors.index.json"));
    QVERIFY(!fs::exists(target + "/model.safetensors"));
    int shards = 0;
    for (const auto& item : fs::directory_iterator(target))
      if (item.path().filename().string().rfind("model-0", 0) == 0) ++shards;
    QVERIFY2(shards >= 2, qPrintable(QString::number(shards)));
    auto loaded = loadModelFolder(target);
    const auto ids = torch::randint(97, {1, 7}, torch::kInt64);
    QVERIFY(torch::equal(logitsOf(*model, ids), logitsOf(*loaded.model, ids)));
  }

  void bfloat16FilesLoadIntoFp32() {
    auto model = tinyRandomModel("qwen2", 5);
    const auto target = folder("bf16");
    SaveOptions options;
    options.dtype = torch::kBFloat16;
    saveModelFolder(*model, target, options);
    SafetensorsReader reader(target + "/model.safetensors");
    QCOMPARE(reader.header().entries.front().dtype, SafetensorsDType::BF16);
    auto loaded = loadModelFolder(target);
    QCOMPARE(loaded.model->parameters().front().scalar_type(), torch::kFloat32);
    const auto ids = torch::randint(97, {1, 6}, torch::kInt64);
    QVERIFY(torch::allclose(logitsOf(*model, ids), logitsOf(*loaded.model, ids), 0.05, 0.05));
  }

  void gpt2KeepsConv1DLayoutInTheFile() {
    auto model = tinyRandomModel("gpt2", 1);
    const auto target = folder("gpt2-layout");
    saveModelFolder(*model, target);
    SafetensorsReader reader(target + "/model.safetensors");
    const auto* attention = reader.header().find("transformer.h.0.attn.c_attn.weight");
    QVERIFY(attention);
    QCOMPARE(attention->shape, (std::vector<int64_t>{32, 96}));  // [in, out]
    QVERIFY(!reader.contains("lm_head.weight"));                 // tied
  }

  void gpt2LoadsCheckpointsWithoutPrefixAndWithMaskBuffers() {
    auto model = tinyRandomModel("gpt2", 2);
    const auto source = folder("gpt2-source");
    saveModelFolder(*model, source);
    SafetensorsReader reader(source + "/model.safetensors");
    std::vector<std::pair<std::string, torch::Tensor>> renamed;
    for (const auto& entry : reader.header().entries) {
      std::string name = entry.name;
      if (name.rfind("transformer.", 0) == 0) name = name.substr(12);
      renamed.emplace_back(name, reader.tensor(entry.name).clone());
    }
    renamed.emplace_back("h.0.attn.bias", torch::ones({1, 1, 64, 64}));
    const auto target = folder("gpt2-original-names");
    fs::create_directories(target);
    fs::copy_file(source + "/config.json", target + "/config.json");
    writeSafetensors(target + "/model.safetensors", renamed);
    auto loaded = loadModelFolder(target);
    const auto ids = torch::randint(97, {1, 5}, torch::kInt64);
    QVERIFY(torch::equal(logitsOf(*model, ids), logitsOf(*loaded.model, ids)));
  }

  void mismatchedWeightsAreListedTogether() {
    auto model = tinyRandomModel("llama", 4);
    const auto source = folder("mismatch-source");
    saveModelFolder(*model, source);
    SafetensorsReader reader(source + "/model.safetensors");
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& entry : reader.header().entries) {
      if (entry.name == "model.norm.weight") continue;  // missing
      auto tensor = reader.tensor(entry.name).clone();
      if (entry.name == "model.layers.1.mlp.up_proj.weight") tensor = torch::zeros({3, 3});
      tensors.emplace_back(entry.name, tensor);
    }
    tensors.emplace_back("model.layers.9.extra.weight", torch::zeros({2}));
    const auto target = folder("mismatch");
    fs::create_directories(target);
    fs::copy_file(source + "/config.json", target + "/config.json");
    writeSafetensors(target + "/model.safetensors", tensors);
    expectError([&] { loadModelFolder(target); },
                {"do not match its config.json", "missing (1):", "model.norm.weight [32]",
                 "unexpected (1):", "model.layers.9.extra.weight", "wrong shape or dtype (1):",
                 "model.layers.1.mlp.up_proj.weight is [3, 3], expected [48, 32]"});
  }

  void pickleCheckpointsAreRefused() {
    const auto target = folder("pickle");
    fs::create_directories(target);
    std::ofstream(target + "/config.json") << tinyConfigJson("llama").dump();
    std::ofstream(target + "/pytorch_model.bin") << "not unpickled";
    expectError([&] { loadModelFolder(target); }, {"pytorch_model.bin", "pickle", "never loads"});
  }

  void badIndexesAreRefused() {
    auto model = tinyRandomModel("llama", 6);
    const auto target = folder("bad-index");
    SaveOptions options;
    options.maxShardBytes = 20000;
    saveModelFolder(*model, target, options);
    std::ofstream(target + "/model.safetensors.index.json")
        << "{\"weight_map\": {\"model.norm.weight\": \"../escape.safetensors\"}}";
    expectError([&] { loadModelFolder(target); }, {"must be a plain file name"});
    std::ofstream(target + "/model.safetensors.index.json")
        << "{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00009.safetensors\"}}";
    expectError([&] { loadModelFolder(target); }, {"which is missing"});
  }

  void missingConfigIsNamed() {
    const auto target = folder("empty");
    fs::create_directories(target);
    expectError([&] { loadModelFolder(target); }, {"config.json"});
  }
};

QTEST_GUILESS_MAIN(ModelFolderTest)
#include "tst_model_folder.moc"

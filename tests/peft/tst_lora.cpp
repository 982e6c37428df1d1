#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "ModelFixtures.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"

using namespace tunebench;

namespace {

const std::vector<std::string> kLlamaTargets = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                "gate_proj", "up_proj", "down_proj"};
const std::vector<std::string> kGpt2Targets = {"c_attn", "c_proj", "c_fc"};

LoraConfig allLinear(const std::string& architecture, bool dora) {
  LoraConfig config;
  config.r = 4;
  config.alpha = 8;
  config.dora = dora;
  config.targets = architecture == "gpt2" ? kGpt2Targets
                   : architecture == "phi3"
                       ? std::vector<std::string>{"qkv_proj", "o_proj", "gate_up_proj", "down_proj"}
                       : kLlamaTargets;
  return config;
}

torch::Tensor logitsOf(CausalLMImpl& model) {
  torch::NoGradGuard noGrad;
  torch::manual_seed(123);
  ForwardInput input;
  input.inputIds = torch::randint(97, {2, 9}, torch::kInt64);
  return model.forward(input);
}

// Gives every adapter tensor random values, so that merge and IO tests see a real update.
void randomiseAdapters(CausalLMImpl& model, const std::string& adapter, uint64_t seed) {
  torch::NoGradGuard noGrad;
  torch::manual_seed(seed);
  for (auto& [path, layer] : loraLayers(model)) {
    layer->loraB(adapter).normal_(0, 0.05);
    if (layer->magnitude(adapter).defined()) layer->magnitude(adapter).mul_(1.1);
  }
}

std::map<std::string, torch::Tensor> snapshot(const CausalLMImpl& model) {
  std::map<std::string, torch::Tensor> values;
  for (const auto& item : model.named_parameters())
    values[item.key()] = item.value().detach().clone();
  return values;
}

}  // namespace

class LoraTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;

 private slots:
  void cases_data() {
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<bool>("dora");
    for (const char* name :
         {"llama", "qwen2", "qwen3", "smollm3", "olmo2", "gemma2", "gemma3", "phi3", "gpt2"}) {
      QTest::newRow((std::string(name) + " lora").c_str()) << name << false;
      QTest::newRow((std::string(name) + " dora").c_str()) << name << true;
    }
  }

  // A target another family uses is refused with the layers this model has.
  void aTargetTheModelLacksNamesItsLayers() {
    auto model = tinyRandomModel("phi3", 3);
    LoraConfig config;
    config.targets = {"q_proj"};
    try {
      applyLora(*model, config);
      QFAIL("must throw");
    } catch (const Error& e) {
      const std::string message = e.what();
      QVERIFY2(message.find("its layers: down_proj, gate_up_proj, ") != std::string::npos &&
                   message.find("qkv_proj") != std::string::npos,
               e.what());
    }
  }

  void adapterAtInitialisationKeepsLogits_data() { cases_data(); }
  void adapterAtInitialisationKeepsLogits() {
    QFETCH(QString, architecture);
    QFETCH(bool, dora);
    auto model = tinyRandomModel(architecture.toStdString(), 3);
    const auto before = logitsOf(*model);
    const auto adapted = applyLora(*model, allLinear(architecture.toStdString(), dora));
    // 2 layers: GPT-2 and Phi-3 fuse their projections.
    QCOMPARE(adapted.size(), size_t(architecture == "gpt2" || architecture == "phi3" ? 8 : 14));
    QVERIFY(torch::allclose(logitsOf(*model), before, 0, 1e-5));
  }

  void mergedMatchesUnmerged_data() { cases_data(); }
  void mergedMatchesUnmerged() {
    QFETCH(QString, architecture);
    QFETCH(bool, dora);
    auto model = tinyRandomModel(architecture.toStdString(), 4);
    const auto base = snapshot(*model);
    const auto baseLogits = logitsOf(*model);
    applyLora(*model, allLinear(architecture.toStdString(), dora));
    randomiseAdapters(*model, "default", 9);
    const auto adaptedLogits = logitsOf(*model);
    QVERIFY(!torch::allclose(adaptedLogits, baseLogits, 0, 1e-3));
    mergeLora(*model);
    QVERIFY(torch::allclose(logitsOf(*model), adaptedLogits, 1e-5, 1e-5));
    unmergeLora(*model);
    for (const auto& item : model->named_parameters()) {
      if (!base.count(item.key())) continue;  // adapter tensors
      QVERIFY2(torch::allclose(item.value(), base.at(item.key()), 0, 1e-6), item.key().c_str());
    }
    QVERIFY(torch::allclose(logitsOf(*model), adaptedLogits, 1e-5, 1e-5));
  }

  void mergeAndUnloadLeavesPlainModel() {
    auto model = tinyRandomModel("llama", 5);
    std::vector<std::string> names;
    for (const auto& item : model->named_parameters()) names.push_back(item.key());
    applyLora(*model, allLinear("llama", false));
    randomiseAdapters(*model, "default", 2);
    const auto adaptedLogits = logitsOf(*model);
    mergeAndUnloadLora(*model);
    QVERIFY(loraLayers(*model).empty());
    std::vector<std::string> after;
    for (const auto& item : model->named_parameters()) after.push_back(item.key());
    QCOMPARE(after, names);
    QVERIFY(torch::allclose(logitsOf(*model), adaptedLogits, 1e-5, 1e-5));
  }

  // An absurd lora_alpha merges into inf: refused with the layer named, never written.
  void mergingToNonFiniteWeightsIsRefused() {
    auto model = tinyRandomModel("llama", 5);
    auto config = allLinear("llama", false);
    config.alpha = 1e308;
    applyLora(*model, config);
    randomiseAdapters(*model, "default", 2);
    try {
      mergeAndUnloadLora(*model);
      QFAIL("merged");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find("gives values that are not finite") != std::string::npos,
               e.what());
    }
  }

  void onlyAdapterTensorsTrain() {
    auto model = tinyRandomModel("qwen2", 6);
    LoraConfig config;
    config.dropout = 0.1;
    applyLora(*model, config);
    int64_t trainable = 0;
    std::vector<torch::Tensor> parameters;
    for (const auto& item : model->named_parameters()) {
      if (!item.value().requires_grad()) continue;
      ++trainable;
      parameters.push_back(item.value());
      QVERIFY2(item.key().find(".lora_") != std::string::npos, item.key().c_str());
    }
    QCOMPARE(trainable, int64_t(2 * 2 * 2));  // q and v, A and B, 2 layers
    const auto before = snapshot(*model);
    torch::optim::SGD optimizer(parameters, torch::optim::SGDOptions(0.5));
    model->train();
    for (int step = 0; step < 2; ++step) {
      optimizer.zero_grad();
      ForwardInput input;
      input.inputIds = torch::randint(97, {2, 7}, torch::kInt64);
      model->forward(input).logsumexp(-1).mean().backward();
      optimizer.step();
    }
    for (const auto& item : model->named_parameters()) {
      const bool same = torch::equal(item.value(), before.at(item.key()));
      // B moves on the first step; A follows once B is non-zero.
      QVERIFY2(same != item.value().requires_grad(), item.key().c_str());
    }
  }

  void peftNamesAndConfig() {
    auto llama = tinyRandomModel("llama", 7);
    LoraConfig config;
    config.dora = true;
    config.rslora = true;
    config.dropout = 0.05;
    applyLora(*llama, config);
    std::vector<std::string> names;
    for (const auto& [name, tensor] : peftAdapterTensors(*llama, "default")) names.push_back(name);
    QCOMPARE(names.size(), size_t(2 * 2 * 3));
    QCOMPARE(names[0],
             std::string("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
    QCOMPARE(names[1],
             std::string("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"));
    QCOMPARE(names[2],
             std::string("base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector"));
    QCOMPARE(names[3],
             std::string("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight"));
    const auto json = peftAdapterConfigJson(*llama, "default", "org/base");
    QCOMPARE(json["peft_type"].get<std::string>(), std::string("LORA"));
    QCOMPARE(json["task_type"].get<std::string>(), std::string("CAUSAL_LM"));
    QCOMPARE(json["r"].get<int64_t>(), int64_t(8));
    QCOMPARE(json["lora_alpha"].get<double>(), 16.0);
    QCOMPARE(json["lora_dropout"].get<double>(), 0.05);
    QCOMPARE(json["target_modules"], nlohmann::json({"q_proj", "v_proj"}));
    QCOMPARE(json["use_rslora"].get<bool>(), true);
    QCOMPARE(json["use_dora"].get<bool>(), true);
    QCOMPARE(json["fan_in_fan_out"].get<bool>(), false);
    QCOMPARE(json["base_model_name_or_path"].get<std::string>(), std::string("org/base"));

    auto gpt2 = tinyRandomModel("gpt2", 7);
    config = LoraConfig();
    config.targets = {"mlp.c_proj", "c_attn"};
    applyLora(*gpt2, config);
    QCOMPARE(loraLayers(*gpt2).size(), size_t(4));  // attn.c_proj stays plain
    QCOMPARE(peftAdapterConfigJson(*gpt2, "default", "")["target_modules"],
             nlohmann::json({"c_attn", "mlp.c_proj"}));
    const auto tensors = peftAdapterTensors(*gpt2, "default");
    QCOMPARE(tensors[0].first,
             std::string("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"));
    // Linear orientation: A [r, in], B [out, r] with c_attn's out = 3 × hidden.
    QCOMPARE(tensors[0].second.sizes().vec(), std::vector<int64_t>({8, 32}));
    QCOMPARE(tensors[1].second.sizes().vec(), std::vector<int64_t>({96, 8}));
    QCOMPARE(peftAdapterConfigJson(*gpt2, "default", "")["fan_in_fan_out"].get<bool>(), true);
  }

  void scalingFollowsRsLora() {
    LoraConfig config;
    config.r = 16;
    config.alpha = 8;
    QCOMPARE(loraScaling(config), 0.5);
    config.rslora = true;
    QCOMPARE(loraScaling(config), 2.0);
  }

  void saveLoadRoundTrip_data() { cases_data(); }
  void saveLoadRoundTrip() {
    QFETCH(QString, architecture);
    QFETCH(bool, dora);
    const auto arch = architecture.toStdString();
    auto model = tinyRandomModel(arch, 8);
    auto config = allLinear(arch, dora);
    config.rslora = true;
    applyLora(*model, config);
    randomiseAdapters(*model, "default", 4);
    const auto expected = logitsOf(*model);
    const auto folder =
        dir_.filePath(QString("adapter-%1-%2").arg(architecture).arg(dora)).toStdString();
    savePeftAdapter(*model, folder, "default", "tiny-" + arch);
    SafetensorsReader reader(folder + "/adapter_model.safetensors");
    QCOMPARE(reader.header().entries.size(), peftAdapterTensors(*model, "default").size());

    auto fresh = tinyRandomModel(arch, 8);
    const auto loaded = loadPeftAdapter(*fresh, folder);
    QCOMPARE(loaded.r, config.r);
    QCOMPARE(loaded.dora, dora);
    QVERIFY(loaded.rslora);
    QVERIFY(torch::equal(logitsOf(*fresh), expected));
  }

  void loadRefusesMismatchedAdapter() {
    auto model = tinyRandomModel("llama", 9);
    applyLora(*model, LoraConfig());
    const auto folder = dir_.filePath("mismatch").toStdString();
    savePeftAdapter(*model, folder);
    auto gpt2 = tinyRandomModel("gpt2", 9);
    QVERIFY_THROWS_EXCEPTION(Error, loadPeftAdapter(*gpt2, folder));
    std::ofstream(folder + "/adapter_config.json") << R"({"peft_type": "PROMPT_TUNING"})";
    QVERIFY_THROWS_EXCEPTION(Error, loadPeftAdapter(*model, folder));
  }

  void severalAdaptersOneActive() {
    auto model = tinyRandomModel("llama", 10);
    const auto baseLogits = logitsOf(*model);
    LoraConfig first;
    applyLora(*model, first);
    randomiseAdapters(*model, "default", 1);
    const auto firstLogits = logitsOf(*model);
    LoraConfig second;
    second.adapterName = "other";
    applyLora(*model, second);
    // The new adapter is active and still zero: the base comes back.
    QVERIFY(torch::allclose(logitsOf(*model), baseLogits, 0, 1e-5));
    for (const auto& item : model->named_parameters())
      QCOMPARE(item.value().requires_grad(), item.key().find(".other.") != std::string::npos);
    setActiveLoraAdapter(*model, "default");
    QVERIFY(torch::equal(logitsOf(*model), firstLogits));
    QVERIFY_THROWS_EXCEPTION(Error, setActiveLoraAdapter(*model, "missing"));
  }

  // An untied lm_head takes an adapter like a projection: merged equals unmerged, PEFT's key
  // name, and a bit-exact save/load round trip.
  void lmHeadCarriesAnAdapter() {
    auto json = tinyConfigJson("llama");
    json["tie_word_embeddings"] = false;
    const auto config = parseModelConfig(json.dump(), "config.json");
    auto model = buildCausalLM(config);
    initializeWeights(*model, 8);
    LoraConfig lora;
    lora.r = 4;
    lora.targets = {"q_proj", "lm_head"};
    const auto adapted = applyLora(*model, lora);
    QVERIFY(std::find(adapted.begin(), adapted.end(), "lm_head") != adapted.end());
    randomiseAdapters(*model, "default", 4);
    const auto adaptedLogits = logitsOf(*model);
    bool headKey = false;
    for (const auto& [name, tensor] : peftAdapterTensors(*model, "default"))
      headKey |= name == "base_model.model.lm_head.lora_B.weight";
    QVERIFY(headKey);
    const auto folder = dir_.filePath("lm-head-adapter").toStdString();
    savePeftAdapter(*model, folder);
    auto reloaded = buildCausalLM(config);
    initializeWeights(*reloaded, 8);
    loadPeftAdapter(*reloaded, folder);
    QVERIFY(torch::equal(logitsOf(*reloaded), adaptedLogits));
    mergeLora(*model);
    QVERIFY(torch::allclose(logitsOf(*model), adaptedLogits, 1e-5, 1e-5));
    mergeAndUnloadLora(*reloaded);
    QVERIFY(torch::allclose(logitsOf(*reloaded), adaptedLogits, 1e-5, 1e-5));
    QVERIFY(reloaded->named_parameters().contains("lm_head.weight"));
  }

  void unknownTargetIsRefused() {
    auto model = tinyRandomModel("llama", 11);
    LoraConfig config;
    config.targets = {"qkv_proj"};
    QVERIFY_THROWS_EXCEPTION(Error, applyLora(*model, config));
    // A tied head is the embedding matrix: refused, with the reason.
    auto tiedJson = tinyConfigJson("llama");
    tiedJson["tie_word_embeddings"] = true;
    auto tied = buildCausalLM(parseModelConfig(tiedJson.dump(), "config.json"));
    config.targets = {"lm_head"};
    try {
      applyLora(*tied, config);
      QFAIL("LoRA adapted a tied lm_head");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("tie_word_embeddings") != std::string::npos, e.what());
    }
    QVERIFY(matchesLoraTarget("model.layers.0.self_attn.q_proj", "self_attn.q_proj"));
    QVERIFY(!matchesLoraTarget("model.layers.0.self_attn.xq_proj", "q_proj"));
  }
};

QTEST_GUILESS_MAIN(LoraTest)
#include "tst_lora.moc"

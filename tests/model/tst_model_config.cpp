#include <QtTest>

#include <cmath>

#include "common/Error.h"
#include "model/ModelConfig.h"

using namespace tunebench;

class ModelConfigTest : public QObject {
  Q_OBJECT
 private slots:
  void llamaWithGqaAndLlama3Rope() {
    const auto config = parseModelConfig(
        "{\"architectures\":[\"LlamaForCausalLM\"],\"vocab_size\":128256,\"hidden_size\":2048,"
        "\"intermediate_size\":8192,\"num_hidden_layers\":16,\"num_attention_heads\":32,"
        "\"num_key_value_heads\":8,\"rms_norm_eps\":1e-5,\"rope_theta\":500000.0,"
        "\"rope_scaling\":{\"factor\":32.0,\"high_freq_factor\":4.0,\"low_freq_factor\":1.0,"
        "\"original_max_position_embeddings\":8192,\"rope_type\":\"llama3\"},"
        "\"tie_word_embeddings\":true,\"bos_token_id\":128000,\"eos_token_id\":[128001,128008],"
        "\"torch_dtype\":\"bfloat16\",\"max_position_embeddings\":131072}",
        "config.json");
    QCOMPARE(config.family, ModelFamily::Llama);
    QCOMPARE(config.headDim, int64_t(64));
    QCOMPARE(config.numKeyValueHeads, int64_t(8));
    QCOMPARE(config.ropeScaling.type, RopeScaling::Type::Llama3);
    QCOMPARE(config.ropeScaling.factor, 32.0);
    QCOMPARE(config.eosTokenIds, (std::vector<int64_t>{128001, 128008}));
    QVERIFY(config.tieWordEmbeddings);
    QCOMPARE(config.torchDtype, std::string("bfloat16"));
    // Llama-3.2-1B has 1,235,814,400 parameters.
    QCOMPARE(config.parameterCount(), int64_t(1235814400));
  }

  void qwen2HasQkvBiasAndOptionalWindow() {
    const auto config = parseModelConfig(
        "{\"architectures\":[\"Qwen2ForCausalLM\"],\"vocab_size\":151936,\"hidden_size\":896,"
        "\"intermediate_size\":4864,\"num_hidden_layers\":24,\"num_attention_heads\":14,"
        "\"num_key_value_heads\":2,\"sliding_window\":32768,\"use_sliding_window\":false,"
        "\"tie_word_embeddings\":true,\"rope_theta\":1000000.0}",
        "config.json");
    QVERIFY(config.attentionBias);
    QVERIFY(!config.outputProjectionBias);
    QVERIFY(!config.slidingWindow);
    // Qwen2-0.5B has 494,032,768 parameters.
    QCOMPARE(config.parameterCount(), int64_t(494032768));
  }

  void qwen3HasHeadNormsAndItsOwnHeadSize() {
    const auto config = parseModelConfig(
        "{\"architectures\":[\"Qwen3ForCausalLM\"],\"vocab_size\":151936,\"hidden_size\":1024,"
        "\"intermediate_size\":3072,\"num_hidden_layers\":28,\"num_attention_heads\":16,"
        "\"num_key_value_heads\":8,\"head_dim\":128,\"attention_bias\":false,"
        "\"tie_word_embeddings\":true,\"rope_theta\":1000000,\"rms_norm_eps\":1e-6,"
        "\"use_sliding_window\":false,\"sliding_window\":null}",
        "config.json");
    QVERIFY(config.queryKeyNorm == ModelConfig::QueryKeyNorm::PerHead);
    QVERIFY(!config.attentionBias);
    QCOMPARE(config.headDim, int64_t(128));  // not 1024 / 16
    QVERIFY(!config.slidingWindow);
    // Qwen3-0.6B has 596,049,920 parameters (0.44 B without the embedding).
    QCOMPARE(config.parameterCount(), int64_t(596049920));
  }

  void olmo2NormsAfterTheSublayers() {
    const auto config = parseModelConfig(
        "{\"architectures\":[\"Olmo2ForCausalLM\"],\"vocab_size\":100352,\"hidden_size\":2048,"
        "\"intermediate_size\":8192,\"num_hidden_layers\":16,\"num_attention_heads\":16,"
        "\"num_key_value_heads\":16,\"rms_norm_eps\":1e-6,\"rope_theta\":500000,"
        "\"attention_bias\":false,\"tie_word_embeddings\":false}",
        "config.json");
    QVERIFY(config.normPlacement == ModelConfig::NormPlacement::After);
    QVERIFY(config.queryKeyNorm == ModelConfig::QueryKeyNorm::WholeProjection);
    // OLMo-2-0425-1B: 1.48 B parameters (its q/k norms span all 2048 features).
    QCOMPARE(config.parameterCount(), int64_t(1484916736));
  }

  void gemmaFamilies() {
    const auto gemma = parseModelConfig(
        "{\"architectures\":[\"GemmaForCausalLM\"],\"vocab_size\":256000,\"hidden_size\":2048,"
        "\"intermediate_size\":16384,\"num_hidden_layers\":18,\"num_attention_heads\":8,"
        "\"num_key_value_heads\":1,\"head_dim\":256,\"hidden_act\":\"gelu\"}",
        "config.json");
    // Released configs say "gelu"; the model computes the tanh approximation.
    QCOMPARE(gemma.hiddenAct, std::string("gelu_pytorch_tanh"));
    QVERIFY(gemma.gemmaNorms && gemma.tieWordEmbeddings);
    QVERIFY(gemma.normPlacement == ModelConfig::NormPlacement::Before);
    QCOMPARE(gemma.parameterCount(), int64_t(2506172416));  // gemma-2b

    const std::string gemma2Shape =
        "\"architectures\":[\"Gemma2ForCausalLM\"],\"vocab_size\":256000,\"hidden_size\":2304,"
        "\"intermediate_size\":9216,\"num_hidden_layers\":26,\"num_attention_heads\":8,"
        "\"num_key_value_heads\":4,\"head_dim\":256,\"query_pre_attn_scalar\":256";
    const auto gemma2 = parseModelConfig("{" + gemma2Shape + "}", "config.json");
    QVERIFY(gemma2.normPlacement == ModelConfig::NormPlacement::Around);
    QCOMPARE(*gemma2.attentionSoftcap, 50.0);  // Hugging Face's defaults
    QCOMPARE(*gemma2.finalLogitSoftcap, 30.0);
    QCOMPARE(*gemma2.slidingWindow, int64_t(4096));
    QCOMPARE(gemma2.slidingLayers.size(), size_t(26));
    QVERIFY(gemma2.slidingLayers[0] && !gemma2.slidingLayers[1] && gemma2.slidingLayers[2]);
    QCOMPARE(gemma2.attentionScale, 1.0 / 16.0);
    QCOMPARE(gemma2.parameterCount(), int64_t(2614341888));  // gemma-2-2b
    const auto uncapped = parseModelConfig(
        "{" + gemma2Shape + ",\"attn_logit_softcapping\":null,\"final_logit_softcapping\":null}",
        "config.json");
    QVERIFY(!uncapped.attentionSoftcap && !uncapped.finalLogitSoftcap);

    const std::string gemma3Shape =
        "\"architectures\":[\"Gemma3ForCausalLM\"],\"vocab_size\":262144,\"hidden_size\":1152,"
        "\"intermediate_size\":6912,\"num_hidden_layers\":26,\"num_attention_heads\":4,"
        "\"num_key_value_heads\":1,\"head_dim\":256,\"sliding_window\":512,"
        "\"sliding_window_pattern\":6,\"rope_local_base_freq\":10000,\"rope_theta\":1000000";
    const auto gemma3 = parseModelConfig("{" + gemma3Shape + "}", "config.json");
    QVERIFY(gemma3.queryKeyNorm == ModelConfig::QueryKeyNorm::PerHead);
    QVERIFY(!gemma3.attentionSoftcap && !gemma3.finalLogitSoftcap);
    QCOMPARE(*gemma3.localRopeTheta, 10000.0);
    QCOMPARE(gemma3.ropeTheta, 1000000.0);
    QVERIFY(gemma3.slidingLayers[4] && !gemma3.slidingLayers[5] && gemma3.slidingLayers[6]);
    QCOMPARE(gemma3.parameterCount(), int64_t(999885952));  // gemma-3-1b
    // layer_types, where given, say which layers are local.
    std::string types;
    for (int i = 0; i < 26; ++i)
      types +=
          std::string(i ? "," : "") + (i == 0 ? "\"full_attention\"" : "\"sliding_attention\"");
    const auto typed =
        parseModelConfig("{" + gemma3Shape + ",\"layer_types\":[" + types + "]}", "config.json");
    QVERIFY(!typed.slidingLayers[0] && typed.slidingLayers[5]);
  }

  void phi3FusedProjectionsAndLongRope() {
    std::string factors;
    for (int i = 0; i < 48; ++i) factors += std::string(i ? "," : "") + "1.0";
    const std::string rope =
        ",\"max_position_embeddings\":131072,"
        "\"original_max_position_embeddings\":4096,\"rope_scaling\":{"
        "\"type\":\"longrope\",\"short_factor\":[" +
        factors + "],\"long_factor\":[" + factors + "]}";
    const auto phi35 = parseModelConfig(
        "{\"architectures\":[\"Phi3ForCausalLM\"],\"vocab_size\":32064,\"hidden_size\":3072,"
        "\"intermediate_size\":8192,\"num_hidden_layers\":32,\"num_attention_heads\":32,"
        "\"num_key_value_heads\":32" +
            rope + "}",
        "config.json");
    QVERIFY(phi35.fusedProjections);
    QCOMPARE(phi35.rotaryDim(), int64_t(96));
    QVERIFY(phi35.ropeScaling.type == RopeScaling::Type::LongRope);
    // sqrt(1 + ln(131072 / 4096) / ln(4096))
    QVERIFY(std::abs(phi35.ropeScaling.attentionFactor - 1.1902380714238083) < 1e-12);
    QCOMPARE(phi35.parameterCount(), int64_t(3821079552));  // Phi-3.5-mini
    const auto phi4 = parseModelConfig(
        "{\"architectures\":[\"Phi3ForCausalLM\"],\"vocab_size\":200064,\"hidden_size\":3072,"
        "\"intermediate_size\":8192,\"num_hidden_layers\":32,\"num_attention_heads\":24,"
        "\"num_key_value_heads\":8,\"partial_rotary_factor\":0.75,\"tie_word_embeddings\":true" +
            rope + "}",
        "config.json");
    QCOMPARE(phi4.rotaryDim(), int64_t(96));               // 3/4 of 128
    QCOMPARE(phi4.parameterCount(), int64_t(3836021760));  // Phi-4-mini
    // Factors that do not cover the rotated dimensions are refused with the count wanted.
    try {
      parseModelConfig(
          "{\"architectures\":[\"Phi3ForCausalLM\"],\"vocab_size\":10,"
          "\"hidden_size\":64,\"intermediate_size\":8,\"num_hidden_layers\":1,"
          "\"num_attention_heads\":4,\"original_max_position_embeddings\":8,"
          "\"rope_scaling\":{\"type\":\"longrope\",\"short_factor\":[1],"
          "\"long_factor\":[1]}}",
          "config.json");
      QFAIL("must throw");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("need 8 numbers each") != std::string::npos, e.what());
    }
  }

  void smolLm3LayersWithoutPositions() {
    const std::string shape =
        "\"architectures\":[\"SmolLM3ForCausalLM\"],\"vocab_size\":128256,\"hidden_size\":2048,"
        "\"intermediate_size\":11008,\"num_hidden_layers\":36,\"num_attention_heads\":16,"
        "\"num_key_value_heads\":4,\"rope_parameters\":{\"rope_theta\":5000000.0}";
    const auto config = parseModelConfig("{" + shape + "}", "config.json");
    // No no_rope_layers: every fourth layer has no positions; the head is tied by default.
    QCOMPARE(config.ropeLayers.size(), size_t(36));
    QVERIFY(config.ropeLayers[0] && config.ropeLayers[2] && !config.ropeLayers[3]);
    QVERIFY(!config.ropeLayers[35]);
    QVERIFY(config.tieWordEmbeddings);
    QCOMPARE(config.ropeTheta, 5000000.0);
    QCOMPARE(config.parameterCount(), int64_t(3075098624));  // SmolLM3-3B
    // An explicit list wins; a list that is too short or holds other values is refused.
    std::string flags;
    for (int i = 0; i < 36; ++i) flags += std::string(i ? "," : "") + (i == 1 ? "0" : "1");
    const auto listed =
        parseModelConfig("{" + shape + ",\"no_rope_layers\":[" + flags + "]}", "config.json");
    QVERIFY(!listed.ropeLayers[1] && listed.ropeLayers[3]);
    QVERIFY_THROWS_EXCEPTION(
        Error, parseModelConfig("{" + shape + ",\"no_rope_layers\":[1,0]}", "config.json"));
    QVERIFY_THROWS_EXCEPTION(
        Error, parseModelConfig("{" + shape + ",\"no_rope_layers\":[2" + flags.substr(1) + "]}",
                                "config.json"));
  }

  void mistralWindowAndGpt2Names() {
    const auto mistral = parseModelConfig(
        "{\"architectures\":[\"MistralForCausalLM\"],\"vocab_size\":32000,\"hidden_size\":4096,"
        "\"intermediate_size\":14336,\"num_hidden_layers\":32,\"num_attention_heads\":32,"
        "\"num_key_value_heads\":8,\"sliding_window\":4096}",
        "config.json");
    QCOMPARE(*mistral.slidingWindow, int64_t(4096));
    QCOMPARE(mistral.parameterCount(), int64_t(7241732096));  // Mistral-7B-v0.1
    const auto gpt2 = parseModelConfig(
        "{\"architectures\":[\"GPT2LMHeadModel\"],\"vocab_size\":50257,\"n_embd\":768,"
        "\"n_layer\":12,\"n_head\":12,\"n_positions\":1024,\"n_inner\":null,"
        "\"activation_function\":\"gelu_new\",\"bos_token_id\":50256,\"eos_token_id\":50256}",
        "config.json");
    QCOMPARE(gpt2.family, ModelFamily::Gpt2);
    QCOMPARE(gpt2.intermediateSize, int64_t(3072));
    QCOMPARE(gpt2.parameterCount(), int64_t(124439808));  // GPT-2 small
  }

  void errors_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    const QString base =
        "\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":8,"
        "\"num_hidden_layers\":1,\"num_attention_heads\":2";
    QTest::newRow("not json") << "{"
                              << "not valid JSON";
    QTest::newRow("array") << "[]"
                           << "expected a JSON object";
    QTest::newRow("no architectures") << "{" + base + "}"
                                      << "'architectures' must list";
    QTest::newRow("unsupported")
        << "{\"architectures\":[\"BertModel\"]}"
        << "architecture 'BertModel' is not supported (supported: LlamaForCausalLM, "
           "MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, SmolLM3ForCausalLM, "
           "Olmo2ForCausalLM, GemmaForCausalLM, Gemma2ForCausalLM, Gemma3ForCausalLM, "
           "Phi3ForCausalLM, GPT2LMHeadModel)";
    QTest::newRow("missing field") << "{\"architectures\":[\"LlamaForCausalLM\"],\"vocab_size\":10}"
                                   << "missing required field 'hidden_size'";
    QTest::newRow("negative size")
        << "{\"architectures\":[\"LlamaForCausalLM\"]," + base + ",\"num_key_value_heads\":-2}"
        << "'num_key_value_heads' must be a positive integer";
    QTest::newRow("heads do not divide")
        << "{\"architectures\":[\"LlamaForCausalLM\"],\"vocab_size\":10,\"hidden_size\":10,"
           "\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":3}"
        << "num_attention_heads (3) does not divide hidden_size (10)";
    QTest::newRow("kv heads do not divide")
        << "{\"architectures\":[\"LlamaForCausalLM\"]," + base + ",\"num_key_value_heads\":3}"
        << "num_key_value_heads (3) does not divide num_attention_heads (2)";
    QTest::newRow("rope type") << "{\"architectures\":[\"LlamaForCausalLM\"]," + base +
                                      ",\"rope_scaling\":{\"type\":\"yarn\",\"factor\":2}}"
                               << "rope_scaling type 'yarn' is not supported";
    QTest::newRow("activation") << "{\"architectures\":[\"LlamaForCausalLM\"]," + base +
                                       ",\"hidden_act\":\"relu\"}"
                                << "hidden_act 'relu' is not supported";
    QTest::newRow("dtype") << "{\"architectures\":[\"LlamaForCausalLM\"]," + base +
                                  ",\"torch_dtype\":\"int8\"}"
                           << "torch_dtype 'int8' is not supported";
    QTest::newRow("bool as string")
        << "{\"architectures\":[\"LlamaForCausalLM\"]," + base + ",\"tie_word_embeddings\":\"yes\"}"
        << "'tie_word_embeddings' must be true or false";
    QTest::newRow("eos list") << "{\"architectures\":[\"LlamaForCausalLM\"]," + base +
                                     ",\"eos_token_id\":[1,\"x\"]}"
                              << "'eos_token_id' must hold non-negative integers";
    const QString llama = "{\"architectures\":[\"LlamaForCausalLM\"],";
    QTest::newRow("layers beyond any model")
        << llama +
               "\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":8,"
               "\"num_hidden_layers\":100000,\"num_attention_heads\":2}"
        << "num_hidden_layers is 100000, more than 1024";
    QTest::newRow("hidden size beyond any model")
        << llama +
               "\"vocab_size\":10,\"hidden_size\":1000000000000,\"intermediate_size\":8,"
               "\"num_hidden_layers\":1,\"num_attention_heads\":2}"
        << "hidden_size is 1000000000000, more than 131072";
    QTest::newRow("vocabulary beyond any model")
        << llama +
               "\"vocab_size\":4611686018427387904,\"hidden_size\":8,"
               "\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":2}"
        << "vocab_size is 4611686018427387904, more than 4194304";
    QTest::newRow("negative norm epsilon") << llama + base + ",\"rms_norm_eps\":-1}"
                                           << "rms_norm_eps must be a small positive number";
    QTest::newRow("rope base zero") << llama + base + ",\"rope_theta\":0}"
                                    << "rope_theta must be a positive base above 1";
  }
  void errors() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    try {
      parseModelConfig(json.toStdString(), "folder/config.json");
      QFAIL("must throw");
    } catch (const Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).startsWith("folder/config.json: "), e.what());
      QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(ModelConfigTest)
#include "tst_model_config.moc"

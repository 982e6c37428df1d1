// GGUF export of tiny random models made here: a Llama folder written as F32 reads back with
// llama.cpp's tensor names, shapes innermost first and the safetensors' values, its query/key rows
// reordered so that undoing the reordering gives the Hugging Face weights back; Qwen2 is written
// without the reordering, with its biases and a byte-level BPE tokenizer; quantised types keep
// vectors F32 and fall back to F16 for rows that are not whole blocks; unsupported models and
// pre-tokenizers are refused with the reason; the "gguf" exporter writes a run through the export
// job (a LoRA checkpoint, merged first).
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "RecordedRunFixtures.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "export/RunExport.h"
#include "export/gguf/GgufModelWriter.h"
#include "export/gguf/GgufTokenizer.h"
#include "model/ModelConfig.h"
#include "model/ModelFactory.h"
#include "model/SafetensorsReader.h"
#include "store/ProjectStore.h"

using namespace tunebench;
using namespace tunebench::gguf;
namespace fs = std::filesystem;

namespace {

std::vector<float> tensorValues(const std::string& file, const GgufContents& contents,
                                const TensorInfo& info) {
  std::vector<float> values(info.elementCount());
  decodeValues(info.type, readGgufTensorBytes(file, contents, info), values.data());
  return values;
}

std::vector<float> safetensorsValues(const SafetensorsReader& reader, const std::string& name) {
  const auto t = reader.tensor(name).to(torch::kFloat32).contiguous();
  return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

int64_t integerOf(const GgufContents& contents, const std::string& key) {
  const auto* value = contents.find(key);
  if (!value) throw Error("missing " + key);
  return value->integer;
}

}  // namespace

class GgufExportTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string folder(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    for (const char* arch : {"llama", "qwen2", "qwen3", "gpt2"})
      makeRandomModel({arch, "tiny", folder(arch), 5});
  }

  void llamaF32ReadsBackWithHuggingFaceValues() {
    const std::string file = folder("llama-f32.gguf");
    GgufExportOptions options;
    options.type = TensorType::F32;
    const auto report = writeGgufModel(folder("llama"), file, options);
    QCOMPARE(report.architecture, std::string("llama"));
    const auto contents = readGgufFile(file);
    const auto config = loadModelConfig(folder("llama") + "/config.json");
    QCOMPARE(contents.find("general.architecture")->text, std::string("llama"));
    QCOMPARE(integerOf(contents, "llama.block_count"), config.numLayers);
    QCOMPARE(integerOf(contents, "llama.embedding_length"), config.hiddenSize);
    QCOMPARE(integerOf(contents, "llama.feed_forward_length"), config.intermediateSize);
    QCOMPARE(integerOf(contents, "llama.attention.head_count"), config.numHeads);
    QCOMPARE(integerOf(contents, "llama.attention.head_count_kv"), config.numKeyValueHeads);
    QCOMPARE(integerOf(contents, "llama.rope.dimension_count"), config.headDim);
    QCOMPARE(integerOf(contents, "llama.context_length"), config.maxPositions);
    QCOMPARE(contents.find("llama.rope.freq_base")->real, config.ropeTheta);
    QCOMPARE(contents.find("tokenizer.ggml.model")->text, std::string("llama"));
    QCOMPARE(contents.find("tokenizer.ggml.tokens")->elements.size(), size_t(config.vocabSize));
    QCOMPARE(contents.find("tokenizer.ggml.scores")->elements.size(), size_t(config.vocabSize));
    QCOMPARE(integerOf(contents, "tokenizer.ggml.bos_token_id"), int64_t(1));
    QCOMPARE(integerOf(contents, "tokenizer.ggml.eos_token_id"), int64_t(2));
    QCOMPARE(integerOf(contents, "tokenizer.ggml.add_bos_token"), int64_t(1));
    const auto& types = contents.find("tokenizer.ggml.token_type")->elements;
    QCOMPARE(types[0].integer, int64_t(TokenType::Unknown));
    QCOMPARE(types[1].integer, int64_t(TokenType::Control));
    QCOMPARE(types[3].integer, int64_t(TokenType::Byte));  // <0x00> with byte fallback

    const SafetensorsReader weights(folder("llama") + "/model.safetensors");
    QCOMPARE(contents.tensors.size(), size_t(3 + 9 * config.numLayers));
    for (const auto& entry : weights.header().entries) {
      const std::string name = ggufTensorName(entry.name);
      const auto* info = contents.tensor(name);
      QVERIFY2(info, entry.name.c_str());
      QCOMPARE(info->type, TensorType::F32);
      const std::vector<uint64_t> dims(entry.shape.rbegin(), entry.shape.rend());
      QCOMPARE(info->dims, dims);
      auto values = tensorValues(file, contents, *info);
      const auto expected = safetensorsValues(weights, entry.name);
      const bool query = entry.name.find("q_proj") != std::string::npos;
      const bool key = entry.name.find("k_proj") != std::string::npos;
      if (query || key) {
        QVERIFY2(values != expected, entry.name.c_str());  // reordered
        unpermuteFromPairRotation(values.data(), query ? config.numHeads : config.numKeyValueHeads,
                                  entry.shape[0], entry.shape[1]);
      }
      QVERIFY2(values == expected, entry.name.c_str());
    }
    QVERIFY(contents.tensor("blk.1.ffn_down.weight"));
    QVERIFY(contents.tensor("output.weight"));
  }

  // One head of 4 rows [a0 a1 b0 b1] (halves a, b) becomes [a0 b0 a1 b1].
  void pairRotationOrderByHand() {
    std::vector<float> rows{0, 1, 2, 3, 10, 11, 12, 13};  // 2 heads, 4 rows each, 1 column
    permuteForPairRotation(rows.data(), 2, 8, 1);
    QCOMPARE(rows, (std::vector<float>{0, 2, 1, 3, 10, 12, 11, 13}));
    unpermuteFromPairRotation(rows.data(), 2, 8, 1);
    QCOMPARE(rows, (std::vector<float>{0, 1, 2, 3, 10, 11, 12, 13}));
  }

  void qwen2KeepsRowsBiasesAndBpe() {
    const std::string file = folder("qwen2-f16.gguf");
    const auto report = writeGgufModel(folder("qwen2"), file, {});
    QCOMPARE(report.architecture, std::string("qwen2"));
    const auto contents = readGgufFile(file);
    QCOMPARE(contents.find("tokenizer.ggml.model")->text, std::string("gpt2"));
    QCOMPARE(contents.find("tokenizer.ggml.pre")->text, std::string("qwen2"));
    QVERIFY(!contents.find("tokenizer.ggml.merges")->elements.empty());
    QCOMPARE(integerOf(contents, "tokenizer.ggml.add_bos_token"), int64_t(0));
    QVERIFY(contents.find("tokenizer.chat_template"));
    const auto& tokens = contents.find("tokenizer.ggml.tokens")->elements;
    QCOMPARE(tokens[317].text, std::string("<|endoftext|>"));
    QCOMPARE(contents.find("tokenizer.ggml.token_type")->elements[317].integer,
             int64_t(TokenType::Control));
    const SafetensorsReader weights(folder("qwen2") + "/model.safetensors");
    const auto* query = contents.tensor("blk.0.attn_q.weight");
    QCOMPARE(query->type, TensorType::F16);
    const auto values = tensorValues(file, contents, *query);
    const auto expected = safetensorsValues(weights, "model.layers.0.self_attn.q_proj.weight");
    for (size_t i = 0; i < values.size(); ++i)
      QCOMPARE(values[i], halfToFloat(floatToHalf(expected[i])));  // not reordered
    const auto* bias = contents.tensor("blk.0.attn_q.bias");
    QVERIFY(bias);
    QCOMPARE(bias->type, TensorType::F32);
    QCOMPARE(tensorValues(file, contents, *bias),
             safetensorsValues(weights, "model.layers.0.self_attn.q_proj.bias"));
  }

  void quantisedTypesKeepVectorsAndWholeBlocks_data() {
    QTest::addColumn<QString>("type");
    QTest::newRow("q8_0") << "q8_0";
    QTest::newRow("q4_0") << "q4_0";
    QTest::newRow("bf16") << "bf16";
  }
  void quantisedTypesKeepVectorsAndWholeBlocks() {
    QFETCH(QString, type);
    GgufExportOptions options;
    QVERIFY(parseTensorType(type.toStdString(), options.type));
    const std::string file = folder("qwen3-" + type.toStdString() + ".gguf");
    const auto report = writeGgufModel(folder("qwen3"), file, options);
    const auto contents = readGgufFile(file);
    QCOMPARE(contents.find("general.architecture")->text, std::string("qwen3"));
    QVERIFY(contents.tensor("blk.0.attn_q_norm.weight"));
    for (const auto& info : contents.tensors) {
      if (info.dims.size() == 1)
        QCOMPARE(info.type, TensorType::F32);
      else if (info.dims[0] % blockValues(options.type) != 0)
        QCOMPARE(info.type, TensorType::F16);  // ffn_down: rows of 176 values
      else
        QCOMPARE(info.type, options.type);
    }
    QCOMPARE(report.fallbackTensors, options.type == TensorType::BF16 ? size_t(0) : size_t(2));
    // Values come back within the type's step.
    const SafetensorsReader weights(folder("qwen3") + "/model.safetensors");
    const auto values = tensorValues(file, contents, *contents.tensor("token_embd.weight"));
    const auto expected = safetensorsValues(weights, "model.embed_tokens.weight");
    float worst = 0, largest = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      worst = std::max(worst, std::fabs(values[i] - expected[i]));
      largest = std::max(largest, std::fabs(expected[i]));
    }
    QVERIFY2(worst <= largest / (options.type == TensorType::Q4_0 ? 7.0f : 100.0f),
             std::to_string(worst).c_str());
  }

  void unsupportedModelsAreRefused() {
    const auto why = ggufRefusal(folder("gpt2"));
    QVERIFY2(why.find("GPT2LMHeadModel") != std::string::npos, why.c_str());
    QVERIFY_THROWS_EXCEPTION(Error, writeGgufModel(folder("gpt2"), folder("gpt2.gguf"), {}));
    QVERIFY(!fs::exists(folder("gpt2.gguf")));
    QVERIFY(ggufRefusal(folder("llama")).empty());
  }

  void preTokenizersAreIdentifiedOrRefused() {
    QCOMPARE(
        bpePreTokenizerName(R"({"type":"ByteLevel","add_prefix_space":false,"use_regex":true})"),
        std::string("gpt2"));
    try {
      bpePreTokenizerName(R"({"type":"Whitespace"})");
      QFAIL("an unknown pre-tokenizer was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("Whitespace") != std::string::npos, e.what());
    }
  }

  void exporterWritesALoraCheckpoint() {
    const std::string base = folder("run");
    fs::create_directories(base);
    fixtures::makeTinyModelAndCorpus(base);
    const std::string project = base + "/gguf.tbproj";
    store::ProjectStore::create(project);
    const auto runId = fixtures::trainRecordedRun(project, base, "lora run", "lora", 2, 2);
    PluginRegistry plugins;
    builtin::registerBuiltinPlugins(plugins);
    RunExportRequest request;
    request.projectFile = project;
    request.runId = runId;
    request.checkpointStep = 2;
    request.format = "gguf";
    request.settings = {{"type", "q8_0"}};
    RunExportJob job(plugins, request);
    BasicJobContext context;
    job.run(context);
    const auto& result = job.result();
    QVERIFY(!result.canceled);
    QCOMPARE(result.files, size_t(1));
    const auto contents = readGgufFile(result.folder + "/model-q8_0.gguf");
    QCOMPARE(contents.find("general.name")->text, std::string("lora run"));
    QCOMPARE(contents.tensor("blk.0.attn_q.weight")->type, TensorType::Q8_0);
    // Nothing left beside the export.
    for (const auto& item : fs::directory_iterator(fs::path(result.folder).parent_path()))
      QVERIFY2(item.path().filename().string().find(".partial") == std::string::npos,
               item.path().c_str());

    request.settings = {{"type", "q5_k"}};
    RunExportJob refused(plugins, request);
    BasicJobContext context2;
    try {
      refused.run(context2);
      QFAIL("an unknown type was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("q8_0") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(GgufExportTest)
#include "tst_gguf_export.moc"

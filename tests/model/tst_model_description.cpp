// Model descriptions, memory estimates, model folder fingerprints and the model jobs the GUI runs.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "common/Error.h"
#include "common/FileFingerprintCache.h"
#include "common/SanitizerBuild.h"
#include "common/Sha256.h"
#include "jobs/BasicJobContext.h"
#include "model/MemoryEstimate.h"
#include "model/ModelDescription.h"
#include "model/ModelFingerprint.h"
#include "model/ModelJobs.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

ModelConfig llama32OneB() {
  return parseModelConfig(
      "{\"architectures\":[\"LlamaForCausalLM\"],\"vocab_size\":128256,\"hidden_size\":2048,"
      "\"intermediate_size\":8192,\"num_hidden_layers\":16,\"num_attention_heads\":32,"
      "\"num_key_value_heads\":8,\"tie_word_embeddings\":true,\"max_position_embeddings\":131072}",
      "config.json");
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

class ModelDescriptionTest : public QObject {
  Q_OBJECT
 private slots:
  void memoryEstimateOfLlama32OneB() {
    const auto config = llama32OneB();
    // PEFT reports these trainable counts for r=16 on all linear layers (LoRA and DoRA).
    QCOMPARE(loraParameterCount(config, 16), int64_t(11272192));
    QCOMPARE(loraParameterCount(config, 16) + doraMagnitudeCount(config), int64_t(11649024));
    const auto estimate = estimateMemory(config, 16);
    QCOMPARE(estimate.parameters, int64_t(1235814400));
    QCOMPARE(estimate.fp32Bytes, 1235814400.0 * 4);
    QCOMPARE(estimate.bf16Bytes, 1235814400.0 * 2);
    // Tied 128256 × 2048 embedding stays bf16; the rest at 4.127 bits per weight.
    const double embedding = 128256.0 * 2048;
    QCOMPARE(estimate.nf4Bytes,
             (1235814400.0 - embedding) * (4.0 + 0.125 + 32.0 / 16384) / 8 + embedding * 2);
    QCOMPARE(estimate.training.size(), size_t(4));
    const auto& full = estimate.training[0];
    QCOMPARE(full.totalBytes(), 1235814400.0 * 16);
    const auto& lora = estimate.training[1];
    QCOMPARE(lora.method, std::string("LoRA"));
    QCOMPARE(lora.totalBytes(), 1235814400.0 * 2 + 11272192.0 * 16);
    const auto& qlora = estimate.training[2];
    QCOMPARE(qlora.totalBytes(), estimate.nf4Bytes + 11272192.0 * 16);
    QVERIFY(qlora.totalBytes() < lora.totalBytes());
    QVERIFY(lora.totalBytes() < estimate.training[3].totalBytes());
    QVERIFY(estimate.training[3].totalBytes() < full.totalBytes());
  }

  void gpt2LoraCountsItsFusedAttention() {
    const auto config = parseModelConfig(
        "{\"architectures\":[\"GPT2LMHeadModel\"],\"vocab_size\":50257,\"n_embd\":768,"
        "\"n_layer\":12,\"n_head\":12,\"n_positions\":1024}",
        "config.json");
    // c_attn 768→2304, c_proj 768→768, c_fc 768→3072, c_proj 3072→768; rank 8.
    QCOMPARE(loraParameterCount(config, 8), int64_t(12 * 8 * (3072 + 1536 + 3840 + 3840)));
  }

  void formatsBytes() {
    QCOMPARE(formatBytes(512), std::string("512 B"));
    QCOMPARE(formatBytes(3 * 1024 * 1024), std::string("3.00 MiB"));
    QCOMPARE(formatBytes(1.5 * 1024 * 1024 * 1024), std::string("1.50 GiB"));
  }

  void starterModelIsDescribedAndFingerprinted() {
    if (tunebench::kAddressSanitizerBuild) QSKIP(tunebench::kSentencePieceUnderSanitizerReason);
    QTemporaryDir dir;
    const std::string folder = dir.filePath("tiny").toStdString();
    BasicJobContext context;
    int64_t lastDone = -1, lastTotal = 0;
    context.onProgress = [&](int64_t done, int64_t total, const std::string&) {
      lastDone = done;
      lastTotal = total;
    };
    MakeModelJob job({"llama", "tiny", folder, 3});
    job.run(context);
    QVERIFY(job.completed());
    QVERIFY(lastTotal > 0);
    QCOMPARE(lastDone, lastTotal);
    const auto& d = job.result();
    QVERIFY2(d.usable(), d.problems.empty() ? "" : d.problems.front().c_str());
    QCOMPARE(d.config->architecture, std::string("LlamaForCausalLM"));
    QCOMPARE(d.tokenizerType, std::string("tokenizer.model (sentencepiece)"));
    QCOMPARE(d.checkpointFiles, size_t(1));
    QCOMPARE(d.dtypeElements.at("F32"), uint64_t(d.config->parameterCount()));
    QCOMPARE(d.sha256.size(), size_t(64));
    // No chat template of its own: the sample is rendered with the ChatML preset.
    QCOMPARE(d.chatSampleSource, std::string("preset chatml"));
    QVERIFY2(
        d.chatSample.find("<|im_start|>user\nWhat is 2 plus 3?<|im_end|>") != std::string::npos,
        d.chatSample.c_str());
    QCOMPARE(d.specialTokens.at(0).role, std::string("bos"));
    QCOMPARE(d.specialTokens.at(0).text, std::string("<s>"));
    QCOMPARE(d.specialTokens.at(0).id.value_or(-1), int64_t(1));
    QCOMPARE(d.specialTokens.at(1).text, std::string("</s>"));
    QCOMPARE(d.specialTokens.at(1).id.value_or(-1), int64_t(2));
    // The unk id comes from the sentencepiece model itself (config.json does not name it).
    QCOMPARE(d.specialTokens.at(2).role, std::string("unk"));
    QCOMPARE(d.specialTokens.at(2).id.value_or(-1), int64_t(0));

    // Describing without a fingerprint reads no weights; with one, the same folder hashes alike,
    // and any change to config.json changes it.
    QVERIFY(describeModelFolder(folder).sha256.empty());
    QCOMPARE(describeModelFolder(folder, {true}).sha256, d.sha256);
    std::ofstream(fs::path(folder) / "config.json", std::ios::app) << "\n";
    QVERIFY(describeModelFolder(folder, {true}).sha256 != d.sha256);

    // A starter model never overwrites files.
    MakeModelJob again({"llama", "tiny", folder, 3});
    try {
      again.run(context);
      QFAIL("a non-empty folder was accepted");
    } catch (const Error& e) {
      QVERIFY(std::string(e.what()).find("not empty") != std::string::npos);
    }
  }

  // Qwen2 models carry their ChatML template in tokenizer_config.json; a broken template is
  // reported in the sample, not as a crash.
  void chatSampleUsesTheModelsTemplate() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("qwen").toStdString();
    makeRandomModel({"qwen2", "tiny", folder, 1});
    auto d = describeModelFolder(folder);
    QVERIFY(d.hasChatTemplate);
    QCOMPARE(d.chatSampleSource, std::string("tokenizer_config.json"));
    QVERIFY2(d.chatSample.find("<|im_start|>assistant\n5<|im_end|>") != std::string::npos,
             d.chatSample.c_str());
    auto config = nlohmann::json::parse(std::ifstream(folder + "/tokenizer_config.json"));
    config["chat_template"] = "{% for m in messages %}{{ m.content ";
    std::ofstream(folder + "/tokenizer_config.json") << config.dump();
    d = describeModelFolder(folder);
    QVERIFY2(d.chatSample.rfind("cannot render a sample", 0) == 0, d.chatSample.c_str());
  }

  // What training records of its base model and the Model panel shows: SHA-256 over the lines
  // "<name>:<sha256>\n" of config.json and the weights; a second fingerprint reads no weights.
  void modelFolderFingerprintIsCachedAndCancelable() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("tiny").toStdString();
    BasicJobContext quiet;
    MakeModelJob make({"llama", "tiny", folder, 5});
    make.run(quiet);
    QVERIFY(make.completed());
    const fs::path config = fs::path(folder) / "config.json";
    const fs::path weights = fs::path(folder) / "model.safetensors";
    const std::string expected =
        sha256Hex("config.json:" + sha256OfFile(config.string()) + "\n" +
                  "model.safetensors:" + sha256OfFile(weights.string()) + "\n");
    QCOMPARE(make.result().sha256, expected);
    QCOMPARE(modelFolderFingerprint(folder), expected);

    // Files written a moment ago are remembered by a cache that needs no settling time.
    const fs::path cacheFile = dir.filePath("fingerprints.txt").toStdString();
    FileFingerprintCache first(cacheFile, std::chrono::nanoseconds(0));
    BasicJobContext context;
    int64_t lastDone = -1, lastTotal = 0;
    context.onProgress = [&](int64_t done, int64_t total, const std::string&) {
      lastDone = done;
      lastTotal = total;
    };
    QCOMPARE(modelFolderFingerprint(folder, first, &context), expected);
    QCOMPARE(first.filesHashed(), size_t(2));
    QCOMPARE(lastTotal, int64_t(fs::file_size(config) + fs::file_size(weights)));
    QCOMPARE(lastDone, lastTotal);
    FileFingerprintCache second(cacheFile, std::chrono::nanoseconds(0));
    QCOMPARE(modelFolderFingerprint(folder, second), expected);
    QCOMPARE(second.filesHashed(), size_t(0));

    BasicJobContext canceled;
    canceled.cancel();
    FileFingerprintCache third(dir.filePath("other.txt").toStdString());
    QVERIFY(modelFolderFingerprint(folder, third, &canceled).empty());
    QVERIFY(describeModelFolder(folder, {true}, &canceled).sha256.empty());
  }

  void canceledStarterModelLeavesNothing() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("canceled").toStdString();
    BasicJobContext context;
    context.cancel();
    MakeModelJob job({"gpt2", "tiny", folder, 1});
    job.run(context);
    QVERIFY(!job.completed());
    QVERIFY(!fs::exists(folder));
  }

  void brokenFoldersListEveryProblem() {
    QTemporaryDir dir;
    const fs::path empty(dir.filePath("empty").toStdString());
    fs::create_directories(empty);
    auto d = describeModelFolder(empty.string());
    QVERIFY(!d.usable());
    QCOMPARE(d.problems.size(), size_t(3));
    QVERIFY(d.problems[0].find("config.json is missing") != std::string::npos);
    QVERIFY(d.problems[1].find("model.safetensors") != std::string::npos);
    QVERIFY(d.problems[2].find("no tokenizer") != std::string::npos);

    const fs::path pickle(dir.filePath("pickle").toStdString());
    fs::create_directories(pickle);
    writeFile(pickle / "config.json", "{\"architectures\":[\"BertModel\"]}");
    writeFile(pickle / "pytorch_model.bin", "not unpickled");
    writeFile(pickle / "tokenizer.json", "{}");
    d = describeModelFolder(pickle.string());
    QCOMPARE(d.problems.size(), size_t(2));
    QVERIFY2(d.problems[0].find("LlamaForCausalLM") != std::string::npos, d.problems[0].c_str());
    QVERIFY2(d.problems[1].find("pickle") != std::string::npos, d.problems[1].c_str());

    d = describeModelFolder(dir.filePath("missing").toStdString());
    QCOMPARE(d.problems.size(), size_t(1));
    QVERIFY(d.problems[0].find("is not a folder") != std::string::npos);
  }

  // What loading refuses, the description says too (so `inspect` exits 1): a vocabulary that
  // does not match the embedding, and a layer count the weights do not have.
  void weightsThatDoNotMatchTheConfigAreProblems() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", folder, 1});
    QVERIFY(describeModelFolder(folder).usable());
    auto config = nlohmann::json::parse(std::ifstream(folder + "/config.json"));
    const int64_t vocab = config["vocab_size"].get<int64_t>();
    const int64_t layers = config["num_hidden_layers"].get<int64_t>();
    config["vocab_size"] = vocab + 7;
    config["num_hidden_layers"] = layers + 1;
    writeFile(fs::path(folder) / "config.json", config.dump());
    const auto d = describeModelFolder(folder);
    QVERIFY(!d.usable());
    std::string all;
    for (const auto& problem : d.problems) all += problem + "\n";
    QVERIFY2(all.find("model.embed_tokens.weight has " + std::to_string(vocab) +
                      " rows, but config.json's vocab_size is " + std::to_string(vocab + 7)) !=
                 std::string::npos,
             all.c_str());
    QVERIFY2(all.find("the weights hold " + std::to_string(layers) +
                      " layers, but config.json's num_hidden_layers is " +
                      std::to_string(layers + 1)) != std::string::npos,
             all.c_str());
  }
};

QTEST_GUILESS_MAIN(ModelDescriptionTest)
#include "tst_model_description.moc"

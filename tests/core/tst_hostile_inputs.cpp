// Hostile inputs and faults in the file layer: JSON nested deep enough to exhaust a recursive
// reader's stack, files that are not regular files (FIFOs, devices, folders) given as model or
// config files, and writes that fail part-way (a full disk, simulated with the file size limit,
// which works for any user). Each must end in a clear error naming the file, never a crash, a
// hang, an abort or a damaged previous file.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "data/JsonLinesRecords.h"
#include "model/CausalLM.h"
#include "model/Generation.h"
#include "model/ModelConfig.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "system/SystemInfo.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/TokenBudget.h"
#include "train/Checkpoint.h"
#include "train/TrainingConfig.h"
#include "train/TrainingData.h"

namespace fs = std::filesystem;
using tunebench::Error;

namespace {

std::string nested(int levels) {
  return std::string(size_t(levels), '[') + "1" + std::string(size_t(levels), ']');
}

std::string deepObject(int levels) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += "{\"a\":";
  return text + "1" + std::string(size_t(levels), '}');
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

template <typename F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Limits the size of any file this process writes, as a full disk would; writes beyond it fail
// with EFBIG (the signal that would kill the process is ignored meanwhile).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  sighandler_t previous_;
};

bool hasLeftovers(const fs::path& folder) {
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename().string().find(".partial") != std::string::npos) return true;
  return false;
}

}  // namespace

class HostileInputsTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  fs::path at(const std::string& name) const { return fs::path(dir_.path().toStdString()) / name; }

 private slots:
  void deepJsonIsRefusedBeforeItIsBuilt_data() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("model config") << "config";
    QTest::newRow("training config") << "training";
    QTest::newRow("tokenizer.json") << "tokenizer";
    QTest::newRow("JSON Lines row") << "jsonl";
    QTest::newRow("project column") << "column";
  }
  void deepJsonIsRefusedBeforeItIsBuilt() {
    QFETCH(QString, kind);
    const std::string deep = kind == "jsonl" ? nested(100000) : deepObject(100000);
    const fs::path file = at("deep-" + kind.toStdString() + ".json");
    writeFile(file, kind == "jsonl" ? "{\"text\": \"fine\"}\n" + deep + "\n" : deep);
    std::string message;
    if (kind == "config")
      message = errorOf([&] { tunebench::loadModelConfig(file.string()); });
    else if (kind == "training")
      message = errorOf([&] { tunebench::loadTrainingConfig(file.string()); });
    else if (kind == "tokenizer")
      message = errorOf([&] { tunebench::BpeTokenizer::fromFile(file.string()); });
    else if (kind == "jsonl")
      message = errorOf([&] {
        tunebench::readJsonLinesObjects(file.string(),
                                        [](const nlohmann::json&, const std::string&) {});
      });
    else
      message = errorOf([&] { tunebench::parseJson(deep, "run 3's config"); });
    const std::string source = kind == "column" ? "run 3's config" : file.string();
    QVERIFY2(message.find(source) != std::string::npos, message.c_str());
    QVERIFY2(message.find("nested deeper than 512 levels") != std::string::npos, message.c_str());
    const std::string at = kind == "jsonl"
                               ? "line 2: JSON nested deeper than 512 levels at column 513"
                               : "nested deeper than 512 levels at column 2561";
    QVERIFY2(message.find(at) != std::string::npos, message.c_str());
  }

  void ordinaryNestingStillReads() {
    QCOMPARE(tunebench::parseJson(nested(500), "x").dump().size(), size_t(1001));
    // Brackets inside strings do not count.
    const std::string text = "{\"a\": \"" + std::string(5000, '[') + "\"}";
    QCOMPARE(tunebench::parseJson(text, "x")["a"].get<std::string>().size(), size_t(5000));
    QVERIFY(tunebench::parseJsonOrDiscarded(nested(600)).is_discarded());
    QVERIFY(tunebench::parseJsonOrDiscarded("{oops").is_discarded());
  }

  void oversizedJsonIsRefused() {
    tunebench::JsonLimits limits;
    limits.maxBytes = 100;
    const std::string message =
        errorOf([&] { tunebench::parseJson(std::string(200, ' ') + "1", "big.json", limits); });
    QVERIFY2(message.find("big.json: the JSON text is 201 bytes, over the limit of 100 bytes") !=
                 std::string::npos,
             message.c_str());
  }

  void onlyRegularFilesAreRead_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("fifo") << "fifo"
                          << "not a regular file (a device, pipe or socket)";
    QTest::newRow("link to /dev/zero") << "zero"
                                       << "not a regular file (a device, pipe or socket)";
    QTest::newRow("folder") << "folder"
                            << "not a regular file (a folder)";
    QTest::newRow("missing") << "missing"
                             << "no such file";
  }
  void onlyRegularFilesAreRead() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    const fs::path folder = at("model-" + kind.toStdString());
    fs::create_directories(folder);
    const fs::path config = folder / "config.json";
    if (kind == "fifo") QCOMPARE(mkfifo(config.c_str(), 0600), 0);
    if (kind == "zero") fs::create_symlink("/dev/zero", config);
    if (kind == "folder") fs::create_directories(config);
    // A FIFO would block a reader forever and /dev/zero never ends: neither is opened.
    const std::string message = errorOf([&] { tunebench::loadModelConfig(config.string()); });
    QVERIFY2(message.find(config.string() + ": cannot be opened: " + expected.toStdString()) !=
                 std::string::npos,
             message.c_str());
    // The same for a training file read line by line (/dev/zero has no line end: training
    // once read it until killed, deaf to Ctrl-C).
    const std::string training = errorOf([&] {
      tunebench::TextEncoder encoder;
      encoder.encode = [](const std::string& text) {
        return std::vector<int64_t>(text.begin(), text.end());
      };
      tunebench::loadTrainingDataset(config.string(), {}, tunebench::Objective::CausalLm, encoder);
    });
    QVERIFY2(training.find(config.string() + ": cannot be opened: " + expected.toStdString()) !=
                 std::string::npos,
             training.c_str());
  }

  void oversizedFilesAreRefusedBeforeReading() {
    const fs::path file = at("large.txt");
    writeFile(file, std::string(4096, 'x'));
    const std::string message = errorOf([&] { tunebench::readTextFile(file.string(), 1024); });
    QVERIFY2(
        message.find(file.string() + ": the file is 4096 bytes, over the limit of 1024 bytes") !=
            std::string::npos,
        message.c_str());
  }

  // A row over the line limit is named, not dropped: training and evaluation would otherwise
  // report fewer examples than the file has.
  void aRowOverTheLimitIsNamedNotDropped() {
    const fs::path file = at("long-row.jsonl");
    {
      std::ofstream out(file, std::ios::binary);
      out << "{\"text\": \"short\"}\n{\"text\": \"" << std::string((64u << 20) + 16, 'a')
          << "\"}\n{\"text\": \"short\"}\n";
    }
    int records = 0;
    const std::string message = errorOf([&] {
      tunebench::readJsonLinesObjects(
          file.string(), [&](const nlohmann::json&, const std::string&) { ++records; });
    });
    fs::remove(file);
    QVERIFY2(
        message.find(file.string() + ": line 2: the line is longer than the limit of 64 MiB") !=
            std::string::npos,
        message.c_str());
    QCOMPARE(records, 1);
  }

  void aFailedWriteKeepsTheOldFileAndSaysWhy() {
    const fs::path file = at("kept.json");
    tunebench::writeFileAtomically(file, std::string("{\"old\": true}\n"));
    std::string message;
    {
      FileSizeLimit limit(64 * 1024);
      message =
          errorOf([&] { tunebench::writeFileAtomically(file, std::string(200 * 1024, 'x')); });
    }
    QVERIFY2(
        message.find("cannot write " + file.string() + ": File too large") != std::string::npos,
        message.c_str());
    QCOMPARE(readAll(file), std::string("{\"old\": true}\n"));
    QVERIFY(!hasLeftovers(file.parent_path()));
    // A writer that throws leaves nothing behind either.
    QCOMPARE(errorOf([&] {
               tunebench::writeFileAtomically(file, [](std::ostream& out) {
                 out << "half";
                 throw Error("the writer gave up");
               });
             }),
             std::string("the writer gave up"));
    QCOMPARE(readAll(file), std::string("{\"old\": true}\n"));
    QVERIFY(!hasLeftovers(file.parent_path()));
  }

  // Sizes that would allocate gigabytes or start thousands of threads are refused up front.
  void absurdSizesAreRefusedWithTheNumber() {
    const std::string folder = at("tiny-model").string();
    tunebench::makeRandomModel({"llama", "tiny", folder, 3});
    auto loaded = tunebench::loadModelFolder(folder);
    tunebench::GenerationSettings settings;
    settings.maxNewTokens = 1000000000;
    std::string message = errorOf([&] {
      tunebench::generate(*loaded.model, {{1, 5, 7}}, settings);
    });
    QVERIFY2(message.find("max new tokens is 1000000000, more than the model's context of 256") !=
                 std::string::npos,
             message.c_str());
    settings.maxNewTokens = 4;
    settings.temperature = std::nan("");
    message = errorOf([&] { tunebench::generate(*loaded.model, {{1, 5, 7}}, settings); });
    QVERIFY2(message.find("temperature must be a number") != std::string::npos, message.c_str());
    // An id beyond the embedding table (a tokenizer that is not the model's).
    settings.temperature = 0;
    message = errorOf([&] { tunebench::generate(*loaded.model, {{1, 1 << 20, 7}}, settings); });
    QVERIFY2(
        message.find("token id 1048576 is outside the model's vocabulary") != std::string::npos,
        message.c_str());
    message = errorOf([] { tunebench::setIntraOpThreads(100000); });
    QVERIFY2(message.find("threads is 100000, more than") != std::string::npos, message.c_str());
    tunebench::setIntraOpThreads(1);
  }

  // Within the plausibility bounds of config.json, but far beyond any machine: refused with the
  // size before a byte of it is allocated.
  void aModelLargerThanTheMachineIsRefused() {
    auto json = tunebench::presetConfig("llama", "tiny", 256);
    json["hidden_size"] = 131072;
    json["intermediate_size"] = 524288;
    json["num_hidden_layers"] = 1024;
    json["num_attention_heads"] = 1024;
    json["num_key_value_heads"] = 1024;
    const auto config = tunebench::parseModelConfig(json.dump(), "config.json");
    const std::string message = errorOf([&] { tunebench::buildCausalLM(config); });
    QVERIFY2(message.find("for its weights in fp32") != std::string::npos &&
                 message.find("more than this machine's") != std::string::npos,
             message.c_str());
  }

  // An 8 MiB row used to cost gigabytes to tokenise: only what max_length can use reaches the
  // tokenizer, and the kept tokens are those of the whole text.
  void aLongRowIsCutBeforeItIsTokenised() {
    size_t longest = 0;
    tunebench::TextEncoder encoder;
    encoder.encode = [&](const std::string& text) {
      longest = std::max(longest, text.size());
      return std::vector<int64_t>(text.begin(), text.end());  // one id per byte
    };
    encoder.bosId = 1;
    encoder.eosId = 2;
    std::string text(size_t(8) << 20, 'x');
    for (size_t i = 0; i < text.size(); i += 7) text[i] = ' ';
    tunebench::DataConfig data;
    data.maxLength = 128;
    const auto tokens = tunebench::tokenizeRecord({{"prompt", text}, {"response", text}}, "row 1",
                                                  data, tunebench::Objective::Sft, encoder, {});
    QVERIFY2(longest <= tunebench::bytesForTokens(data.maxLength), std::to_string(longest).c_str());
    QVERIFY(tokens.truncated);
    QCOMPARE(tokens.example.ids.size(), size_t(128));
    std::vector<int64_t> expected{1};
    expected.insert(expected.end(), text.begin(), text.begin() + 127);
    QCOMPARE(tokens.example.ids, expected);
    // A short row is tokenised whole, as before.
    longest = 0;
    tunebench::tokenizeRecord({{"text", "short"}}, "row 2", data, tunebench::Objective::CausalLm,
                              encoder, {});
    QCOMPARE(longest, size_t(5));
    // A character is never cut in half.
    std::string wide = "a";
    for (int i = 0; i < 300000; ++i) wide += "\xE2\x82\xAC";  // €
    const auto cut = tunebench::prefixForTokens(wide, 128);
    QVERIFY(cut.size() <= tunebench::bytesForTokens(128) && cut.size() > 30000);
    QCOMPARE((cut.size() - 1) % 3, size_t(0));
  }

  // Ten chained replacements a -> 16 a would make a short prompt gigabytes long.
  void aNormalizerThatExplodesIsRefused() {
    nlohmann::json replaces = nlohmann::json::array();
    for (int i = 0; i < 10; ++i)
      replaces.push_back(
          {{"type", "Replace"}, {"pattern", {{"String", "a"}}}, {"content", std::string(16, 'a')}});
    const nlohmann::json tokenizer = {
        {"normalizer", {{"type", "Sequence"}, {"normalizers", replaces}}},
        {"model",
         {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}}}, {"merges", nlohmann::json::array()}}}};
    const fs::path file = at("exploding-tokenizer.json");
    writeFile(file, tokenizer.dump());
    const auto loaded = tunebench::BpeTokenizer::fromFile(file.string());
    const std::string message = errorOf([&] { loaded->encode("a banana and a pear"); });
    QVERIFY2(message.find("the tokenizer's normalizer step") != std::string::npos &&
                 message.find("(16 times the input)") != std::string::npos,
             message.c_str());
    // An ordinary growth (a space becomes three bytes) stays well inside the bound.
    QVERIFY(!loaded->encode("b").empty());
  }

  // LibTorch's archive writer aborts the process when its stream fails under it; the checkpoint
  // writer must turn a full disk into an error and keep the previous checkpoint.
  void aCheckpointThatDoesNotFitIsAnErrorNotAnAbort() {
    const fs::path root = at("checkpoints");
    torch::manual_seed(1);
    torch::nn::Linear layer(96, 96);
    torch::optim::Adam optimizer(layer->parameters(), torch::optim::AdamOptions(1e-3));
    const auto loss = layer(torch::ones({2, 96})).sum();
    loss.backward();
    optimizer.step();
    tunebench::TrainerState state;
    state.step = 5;
    const auto first = tunebench::writeCheckpoint(root.string(), *layer, optimizer, state, {});
    state.step = 10;
    std::string message;
    {
      // The weights and the random state (~42 KiB) fit, the optimiser's two moments (~74 KiB)
      // do not.
      FileSizeLimit limit(56 * 1024);
      message =
          errorOf([&] { tunebench::writeCheckpoint(root.string(), *layer, optimizer, state, {}); });
    }
    QVERIFY2(message.find("optimizer.pt: File too large") != std::string::npos, message.c_str());
    QCOMPARE(tunebench::latestCheckpoint(root.string()).value_or(""), first);
    QVERIFY(!hasLeftovers(root));
  }
};

QTEST_GUILESS_MAIN(HostileInputsTest)
#include "tst_hostile_inputs.moc"

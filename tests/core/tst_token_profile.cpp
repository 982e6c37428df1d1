// Token-level profiling and the label-mask preview, checked against direct tokenizer counts and
// against the labels the trainer's own loader (loadTrainingDataset) builds from the same records.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "common/Error.h"
#include "data/TrainerRecords.h"
#include "model/ModelFactory.h"
#include "tokenizer/BpeTrainer.h"
#include "tokenizer/SentencePieceProcessor.h"
#include "train/TokenProfile.h"

using namespace tunebench;

namespace {

Dataset instructionDataset() {
  Dataset d;
  d.kind = DatasetKind::Instruction;
  for (int i = 0; i < 24; ++i) {
    Example e;
    e.instruction = "Name " + std::to_string(i + 1) + " colours of the garden.";
    if (i % 3 == 0) e.input = "The garden has roses, tulips and " + std::to_string(i) + " trees.";
    for (int k = 0; k <= i; ++k) e.output += (k ? ", " : "") + std::string(k % 2 ? "red" : "blue");
    d.examples.push_back(e);
  }
  return d;
}

Dataset chatDataset() {
  Dataset d;
  d.kind = DatasetKind::Chat;
  for (int i = 0; i < 6; ++i) {
    Example e;
    e.messages = {{"system", "Be brief."},
                  {"user", "What is " + std::to_string(i) + " plus two?"},
                  {"assistant", "It is " + std::to_string(i + 2) + "."},
                  {"user", "And times three?"},
                  {"assistant", "That makes " + std::to_string((i + 2) * 3) + "."}};
    d.examples.push_back(e);
  }
  return d;
}

// The texts get longer by three words each: strictly increasing token counts.
Dataset rawDataset(int rows) {
  Dataset d;
  d.kind = DatasetKind::RawText;
  std::string text = "the";
  for (int i = 0; i < rows; ++i) {
    text += " cat sat down";
    Example e;
    e.text = text;
    d.examples.push_back(e);
  }
  return d;
}

// What exportVersion writes for these rows.
std::string writeRecords(const QTemporaryDir& dir, const Dataset& d, PromptPreset preset) {
  const std::string path = dir.filePath("records.jsonl").toStdString();
  std::ofstream out(path, std::ios::binary);
  for (const auto& e : d.examples) out << trainerRecord(e, d.kind, preset).dump() << "\n";
  return path;
}

}  // namespace

class TokenProfileTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string model_, bpe_;

  std::vector<size_t> directCounts(const std::vector<std::string>& texts) const {
    const auto spm = SentencePieceProcessor::fromFile(model_ + "/tokenizer.model");
    std::vector<size_t> counts;
    for (const auto& t : texts) counts.push_back(spm.encode(t).size());
    return counts;
  }

  // The preview of every row equals the trainer's ids and labels for the exported record.
  void compareWithTrainer(const Dataset& d, PromptPreset preset, Objective objective,
                          int64_t maxLength) {
    const auto tokenizer = openTrainingTokenizer(model_);
    QTemporaryDir dir;
    DataConfig config;
    config.maxLength = maxLength;
    const auto trained = loadTrainingDataset(writeRecords(dir, d, preset), config, objective,
                                             encoderForModelFolder(model_));
    QCOMPARE(trained.examples.size(), d.examples.size());
    for (size_t row = 0; row < d.examples.size(); ++row) {
      const auto p = previewLabelMask(d, row, tokenizer, maxLength, preset);
      const auto& expected = trained.examples[row];
      QCOMPARE(p.ids, expected.ids);
      QCOMPARE(p.pieces.size(), p.ids.size());
      QCOMPARE(p.carriesLoss.size(), expected.labels.size());
      for (size_t i = 0; i < p.ids.size(); ++i) {
        QCOMPARE(bool(p.carriesLoss[i]), expected.labels[i] != kIgnoredLabel);
        if (p.carriesLoss[i]) QCOMPARE(expected.labels[i], p.ids[i]);
      }
    }
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
    BpeTrainerOptions options;
    options.vocabSize = 400;
    options.modelMaxLength = 512;
    std::vector<std::string> texts;
    for (int i = 0; i < 200; ++i) texts.push_back("the cat sat on mat number " + std::to_string(i));
    bpe_ = dir_.filePath("bpe").toStdString();
    writeTokenizerFiles(trainByteLevelBpe(texts, options), bpe_);
  }

  void trainingTokenizerOfModelFolder() {
    const auto t = openTrainingTokenizer(model_);
    QCOMPARE(t.file.filename().string(), std::string("tokenizer.model"));
    QCOMPARE(t.maxPositions, int64_t(256));  // config.json max_position_embeddings
    QCOMPARE(defaultMaxLength(t), int64_t(256));
    const auto trainer = encoderForModelFolder(model_);
    QCOMPARE(t.encoder.bosId, trainer.bosId);
    QCOMPARE(t.encoder.eosId, trainer.eosId);
    QCOMPARE(t.encoder.encode("a red garden"), trainer.encode("a red garden"));
    QCOMPARE(t.tokenizer->idToToken(int(t.encoder.bosId)), std::string("<s>"));
  }

  void tokenizerJsonOnlyFolder() {
    const auto t = openTrainingTokenizer(bpe_);
    QCOMPARE(t.file.filename().string(), std::string("tokenizer.json"));
    QCOMPARE(t.encoder.bosId, int64_t(-1));  // the trained BPE adds no BOS
    QCOMPARE(t.encoder.eosId, int64_t(t.tokenizer->tokenToId("<|endoftext|>")));
    QCOMPARE(t.maxPositions, int64_t(512));  // tokenizer_config.json model_max_length
    const auto ids = t.tokenizer->encode("the cat", false);
    QCOMPARE(t.encoder.encode("the cat"), std::vector<int64_t>(ids.begin(), ids.end()));
  }

  void tokenStatsEqualDirectCounts() {
    const auto d = instructionDataset();
    TokenProfileOptions options;
    options.bins = 5;
    options.maxLength = 4096;
    const auto p = profileTokens(d, openTrainingTokenizer(model_).encoder, options);
    QCOMPARE(p.examples, d.examples.size());
    QCOMPARE(p.objective, std::string("sft"));
    QCOMPARE(p.preset, std::string("alpaca"));
    std::vector<std::string> instructions, inputs, outputs;
    std::vector<size_t> training;
    const auto spm = SentencePieceProcessor::fromFile(model_ + "/tokenizer.model");
    for (const auto& e : d.examples) {
      instructions.push_back(e.instruction);
      inputs.push_back(e.input);
      outputs.push_back(e.output);
      const auto record = trainerRecord(e, d.kind, PromptPreset::Alpaca);
      // [bos] + prompt + response + [eos]
      training.push_back(2 + spm.encode(record["prompt"].get<std::string>()).size() +
                         spm.encode(record["response"].get<std::string>()).size());
    }
    auto same = [](const LengthStats& a, const LengthStats& b) {
      QCOMPARE(a.count, b.count);
      QCOMPARE(a.min, b.min);
      QCOMPARE(a.max, b.max);
      QCOMPARE(a.mean, b.mean);
      QCOMPARE(a.p50, b.p50);
      QCOMPARE(a.p90, b.p90);
      QCOMPARE(a.p99, b.p99);
      QCOMPARE(a.histogram.counts, b.histogram.counts);
      QCOMPARE(a.histogram.edges, b.histogram.edges);
    };
    same(p.fields.at("instruction"), lengthStats(directCounts(instructions), 5));
    same(p.fields.at("input"), lengthStats(directCounts(inputs), 5));
    same(p.fields.at("output"), lengthStats(directCounts(outputs), 5));
    same(p.training, lengthStats(training, 5));
    QVERIFY(p.training.max > p.training.min);
    QCOMPARE(p.truncated, size_t(0));
    QCOMPARE(p.truncatedShare, 0.0);

    // The trainer's own loader agrees on every sequence length.
    QTemporaryDir dir;
    DataConfig config;
    config.maxLength = 4096;
    const auto trained = loadTrainingDataset(writeRecords(dir, d, PromptPreset::Alpaca), config,
                                             Objective::Sft, encoderForModelFolder(model_));
    std::vector<size_t> lengths;
    for (const auto& e : trained.examples) lengths.push_back(e.ids.size());
    same(p.training, lengthStats(lengths, 5));
  }

  void truncatedShareExact() {
    const auto d = rawDataset(8);
    const auto tokenizer = openTrainingTokenizer(model_);
    std::vector<std::string> texts;
    for (const auto& e : d.examples) texts.push_back(e.text);
    const auto counts = directCounts(texts);
    for (size_t i = 1; i < counts.size(); ++i) QVERIFY(counts[i] > counts[i - 1]);
    // Sequences are bos + text + eos; a cut at row 4's length leaves rows 5, 6 and 7 over it.
    TokenProfileOptions options;
    options.maxLength = int64_t(counts[4] + 2);
    const auto p = profileTokens(d, tokenizer.encoder, options);
    QCOMPARE(p.objective, std::string("causal-lm"));
    QCOMPARE(p.truncated, size_t(3));
    QCOMPARE(p.truncatedShare, 3.0 / 8.0);
    QCOMPARE(p.training.max, counts[7] + 2);
    QCOMPARE(p.lossTokens.max, counts[4] + 1);  // everything after BOS, up to the cut
    QCOMPARE(p.withoutLoss, size_t(0));

    QTemporaryDir dir;
    DataConfig config;
    config.maxLength = options.maxLength;
    const auto trained = loadTrainingDataset(writeRecords(dir, d, PromptPreset::Alpaca), config,
                                             Objective::CausalLm, tokenizer.encoder);
    QCOMPARE(trained.truncated, int64_t(p.truncated));
  }

  void promptsLongerThanTheCutLeaveNoLoss() {
    auto d = instructionDataset();
    TokenProfileOptions options;
    options.maxLength = 8;  // inside every Alpaca prompt
    const auto p = profileTokens(d, openTrainingTokenizer(model_).encoder, options);
    QCOMPARE(p.truncated, d.examples.size());
    QCOMPARE(p.truncatedShare, 1.0);
    QCOMPARE(p.withoutLoss, d.examples.size());
    QCOMPARE(p.lossTokens.max, size_t(0));
    const auto json = p.toJson();
    QCOMPARE(json["withoutLoss"].get<size_t>(), d.examples.size());
    QVERIFY(json["fields"].contains("instruction"));
    QVERIFY(json["training"].contains("histogram"));
  }

  void labelMaskMatchesTrainer_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<int>("preset");
    QTest::addColumn<qlonglong>("maxLength");
    QTest::newRow("alpaca") << 0 << int(PromptPreset::Alpaca) << qlonglong(4096);
    QTest::newRow("alpaca cut in the response") << 0 << int(PromptPreset::Alpaca) << qlonglong(60);
    QTest::newRow("chatml") << 0 << int(PromptPreset::ChatML) << qlonglong(4096);
    QTest::newRow("chat, two answers") << 1 << int(PromptPreset::ChatML) << qlonglong(4096);
    QTest::newRow("chat as alpaca") << 1 << int(PromptPreset::Alpaca) << qlonglong(4096);
    QTest::newRow("raw text") << 2 << int(PromptPreset::Alpaca) << qlonglong(4096);
    QTest::newRow("raw text cut") << 2 << int(PromptPreset::Alpaca) << qlonglong(12);
  }

  void labelMaskMatchesTrainer() {
    QFETCH(int, which);
    QFETCH(int, preset);
    QFETCH(qlonglong, maxLength);
    const Dataset d = which == 0   ? instructionDataset()
                      : which == 1 ? chatDataset()
                                   : rawDataset(6);
    const auto objective = which == 2 ? Objective::CausalLm : Objective::Sft;
    compareWithTrainer(d, PromptPreset(preset), objective, maxLength);
  }

  void previewMarksThePromptAndTheResponse() {
    const auto d = instructionDataset();
    const auto tokenizer = openTrainingTokenizer(model_);
    const auto p = previewLabelMask(d, 3, tokenizer, 4096);
    QCOMPARE(p.objective, std::string("sft"));
    QVERIFY(p.prompt.find("### Response:") != std::string::npos);
    QCOMPARE(p.response.find("blue, red"), size_t(0));
    QVERIFY(!p.carriesLoss.front());  // BOS
    QVERIFY(p.carriesLoss.back());    // EOS
    QCOMPARE(p.pieces.back(), std::string("</s>"));
    QCOMPARE(p.truncated, false);
    QCOMPARE(p.untruncatedLength, p.ids.size());
    const auto json = p.toJson();
    QCOMPARE(json["tokens"].size(), p.ids.size());
    QCOMPARE(json["tokens"].back()["loss"].get<bool>(), true);

    const auto cut = previewLabelMask(d, 3, tokenizer, 10);
    QCOMPARE(cut.ids.size(), size_t(10));
    QVERIFY(cut.truncated);
    QCOMPARE(cut.untruncatedLength, p.ids.size());
  }

  void errorsNameTheProblem() {
    const std::string missing = dir_.filePath("no-such-model").toStdString();
    try {
      openTrainingTokenizer(missing);
      QFAIL("no error");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(missing) != std::string::npos, e.what());
    }
    const std::string empty = dir_.filePath("empty").toStdString();
    std::filesystem::create_directories(empty);
    try {
      openTrainingTokenizer(empty);
      QFAIL("no error");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(empty) != std::string::npos, e.what());
    }
    const auto d = instructionDataset();
    try {
      previewLabelMask(d, 24, openTrainingTokenizer(model_), 256);
      QFAIL("no error");
    } catch (const Error& e) {
      QCOMPARE(std::string(e.what()),
               std::string("row 24 is out of range: rows are numbered 0 to 23"));
    }
  }
};

QTEST_GUILESS_MAIN(TokenProfileTest)
#include "tst_token_profile.moc"

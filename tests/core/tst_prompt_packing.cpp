// Rendering with prompt presets, loss masks, truncation and packing, with a byte tokenizer
// (one id per byte) so that every expected value can be written down.
#include <QtTest>

#include "common/Error.h"
#include "data/TokenPacking.h"
#include "data/TrainerRecords.h"

using tunebench::DatasetKind;
using tunebench::TextSegment;

namespace {

std::vector<int32_t> bytes(std::string_view text) {
  return std::vector<int32_t>(text.begin(), text.end());
}

std::string piece(int32_t id) {
  return id == 2 ? "</s>" : std::string(1, char(id));
}

tunebench::MaskedTokens tokens(const std::string& prompt, const std::string& answer) {
  return tunebench::tokenizeSegments({{prompt, false}, {answer, true}}, bytes);
}

}  // namespace

class PromptPackingTest : public QObject {
  Q_OBJECT
 private slots:
  void alpacaInstruction() {
    tunebench::Example e;
    e.instruction = "Add 2 and 3.";
    e.output = "5";
    const auto segments =
        tunebench::renderExample(e, DatasetKind::Instruction, tunebench::PromptPreset::Alpaca);
    QCOMPARE(segments.size(), size_t(2));
    QCOMPARE(segments[0].text,
             std::string("Below is an instruction that describes a task. Write a response that "
                         "appropriately completes the request.\n\n### Instruction:\nAdd 2 and "
                         "3.\n\n### Response:\n"));
    QVERIFY(!segments[0].trainable);
    QCOMPARE(segments[1], (TextSegment{"5", true}));
    e.input = "ctx";
    const auto withInput =
        tunebench::renderExample(e, DatasetKind::Instruction, tunebench::PromptPreset::Alpaca);
    QVERIFY(withInput[0].text.find("### Input:\nctx\n\n### Response:\n") != std::string::npos);
  }

  void chatMlTrainsOnlyAssistantTurns() {
    tunebench::Example e;
    e.messages = {
        {"system", "S"}, {"user", "U"}, {"assistant", "A"}, {"user", "V"}, {"assistant", "B"}};
    const auto segments =
        tunebench::renderExample(e, DatasetKind::Chat, tunebench::PromptPreset::ChatML);
    const std::vector<TextSegment> expected = {
        {"<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n",
         false},
        {"A<|im_end|>", true},
        {"\n<|im_start|>user\nV<|im_end|>\n<|im_start|>assistant\n", false},
        {"B<|im_end|>", true},
        {"\n", false}};
    QCOMPARE(segments, expected);
  }

  void preferencePairSharesThePrompt() {
    tunebench::Example e;
    e.messages = {{"user", "Q"}};
    e.chosen = {{"assistant", "good"}};
    e.rejected = {{"assistant", "bad"}};
    const auto [chosen, rejected] =
        tunebench::renderPreferencePair(e, tunebench::PromptPreset::ChatML);
    QCOMPARE(chosen[0], rejected[0]);
    QVERIFY(!chosen[0].trainable);
    QCOMPARE(chosen[1], (TextSegment{"good<|im_end|>", true}));
    QCOMPARE(rejected[1], (TextSegment{"bad<|im_end|>", true}));
    const auto alpaca = tunebench::renderPreferencePair(e, tunebench::PromptPreset::Alpaca);
    QCOMPARE(alpaca.first.back(), (TextSegment{"good", true}));
  }

  // Exported preference records carry the shared prompt and both rendered answers (DPO layout);
  // the SFT fields train on the chosen answer.
  void preferenceRecordsHoldBothAnswers() {
    tunebench::Example e;
    e.messages = {{"user", "Q"}};
    e.chosen = {{"assistant", "good"}};
    e.rejected = {{"assistant", "bad"}};
    const auto record =
        tunebench::trainerRecord(e, DatasetKind::Preference, tunebench::PromptPreset::ChatML);
    QCOMPARE(record["prompt"].get<std::string>(),
             std::string("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(record["chosen"].get<std::string>(), std::string("good<|im_end|>"));
    QCOMPARE(record["rejected"].get<std::string>(), std::string("bad<|im_end|>"));
    QCOMPARE(record["response"], record["chosen"]);
    const auto alpaca =
        tunebench::trainerRecord(e, DatasetKind::Preference, tunebench::PromptPreset::Alpaca);
    QCOMPARE(alpaca["chosen"].get<std::string>(), std::string("good"));
    QCOMPARE(alpaca["rejected"].get<std::string>(), std::string("bad"));
    // Other kinds keep the SFT fields only.
    tunebench::Example instruction;
    instruction.instruction = "Say hi";
    instruction.output = "hi";
    QVERIFY(!tunebench::trainerRecord(instruction, DatasetKind::Instruction,
                                      tunebench::PromptPreset::Alpaca)
                 .contains("chosen"));
  }

  void rawTextIsAllTrainable() {
    tunebench::Example e;
    e.text = "hello";
    QCOMPARE(tunebench::renderExample(e, DatasetKind::RawText, tunebench::PromptPreset::ChatML),
             (std::vector<TextSegment>{TextSegment{"hello", true}}));
  }

  void lossMaskAndPreview() {
    tunebench::TokenizeOptions options;
    options.bosId = 1;
    options.eosId = 2;
    const auto e = tunebench::tokenizeSegments({{"Q:", false}, {"ok", true}}, bytes, options);
    QCOMPARE(e.ids, (std::vector<int32_t>{1, 'Q', ':', 'o', 'k', 2}));
    QCOMPARE(e.trainable, (std::vector<uint8_t>{0, 0, 0, 1, 1, 1}));
    QCOMPARE(tunebench::labelMaskPreview(e, piece), std::string("\x01Q:[[ok</s>]]"));
  }

  void truncation() {
    tunebench::PackingReport report;
    const auto blocks =
        tunebench::truncateEach({tokens("ab", "cd"), tokens("abc", "defg")}, 5, 0, &report);
    QCOMPARE(blocks.size(), size_t(2));
    QCOMPARE(blocks[0].inputIds, (std::vector<int32_t>{'a', 'b', 'c', 'd', 0}));
    QCOMPARE(blocks[0].labels, (std::vector<int32_t>{-100, -100, 'c', 'd', -100}));
    QCOMPARE(blocks[0].documentIds, (std::vector<int32_t>{0, 0, 0, 0, -1}));
    QCOMPARE(blocks[1].labels, (std::vector<int32_t>{-100, -100, -100, 'd', 'e'}));
    QCOMPARE(report.truncated, size_t(1));
    QCOMPARE(report.droppedTokens, size_t(2));
    QCOMPARE(report.paddingTokens, size_t(1));
  }

  void packing() {
    tunebench::PackingReport report;
    const auto blocks = tunebench::packGreedy(
        {tokens("a", "b"), tokens("c", "d"), tokens("efg", "h"), tokens("i", "j")}, 6, 0, &report);
    QCOMPARE(blocks.size(), size_t(2));
    QCOMPARE(blocks[0].inputIds, (std::vector<int32_t>{'a', 'b', 'c', 'd', 0, 0}));
    QCOMPARE(blocks[0].positionIds, (std::vector<int32_t>{0, 1, 0, 1, 0, 0}));
    QCOMPARE(blocks[1].inputIds, (std::vector<int32_t>{'e', 'f', 'g', 'h', 'i', 'j'}));
    QCOMPARE(blocks[1].documentIds, (std::vector<int32_t>{2, 2, 2, 2, 3, 3}));
    QCOMPARE(blocks[1].labels, (std::vector<int32_t>{-100, -100, -100, 'h', -100, 'j'}));
    QCOMPARE(report.examples, size_t(4));
    QCOMPARE(report.paddingTokens, size_t(2));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::packGreedy({}, 0, 0));
  }
};

QTEST_GUILESS_MAIN(PromptPackingTest)
#include "tst_prompt_packing.moc"

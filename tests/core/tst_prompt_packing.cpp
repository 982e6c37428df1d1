// Rendering with prompt presets, loss masks, truncation and packing, with a byte tokenizer
// (one id per byte) so that every expected value can be written down.
#include <QtTest>

#include <QTemporaryDir>

#include <fstream>

#include "chat/ChatPresets.h"
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

// A folder holding only a tokenizer_config.json with this chat template: all that
// TrainingTextFormat::fromModelFolder reads.
QString folderWithTemplate(QTemporaryDir& dir, const std::string& chatTemplate) {
  nlohmann::json config{{"eos_token", "<|im_end|>"}, {"bos_token", "<s>"}};
  if (!chatTemplate.empty()) config["chat_template"] = chatTemplate;
  std::ofstream(dir.filePath("tokenizer_config.json").toStdString()) << config.dump();
  return dir.path();
}

std::string joined(const std::vector<TextSegment>& segments, bool trainableOnly) {
  std::string text;
  for (const auto& s : segments)
    if (s.trainable || !trainableOnly) text += s.text;
  return text;
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

  // The ChatML preset written as a Jinja chat template renders the same text through the
  // template path, and trains on each assistant turn with its end marker.
  void modelChatTemplateRendersLikeThePreset() {
    QTemporaryDir dir;
    const auto format = tunebench::TrainingTextFormat::fromModelFolder(
        folderWithTemplate(dir, tunebench::chatPresetSource("chatml")).toStdString());
    QVERIFY(format.usesChatTemplate());
    QVERIFY(format.name().find("tokenizer_config.json") != std::string::npos);
    tunebench::Example chat;
    chat.messages = {
        {"system", "S"}, {"user", "U"}, {"assistant", "A"}, {"user", "V"}, {"assistant", "B"}};
    const auto byTemplate = tunebench::renderExample(chat, DatasetKind::Chat, format);
    const auto byPreset =
        tunebench::renderExample(chat, DatasetKind::Chat, tunebench::PromptPreset::ChatML);
    QCOMPARE(joined(byTemplate, false), joined(byPreset, false));
    // The template's spans run to the end of the turn, newline included.
    QCOMPARE(joined(byTemplate, true), std::string("A<|im_end|>\nB<|im_end|>\n"));
    QCOMPARE(byTemplate.front(),
             (TextSegment{"<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n"
                          "<|im_start|>assistant\n",
                          false}));

    tunebench::Example instruction;
    instruction.instruction = "Add 2 and 3.";
    instruction.input = "ctx";
    instruction.output = "5";
    const auto record = tunebench::trainerRecord(instruction, DatasetKind::Instruction, format);
    QCOMPARE(record["prompt"].get<std::string>(),
             std::string("<|im_start|>user\nAdd 2 and 3.\n\nctx<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(record["response"].get<std::string>(), std::string("5<|im_end|>\n"));

    tunebench::Example classified;
    classified.text = "great film";
    classified.label = "positive";
    const auto labelled = tunebench::trainerRecord(classified, DatasetKind::Classification, format);
    QCOMPARE(labelled["response"].get<std::string>(), std::string("positive<|im_end|>\n"));

    tunebench::Example raw;
    raw.text = "plain text";
    QCOMPARE(tunebench::trainerRecord(raw, DatasetKind::RawText, format),
             (nlohmann::json{{"text", "plain text"}}));
  }

  // A template that writes bos_token gets an empty one: the trainer adds BOS by the tokenizer's
  // rules, so the sequence never starts with two.
  void modelChatTemplateLeavesBosToTheTrainer() {
    QTemporaryDir dir;
    const auto format = tunebench::TrainingTextFormat::fromModelFolder(
        folderWithTemplate(dir, "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}"
                                "{{ eos_token }}{% endfor %}{% if add_generation_prompt %}"
                                "[assistant]{% endif %}")
            .toStdString());
    tunebench::Example e;
    e.messages = {{"user", "Q"}, {"assistant", "R"}};
    const auto segments = tunebench::renderExample(e, DatasetKind::Chat, format);
    const std::vector<TextSegment> expected = {{"[user]Q<|im_end|>[assistant]", false},
                                               {"R<|im_end|>", true}};
    QCOMPARE(segments, expected);
  }

  // Preference pairs through a template: the earlier assistant turn of the prompt is not
  // trained, only the answer.
  void modelChatTemplatePreferencePair() {
    QTemporaryDir dir;
    const auto format = tunebench::TrainingTextFormat::fromModelFolder(
        folderWithTemplate(dir, tunebench::chatPresetSource("chatml")).toStdString());
    tunebench::Example e;
    e.messages = {{"user", "Q"}, {"assistant", "first"}, {"user", "again"}};
    e.chosen = {{"assistant", "good"}};
    e.rejected = {{"assistant", "bad"}};
    const auto [chosen, rejected] = tunebench::renderPreferencePair(e, format);
    QCOMPARE(joined(chosen, true), std::string("good<|im_end|>\n"));
    QCOMPARE(joined(rejected, true), std::string("bad<|im_end|>\n"));
    QVERIFY(joined(chosen, false).find("first") != std::string::npos);
    const auto record = tunebench::trainerRecord(e, DatasetKind::Preference, format);
    QCOMPARE(record["chosen"].get<std::string>(), std::string("good<|im_end|>\n"));
    QCOMPARE(record["rejected"].get<std::string>(), std::string("bad<|im_end|>\n"));
  }

  void modelWithoutChatTemplateIsRefused() {
    QTemporaryDir dir;
    const auto folder = folderWithTemplate(dir, "").toStdString();
    try {
      tunebench::TrainingTextFormat::fromModelFolder(folder);
      QFAIL("a folder without chat_template was accepted");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find("has no chat_template") != std::string::npos, e.what());
      QVERIFY(std::string(e.what()).find("tokenizer_config.json") != std::string::npos);
    }
    QTemporaryDir broken;
    const auto brokenFolder = folderWithTemplate(broken, "{% for m in messages %}").toStdString();
    QVERIFY_THROWS_EXCEPTION(tunebench::Error,
                             tunebench::TrainingTextFormat::fromModelFolder(brokenFolder));
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

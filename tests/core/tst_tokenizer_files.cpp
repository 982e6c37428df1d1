// Loading tokenizer folders: tokenizer.json vs tokenizer.model, tokenizer_config.json, and a
// named error (file, JSON path, problem) for every broken file instead of a crash.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "chat/ChatTemplate.h"
#include "common/Error.h"
#include "common/SanitizerBuild.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/BpeTrainer.h"
#include "tokenizer/SentencePieceModule.h"
#include "tokenizer/SentencePieceTokenizer.h"
#include "tokenizer/TokenizerLoader.h"

using nlohmann::json;

namespace {

const char* const kValid = R"({
  "added_tokens": [{"id": 5, "content": "<|end|>", "special": true, "normalized": false}],
  "normalizer": null,
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
  "post_processor": null,
  "decoder": {"type": "ByteLevel"},
  "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "c": 3, "abc": 4}, "merges": ["a b", "ab c"]}
})";

void writeFile(const QString& path, const std::string& bytes) {
  std::ofstream out(path.toStdString(), std::ios::binary);
  out << bytes;
}

// kValid with one JSON pointer replaced (or removed when value is the string "<remove>").
std::string variant(const char* pointer, const json& value) {
  json doc = json::parse(kValid);
  const json::json_pointer p(pointer);
  if (value.is_string() && value == "<remove>") {
    doc[p.parent_pointer()].erase(p.back());
  } else {
    doc[p] = value;
  }
  return doc.dump();
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const tunebench::Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> corpus() {
  std::vector<std::string> texts;
  for (int i = 0; i < 50; ++i)
    texts.emplace_back("the cat sat on the mat and the dog ran far away " + std::to_string(i));
  return texts;
}

}  // namespace

class TokenizerFilesTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;

 private slots:
  void validFileLoads() {
    const auto t = tunebench::BpeTokenizer::fromJson(json::parse(kValid), "tokenizer.json");
    QCOMPARE(t->encode("abc<|end|>"), (std::vector<int>{4, 5}));
  }

  void brokenTokenizerJson_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const std::string& bytes, const char* expected) {
      QTest::newRow(name) << QByteArray::fromStdString(bytes) << QString::fromUtf8(expected);
    };
    row("empty file", "", "not valid JSON");
    row("truncated", std::string(kValid).substr(0, 80), "not valid JSON");
    row("invalid utf-8", std::string("{\"model\": \"\xff\"}"), "invalid UTF-8 at byte 11");
    row("top level array", "[]", "top level: expected an object");
    row("no model", "{}", "top level: missing member \"model\"");
    row("model not object", variant("/model", 3), "model: expected an object");
    row("unknown model", variant("/model/type", "WordLevel"),
        "model.type: model type \"WordLevel\" is not supported (supported: BPE, Unigram, "
        "WordPiece)");
    row("unigram vocab object", variant("/model/type", "Unigram"),
        "model.vocab: expected an array");
    row("type not string", variant("/model/type", 7), "model.type: expected a string");
    row("no vocab", variant("/model/vocab", "<remove>"), "model: missing member \"vocab\"");
    row("vocab array", variant("/model/vocab", json::array()), "model.vocab: expected an object");
    row("vocab id string", variant("/model/vocab/a", "0"), "model.vocab.a: expected an integer");
    row("vocab id negative", variant("/model/vocab/a", -1),
        "model.vocab.a: token ids cannot be negative");
    row("vocab id huge", variant("/model/vocab/a", 1e12), "model.vocab.a: expected an integer");
    row("vocab id too large", variant("/model/vocab/a", 99999999999LL),
        "model.vocab.a: integer 99999999999");
    row("duplicate ids", variant("/model/vocab/c", 0), "model.vocab: id 0 is used by");
    row("merges not array", variant("/model/merges", "a b"), "model.merges: expected an array");
    row("merge number", variant("/model/merges/1", 5), "model.merges[1]: expected a string");
    row("merge without space", variant("/model/merges/0", "ab"),
        "model.merges[0]: expected \"left right\"");
    row("merge three parts", variant("/model/merges/0", "a b c"),
        "model.merges[0]: expected \"left right\"");
    row("merge pair of one", variant("/model/merges/0", json::array({"a"})),
        "model.merges[0]: expected a pair");
    row("merge pair of numbers", variant("/model/merges/0", json::array({1, 2})),
        "model.merges[0][0]: expected a string");
    row("merge unknown token", variant("/model/merges/0", "a x"),
        "model.merges[0]: \"x\" is not in the vocabulary");
    row("merged token missing", variant("/model/merges/0", "b c"),
        "model.merges[0]: the merged token \"bc\"");
    row("unk not in vocab", variant("/model/unk_token", "<unk>"),
        "model.unk_token \"<unk>\" is not in the vocabulary");
    row("dropout", variant("/model/dropout", 0.1), "model.dropout: BPE dropout is not supported");
    row("added token no content", variant("/added_tokens/0/content", "<remove>"),
        "added_tokens[0]: missing member \"content\"");
    row("added token empty", variant("/added_tokens/0/content", ""),
        "added_tokens[0].content: an added token cannot be empty");
    row("added token id", variant("/added_tokens/0/id", -3),
        "added_tokens[0].id: token ids cannot be negative");
    row("added token flag", variant("/added_tokens/0/special", "yes"),
        "added_tokens[0].special: expected true or false");
    row("added tokens object", variant("/added_tokens", json::object()),
        "added_tokens: expected an array");
    row("unknown normalizer", variant("/normalizer", {{"type", "Precompiled"}}),
        "normalizer.type: normalizer \"Precompiled\"");
    row("unknown pre-tokenizer", variant("/pre_tokenizer", {{"type", "FixedLength"}}),
        "pre_tokenizer.type: pre-tokenizer \"FixedLength\"");
    row("lookbehind split",
        variant("/pre_tokenizer",
                {{"type", "Split"}, {"pattern", {{"Regex", "(?<=a)b"}}}, {"behavior", "Isolated"}}),
        "pre_tokenizer.pattern: split pattern (?<=a)b: lookaround");
    row("invalid regex",
        variant("/pre_tokenizer",
                {{"type", "Split"}, {"pattern", {{"Regex", "(ab"}}}, {"behavior", "Isolated"}}),
        "pre_tokenizer.pattern: split pattern (ab is not supported");
    row("split behavior",
        variant("/pre_tokenizer",
                {{"type", "Split"}, {"pattern", {{"String", " "}}}, {"behavior", "Sideways"}}),
        "pre_tokenizer.behavior: split behavior \"Sideways\" is not supported");
    row("pattern kind",
        variant("/pre_tokenizer",
                {{"type", "Split"}, {"pattern", {{"Glob", "*"}}}, {"behavior", "Isolated"}}),
        "pre_tokenizer.pattern: expected {\"String\": ...} or {\"Regex\": ...}");
    row("unknown decoder", variant("/decoder", {{"type", "CTC"}}), "decoder.type: decoder \"CTC\"");
    row("sequence without list", variant("/decoder", {{"type", "Sequence"}}),
        "decoder: missing member \"decoders\"");
    row("strip negative",
        variant("/decoder", {{"type", "Strip"}, {"content", " "}, {"start", -1}, {"stop", 0}}),
        "decoder: start and stop must not be negative");
    row("unknown processor", variant("/post_processor", {{"type", "Foo"}}),
        "post_processor.type: post-processor \"Foo\"");
    row("roberta without cls", variant("/post_processor", {{"type", "RobertaProcessing"}}),
        "post_processor: missing member \"cls\"");
    row("template unknown special",
        variant(
            "/post_processor",
            json::parse(
                R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {}})")),
        "post_processor.single[0]: special token \"<s>\" is not listed");
    row("template without sequence",
        variant(
            "/post_processor",
            json::parse(R"({"type": "TemplateProcessing", "single": [], "special_tokens": {}})")),
        "post_processor.single: the template has no");
  }

  void brokenTokenizerJson() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QString path = dir_.filePath("broken-tokenizer.json");
    writeFile(path, bytes.toStdString());
    const std::string message =
        errorOf([&] { tunebench::BpeTokenizer::fromFile(path.toStdString()); });
    QVERIFY2(QString::fromStdString(message).startsWith(path + ": "), message.c_str());
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
  }

  void missingFileIsNamed() {
    const QString path = dir_.filePath("absent.json");
    const std::string message =
        errorOf([&] { tunebench::BpeTokenizer::fromFile(path.toStdString()); });
    QVERIFY2(QString::fromStdString(message).contains(path + ": cannot be opened"),
             message.c_str());
  }

  void configForms() {
    const json doc = json::parse(R"({
      "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false},
      "eos_token": "</s>", "pad_token": null, "add_bos_token": true, "add_eos_token": false,
      "model_max_length": 1000000000000000019884624838656, "tokenizer_class": "LlamaTokenizer",
      "chat_template": [{"name": "default", "template": "A"}, {"name": "rag", "template": "B"}],
      "added_tokens_decoder": {"32000": {"content": "<extra>", "lstrip": true, "normalized": false, "rstrip": false, "single_word": false, "special": true}}
    })");
    const auto config =
        tunebench::TokenizerConfig::fromJson(tunebench::JsonNode(doc, "tokenizer_config.json"));
    QCOMPARE(QString::fromStdString(*config.bosToken), QStringLiteral("<s>"));
    QCOMPARE(QString::fromStdString(*config.eosToken), QStringLiteral("</s>"));
    QVERIFY(!config.padToken);
    QCOMPARE(*config.addBosToken, true);
    QVERIFY(!config.modelMaxLength);
    QCOMPARE(QString::fromStdString(*config.chatTemplate()), QStringLiteral("A"));
    QCOMPARE(QString::fromStdString(*config.chatTemplate("rag")), QStringLiteral("B"));
    QCOMPARE(QString::fromStdString(*config.chatTemplate("unknown")), QStringLiteral("A"));
    QCOMPARE(config.addedTokens.size(), size_t{1});
    QCOMPARE(config.addedTokens[0].id, 32000);
    QVERIFY(config.addedTokens[0].lstrip && config.addedTokens[0].special);
  }

  void brokenConfig_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("chat template number") << R"({"chat_template": 3})"
                                          << "chat_template: expected a string or a list";
    QTest::newRow("chat template entry") << R"({"chat_template": [{"name": "x"}]})"
                                         << "chat_template[0]: missing member \"template\"";
    QTest::newRow("bos number") << R"({"bos_token": 5})"
                                << "bos_token: expected a string or an AddedToken object";
    QTest::newRow("bos object without content") << R"({"bos_token": {"lstrip": true}})"
                                                << "bos_token: missing member \"content\"";
    QTest::newRow("flag string") << R"({"add_bos_token": "yes"})"
                                 << "add_bos_token: expected true or false";
    QTest::newRow("decoder key") << R"({"added_tokens_decoder": {"abc": {"content": "x"}}})"
                                 << "added_tokens_decoder.abc: the key is not a token id";
    QTest::newRow("not an object") << "[1]"
                                   << "top level: expected an object";
  }

  void brokenConfig() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QString path = dir_.filePath("tokenizer_config.json");
    writeFile(path, text.toStdString());
    const std::string message =
        errorOf([&] { tunebench::TokenizerConfig::fromFile(path.toStdString()); });
    QVERIFY2(QString::fromStdString(message).startsWith(path + ": "), message.c_str());
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
  }

  void loadsTrainedBpeFolder() {
    tunebench::BpeTrainerOptions options;
    options.vocabSize = 300;
    options.specialTokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    options.eosToken = "<|im_end|>";
    options.padToken = "<|endoftext|>";
    options.chatTemplate = "{% for m in messages %}{{ m.content }}{% endfor %}";
    const QString folder = dir_.filePath("bpe-model");
    tunebench::writeTokenizerFiles(tunebench::trainByteLevelBpe(corpus(), options),
                                   folder.toStdString());
    const auto loaded = tunebench::loadTokenizer(folder.toStdString());
    QCOMPARE(QString::fromStdString(loaded.tokenizer->kind()), QStringLiteral("bpe"));
    QCOMPARE(QString::fromStdString(loaded.file.filename().string()),
             QStringLiteral("tokenizer.json"));
    QCOMPARE(loaded.tokenizer->specialIds().eos, loaded.tokenizer->tokenToId("<|im_end|>"));
    QCOMPARE(loaded.tokenizer->specialIds().pad, loaded.tokenizer->tokenToId("<|endoftext|>"));
    QCOMPARE(loaded.tokenizer->specialIds().bos, -1);
    QVERIFY(loaded.config.chatTemplate().has_value());
    const std::string text = "<|im_start|>the cat<|im_end|>";
    QCOMPARE(loaded.tokenizer->decode(loaded.tokenizer->encode(text)), text);
    QCOMPARE(loaded.tokenizer->addedTokens().size(), size_t{3});
  }

  void chatWithLoadedTokenizer() {
    tunebench::BpeTrainerOptions options;
    options.vocabSize = 300;
    options.specialTokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    options.eosToken = "<|im_end|>";
    options.padToken = "<|endoftext|>";
    const QString plain = dir_.filePath("chat-no-template");
    tunebench::writeTokenizerFiles(tunebench::trainByteLevelBpe(corpus(), options),
                                   plain.toStdString());
    auto loaded = tunebench::loadTokenizer(plain.toStdString());
    const auto chatOptions = tunebench::chatOptionsFor(loaded, true);
    QCOMPARE(QString::fromStdString(chatOptions.eosToken), QStringLiteral("<|im_end|>"));
    QCOMPARE(QString::fromStdString(chatOptions.bosToken), QString());
    QCOMPARE(QString::fromStdString(chatOptions.extraContext["pad_token"].get<std::string>()),
             QStringLiteral("<|endoftext|>"));
    // No template in the folder: the preset; the rendered text encodes with the special tokens
    // as single ids and decodes back exactly.
    const std::vector<tunebench::ChatMessage> chat{{"user", "the cat"},
                                                   {"assistant", "sat on the mat"}};
    const auto rendered = tunebench::chatTemplateFor(loaded).renderWithSpans(chat, chatOptions);
    const auto ids = loaded.tokenizer->encode(rendered.text);
    QCOMPARE(std::count(ids.begin(), ids.end(), loaded.tokenizer->tokenToId("<|im_start|>")), 3);
    QCOMPARE(loaded.tokenizer->decode(ids), rendered.text);
    QCOMPARE(rendered.assistantSpans.size(), size_t{1});
    // The folder's own template wins over the preset.
    options.chatTemplate =
        "{% for m in messages %}[{{ m.role }}] {{ m.content }}{{ eos_token }}{% endfor %}";
    const QString templated = dir_.filePath("chat-with-template");
    tunebench::writeTokenizerFiles(tunebench::trainByteLevelBpe(corpus(), options),
                                   templated.toStdString());
    loaded = tunebench::loadTokenizer(templated.toStdString());
    QCOMPARE(QString::fromStdString(tunebench::chatTemplateFor(loaded).render(
                 chat, tunebench::chatOptionsFor(loaded))),
             QStringLiteral("[user] the cat<|im_end|>[assistant] sat on the mat<|im_end|>"));
  }

  void folderErrors() {
    const QString empty = dir_.filePath("empty-folder");
    QDir().mkpath(empty);
    std::string message = errorOf([&] { tunebench::loadTokenizer(empty.toStdString()); });
    QVERIFY2(QString::fromStdString(message).contains("neither tokenizer.json nor tokenizer.model"),
             message.c_str());
    const QString unknown = dir_.filePath("unknown-model-folder");
    QDir().mkpath(unknown);
    writeFile(unknown + "/tokenizer.json",
              R"({"model": {"type": "WordLevel", "vocab": {"a": 0}}})");
    message = errorOf([&] { tunebench::loadTokenizer(unknown.toStdString()); });
    QVERIFY2(QString::fromStdString(message).contains(
                 unknown + "/tokenizer.json: model.type: model type \"WordLevel\""),
             message.c_str());
    // A config naming a token the tokenizer lacks.
    const QString wrongRole = dir_.filePath("wrong-role");
    QDir().mkpath(wrongRole);
    writeFile(wrongRole + "/tokenizer.json", kValid);
    writeFile(wrongRole + "/tokenizer_config.json", R"({"eos_token": "</s>"})");
    message = errorOf([&] { tunebench::loadTokenizer(wrongRole.toStdString()); });
    QVERIFY2(QString::fromStdString(message).contains("eos_token: \"</s>\" is not a token"),
             message.c_str());
  }

  void loadsSentencePieceFolder() {
    if (tunebench::kAddressSanitizerBuild) QSKIP(tunebench::kSentencePieceUnderSanitizerReason);
    const QString folder = dir_.filePath("spm-model");
    QDir().mkpath(folder);
    const QString corpusPath = dir_.filePath("spm-corpus.txt");
    std::string text;
    for (const auto& line : corpus()) text += line + "\n";
    writeFile(corpusPath, text);
    tunebench::trainSentencePiece(
        "--input=" + corpusPath.toStdString() + " --model_prefix=" + folder.toStdString() +
        "/tokenizer --vocab_size=60 --model_type=bpe --character_coverage=1.0"
        " --minloglevel=2 --num_threads=1 --pad_id=3");
    QVERIFY(QFile::exists(folder + "/tokenizer.model"));
    auto loaded = tunebench::loadTokenizer(folder.toStdString());
    QCOMPARE(QString::fromStdString(loaded.tokenizer->kind()), QStringLiteral("sentencepiece"));
    const auto& t = *loaded.tokenizer;
    const auto ids = t.encode("the cat</s>");
    QCOMPARE(ids.front(), t.specialIds().bos);
    QCOMPARE(ids.back(), t.specialIds().eos);
    QCOMPARE(t.specialIds().pad, 3);
    QCOMPARE(QString::fromStdString(t.decode(ids, true)), QStringLiteral("the cat"));
    QCOMPARE(QString::fromStdString(t.decode(ids)), QStringLiteral("<s>the cat</s>"));
    QCOMPARE(t.tokenToId("no-such-piece"), -1);
    QCOMPARE(t.vocabSize(), 60);
    // The config turns BOS off, turns EOS on and adds a token beyond the model's vocabulary.
    writeFile(folder + "/tokenizer_config.json",
              R"({"add_bos_token": false, "add_eos_token": true,
                  "added_tokens_decoder": {"60": {"content": "<tool>", "special": false}}})");
    loaded = tunebench::loadTokenizer(folder.toStdString());
    const auto configured = loaded.tokenizer->encode("the <tool> cat");
    QVERIFY(configured.front() != loaded.tokenizer->specialIds().bos);
    QCOMPARE(configured.back(), loaded.tokenizer->specialIds().eos);
    QVERIFY(std::find(configured.begin(), configured.end(), 60) != configured.end());
    QCOMPARE(loaded.tokenizer->vocabSize(), 61);
    QCOMPARE(QString::fromStdString(loaded.tokenizer->idToToken(60)), QStringLiteral("<tool>"));
  }

  void sentencePieceMatchesPythonReference() {
    if (tunebench::kAddressSanitizerBuild) QSKIP(tunebench::kSentencePieceUnderSanitizerReason);
    // The same tokenizer.model through python3-sentencepiece: plain text (no special tokens)
    // must give the same ids, and the control pieces in text become their ids.
    const QString folder = dir_.filePath("spm-model");
    QVERIFY2(QFile::exists(folder + "/tokenizer.model"), "runs after loadsSentencePieceFolder");
    QFile::remove(folder + "/tokenizer_config.json");
    const auto loaded = tunebench::loadTokenizer(folder.toStdString());
    const std::vector<std::string> texts = {"the cat sat on the mat", "  dog ran far away 42  ",
                                            "unseen words: zebra, quokka!", "a\nb\tc"};
    QProcess python;
    python.start(QFile::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
                 {"-c",
                  "import json, sys, sentencepiece as spm\n"
                  "job = json.load(sys.stdin)\n"
                  "sp = spm.SentencePieceProcessor(model_file=job['model'])\n"
                  "print(json.dumps([sp.encode(t) for t in job['texts']]))\n"});
    python.write(QByteArray::fromStdString(
        json{{"model", (folder + "/tokenizer.model").toStdString()}, {"texts", texts}}.dump()));
    python.closeWriteChannel();
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const auto expected = json::parse(python.readAllStandardOutput().toStdString())
                              .get<std::vector<std::vector<int>>>();
    QCOMPARE(expected.size(), texts.size());
    for (size_t i = 0; i < texts.size(); ++i)
      QCOMPARE(loaded.tokenizer->encode(texts[i], false), expected[i]);
  }
};

QTEST_GUILESS_MAIN(TokenizerFilesTest)
#include "tst_tokenizer_files.moc"

// tokenizer.json BPE: exact encodings of hand-made files, added tokens and their flags, byte
// fallback, post-processor BOS, and round trips through tokenizers made by the trainer.
#include <QProcess>
#include <QtTest>

#include <random>

#include "chat/AssistantMask.h"
#include "chat/ChatTemplate.h"
#include "common/Error.h"
#include "common/Utf8.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/BpeTrainer.h"
#include "tokenizer/ByteLevel.h"

using nlohmann::json;
using tunebench::BpeTokenizer;

namespace {

json handMade() {
  return json::parse(R"({
    "version": "1.0",
    "added_tokens": [
      {"id": 11, "content": "<|end|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
      {"id": 12, "content": "<tool>", "single_word": false, "lstrip": true, "rstrip": true, "normalized": false, "special": false},
      {"id": 13, "content": "hey", "single_word": true, "lstrip": false, "rstrip": false, "normalized": true, "special": false}
    ],
    "normalizer": null,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
    "post_processor": {"type": "ByteLevel", "trim_offsets": true},
    "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "dropout": null, "unk_token": null,
              "vocab": {"h": 0, "e": 1, "l": 2, "o": 3, "\u0120": 4, "he": 5, "ll": 6, "hell": 7, "hello": 8, "\u0120h": 9, "w": 10},
              "merges": ["h e", "l l", ["he", "ll"], "hell o", "\u0120 h"]}
  })");
}

std::unique_ptr<BpeTokenizer> load(const json& doc) {
  return BpeTokenizer::fromJson(doc, "tokenizer.json");
}

QString ids(const std::vector<int>& v) {
  QStringList parts;
  for (int id : v) parts << QString::number(id);
  return parts.join(',');
}

std::vector<std::string> corpus() {
  std::vector<std::string> texts;
  const char* lines[] = {"The quick brown fox jumps over the lazy dog.",
                         "Hello, world! Hello again, world.",
                         "Fine-tuning adapts a pre-trained model to a task.",
                         "1234 5678 3.14159 2+2=4",
                         "naïve café, Grüße, 中文字符, 日本語, emoji 😀👍",
                         "def train(model):\n    return model.fit(data)\n"};
  for (int i = 0; i < 30; ++i)
    for (const char* line : lines) texts.emplace_back(line);
  return texts;
}

// Random valid UTF-8 from several scripts, whitespace and symbols.
std::string randomText(std::mt19937& rng) {
  const std::pair<char32_t, char32_t> ranges[] = {
      {0x20, 0x7E},     {0x09, 0x0D},       {0xA0, 0x24F},    {0x370, 0x3FF},   {0x400, 0x4FF},
      {0x4E00, 0x4FFF}, {0x1F300, 0x1F64F}, {0x3000, 0x303F}, {0x2000, 0x206F}, {0xE000, 0xE0FF}};
  std::string out;
  const int n = std::uniform_int_distribution<int>(0, 40)(rng);
  for (int i = 0; i < n; ++i) {
    const auto& r = ranges[std::uniform_int_distribution<size_t>(0, std::size(ranges) - 1)(rng)];
    tunebench::appendUtf8(out, std::uniform_int_distribution<char32_t>(r.first, r.second)(rng));
  }
  return out;
}

}  // namespace

class BpeTokenizerTest : public QObject {
  Q_OBJECT
 private slots:
  void encodesHandMadeFile_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("merges by rank") << "hello hello"
                                    << "8,4,8";
    QTest::newRow("special token split out") << "hello<|end|>"
                                             << "8,11";
    QTest::newRow("space before special") << "hello <|end|>"
                                          << "8,4,11";
    QTest::newRow("lstrip and rstrip") << "hello  <tool>  hello"
                                       << "8,12,8";
    QTest::newRow("single word alone") << "hey hello"
                                       << "13,4,8";
    QTest::newRow("single word inside a word") << "heyo"
                                               << "5,3";
    QTest::newRow("unknown characters dropped") << "hexo"
                                                << "5,3";
    QTest::newRow("empty") << ""
                           << "";
  }

  void encodesHandMadeFile() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(ids(load(handMade())->encode(text.toStdString())), expected);
  }

  void decodesHandMadeFile() {
    const auto t = load(handMade());
    QCOMPARE(QString::fromStdString(t->decode({8, 4, 8})), QStringLiteral("hello hello"));
    QCOMPARE(QString::fromStdString(t->decode({8, 11, 4, 8})),
             QStringLiteral("hello<|end|> hello"));
    QCOMPARE(QString::fromStdString(t->decode({8, 11, 4, 8}, true)), QStringLiteral("hello hello"));
    QCOMPARE(QString::fromStdString(t->decode({8, 12, 8}, true)),
             QStringLiteral("hello<tool>hello"));
    QCOMPARE(QString::fromStdString(t->idToToken(4)), QStringLiteral("\u0120"));
    QCOMPARE(t->tokenToId("<|end|>"), 11);
    QCOMPARE(t->tokenToId("nope"), -1);
    QCOMPARE(t->vocabSize(), 14);
    QVERIFY(t->isSpecial(11));
    QVERIFY(!t->isSpecial(12));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, t->decode({8, 99}));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, t->idToToken(-1));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, t->encode("bad \xC3 utf-8"));
  }

  void mergeFormsAreEquivalent() {
    json pairs = handMade();
    json strings = handMade();
    pairs["model"]["merges"] =
        json::parse(R"([["h","e"],["l","l"],["he","ll"],["hell","o"],["\u0120","h"]])");
    strings["model"]["merges"] = json::parse(R"(["h e","l l","he ll","hell o","\u0120 h"])");
    const std::string text = "hello hell ohello  hello";
    QCOMPARE(ids(load(pairs)->encode(text)), ids(load(strings)->encode(text)));
    QCOMPARE(ids(load(pairs)->encode(text)), QStringLiteral("8,4,7,4,3,8,4,4,8"));
  }

  void ignoreMergesUsesWholeWords() {
    json doc = handMade();
    doc["model"]["merges"] = json::parse(R"(["h e", "l l", "he ll"])");
    QCOMPARE(ids(load(doc)->encode("hello")), QStringLiteral("7,3"));
    doc["model"]["ignore_merges"] = true;
    QCOMPARE(ids(load(doc)->encode("hello")), QStringLiteral("8"));
  }

  void byteFallbackFamily() {
    // The sentencepiece-style files of Llama-2 and Mistral.
    const json doc = json::parse(R"({
      "added_tokens": [{"id": 1, "content": "<s>", "special": true, "normalized": false},
                       {"id": 2, "content": "</s>", "special": true, "normalized": false}],
      "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "\u2581"},
                                                          {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
      "pre_tokenizer": null,
      "post_processor": {"type": "TemplateProcessing",
                         "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                         "pair": [],
                         "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
      "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                                                    {"type": "ByteFallback"}, {"type": "Fuse"},
                                                    {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
      "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true,
                "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "\u2581": 3, "h": 4, "i": 5, "\u2581h": 6,
                          "<0xC3>": 7, "<0xA9>": 8, "\u2581hi": 9},
                "merges": ["\u2581 h", "\u2581h i"]}
    })");
    const auto t = load(doc);
    QCOMPARE(ids(t->encode("hi \xC3\xA9")), QStringLiteral("1,9,3,7,8"));
    QCOMPARE(ids(t->encode("hi", false)), QStringLiteral("9"));
    QCOMPARE(QString::fromStdString(t->decode(t->encode("hi \xC3\xA9 hi"), true)),
             QStringLiteral("hi é hi"));
    // A cut multi-byte character decodes to U+FFFD instead of invalid UTF-8.
    QCOMPARE(QString::fromStdString(t->decode({9, 3, 7})), QStringLiteral("hi \uFFFD"));
    QCOMPARE(t->specialIds().bos, 1);
    QCOMPARE(t->specialIds().unk, 0);
    // Characters with neither a token nor byte tokens become one <unk> (fused).
    QCOMPARE(ids(t->encode("hzz", false)), QStringLiteral("6,0"));
  }

  void trainerIsDeterministic() {
    tunebench::BpeTrainerOptions options;
    options.vocabSize = 330;
    const auto a = tunebench::trainByteLevelBpe(corpus(), options);
    const auto b = tunebench::trainByteLevelBpe(corpus(), options);
    QCOMPARE(a.tokenizerJson, b.tokenizerJson);
    QVERIFY(a.mergeCount > 20);
    const auto t = BpeTokenizer::fromJson(json::parse(a.tokenizerJson), "tokenizer.json");
    QVERIFY(t->vocabSize() <= 330);
    // Frequent words become single tokens.
    QCOMPARE(t->encode(" world", false).size(), size_t{1});
    options.vocabSize = 100;
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::trainByteLevelBpe(corpus(), options));
  }

  void roundTrips_data() {
    QTest::addColumn<int>("style");
    QTest::addColumn<QString>("text");
    const char* texts[] = {"Hello, world!",
                           "emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷",
                           "中文字符和日本語のテキスト、한국어",
                           "whitespace   runs\t\t and\n\n\nnewlines  ",
                           "   leading and trailing   ",
                           "special <|endoftext|> inside<|endoftext|>",
                           "<|endoftext|>",
                           "",
                           "mixed\r\nCRLF\r\n",
                           "\x01\x7f control \xC2\x85 chars",
                           "e\xCC\x81 combining (decomposed)",
                           "zero\xE2\x80\x8Bwidth and \xEF\xBB\xBF BOM"};
    for (int style = 0; style < 2; ++style)
      for (size_t i = 0; i < std::size(texts); ++i) {
        // The Qwen2 style normalizes to NFC, which changes decomposed text on purpose.
        if (style == 1 && i == 10) continue;
        QTest::addRow("%s/%zu", style == 0 ? "gpt2" : "qwen2", i)
            << style << QString::fromUtf8(texts[i]);
      }
  }

  void roundTrips() {
    QFETCH(int, style);
    QFETCH(QString, text);
    tunebench::BpeTrainerOptions options;
    options.style = style == 0 ? tunebench::BpeTrainerOptions::Style::Gpt2
                               : tunebench::BpeTrainerOptions::Style::Qwen2;
    options.vocabSize = 400;
    const auto files = tunebench::trainByteLevelBpe(corpus(), options);
    const auto t = BpeTokenizer::fromJson(json::parse(files.tokenizerJson), "tokenizer.json");
    const std::string input = text.toStdString();
    const auto encoded = t->encode(input, false);
    QCOMPARE(QString::fromStdString(t->decode(encoded)), text);
    const int special = t->tokenToId("<|endoftext|>");
    const size_t occurrences = std::count(encoded.begin(), encoded.end(), special);
    size_t expected = 0;
    for (size_t at = input.find("<|endoftext|>"); at != std::string::npos;
         at = input.find("<|endoftext|>", at + 1))
      ++expected;
    QCOMPARE(occurrences, expected);
  }

  void randomTextRoundTrips() {
    tunebench::BpeTrainerOptions options;
    options.style = tunebench::BpeTrainerOptions::Style::Gpt2;
    options.vocabSize = 400;
    const auto t = BpeTokenizer::fromJson(
        json::parse(tunebench::trainByteLevelBpe(corpus(), options).tokenizerJson),
        "tokenizer.json");
    std::mt19937 rng(1234);
    for (int i = 0; i < 300; ++i) {
      const std::string text = randomText(rng);
      const std::string back = t->decode(t->encode(text));
      QVERIFY2(back == text, ("round trip failed for case " + std::to_string(i)).c_str());
    }
  }

  void matchesIndependentPythonEncoder_data() {
    QTest::addColumn<int>("style");
    QTest::newRow("gpt2") << 0;
    QTest::newRow("qwen2") << 1;
  }

  void matchesIndependentPythonEncoder() {
    // tests/tools/bpe_reference.py encodes with Python's regex module (real lookahead) and
    // GPT-2's merge loop; both must agree on trained files and random text.
    QFETCH(int, style);
    tunebench::BpeTrainerOptions options;
    options.style = style == 0 ? tunebench::BpeTrainerOptions::Style::Gpt2
                               : tunebench::BpeTrainerOptions::Style::Qwen2;
    options.vocabSize = 420;
    const auto files = tunebench::trainByteLevelBpe(corpus(), options);
    const auto t = BpeTokenizer::fromJson(json::parse(files.tokenizerJson), "tokenizer.json");
    std::vector<std::string> texts = {
        "Hello, world! The quick brown fox.", "  spaces   before\n\n\tand after  ",
        "it's they'll we've I'M 12345678 3.14",
        "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80 <|endoftext|> tail"};
    std::mt19937 rng(style + 5);
    for (int i = 0; i < 60; ++i) texts.push_back(randomText(rng));
    QProcess python;
    python.start(QFile::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
                 {QStringLiteral(TUNEBENCH_SOURCE_DIR "/tests/tools/bpe_reference.py")});
    python.write(QByteArray::fromStdString(
        json{{"tokenizer", json::parse(files.tokenizerJson)}, {"texts", texts}}.dump()));
    python.closeWriteChannel();
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const auto expected = json::parse(python.readAllStandardOutput().toStdString())
                              .get<std::vector<std::vector<int>>>();
    QCOMPARE(expected.size(), texts.size());
    for (size_t i = 0; i < texts.size(); ++i)
      QVERIFY2(t->encode(texts[i], false) == expected[i], ("text " + std::to_string(i)).c_str());
  }

  void offsetsCoverTheText_data() {
    QTest::addColumn<int>("style");
    QTest::addColumn<QString>("text");
    const char* texts[] = {"Hello, world!", "  spaces  and\n\nnewlines ",
                           "emoji \xF0\x9F\x98\x80 and \xE4\xB8\xAD",
                           "<|endoftext|>start and end<|endoftext|>", ""};
    for (int style = 0; style < 2; ++style)
      for (size_t i = 0; i < std::size(texts); ++i)
        QTest::addRow("%s/%zu", style == 0 ? "gpt2" : "qwen2", i)
            << style << QString::fromUtf8(texts[i]);
  }

  void offsetsCoverTheText() {
    QFETCH(int, style);
    QFETCH(QString, text);
    tunebench::BpeTrainerOptions options;
    options.style = style == 0 ? tunebench::BpeTrainerOptions::Style::Gpt2
                               : tunebench::BpeTrainerOptions::Style::Qwen2;
    options.vocabSize = 400;
    options.specialTokens = {"<|endoftext|>", "<s>"};
    options.bosToken = "<s>";
    options.addBosToken = true;
    const auto t = BpeTokenizer::fromJson(
        json::parse(tunebench::trainByteLevelBpe(corpus(), options).tokenizerJson),
        "tokenizer.json");
    const std::string input = text.toStdString();
    const auto result = t->encodeWithOffsets(input);
    QCOMPARE(result.ids, t->encode(input));
    QCOMPARE(result.offsets.size(), result.ids.size());
    // The BOS the post-processor adds covers nothing; the rest tile the text in order, and each
    // token's bytes are the text's bytes in its range.
    QCOMPARE(result.offsets.front(), (std::pair<size_t, size_t>{0, 0}));
    size_t position = 0;
    for (size_t i = 1; i < result.ids.size(); ++i) {
      const auto [begin, end] = result.offsets[i];
      QCOMPARE(begin, position);
      QVERIFY(end > begin);
      std::string bytes;
      if (!tunebench::byteLevelDecode(t->idToToken(result.ids[i]), bytes))
        bytes = t->idToToken(result.ids[i]);
      QCOMPARE(QByteArray::fromStdString(bytes),
               QByteArray::fromStdString(input.substr(begin, end - begin)));
      position = end;
    }
    QCOMPARE(position, input.size());
  }

  void offsetsWithInsertedSpaceAndStrippedWhitespace() {
    json doc = handMade();
    doc["pre_tokenizer"]["add_prefix_space"] = true;
    const auto t = load(doc);
    const auto result = t->encodeWithOffsets("hello  <tool>  hello");
    QCOMPARE(ids(result.ids), QStringLiteral("4,8,12,4,8"));
    // The inserted space covers no byte; <tool> swallows the spaces around it.
    const std::vector<std::pair<size_t, size_t>> expected = {
        {0, 0}, {0, 5}, {5, 15}, {15, 15}, {15, 20}};
    QCOMPARE(result.offsets, expected);
  }

  void offsetsNeedAnUnchangedText() {
    const json doc = json::parse(R"({
      "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "_"},
      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false},
      "model": {"type": "BPE", "vocab": {"a": 0, "_": 1}, "merges": []}
    })");
    const auto t = load(doc);
    QCOMPARE(ids(t->encode("a a")), QStringLiteral("0,1,0"));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, t->encodeWithOffsets("a a"));
    QCOMPARE(ids(t->encodeWithOffsets("aa").ids), QStringLiteral("0,0"));
  }

  void assistantMaskSelectsReplies() {
    tunebench::BpeTrainerOptions options;
    options.vocabSize = 400;
    options.specialTokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    const auto t = BpeTokenizer::fromJson(
        json::parse(tunebench::trainByteLevelBpe(corpus(), options).tokenizerJson),
        "tokenizer.json");
    const std::vector<tunebench::ChatMessage> chat{{"system", "Be brief."},
                                                   {"user", "Hello, world?"},
                                                   {"assistant", "Hello again, world."},
                                                   {"user", "And 2+2?"},
                                                   {"assistant", "4 \xF0\x9F\x98\x80"}};
    const auto rendered = tunebench::ChatTemplate::preset("chatml").renderWithSpans(chat, {});
    const auto tokens = t->encodeWithOffsets(rendered.text);
    const auto mask = tunebench::assistantTokenMask(tokens.offsets, rendered.assistantSpans);
    std::vector<int> assistantIds, otherIds;
    for (size_t i = 0; i < mask.size(); ++i)
      (mask[i] ? assistantIds : otherIds).push_back(tokens.ids[i]);
    QCOMPARE(QString::fromStdString(t->decode(assistantIds)),
             QString::fromUtf8("Hello again, world.<|im_end|>\n4 \xF0\x9F\x98\x80<|im_end|>\n"));
    const std::string prompt = t->decode(otherIds);
    QVERIFY(prompt.find("Hello, world?") != std::string::npos);
    QVERIFY(prompt.find("Hello again") == std::string::npos);
    QCOMPARE(std::count(mask.begin(), mask.end(), 1) + otherIds.size(), mask.size());
  }

  void bosFromPostProcessor() {
    tunebench::BpeTrainerOptions options;
    options.vocabSize = 300;
    options.specialTokens = {"<|begin_of_text|>", "<|end_of_text|>"};
    options.bosToken = "<|begin_of_text|>";
    options.eosToken = "<|end_of_text|>";
    options.addBosToken = true;
    const auto files = tunebench::trainByteLevelBpe(corpus(), options);
    const auto t = BpeTokenizer::fromJson(json::parse(files.tokenizerJson), "tokenizer.json");
    const int bos = t->tokenToId("<|begin_of_text|>");
    QVERIFY(bos >= 256);
    QCOMPARE(t->specialIds().bos, bos);
    const auto withSpecial = t->encode("Hello");
    QCOMPARE(withSpecial.front(), bos);
    QCOMPARE(t->encode("Hello", false).size() + 1, withSpecial.size());
    QCOMPARE(QString::fromStdString(t->decode(withSpecial, true)), QStringLiteral("Hello"));
    QCOMPARE(QString::fromStdString(t->decode(withSpecial)),
             QStringLiteral("<|begin_of_text|>Hello"));
    // The config's explicit rule replaces the post-processor's (as Llama's fast tokenizer does).
    auto config = tunebench::TokenizerConfig::fromJson(
        tunebench::JsonNode(json::parse(R"({"add_bos_token": false, "add_eos_token": true,
                                           "eos_token": "<|end_of_text|>", "pad_token": "<|end_of_text|>"})"),
                            "tokenizer_config.json"));
    const auto configured =
        BpeTokenizer::fromJson(json::parse(files.tokenizerJson), "tokenizer.json", &config);
    const auto ids = configured->encode("Hello");
    QCOMPARE(ids.back(), configured->tokenToId("<|end_of_text|>"));
    QVERIFY(ids.front() != bos);
    QCOMPARE(configured->specialIds().pad, configured->tokenToId("<|end_of_text|>"));
  }

  void llama3StylePreTokens() {
    json doc = handMade();
    doc["pre_tokenizer"] = {
        {"type", "Sequence"},
        {"pretokenizers",
         {{{"type", "Split"},
           {"pattern", {{"Regex", tunebench::kLlama3SplitPattern}}},
           {"behavior", "Isolated"},
           {"invert", false}},
          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
    const auto t = load(doc);
    // Digits in groups of three, the space before a word stays with it, the lookahead rule.
    const auto pieces = t->preTokens("x 1234567  hello");
    QStringList shown;
    for (const auto& p : pieces) shown << QString::fromStdString(p);
    QCOMPARE(shown.join('|'), QStringLiteral("x|\u0120|123|456|7|\u0120|\u0120hello"));
  }
};

QTEST_GUILESS_MAIN(BpeTokenizerTest)
#include "tst_bpe_tokenizer.moc"

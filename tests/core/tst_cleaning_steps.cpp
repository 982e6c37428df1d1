// Every cleaning step on small hand-made datasets, and the recipe around them.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "common/Error.h"
#include "data/CleaningRecipe.h"
#include "data/ContentFilters.h"
#include "data/PiiRedaction.h"
#include "data/TextNormalization.h"
#include "jobs/BasicJobContext.h"

using nlohmann::json;
using tunebench::DatasetKind;

namespace {

tunebench::Dataset texts(const std::vector<std::string>& list) {
  tunebench::Dataset d;
  d.kind = DatasetKind::RawText;
  for (size_t i = 0; i < list.size(); ++i) {
    tunebench::Example e;
    e.text = list[i];
    e.sourceIndex = int64_t(i);
    d.examples.push_back(e);
  }
  return d;
}

std::vector<std::string> textsOf(const tunebench::Dataset& d) {
  std::vector<std::string> out;
  for (const auto& e : d.examples) out.push_back(e.text);
  return out;
}

struct Run {
  std::vector<std::string> texts;
  tunebench::StepReport report;
};

Run runStep(const std::string& id, const json& settings, const std::vector<std::string>& input,
            const tunebench::StepServices& services = {}) {
  tunebench::CleaningRecipe recipe;
  recipe.add(tunebench::makeCleaningStep(id, settings, services));
  tunebench::BasicJobContext context;
  auto result = recipe.apply(texts(input), context);
  return {textsOf(result.dataset), result.reports.at(0)};
}

}  // namespace

class CleaningStepsTest : public QObject {
  Q_OBJECT
 private slots:
  void unicode() {
    // "e" + combining acute, and the "ﬁ" ligature.
    const std::string decomposed = "Cafe\xCC\x81 \xEF\xAC\x81le";
    auto nfc = runStep("unicode", {{"form", "NFC"}}, {decomposed, "plain"});
    QCOMPARE(nfc.texts[0], std::string("Caf\xC3\xA9 \xEF\xAC\x81le"));
    QCOMPARE(nfc.report.changed, size_t(1));
    QCOMPARE(nfc.report.kept, size_t(2));
    QCOMPARE(nfc.report.changedSamples.at(0).before, decomposed);
    auto nfkc = runStep("unicode", {{"form", "NFKC"}}, {decomposed});
    QCOMPARE(nfkc.texts[0], std::string("Caf\xC3\xA9 file"));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, runStep("unicode", {{"form", "NFD"}}, {}));
  }

  void whitespace_data() {
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("runs and trims") << QByteArray("  a \t  b  ") << QByteArray("a b");
    QTest::newRow("line ends") << QByteArray("a\r\nb\rc  \n\n\n\nd") << QByteArray("a\nb\nc\n\nd");
    QTest::newRow("controls and zero width") << QByteArray(
                                                    "a\x01\x7F"
                                                    "b\xE2\x80\x8B"
                                                    "c\xC2\xA0"
                                                    "d")
                                             << QByteArray("abc d");
    QTest::newRow("indentation kept")
        << QByteArray("if x:\n    y = 1") << QByteArray("if x:\n    y = 1");
  }
  void whitespace() {
    QFETCH(QByteArray, in);
    QFETCH(QByteArray, out);
    QCOMPARE(QByteArray::fromStdString(tunebench::cleanWhitespace(in.toStdString())), out);
  }

  void dropEmpty() {
    auto run = runStep("drop-empty", {}, {"a", "", "  \n ", "b"});
    QCOMPARE(run.texts, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(run.report.removed, size_t(2));
    QCOMPARE(run.report.removedSamples.size(), size_t(2));

    tunebench::Dataset chat;
    chat.kind = DatasetKind::Chat;
    chat.examples.resize(2);
    chat.examples[0].messages = {{"user", "hi"}, {"assistant", ""}};
    chat.examples[1].messages = {{"user", "hi"}, {"assistant", "yo"}};
    tunebench::CleaningRecipe recipe;
    recipe.add(tunebench::makeCleaningStep("drop-empty", {}));
    tunebench::BasicJobContext context;
    QCOMPARE(recipe.apply(chat, context).dataset.examples.size(), size_t(1));

    tunebench::Dataset preference;
    preference.kind = DatasetKind::Preference;
    preference.examples.resize(3);
    preference.examples[0].chosen = {{"assistant", "Human: q Assistant: a"}};
    preference.examples[0].rejected = {{"assistant", "Human: q Assistant: b"}};
    preference.examples[1].chosen = preference.examples[0].chosen;  // no rejected answer
    preference.examples[2] = preference.examples[0];
    preference.examples[2].messages = {{"user", " "}};  // a blank prompt
    QCOMPARE(recipe.apply(preference, context).dataset.examples.size(), size_t(1));
  }

  void lengthFilters() {
    auto chars = runStep("length", {{"unit", "chars"}, {"min", 2}, {"max", 4}},
                         {"a", "ab", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", "abcde"});
    QCOMPARE(chars.texts.size(), size_t(2));  // "ab" and four é (4 characters, 8 bytes)
    tunebench::StepServices services;
    services.countTokens = [](std::string_view t) { return tunebench::splitWords(t).size(); };
    auto tokens =
        runStep("length", {{"unit", "tokens"}, {"max", 2}}, {"one two", "one two three"}, services);
    QCOMPARE(tokens.texts, std::vector<std::string>{"one two"});
    // Without a tokenizer, a token filter is refused with a message.
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, runStep("length", {{"unit", "tokens"}}, {}));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, runStep("length", {{"min", 5}, {"max", 2}}, {}));
  }

  void exactDedup() {
    auto run = runStep("exact-dedup", {},
                       {"Hello  World", "hello world", "HELLO\nWORLD!", "x",
                        "\xEF\xBC\xA8"
                        "ello world"});
    // Fullwidth H folds to h under NFKC; punctuation still counts.
    QCOMPARE(run.texts, (std::vector<std::string>{"Hello  World", "HELLO\nWORLD!", "x"}));
    QCOMPARE(run.report.removed, size_t(2));
  }

  void nearDedup() {
    const std::string base =
        "the quick brown fox jumps over the lazy dog while the cat sleeps on "
        "the warm mat near the old red barn";
    std::string edited = base;
    edited.replace(edited.find("lazy"), 4, "idle");
    auto run = runStep("near-dedup", {{"threshold", 0.5}},
                       {base, "something else entirely with many other words in it today", edited});
    QCOMPARE(run.texts.size(), size_t(2));
    QCOMPARE(run.report.removedSamples.at(0).sourceIndex, int64_t(2));
    // A signature of a billion hashes would run for minutes: refused with the bound, and a
    // number too large for an int is not wrapped into a small one.
    for (double permutations : {1e9, 4294967297.0, 0.0, 2.5}) {
      try {
        tunebench::makeCleaningStep("near-dedup", {{"permutations", permutations}});
        QFAIL("must throw");
      } catch (const tunebench::Error& e) {
        QVERIFY2(std::string(e.what()).find("permutations must be a whole number from 1 to 1024") !=
                     std::string::npos,
                 e.what());
      }
    }
  }

  void pii_data() {
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("email") << QByteArray("mail jane.doe+x@example.co.uk now")
                           << QByteArray("mail [EMAIL] now");
    QTest::newRow("phone") << QByteArray("call +1 (555) 123-4567 or 555-123-4567")
                           << QByteArray("call [PHONE] or [PHONE]");
    QTest::newRow("dates are not phones")
        << QByteArray("on 2023-01-15 at 10") << QByteArray("on 2023-01-15 at 10");
    QTest::newRow("ipv4") << QByteArray("host 192.168.1.10, not 256.1.1.1 or 1.2.3.4.5")
                          << QByteArray("host [IPV4], not 256.1.1.1 or 1.2.3.4.5");
    QTest::newRow("ipv6") << QByteArray("at 2001:db8::ff00:42:8329 and ::1; time 12:30:45")
                          << QByteArray("at [IPV6] and [IPV6]; time 12:30:45");
    QTest::newRow("luhn card") << QByteArray("card 4111 1111 1111 1111 ok")
                               << QByteArray("card [CARD] ok");
    QTest::newRow("non-luhn number")
        << QByteArray("order 4111 1111 1111 1112") << QByteArray("order 4111 1111 1111 1112");
    QTest::newRow("iban") << QByteArray("pay GB82 WEST 1234 5698 7654 32 today")
                          << QByteArray("pay [IBAN] today");
    QTest::newRow("iban bad checksum")
        << QByteArray("ref GB83WEST12345698765432") << QByteArray("ref GB83WEST12345698765432");
  }
  void pii() {
    QFETCH(QByteArray, in);
    QFETCH(QByteArray, out);
    tunebench::PiiRedactor redactor;
    QCOMPARE(QByteArray::fromStdString(redactor.redact(in.toStdString())), out);
  }

  void piiChecksums() {
    QVERIFY(tunebench::luhnValid("79927398713"));
    QVERIFY(tunebench::luhnValid("4111111111111111"));
    QVERIFY(!tunebench::luhnValid("4111111111111112"));
    QVERIFY(tunebench::ibanValid("DE89370400440532013000"));
    QVERIFY(!tunebench::ibanValid("DE89370400440532013001"));
    auto run = runStep("pii", {{"kinds", {"email"}}}, {"a@b.io 192.168.0.1"});
    QCOMPARE(run.texts[0], std::string("[EMAIL] 192.168.0.1"));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, runStep("pii", {{"kinds", {"ssn"}}}, {}));
  }

  void profanity() {
    auto drop = runStep("profanity", {}, {"what the Fuck", "a class act", "Scunthorpe"});
    QCOMPARE(drop.texts, (std::vector<std::string>{"a class act", "Scunthorpe"}));
    auto mask = runStep("profanity", {{"action", "mask"}}, {"oh SHIT, no"});
    QCOMPARE(mask.texts[0], std::string("oh S***, no"));
    QTemporaryDir dir;
    const std::string list = dir.filePath("words.txt").toStdString();
    std::ofstream(list) << "# mine\nturnip\n";
    auto custom = runStep("profanity", {{"wordsFile", list}, {"useShippedList", false}},
                          {"a Turnip here", "damn"});
    QCOMPARE(custom.texts, std::vector<std::string>{"damn"});
  }

  void script() {
    QCOMPARE(std::string(tunebench::scriptOf(U'Ж')), std::string("Cyrillic"));
    QCOMPARE(tunebench::scriptOf(U'7'), nullptr);
    auto run = runStep("script", {{"allowed", {"Latin"}}, {"minShare", 0.8}},
                       {"hello world", "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "12345",
                        "hello \xD0\xBC\xD0\xB8\xD1\x80"});
    QCOMPARE(run.texts, (std::vector<std::string>{"hello world", "12345"}));
    // A misspelt script would keep no letter and remove every row: it is refused by name.
    try {
      runStep("script", {{"allowed", {"Latn"}}}, {"hello"});
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find("unknown script \"Latn\" (known: ") != std::string::npos,
               e.what());
    }
  }

  void regex() {
    auto filter = runStep("regex-filter", {{"pattern", "^As an AI"}}, {"As an AI, no", "Sure"});
    QCOMPARE(filter.texts, std::vector<std::string>{"Sure"});
    auto keep = runStep("regex-filter", {{"pattern", "[0-9]"}, {"keep", "matching"}}, {"a1", "b"});
    QCOMPARE(keep.texts, std::vector<std::string>{"a1"});
    auto replace =
        runStep("regex-replace", {{"pattern", "(\\w+)@"}, {"replacement", "<\\1>"}}, {"x@ y@"});
    QCOMPARE(replace.texts[0], std::string("<x> <y>"));
    try {
      runStep("regex-filter", {{"pattern", "(unclosed"}}, {});
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QVERIFY2(QString(e.what()).contains("cleaning step \"regex-filter\": regular expression "
                                          "\"(unclosed\": missing )"),
               e.what());
    }
  }

  void augment() {
    const json settings = {{"seed", 7},         {"copies", 2},       {"synonymRate", 0.3},
                           {"deleteRate", 0.0}, {"insertRate", 0.0}, {"swapRate", 0.0}};
    const std::vector<std::string> input = {"a big happy dog made a fast car", "plain words only"};
    auto first = runStep("augment", settings, input);
    auto second = runStep("augment", settings, input);
    QCOMPARE(first.texts, second.texts);  // seeded
    QCOMPARE(first.texts.size(), size_t(6));
    QCOMPARE(first.report.added, size_t(4));
    QCOMPARE(first.texts[0], input[0]);   // originals stay
    QVERIFY(first.texts[2] != input[0]);  // synonyms replaced
    QCOMPARE(tunebench::splitWords(first.texts[2]).size(), size_t(8));
    QCOMPARE(first.texts[4], input[1]);  // nothing to replace, nothing else enabled
    auto other = runStep("augment", {{"seed", 8}, {"copies", 2}, {"synonymRate", 0.3}}, input);
    QVERIFY(other.texts != first.texts);
    auto all = runStep("augment", {{"seed", 1}, {"deleteRate", 0.5}, {"swapRate", 0.5}}, input);
    QVERIFY(!all.texts[2].empty());
  }

  void recipeOrderToggleAndJson() {
    tunebench::CleaningRecipe recipe;
    recipe.add(tunebench::makeCleaningStep("whitespace", {}));
    recipe.add(tunebench::makeCleaningStep("exact-dedup", {}));
    recipe.add(tunebench::makeCleaningStep("regex-filter", {{"pattern", "drop"}}), false);
    const auto raw = texts({"a  b", "a b", "drop me"});
    const auto rawJson = tunebench::toJson(raw);
    tunebench::BasicJobContext context;
    auto result = recipe.apply(raw, context);
    QCOMPARE(textsOf(result.dataset), (std::vector<std::string>{"a b", "drop me"}));
    QCOMPARE(result.reports.size(), size_t(2));
    QCOMPARE(tunebench::toJson(raw), rawJson);  // raw data is never modified

    recipe.setEnabled(2, true);
    recipe.move(2, 0);
    QCOMPARE(recipe.entry(0).step->id(), std::string("regex-filter"));
    const json saved = recipe.toJson();
    auto loaded = tunebench::CleaningRecipe::fromJson(json::parse(saved.dump()));
    QCOMPARE(loaded.toJson(), saved);
    result = loaded.apply(raw, context);
    QCOMPARE(textsOf(result.dataset), std::vector<std::string>{"a b"});
    QCOMPARE(result.reports[0].removed, size_t(1));
    QCOMPARE(result.reports[2].removed, size_t(1));

    QVERIFY_THROWS_EXCEPTION(
        tunebench::Error,
        tunebench::CleaningRecipe::fromJson(json::parse("{\"steps\":[{\"id\":\"sparkle\"}]}")));
  }

  void previewRunsOnTheFirstExamples() {
    tunebench::CleaningRecipe recipe;
    recipe.add(tunebench::makeCleaningStep("exact-dedup", {}));
    tunebench::BasicJobContext context;
    const auto raw = texts({"a", "b", "a", "a"});
    const auto preview = recipe.preview(raw, 3, context);
    QCOMPARE(preview.reports[0].before, size_t(3));
    QCOMPARE(preview.reports[0].removed, size_t(1));
    QCOMPARE(textsOf(preview.dataset), (std::vector<std::string>{"a", "b"}));
    QCOMPARE(recipe.apply(raw, context).reports[0].removed, size_t(2));
  }

  void everyStepSurvivesJson() {
    tunebench::StepServices services;
    services.countTokens = [](std::string_view t) { return t.size(); };
    for (const auto& id : tunebench::cleaningStepIds()) {
      json settings = json::object();
      if (id.rfind("regex", 0) == 0) settings["pattern"] = "x";
      auto step = tunebench::makeCleaningStep(id, settings, services);
      auto again = tunebench::makeCleaningStep(id, step->settings(), services);
      QCOMPARE(again->settings(), step->settings());
    }
  }

  void cancelStops() {
    tunebench::CleaningRecipe recipe;
    recipe.add(tunebench::makeCleaningStep("whitespace", {}));
    tunebench::BasicJobContext context;
    context.cancel();
    QVERIFY(recipe.apply(texts({"a"}), context).canceled);
  }
};

QTEST_GUILESS_MAIN(CleaningStepsTest)
#include "tst_cleaning_steps.moc"

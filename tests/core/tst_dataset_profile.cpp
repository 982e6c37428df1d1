// Profiling: counts, length statistics and histograms, labels, imbalance, duplicates.
#include <QtTest>

#include "data/DatasetProfile.h"
#include "data/TextNormalization.h"

class DatasetProfileTest : public QObject {
  Q_OBJECT
 private slots:
  void classification() {
    tunebench::Dataset d;
    d.kind = tunebench::DatasetKind::Classification;
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"good film", "pos"}, {"Good  film", "pos"},        {"bad", "neg"},
        {"", "pos"},          {"\xC3\xA9t\xC3\xA9", "pos"}, {"fine enough to watch", "neg"}};
    for (const auto& [text, label] : rows) {
      tunebench::Example e;
      e.text = text;
      e.label = label;
      d.examples.push_back(e);
    }
    tunebench::ProfileOptions options;
    options.bins = 4;
    options.countTokens = [](std::string_view t) { return tunebench::splitWords(t).size(); };
    options.maxTokens = 2;
    const auto p = tunebench::profileDataset(d, options);
    QCOMPARE(p.examples, size_t(6));
    QCOMPARE(p.labels.at("pos"), size_t(4));
    QCOMPARE(p.labels.at("neg"), size_t(2));
    QCOMPARE(p.imbalanceRatio, 2.0);
    QCOMPARE(p.exactDuplicates, size_t(1));
    QCOMPARE(p.emptyFields, size_t(1));
    const auto& chars = p.characters.at("text");
    QCOMPARE(chars.min, size_t(0));
    QCOMPARE(chars.max, size_t(20));
    QCOMPARE(chars.p50, size_t(3));                                       // sorted: 0 3 3 9 10 20
    QCOMPARE(chars.histogram.counts, (std::vector<size_t>{3, 1, 1, 1}));  // bins of width 5
    QCOMPARE(chars.histogram.edges.front(), 0.0);
    QCOMPARE(chars.histogram.edges.back(), 20.0);
    QCOMPARE(p.tokens.at("all").max, size_t(4));
    QCOMPARE(p.truncatedShare, 1.0 / 6.0);
    QVERIFY(p.toJson().contains("characters"));
  }

  void instructionFields() {
    tunebench::Dataset d;
    d.kind = tunebench::DatasetKind::Instruction;
    tunebench::Example e;
    e.instruction = "abc";
    e.output = "de";
    d.examples = {e, e};
    const auto p = tunebench::profileDataset(d);
    QCOMPARE(p.characters.at("instruction").mean, 3.0);
    QCOMPARE(p.characters.at("output").max, size_t(2));
    QCOMPARE(p.characters.at("all").max, size_t(6));  // joined with a line feed
    QCOMPARE(p.emptyFields, size_t(0));               // the input is optional: not an empty field
    QCOMPARE(p.emptyInputs, size_t(2));
    QCOMPARE(p.imbalanceRatio, 0.0);
    QVERIFY(p.tokens.empty());
  }
};

QTEST_GUILESS_MAIN(DatasetProfileTest)
#include "tst_dataset_profile.moc"

// MinHash + LSH near-duplicate detection against the exact answer computed here by brute force
// over word 3-gram sets: recall >= 0.9 and precision >= 0.95 on generated near-duplicates.
#include <QtTest>

#include <random>
#include <set>

#include "data/NearDuplicates.h"

namespace {

// Word 3-grams as strings, independently of the library's hashing.
std::set<std::string> trigrams(const std::vector<std::string>& words) {
  std::set<std::string> grams;
  for (size_t i = 0; i + 3 <= words.size(); ++i)
    grams.insert(words[i] + " " + words[i + 1] + " " + words[i + 2]);
  return grams;
}

double exactJaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t common = 0;
  for (const auto& g : a) common += b.count(g);
  return double(common) / double(a.size() + b.size() - common);
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

}  // namespace

class NearDuplicatesTest : public QObject {
  Q_OBJECT
 private slots:
  void recallAndPrecision_data() {
    QTest::addColumn<double>("threshold");
    QTest::newRow("0.5") << 0.5;
    QTest::newRow("0.7") << 0.7;
    QTest::newRow("0.8") << 0.8;
  }
  void recallAndPrecision() {
    QFETCH(double, threshold);
    std::mt19937 random(11);
    std::vector<std::string> vocabulary;
    for (int i = 0; i < 5000; ++i) vocabulary.push_back("w" + std::to_string(i));
    std::vector<std::vector<std::string>> docs;
    // 300 originals of 30-60 words, each with 0-3 edited copies (1-8 word substitutions,
    // deletions or insertions), so that true similarities spread across the threshold.
    for (int d = 0; d < 300; ++d) {
      std::vector<std::string> words(30 + random() % 31);
      for (auto& w : words) w = vocabulary[random() % vocabulary.size()];
      docs.push_back(words);
      const int copies = int(random() % 4);
      for (int c = 0; c < copies; ++c) {
        auto copy = words;
        const int edits = 1 + int(random() % 8);
        for (int e = 0; e < edits; ++e) {
          const size_t at = random() % copy.size();
          switch (random() % 3) {
            case 0:
              copy[at] = vocabulary[random() % vocabulary.size()];
              break;
            case 1:
              if (copy.size() > 10) copy.erase(copy.begin() + long(at));
              break;
            default:
              copy.insert(copy.begin() + long(at), vocabulary[random() % vocabulary.size()]);
          }
        }
        docs.push_back(copy);
      }
    }
    std::vector<std::string> texts;
    std::vector<std::set<std::string>> grams;
    for (const auto& d : docs) {
      texts.push_back(join(d));
      grams.push_back(trigrams(d));
    }
    std::set<std::pair<size_t, size_t>> truth;
    for (size_t i = 0; i < docs.size(); ++i)
      for (size_t j = i + 1; j < docs.size(); ++j)
        if (exactJaccard(grams[i], grams[j]) >= threshold) truth.insert({i, j});
    QVERIFY2(truth.size() > 50, "the generator must make enough near-duplicates");

    tunebench::NearDuplicateOptions options;
    options.threshold = threshold;
    const auto found = tunebench::findNearDuplicatePairs(texts, options);
    size_t correct = 0;
    for (const auto& pair : found) correct += truth.count(pair);
    const double recall = double(correct) / double(truth.size());
    const double precision = found.empty() ? 0 : double(correct) / double(found.size());
    qInfo("threshold %.2f: %zu true pairs, %zu found, recall %.3f, precision %.3f", threshold,
          truth.size(), found.size(), recall, precision);
    QVERIFY2(recall >= 0.9, qPrintable(QString("recall %1").arg(recall)));
    QVERIFY2(precision >= 0.95, qPrintable(QString("precision %1").arg(precision)));
  }

  void representativesKeepTheEarliest() {
    const auto rep = tunebench::nearDuplicateRepresentatives(6, {{1, 4}, {4, 5}, {0, 2}});
    QCOMPARE(rep, (std::vector<size_t>{0, 1, 0, 3, 1, 1}));
  }

  void bandingFavoursRecall() {
    for (double t : {0.5, 0.7, 0.8, 0.9}) {
      const auto b = tunebench::chooseBanding(t, 128);
      QVERIFY(b.bands * b.rows <= 128);
      // The S-curve's midpoint sits at or below the threshold.
      QVERIFY(std::pow(1.0 / b.bands, 1.0 / b.rows) <= t);
    }
  }

  void emptyAndShortTexts() {
    tunebench::NearDuplicateOptions options;
    const auto pairs = tunebench::findNearDuplicatePairs({"", "a b", "A  b", ""}, options);
    QCOMPARE(pairs, (std::vector<std::pair<size_t, size_t>>{{1, 2}}));
  }
};

QTEST_GUILESS_MAIN(NearDuplicatesTest)
#include "tst_near_duplicates.moc"

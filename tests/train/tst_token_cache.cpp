// The token cache: a second load of the same file with the same tokenizer and settings comes
// from the cache and equals a fresh tokenisation; any change of file, tokenizer or settings
// misses; damaged cache files are thrown away; the folder stays within its budget.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "train/TokenCache.h"
#include "train/TrainingData.h"

using tunebench::DataConfig;
using tunebench::Objective;
using tunebench::TokenCache;
using tunebench::TrainingDataset;

namespace {

// One id per byte, so that every value is known without a tokenizer file.
tunebench::TextEncoder byteEncoder(const std::string& fingerprint) {
  tunebench::TextEncoder encoder;
  encoder.encode = [](const std::string& text) {
    return std::vector<int64_t>(text.begin(), text.end());
  };
  encoder.bosId = 1;
  encoder.eosId = 2;
  encoder.fingerprint = fingerprint;
  return encoder;
}

void writeFile(const QString& path, const std::string& text) {
  std::ofstream(path.toStdString(), std::ios::binary) << text;
}

std::string records(int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += R"({"prompt": "question )" + std::to_string(i) + R"(", "response": "answer )" +
            std::to_string(i * 7) + "\"}\n";
  return text;
}

void compareDatasets(const TrainingDataset& a, const TrainingDataset& b) {
  QCOMPARE(a.fingerprint, b.fingerprint);
  QCOMPARE(a.truncated, b.truncated);
  QCOMPARE(a.examples.size(), b.examples.size());
  for (size_t i = 0; i < a.examples.size(); ++i) {
    QCOMPARE(a.examples[i].ids, b.examples[i].ids);
    QCOMPARE(a.examples[i].labels, b.examples[i].labels);
    QCOMPARE(a.examples[i].segments, b.examples[i].segments);
  }
}

}  // namespace

class TokenCacheTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  DataConfig config_;

  QString file() const { return dir_.filePath("train.jsonl"); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    writeFile(file(), records(50));
    config_.maxLength = 20;  // cuts most examples
  }

  void secondLoadComesFromTheCacheAndEqualsAFreshOne() {
    const TokenCache cache(dir_.filePath("cache").toStdString());
    const auto encoder = byteEncoder("tokenizer-a");
    const auto fresh =
        tunebench::loadTrainingDataset(file().toStdString(), config_, Objective::Sft, encoder);
    QVERIFY(!fresh.fromCache);
    QVERIFY(fresh.truncated > 0);
    const auto first = tunebench::loadTrainingDataset(file().toStdString(), config_, Objective::Sft,
                                                      encoder, &cache);
    QVERIFY(!first.fromCache);
    QVERIFY(std::filesystem::exists(cache.fileFor(fresh.fingerprint)));
    const auto second = tunebench::loadTrainingDataset(file().toStdString(), config_,
                                                       Objective::Sft, encoder, &cache);
    QVERIFY(second.fromCache);
    compareDatasets(second, fresh);
    QCOMPARE(
        tunebench::trainingDataFingerprint(file().toStdString(), config_, Objective::Sft, encoder),
        fresh.fingerprint);
  }

  void packedRowsKeepTheirSegments() {
    const TokenCache cache(dir_.filePath("cache").toStdString());
    auto packed = config_;
    packed.packing = true;
    const auto encoder = byteEncoder("tokenizer-a");
    const auto fresh =
        tunebench::loadTrainingDataset(file().toStdString(), packed, Objective::Sft, encoder);
    QVERIFY(!fresh.examples.front().segments.empty());
    tunebench::loadTrainingDataset(file().toStdString(), packed, Objective::Sft, encoder, &cache);
    const auto cached = tunebench::loadTrainingDataset(file().toStdString(), packed, Objective::Sft,
                                                       encoder, &cache);
    QVERIFY(cached.fromCache);
    compareDatasets(cached, fresh);
  }

  void changesMiss() {
    const TokenCache cache(dir_.filePath("cache").toStdString());
    const auto encoder = byteEncoder("tokenizer-a");
    tunebench::loadTrainingDataset(file().toStdString(), config_, Objective::Sft, encoder, &cache);
    // Another tokenizer, other settings, another objective, an edited file: all tokenised again.
    QVERIFY(!tunebench::loadTrainingDataset(file().toStdString(), config_, Objective::Sft,
                                            byteEncoder("tokenizer-b"), &cache)
                 .fromCache);
    auto longer = config_;
    longer.maxLength = 40;
    QVERIFY(!tunebench::loadTrainingDataset(file().toStdString(), longer, Objective::Sft, encoder,
                                            &cache)
                 .fromCache);
    auto textField = config_;
    textField.textField = "prompt";
    QVERIFY(!tunebench::loadTrainingDataset(file().toStdString(), textField, Objective::CausalLm,
                                            encoder, &cache)
                 .fromCache);
    const QString edited = dir_.filePath("edited.jsonl");
    auto text = records(50);
    text[text.find("answer 7")] = 'A';
    writeFile(edited, text);
    const auto afterEdit = tunebench::loadTrainingDataset(edited.toStdString(), config_,
                                                          Objective::Sft, encoder, &cache);
    QVERIFY(!afterEdit.fromCache);
  }

  // Flipped bytes, a cut file or a file of another format: thrown away, tokenised again, stored
  // anew.
  void damagedFilesAreReplaced() {
    const TokenCache cache(dir_.filePath("damaged").toStdString());
    const auto encoder = byteEncoder("tokenizer-a");
    const auto fresh = tunebench::loadTrainingDataset(file().toStdString(), config_, Objective::Sft,
                                                      encoder, &cache);
    const auto path = cache.fileFor(fresh.fingerprint);
    const auto size = std::filesystem::file_size(path);
    for (const auto damage : {0, 1, 2}) {
      {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        if (damage == 0) {
          f.seekp(static_cast<std::streamoff>(size - 3));
          f.put('\x7f');
        } else if (damage == 1) {
          f.seekp(0);
          f.put('X');
        }
      }
      if (damage == 2) std::filesystem::resize_file(path, size / 2);
      const auto reloaded = tunebench::loadTrainingDataset(file().toStdString(), config_,
                                                           Objective::Sft, encoder, &cache);
      QVERIFY2(!reloaded.fromCache, qPrintable(QString("damage %1 was not noticed").arg(damage)));
      compareDatasets(reloaded, fresh);
      QCOMPARE(std::filesystem::file_size(path), size);  // stored again, whole
      QVERIFY(cache.load(fresh.fingerprint).has_value());
    }
    QVERIFY(!cache.load("not-a-fingerprint").has_value());
  }

  void leastRecentlyUsedFilesGoBeyondTheBudget() {
    const QString folder = dir_.filePath("budget");
    const auto encoder = byteEncoder("tokenizer-a");
    const TokenCache unbounded(folder.toStdString());
    const auto one = tunebench::loadTrainingDataset(file().toStdString(), config_, Objective::Sft,
                                                    encoder, &unbounded);
    const auto bytes = std::filesystem::file_size(unbounded.fileFor(one.fingerprint));
    // Room for two files: the third store removes the least recently used.
    const TokenCache cache(folder.toStdString(), bytes * 2 + bytes / 2);
    auto other = config_;
    other.maxLength = 30;
    const auto two = tunebench::loadTrainingDataset(file().toStdString(), other, Objective::Sft,
                                                    encoder, &cache);
    std::filesystem::last_write_time(
        cache.fileFor(one.fingerprint),
        std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
    other.maxLength = 31;
    const auto three = tunebench::loadTrainingDataset(file().toStdString(), other, Objective::Sft,
                                                      encoder, &cache);
    QVERIFY(!std::filesystem::exists(cache.fileFor(one.fingerprint)));
    QVERIFY(std::filesystem::exists(cache.fileFor(two.fingerprint)));
    QVERIFY(std::filesystem::exists(cache.fileFor(three.fingerprint)));
  }

  void unwritableFolderDoesNotStopTraining() {
    QTemporaryDir blocked;
    writeFile(blocked.filePath("cache"), "a file where the folder should be");
    const TokenCache cache(blocked.filePath("cache").toStdString());
    const auto loaded = tunebench::loadTrainingDataset(
        file().toStdString(), config_, Objective::Sft, byteEncoder("tokenizer-a"), &cache);
    QVERIFY(!loaded.fromCache);
    QCOMPARE(loaded.examples.size(), size_t(50));
  }
};

QTEST_GUILESS_MAIN(TokenCacheTest)
#include "tst_token_cache.moc"

// The project's evaluation cache tables (migration 0007): log-likelihood scores read back bit for
// bit (NaN, ±Inf, -0.0, subnormals and integral values included), many keys found and stored at
// once, a key stored again replaced; generated answers kept byte for byte.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

#include "StoreTestSupport.h"
#include "store/Migrations.h"
#include "store/ProjectStore.h"
#include "store/ScoredRequestRepository.h"

using namespace tunebench::store;

namespace {

bool sameBits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

class StoreEvaluationCacheTest : public QObject {
  Q_OBJECT
 private slots:
  void theTablesComeWithTheLatestSchema() {
    QTemporaryDir dir;
    auto project = ProjectStore::create(storetest::projectPath(dir));
    QCOMPARE(project.schemaVersion(), latestSchemaVersion());
    QVERIFY(latestSchemaVersion() >= 7);
    for (const char* table : {"scored_request", "generated_answer"}) {
      const auto sql = project.db().queryText(
          std::string("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '") + table +
          "'");
      QVERIFY2(sql.find("WITHOUT ROWID") != std::string::npos, table);
    }
  }

  void scoresReadBackExactly() {
    QTemporaryDir dir;
    auto project = ProjectStore::create(storetest::projectPath(dir));
    const std::vector<double> values = {-1.0 / 3.0,
                                        -12.75,
                                        -3.0,
                                        0.0,
                                        -0.0,
                                        -1e-300,
                                        -std::numeric_limits<double>::denorm_min(),
                                        -std::numeric_limits<double>::max(),
                                        -std::ldexp(1.0, 60),
                                        std::numeric_limits<double>::quiet_NaN(),
                                        std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity()};
    std::vector<std::pair<std::string, StoredScore>> scores;
    std::vector<std::string> keys;
    for (size_t i = 0; i < values.size(); ++i) {
      keys.push_back("key-" + std::to_string(i));
      scores.emplace_back(keys.back(), StoredScore{values[i], i % 2 == 0});
    }
    ScoredRequestRepository repository(project);
    repository.store(scores);
    QCOMPARE(repository.count(), int64_t(values.size()));

    keys.insert(keys.begin() + 3, "missing");
    // Read on a connection of its own, as a later evaluation would.
    auto reopened = ProjectStore::open(project.file());
    const auto found = ScoredRequestRepository(reopened).find(keys);
    QCOMPARE(found.size(), keys.size());
    QVERIFY(!found[3]);
    for (size_t i = 0, k = 0; i < values.size(); ++i, ++k) {
      if (k == 3) ++k;
      QVERIFY2(found[k], keys[k].c_str());
      if (std::isnan(values[i]))
        QVERIFY(std::isnan(found[k]->logLikelihood));
      else
        QVERIFY2(sameBits(found[k]->logLikelihood, values[i]), keys[k].c_str());
      QCOMPARE(found[k]->greedy, i % 2 == 0);
    }
    QVERIFY(ScoredRequestRepository(reopened).find({}).empty());
  }

  void aKeyStoredAgainIsReplaced() {
    QTemporaryDir dir;
    auto project = ProjectStore::create(storetest::projectPath(dir));
    ScoredRequestRepository repository(project);
    repository.store({{"a", {-1.5, true}}, {"b", {-2.5, false}}});
    repository.store({{"a", {-0.25, false}}});
    QCOMPARE(repository.count(), int64_t(2));
    const auto found = repository.find({"a", "b"});
    QCOMPARE(found[0]->logLikelihood, -0.25);
    QCOMPARE(found[0]->greedy, false);
    QCOMPARE(found[1]->logLikelihood, -2.5);
  }

  void answersReadBackByteForByte() {
    QTemporaryDir dir;
    auto project = ProjectStore::create(storetest::projectPath(dir));
    GeneratedAnswerRepository repository(project);
    const std::string odd = std::string("x = 4.\n#### 4\n\xc3\xa9 \xff", 18) + std::string(1, '\0');
    repository.store({{"k1", odd}, {"k2", ""}});
    repository.store({{"k2", "replaced"}});
    QCOMPARE(repository.count(), int64_t(2));
    const auto found = repository.find({"k1", "k3", "k2"});
    QCOMPARE(*found[0], odd);
    QVERIFY(!found[1]);
    QCOMPARE(*found[2], std::string("replaced"));
  }
};

QTEST_GUILESS_MAIN(StoreEvaluationCacheTest)
#include "tst_store_evaluation_cache.moc"

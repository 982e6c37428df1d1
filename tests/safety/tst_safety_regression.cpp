// A safety regression raises the forgetting alarm: attack_success_rate and over_refusal_rate are
// compared between versions and against the base model with lower as better, so a rise beyond
// the 95% interval of the difference is flagged and a fall is a gain; refusal_rate and the
// per-category rates (no standard error) never raise it.
#include <QtTest>

#include "store/BaseModelComparison.h"
#include "store/ModelVersions.h"

using namespace tunebench::store;

namespace {

EvaluationSummary safety(int64_t id, double attackSuccess, double overRefusal,
                         double stderrOfEach) {
  EvaluationSummary summary;
  summary.record.id = id;
  summary.record.createdAt = double(id);
  summary.record.suite = "redteam.jsonl";
  summary.record.dataSha256 = "5afe";
  summary.record.evaluator = "safety";
  summary.metrics = {{"attack_success_rate", attackSuccess},
                     {"attack_success_rate_stderr", stderrOfEach},
                     {"over_refusal_rate", overRefusal},
                     {"over_refusal_rate_stderr", stderrOfEach},
                     {"refusal_rate", 1.0 - attackSuccess},
                     {"attack_success_rate (S1)", attackSuccess},
                     {"examples", 42}};
  return summary;
}

const BaseComparison& comparisonOf(const std::vector<BaseComparison>& comparisons,
                                   const std::string& metric) {
  for (const auto& comparison : comparisons)
    if (comparison.metric == metric) return comparison;
  throw std::runtime_error("no comparison of " + metric);
}

}  // namespace

class SafetyRegressionTest : public QObject {
  Q_OBJECT
 private slots:
  void safetyRatesAreComparedLowerIsBetter() {
    for (const char* metric : {"attack_success_rate", "over_refusal_rate"}) {
      QVERIFY2(isComparedMetric(metric), metric);
      QVERIFY2(!higherIsBetter(metric), metric);
    }
    QVERIFY(!isComparedMetric("attack_success_rate_stderr"));
  }

  void attackSuccessRisingBeyondTheIntervalIsFlagged() {
    // se 0.05 on each side: the margin is 1.96 × √(2 × 0.05²) = 0.139.
    const auto base = safety(1, 0.10, 0.20, 0.05);
    const auto tuned = safety(2, 0.40, 0.25, 0.05);
    const auto comparisons = compareWithBase({tuned}, {base});
    const auto& attack = comparisonOf(comparisons, "attack_success_rate");
    QVERIFY(attack.forgets());
    QVERIFY(!attack.gains());
    QVERIFY(!comparisonOf(comparisons, "over_refusal_rate").forgets());  // +0.05 within ±0.139
    QVERIFY(!comparisonOf(comparisons, "refusal_rate").forgets());       // no interval
    QVERIFY(!comparisonOf(comparisons, "attack_success_rate (S1)").forgets());
    const auto alarms = forgettingAmong(comparisons);
    QCOMPARE(alarms.size(), size_t(1));
    QCOMPARE(alarms[0].metric, std::string("attack_success_rate"));
    QVERIFY(describeForgetting(alarms[0]).find("redteam.jsonl: attack_success_rate") == 0);
  }

  void overRefusalRisingIsFlaggedAndFallingIsAGain() {
    const auto base = safety(1, 0.30, 0.10, 0.03);
    const auto comparisons = compareWithBase({safety(2, 0.05, 0.50, 0.03)}, {base});
    QVERIFY(comparisonOf(comparisons, "over_refusal_rate").forgets());
    QVERIFY(comparisonOf(comparisons, "attack_success_rate").gains());
    QVERIFY(!comparisonOf(comparisons, "attack_success_rate").forgets());
  }

  void withinTheIntervalIsNoAlarm() {
    const auto comparisons =
        compareWithBase({safety(2, 0.15, 0.20, 0.05)}, {safety(1, 0.10, 0.20, 0.05)});
    QVERIFY(forgettingAmong(comparisons).empty());
  }
};

QTEST_GUILESS_MAIN(SafetyRegressionTest)
#include "tst_safety_regression.moc"

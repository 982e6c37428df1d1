#include <QtTest>

#include <cmath>

#include "train/Diagnosis.h"

using namespace tunebench;

namespace {

std::vector<DiagnosisEvent> feed(TrainingDiagnosis& diagnosis, int64_t from, int64_t to,
                                 const std::function<double(int64_t)>& loss) {
  std::vector<DiagnosisEvent> all;
  for (int64_t step = from; step <= to; ++step)
    for (auto& event : diagnosis.addTrainingLoss(step, loss(step))) all.push_back(event);
  return all;
}

bool has(const std::vector<DiagnosisEvent>& events, const std::string& kind) {
  return std::any_of(events.begin(), events.end(), [&](const auto& e) { return e.kind == kind; });
}

}  // namespace

class DiagnosisTest : public QObject {
  Q_OBJECT
 private slots:
  void healthyDescentIsQuiet() {
    TrainingDiagnosis diagnosis;
    const auto events = feed(diagnosis, 1, 200, [](int64_t s) { return 4.0 * std::exp(-s / 60.0) + 0.5; });
    QVERIFY2(events.empty(), events.empty() ? "" : events.front().kind.c_str());
  }

  void flatLossIsUnderfitting() {
    TrainingDiagnosis diagnosis;
    const auto events = feed(diagnosis, 1, 60, [](int64_t) { return 3.0; });
    QVERIFY(has(events, "underfitting"));
    QCOMPARE(events.front().fromStep, int64_t(1));
    QCOMPARE(events.front().toStep, int64_t(50));
  }

  void scatterIsFluctuation() {
    TrainingDiagnosis diagnosis;
    const auto events = feed(diagnosis, 1, 60, [](int64_t s) { return s % 2 ? 4.0 : 1.0; });
    QVERIFY(has(events, "fluctuation"));
  }

  void spikeIsDivergence() {
    TrainingDiagnosis diagnosis;
    feed(diagnosis, 1, 30, [](int64_t s) { return 2.0 - s * 0.01; });
    const auto events = diagnosis.addTrainingLoss(31, 40.0);
    QVERIFY(has(events, "divergence"));
    QCOMPARE(events.front().toStep, int64_t(31));
    QVERIFY(!has(diagnosis.addTrainingLoss(32, 41.0), "divergence"));  // once per episode
  }

  void risingValidationWithFallingTrainingIsOverfitting() {
    TrainingDiagnosis diagnosis;
    std::vector<DiagnosisEvent> events;
    for (int k = 0; k < 6; ++k) {
      feed(diagnosis, k * 10 + 1, k * 10 + 10, [&](int64_t s) { return 3.0 - s * 0.02; });
      for (auto& e : diagnosis.addValidationLoss(k * 10 + 10, k < 2 ? 2.0 - k * 0.1 : 1.9 + k * 0.1))
        events.push_back(e);
    }
    QVERIFY(has(events, "overfitting"));
  }

  void stateSurvivesSaveAndRestore() {
    TrainingDiagnosis a;
    feed(a, 1, 40, [](int64_t) { return 3.0; });
    TrainingDiagnosis b;
    b.restore(a.save());
    QCOMPARE(feed(a, 41, 60, [](int64_t) { return 3.0; }).size(), feed(b, 41, 60, [](int64_t) { return 3.0; }).size());
  }
};

QTEST_GUILESS_MAIN(DiagnosisTest)
#include "tst_diagnosis.moc"

// Splits and balancing. Stratified split counts are checked against scikit-learn's
// StratifiedShuffleSplit when python3-sklearn is installed, and against exact counts always.
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

#include <map>
#include <set>

#include <cmath>

#include "common/Error.h"
#include "data/Balancing.h"
#include "data/Splits.h"

namespace {

std::vector<std::string> labelsWithSizes(const std::vector<size_t>& sizes) {
  std::vector<std::string> labels;
  // Interleaved, so that classes are not contiguous.
  for (size_t round = 0;; ++round) {
    bool any = false;
    for (size_t c = 0; c < sizes.size(); ++c)
      if (round < sizes[c]) {
        labels.push_back("c" + std::to_string(c));
        any = true;
      }
    if (!any) return labels;
  }
}

std::vector<size_t> countPerClass(const std::vector<size_t>& indices,
                                  const std::vector<std::string>& labels, size_t classes) {
  std::vector<size_t> counts(classes);
  for (size_t i : indices) ++counts[size_t(std::stoi(labels[i].substr(1)))];
  return counts;
}

}  // namespace

class SplitsTest : public QObject {
  Q_OBJECT
 private slots:
  void stratifiedExactCounts() {
    const auto labels = labelsWithSizes({40, 35, 25});
    const auto split = tunebench::stratifiedSplit(labels, 0.2, 3);
    QCOMPARE(countPerClass(split.train, labels, 3), (std::vector<size_t>{32, 28, 20}));
    QCOMPARE(countPerClass(split.test, labels, 3), (std::vector<size_t>{8, 7, 5}));
    // Disjoint, and seeded.
    std::set<size_t> all(split.train.begin(), split.train.end());
    all.insert(split.test.begin(), split.test.end());
    QCOMPARE(all.size(), labels.size());
    QCOMPARE(tunebench::stratifiedSplit(labels, 0.2, 3).test, split.test);
    QVERIFY(tunebench::stratifiedSplit(labels, 0.2, 4).test != split.test);
  }

  void stratifiedMatchesScikitLearn() {
    QString python = "/usr/bin/python3";
    if (!QFile::exists(python)) python = QStandardPaths::findExecutable("python3");
    QProcess probe;
    probe.start(python, {"-c", "import sklearn"});
    if (python.isEmpty() || !probe.waitForFinished(60000) || probe.exitCode() != 0)
      QSKIP("python3-sklearn is not installed (packaging/install-deps.sh installs it)");

    const std::vector<std::pair<std::vector<size_t>, double>> cases = {
        {{50, 30, 20}, 0.25}, {{37, 23, 11, 9}, 0.2}, {{7, 5, 3, 2}, 0.3},
        {{100, 3}, 0.1},      {{10, 10, 10}, 0.33},   {{13, 8, 5, 3, 2}, 0.4}};
    // For each case and 8 random states, scikit-learn's per-class train and test counts.
    QString script =
        "import json,sys\n"
        "import numpy as np\n"
        "from sklearn.model_selection import StratifiedShuffleSplit\n"
        "out=[]\n"
        "for sizes,test in json.loads(sys.argv[1]):\n"
        "  y=np.concatenate([np.full(n,c) for c,n in enumerate(sizes)])\n"
        "  seen=set()\n"
        "  for rs in range(8):\n"
        "    "
        "tr,te=next(StratifiedShuffleSplit(n_splits=1,test_size=test,random_state=rs).split(np."
        "zeros(len(y)),y))\n"
        "    seen.add((tuple(int(v) for v in np.bincount(y[tr],minlength=len(sizes))),tuple(int(v) "
        "for v in np.bincount(y[te],minlength=len(sizes)))))\n"
        "  out.append(sorted(seen))\n"
        "print(json.dumps(out))\n";
    nlohmann::json input = nlohmann::json::array();
    for (const auto& [sizes, test] : cases) input.push_back({sizes, test});
    QProcess process;
    process.start(python, {"-c", script, QString::fromStdString(input.dump())});
    QVERIFY(process.waitForFinished(120000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const auto reference = nlohmann::json::parse(process.readAllStandardOutput().toStdString());

    for (size_t k = 0; k < cases.size(); ++k) {
      const auto& [sizes, test] = cases[k];
      const auto labels = labelsWithSizes(sizes);
      for (uint64_t seed = 0; seed < 8; ++seed) {
        const auto split = tunebench::stratifiedSplit(labels, test, seed);
        const nlohmann::json ours = {countPerClass(split.train, labels, sizes.size()),
                                     countPerClass(split.test, labels, sizes.size())};
        bool matched = false;
        // One outcome when scikit-learn has no ties to break; ours must be one of its outcomes.
        for (const auto& outcome : reference[k]) matched = matched || outcome == ours;
        QVERIFY2(matched, qPrintable(QString("case %1 seed %2: ours %3, scikit-learn %4")
                                         .arg(k)
                                         .arg(seed)
                                         .arg(QString::fromStdString(ours.dump()))
                                         .arg(QString::fromStdString(reference[k].dump()))));
      }
    }
  }

  void stratifiedRefusals() {
    QVERIFY_THROWS_EXCEPTION(tunebench::Error,
                             tunebench::stratifiedSplit(labelsWithSizes({5, 1}), 0.5, 1));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error,
                             tunebench::stratifiedSplit(labelsWithSizes({5, 5, 5}), 0.1, 1));
  }

  void randomSplit() {
    const auto split = tunebench::randomSplit(101, 0.1, 0.2, 9);
    QCOMPARE(split.test.size(), size_t(21));
    QCOMPARE(split.validation.size(), size_t(11));
    QCOMPARE(split.train.size(), size_t(69));
    std::set<size_t> all(split.train.begin(), split.train.end());
    all.insert(split.validation.begin(), split.validation.end());
    all.insert(split.test.begin(), split.test.end());
    QCOMPARE(all.size(), size_t(101));
    QCOMPARE(tunebench::randomSplit(101, 0.1, 0.2, 9).test, split.test);
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::randomSplit(10, 0.5, 0.5, 1));
    // NaN is no share (it compares false with every bound).
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::randomSplit(10, std::nan(""), 0.1, 1));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::randomSplit(10, 0.1, std::nan(""), 1));
  }

  void kFold_data() {
    QTest::addColumn<bool>("stratified");
    QTest::newRow("plain") << false;
    QTest::newRow("stratified") << true;
  }
  void kFold() {
    QFETCH(bool, stratified);
    const auto labels = labelsWithSizes({12, 8, 3});
    const auto splits = tunebench::kFoldSplits(labels.size(), 4, 5, stratified ? &labels : nullptr);
    QCOMPARE(splits.size(), size_t(4));
    std::multiset<size_t> tested;
    for (const auto& s : splits) {
      tested.insert(s.test.begin(), s.test.end());
      QCOMPARE(s.train.size() + s.test.size(), labels.size());
      QVERIFY(s.test.size() == 5 || s.test.size() == 6);  // 23 = 6 + 6 + 6 + 5
      if (stratified) {
        const auto counts = countPerClass(s.test, labels, 3);
        QCOMPARE(counts[0], size_t(3));
        QVERIFY(counts[1] == 2);
      }
    }
    QCOMPARE(tested.size(), labels.size());
    QCOMPARE(std::set<size_t>(tested.begin(), tested.end()).size(), labels.size());
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::kFoldSplits(3, 4, 1));
  }

  void leaveOneOut() {
    const auto splits = tunebench::leaveOneOutSplits(4);
    QCOMPARE(splits.size(), size_t(4));
    QCOMPARE(splits[2].test, std::vector<size_t>{2});
    QCOMPARE(splits[2].train, (std::vector<size_t>{0, 1, 3}));
  }

  void groupSplitKeepsGroupsWhole() {
    std::vector<std::string> groups;
    for (int i = 0; i < 60; ++i) groups.push_back("author" + std::to_string(i % 7));
    const auto split = tunebench::groupSplit(groups, 0.3, 2);
    std::set<std::string> trainGroups, testGroups;
    for (size_t i : split.train) trainGroups.insert(groups[i]);
    for (size_t i : split.test) testGroups.insert(groups[i]);
    for (const auto& g : testGroups) QVERIFY(!trainGroups.count(g));
    QVERIFY(split.test.size() >= 18);
    QCOMPARE(split.train.size() + split.test.size(), groups.size());
  }

  void balancing() {
    const auto labels = labelsWithSizes({6, 2, 1});
    const auto over = tunebench::randomOversample(labels, 1);
    QCOMPARE(countPerClass(over, labels, 3), (std::vector<size_t>{6, 6, 6}));
    const auto under = tunebench::randomUndersample(labels, 1);
    QCOMPARE(countPerClass(under, labels, 3), (std::vector<size_t>{1, 1, 1}));
    QCOMPARE(tunebench::randomUndersample(labels, 1), under);
    const auto weights = tunebench::balancedClassWeights(labels);
    QCOMPARE(weights.at("c0"), 9.0 / (3 * 6));
    QCOMPARE(weights.at("c2"), 3.0);

    tunebench::LossBalancing loss;
    loss.loss = tunebench::LossBalancing::Loss::Focal;
    loss.focalGamma = 1.5;
    loss.classWeights = weights;
    const auto back = tunebench::LossBalancing::fromJson(loss.toJson());
    QCOMPARE(back.toJson(), loss.toJson());
    QVERIFY_THROWS_EXCEPTION(tunebench::Error,
                             tunebench::LossBalancing::fromJson({{"loss", "hinge"}}));
  }
};

QTEST_GUILESS_MAIN(SplitsTest)
#include "tst_splits.moc"

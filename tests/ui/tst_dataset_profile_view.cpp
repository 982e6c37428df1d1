// The dataset profile view on a project with a small classification dataset imported through the
// core and a tiny model folder: the token histogram's bins add up to the records, the maximum
// length is marked and the truncated share shown equals the core's token profile, the label bars
// equal the counts; without a model the view profiles words and says that tokens need a model.
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "DataWidgetTestSupport.h"
#include "data/DatasetProfileView.h"
#include "data/ProfileCharts.h"
#include "model/ModelFactory.h"
#include "train/TokenProfile.h"

using tunebench::ui::DatasetProfileView;

namespace {

constexpr int kTimeoutMs = 120000;

// 40 records of growing length, every fourth "spam", the last two copies of the first two.
std::string recordsJsonl() {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    const int n = i < 38 ? i : i - 38;
    std::string body = "note " + std::to_string(n);
    for (int k = 0; k < n; ++k) body += k % 2 ? " green garden" : " quiet river";
    text += nlohmann::json{{"text", body}, {"label", n % 4 == 0 ? "spam" : "ham"}}.dump() + "\n";
  }
  return text;
}

double sum(const QVector<double>& values) {
  double total = 0;
  for (double v : values) total += v;
  return total;
}

}  // namespace

class DatasetProfileViewTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString project_, model_;
  qint64 datasetId_ = 0;
  tunebench::Dataset rows_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    project_ = dir_.filePath(QStringLiteral("profile.tbproj"));
    datasetId_ = datawidgets::makeProject(dir_, project_, recordsJsonl());
    QVERIFY(datasetId_ > 0);
    rows_ = datawidgets::loadRows(project_, datasetId_, 1);
    QCOMPARE(rows_.examples.size(), size_t(40));
    model_ = dir_.filePath(QStringLiteral("model"));
    tunebench::makeRandomModel({"llama", "tiny", model_.toStdString(), 5});
  }

  void tokenHistogramWithTheMaxLength() {
    const auto tokenizer = tunebench::openTrainingTokenizer(model_.toStdString());
    // A maximum length in the middle of the lengths, so that some records are cut.
    tunebench::TokenProfileOptions options;
    options.bins = DatasetProfileView::kBins;
    options.maxLength = 100000;
    const auto uncut = tunebench::profileTokens(rows_, tokenizer.encoder, options);
    const int maxLength = int(uncut.training.p50);
    options.maxLength = maxLength;
    const auto direct = tunebench::profileTokens(rows_, tokenizer.encoder, options);
    QVERIFY(direct.truncated > 0 && direct.truncated < direct.examples);

    DatasetProfileView view;
    view.resize(1200, 760);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy shown(&view, &DatasetProfileView::profileShown);
    view.setProject(project_, true);
    view.setDataset(datasetId_, 0);
    view.setModelFolder(model_);
    view.setMaxLength(maxLength);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1 && !view.isComputing(), kTimeoutMs);

    const auto& outcome = view.shown();
    QVERIFY(outcome.tokens.has_value());
    QCOMPARE(outcome.profile.examples, size_t(40));
    QCOMPARE(outcome.tokens->maxLength, int64_t(maxLength));
    QCOMPARE(outcome.tokens->truncated, direct.truncated);
    QCOMPARE(outcome.tokens->truncatedShare, direct.truncatedShare);
    const auto bins = view.histogram()->binCounts();
    QCOMPARE(bins.size(), DatasetProfileView::kBins);
    QCOMPARE(sum(bins), 40.0);
    for (int i = 0; i < bins.size(); ++i)
      QCOMPARE(bins[i], double(direct.training.histogram.counts[size_t(i)]));
    QCOMPARE(view.histogram()->markerPosition(), double(maxLength));
    const QString share = QStringLiteral("%1%").arg(100.0 * direct.truncatedShare, 0, 'f', 1);
    QVERIFY2(
        view.histogram()->note().contains(share) &&
            view.histogram()->note().contains(QStringLiteral("%1 of 40").arg(direct.truncated)),
        qPrintable(view.histogram()->note()));

    // Labels: 11 spam (every fourth of 0..37, and the copy of record 0), the rest ham.
    const auto labels = view.labelChart()->labelCounts();
    QCOMPARE(labels.value(QStringLiteral("spam")), 11.0);
    QCOMPARE(labels.value(QStringLiteral("ham")), 29.0);
    QCOMPARE(labels.size(), 2);
    QVERIFY2(view.labelChart()->title().contains(QStringLiteral("%1").arg(29.0 / 11.0, 0, 'f', 2)),
             qPrintable(view.labelChart()->title()));
    QVERIFY2(view.summaryText().contains(QStringLiteral("40 records")) &&
                 view.summaryText().contains(QStringLiteral("2 exact duplicates")),
             qPrintable(view.summaryText()));
    // The field table has the text field in characters, words and tokens.
    QStringList units;
    for (int r = 0; r < view.fieldTable()->rowCount(); ++r)
      if (view.fieldTable()->item(r, 0)->text() == QStringLiteral("text"))
        units.append(view.fieldTable()->item(r, 1)->text());
    QCOMPARE(units, (QStringList{"characters", "words", "tokens"}));
    QTest::qWait(100);
    QVERIFY(view.grab().save(datawidgets::screenshotPath(QStringLiteral("data-profile.png"))));

    // Without a model: words, and a note that tokens need a model.
    view.setModelFolder(QString());
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 2 && !view.isComputing(), kTimeoutMs);
    QVERIFY(!view.shown().tokens.has_value());
    QVERIFY2(view.noteText().contains(QStringLiteral("need a model")), qPrintable(view.noteText()));
    QCOMPARE(sum(view.histogram()->binCounts()), 40.0);
    QVERIFY(std::isnan(view.histogram()->markerPosition()));
  }

  // Instruction data: no label chart (there are no labels), and an input that no row has is
  // not counted as empty fields, it is said once.
  void instructionDataHasNoLabelChartAndNoEmptyInputCount() {
    QTemporaryDir dir;
    const QString project = dir.filePath(QStringLiteral("instructions.tbproj"));
    std::string jsonl;
    for (int i = 0; i < 12; ++i)
      // Columns the mapping does not use: named apart, never counted as empty fields.
      jsonl += nlohmann::json{{"instruction", "Add " + std::to_string(i) + " and 1."},
                              {"output", std::to_string(i + 1)},
                              {"source", i % 2 == 0 ? "web" : ""},
                              {"notes", nullptr}}
                   .dump() +
               "\n";
    const auto datasetId = datawidgets::makeProject(dir, project, jsonl);
    QVERIFY(datasetId > 0);
    DatasetProfileView view;
    view.resize(1200, 800);
    view.show();
    QSignalSpy shown(&view, &DatasetProfileView::profileShown);
    view.setProject(project, false);
    view.setDataset(datasetId, 1);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1 && !view.isComputing(), kTimeoutMs);
    QCOMPARE(view.shown().profile.kind, tunebench::DatasetKind::Instruction);
    QVERIFY(!view.labelChart()->isVisible());
    QVERIFY2(view.summaryText().contains(QStringLiteral("0 empty fields")) &&
                 view.summaryText().contains(QStringLiteral("no input field")),
             qPrintable(view.summaryText()));
    QVERIFY2(view.summaryText().contains(QStringLiteral(
                 "Not used by the column mapping: notes (always empty), source (6 with a value)")),
             qPrintable(view.summaryText()));
  }

  void unusableModelAndMissingDataset() {
    DatasetProfileView view;
    QSignalSpy shown(&view, &DatasetProfileView::profileShown);
    QSignalSpy failed(&view, &DatasetProfileView::failed);
    view.setProject(project_, false);
    view.setDataset(datasetId_, 1);
    view.setModelFolder(dir_.filePath(QStringLiteral("no-such-model")));
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1 && !view.isComputing(), kTimeoutMs);
    QVERIFY(!view.shown().tokens.has_value());
    QVERIFY2(view.noteText().contains(QStringLiteral("no-such-model")),
             qPrintable(view.noteText()));
    QCOMPARE(sum(view.histogram()->binCounts()), 40.0);
    view.setDataset(datasetId_, 7);
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1 && !view.isComputing(), kTimeoutMs);
    QVERIFY2(view.summaryText().contains(QStringLiteral("no version 7")),
             qPrintable(view.summaryText()));
  }
};

QTEST_MAIN(DatasetProfileViewTest)
#include "tst_dataset_profile_view.moc"

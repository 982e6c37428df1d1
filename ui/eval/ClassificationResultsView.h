#pragma once
// A classifier's evaluation: accuracy and macro-F1, a table of per-class precision, recall, F1
// and support, the confusion matrix (rows: the label, columns: the predicted class) and every
// example, filterable to the mistakes. Shows a fresh result or one rebuilt from the project.
#include <QString>
#include <QWidget>

#include "eval/ClassifierEvaluation.h"

class QCheckBox;
class QLabel;
class QTableView;
class QTableWidget;

namespace tunebench::ui {

class ClassificationOutcomeModel;
class MismatchFilterModel;

class ClassificationResultsView : public QWidget {
  Q_OBJECT
 public:
  explicit ClassificationResultsView(QWidget* parent = nullptr);

  void setResult(const ClassifierEvaluationResult& result);
  void clear();

  // "accuracy 75.0% (6 of 8) · macro-F1 0.7333 · 2 classes"
  QString figuresText() const;
  QLabel* figuresLabel() const { return figures_; }
  QTableWidget* classTable() const { return classes_; }
  QTableWidget* confusionTable() const { return confusion_; }
  QTableView* examplesView() const { return examplesView_; }
  ClassificationOutcomeModel* examples() const { return examples_; }
  MismatchFilterModel* examplesFilter() const { return filter_; }
  QCheckBox* onlyMistakesBox() const { return onlyMistakes_; }

 private:
  void fillClasses(const ClassifierEvaluationResult& result);
  void fillConfusion(const ClassifierEvaluationResult& result);

  QLabel* figures_;
  QTableWidget* classes_;
  QTableWidget* confusion_;
  QCheckBox* onlyMistakes_;
  QTableView* examplesView_;
  ClassificationOutcomeModel* examples_;
  MismatchFilterModel* filter_;
};

}  // namespace tunebench::ui

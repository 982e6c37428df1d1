#pragma once
// Evaluating a sequence classifier on labelled texts (JSON Lines with a text and a label field):
// accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix and each example's
// predicted class with its probability. Texts are tokenised exactly as classification training
// tokenises them and counted by the same code as the run's val_accuracy and val_macro_f1. This
// header does not include LibTorch.
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/JobContext.h"
#include "plugins/ModelSource.h"
#include "train/ClassificationMetrics.h"

namespace tunebench {

struct ClassifierEvaluationOptions {
  std::string textField = "text";    // as the training config's data.text_field
  std::string labelField = "label";  // as data.label_field
  int64_t maxLength = 256;           // as data.max_length: longer texts are cut, EOS kept last
  int64_t batchSize = 8;
  int64_t maxExamples = 0;  // 0 = all
};

struct ClassifiedExample {
  int64_t line = 0;  // in the data file
  std::string text;
  std::string label;      // the file's
  std::string predicted;  // the class with the highest probability
  int64_t labelIndex = 0, predictedIndex = 0;
  double probability = 0;  // of the predicted class (softmax over the classes)
  bool correct = false;
  bool truncated = false;  // longer than maxLength tokens
};

struct ClassifierEvaluationResult {
  std::vector<std::string> labels;  // the classes in head order
  ClassificationMetrics metrics;
  std::vector<std::vector<int64_t>> confusion;  // [actual][predicted], in head order
  std::vector<ClassifiedExample> outcomes;      // in file order
  int64_t truncated = 0;
  bool canceled = false;  // the figures cover the examples done before the context canceled
};

// Throws tunebench::Error naming the file and line for a record without the text field, or with
// a label that is not one of the model's classes; and naming the source when it is no
// classifier. Reports progress to `context` when given; checks for cancellation between batches.
ClassifierEvaluationResult evaluateClassifier(const ModelSource& source,
                                              const std::string& dataFile,
                                              const ClassifierEvaluationOptions& options,
                                              JobContext* context = nullptr);

}  // namespace tunebench

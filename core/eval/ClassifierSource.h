#pragma once
// Whether a model source is a sequence classifier and into which classes, read from its files
// without loading weights: a model folder whose config.json is a *ForSequenceClassification; a
// language model with a PEFT adapter whose task_type is SEQ_CLS (its head in modules_to_save);
// a checkpoint of a run trained with objective "classification". No LibTorch.
#include <string>
#include <vector>

#include "plugins/ModelSource.h"

namespace tunebench {

// The class names in head order; empty for a language model. Throws tunebench::Error naming the
// file when a config cannot be read, or when a classifier adapter's classes cannot be found:
// they come from the base model when it is a classifier, else from the classifier the same run
// saved beside the adapter (<output>/final/config.json).
std::vector<std::string> classifierLabels(const ModelSource& source);

}  // namespace tunebench

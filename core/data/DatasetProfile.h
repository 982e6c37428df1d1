#pragma once
// Profiling a typed dataset: counts, length distributions per field (characters, and tokens when
// a model tokenizer is given), label distribution and imbalance, duplicates and empty fields.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/CleaningStep.h"
#include "data/Example.h"

namespace tunebench {

struct Histogram {
  std::vector<double> edges;   // bins + 1 ascending edges; bin i is [edges[i], edges[i + 1])
  std::vector<size_t> counts;  // the last bin includes its upper edge
};

struct LengthStats {
  size_t count = 0;
  size_t min = 0, max = 0;
  double mean = 0;
  size_t p50 = 0, p90 = 0, p99 = 0;  // nearest-rank percentiles
  Histogram histogram;
  nlohmann::json toJson() const;
};

// The texts of an example by field name, as the profile groups them ("instruction", "input",
// "output"; a message's role; "prompt", "chosen", "rejected"; "text"). Pointers into `example`.
std::vector<std::pair<std::string, const std::string*>> namedTexts(const Example& example,
                                                                   DatasetKind kind);

// Equal-width bins over [min, max] of the values.
Histogram makeHistogram(const std::vector<size_t>& values, int bins);
LengthStats lengthStats(std::vector<size_t> values, int bins);

struct ProfileOptions {
  int bins = 20;
  TokenCounter countTokens;  // optional
  size_t maxTokens = 0;      // with a token counter: the share longer than this is reported
};

struct DatasetProfile {
  DatasetKind kind = DatasetKind::RawText;
  size_t examples = 0;
  std::map<std::string, LengthStats> characters;  // per field, and "all" for the joined text
  std::map<std::string, LengthStats> tokens;      // the same with a token counter
  double truncatedShare = 0;                      // of joined texts over maxTokens
  std::map<std::string, size_t> labels;
  double imbalanceRatio = 0;   // largest class / smallest class; 0 without labels
  size_t exactDuplicates = 0;  // examples whose duplicateKey() was seen before
  // Blank required texts (an instruction's input is optional and not counted here).
  size_t emptyFields = 0;
  size_t emptyInputs = 0;  // instruction data: examples without an input
  // Fields of the imported records that the column mapping does not use, with the number of
  // records where each holds a value (0: present but always empty). Filled from the store.
  std::map<std::string, size_t> unusedFields;
  nlohmann::json toJson() const;
};

DatasetProfile profileDataset(const Dataset& dataset, const ProfileOptions& options = {});

}  // namespace tunebench

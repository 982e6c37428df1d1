#pragma once
// The demo's datasets, written by Tunebench's own seeded generators: an instruction dataset
// (unit conversions and small sums), an imbalanced classification dataset and a preference
// dataset. Each holds a few deliberately dirty rows (duplicates, empty fields, e-mail addresses
// and phone numbers) so that cleaning has work to do. Deterministic for a seed.
#include <cstdint>
#include <string>

namespace tunebench {

struct DemoDatasetCounts {
  int64_t rows = 0;
  int64_t dirtyRows = 0;  // duplicates, empty fields and PII-like rows among them
};

// Alpaca-shaped JSON Lines: {"instruction", "input", "output"}.
DemoDatasetCounts writeDemoInstructionDataset(const std::string& path, uint64_t seed,
                                              int64_t cleanRows);
// {"text", "label"} with labels "positive" (most), "negative" and "question" (fewest).
DemoDatasetCounts writeDemoClassificationDataset(const std::string& path, uint64_t seed,
                                                 int64_t cleanRows);
// {"prompt", "chosen", "rejected"}: chosen answers are right, rejected ones are wrong.
DemoDatasetCounts writeDemoPreferenceDataset(const std::string& path, uint64_t seed,
                                             int64_t cleanRows);
// A multiple-choice suite of the instruction tasks, {"question", "choices", "answer"} (the
// benchmark evaluator's multiple_choice layout): the right answer among three wrong ones of the
// same shape (the number changed, the word repeated another number of times). Clean.
DemoDatasetCounts writeDemoChoiceSuite(const std::string& path, uint64_t seed, int64_t rows);

// One instruction task: the instruction and its only right answer.
struct DemoTask {
  std::string instruction;
  std::string answer;
};
DemoTask makeDemoTask(uint64_t seed, int64_t index);

}  // namespace tunebench

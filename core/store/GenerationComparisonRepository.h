#pragma once
// Side-by-side generations kept in the project: the prompt, the generation settings (JSON) and
// one output per column with the model it came from, the text, its token count and time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct GenerationOutputRecord {
  std::string label;             // as the column was titled
  std::optional<int64_t> runId;  // the run, when the model was one of a run
  std::optional<int64_t> checkpointStep;
  std::string modelFolder;       // absolute when read back
  std::string adapterFolder;     // empty: none
  std::string checkpointFolder;  // empty: none
  std::string text;
  int64_t tokens = 0;
  double seconds = 0;
};

struct GenerationComparisonRecord {
  int64_t id = 0;
  std::string prompt;
  std::string settings = "{}";  // JSON object
  double createdAt = 0;
  std::vector<GenerationOutputRecord> outputs;  // in column order
};

class GenerationComparisonRepository {
 public:
  explicit GenerationComparisonRepository(ProjectStore& store) : store_(store) {}

  // Stores the comparison and its outputs in one transaction; returns its id.
  int64_t add(const GenerationComparisonRecord& comparison);
  // Newest first, without their outputs' texts (labels only are filled).
  std::vector<GenerationComparisonRecord> list();
  std::optional<GenerationComparisonRecord> find(int64_t id);
  void remove(int64_t id);

 private:
  ProjectStore& store_;
};

// The same through a read-only connection of its own, for reads on worker threads.
std::vector<GenerationComparisonRecord> readGenerationComparisons(const std::string& projectFile);
std::optional<GenerationComparisonRecord> readGenerationComparison(const std::string& projectFile,
                                                                   int64_t id);

}  // namespace tunebench::store

#pragma once
// The demo: the whole fine-tuning pipeline on the starter model and the demo datasets, in a
// project of its own. Imports, cleans, profiles and splits the datasets; evaluates the starter on
// the instruction test split; trains LoRA (recorded as a run); evaluates again; exports the merged
// model and the adapter; writes a Markdown report with PNG charts.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "jobs/JobContext.h"

namespace tunebench {

class DatasetImporter;

struct DemoOptions {
  std::string folder;         // the demo's own folder (created)
  std::string starterFolder;  // empty: the default starter location (built when missing)
  uint64_t seed = 7;
  int64_t instructionRows = 1500;
  int64_t trainSteps = 300;
  int threads = 0;  // 0: all cores
  // Replace an earlier demo in `folder` (only a folder the demo made is ever removed).
  bool replace = false;
};

struct DemoOutcome {
  std::string projectFile;
  std::string reportFile;
  std::string mergedFolder;
  std::string adapterFolder;
  int64_t runId = 0;
  int64_t testExamples = 0;
  double accuracyBefore = 0, accuracyAfter = 0;
  double perplexityBefore = 0, perplexityAfter = 0;
  // Accuracy on the generated multiple-choice suite, scored as benchmarks are.
  double choiceAccuracyBefore = 0, choiceAccuracyAfter = 0;
  double seconds = 0;
};

// The project file of a demo folder.
std::string demoProjectFile(const std::string& folder);
// True when `folder` holds a finished demo (its project and report are there).
bool isDemoComplete(const std::string& folder);

// `jsonlImporter` reads JSON Lines (the built-in importer; core does not link plugins).
// Returns nothing when canceled. Throws tunebench::Error when a stage fails, naming it.
std::optional<DemoOutcome> runDemo(const DemoOptions& options, DatasetImporter& jsonlImporter,
                                   JobContext& context);

// The demo as a job for front ends that run jobs on a worker thread (the GUI).
class DemoJob : public Job {
 public:
  DemoJob(DemoOptions options, std::shared_ptr<DatasetImporter> jsonlImporter)
      : options_(std::move(options)), importer_(std::move(jsonlImporter)) {}
  std::string name() const override { return "demo"; }
  void run(JobContext& context) override { outcome_ = runDemo(options_, *importer_, context); }
  // Empty until the job finished (or when it was canceled).
  const std::optional<DemoOutcome>& outcome() const { return outcome_; }

 private:
  DemoOptions options_;
  std::shared_ptr<DatasetImporter> importer_;
  std::optional<DemoOutcome> outcome_;
};

}  // namespace tunebench

#include "data/CleaningStep.h"

namespace tunebench {

nlohmann::json StepReport::toJson() const {
  auto samples = [](const std::vector<StepSample>& list) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& s : list)
      array.push_back({{"sourceIndex", s.sourceIndex}, {"before", s.before}, {"after", s.after}});
    return array;
  };
  return {{"step", stepId},
          {"before", before},
          {"kept", kept},
          {"removed", removed},
          {"changed", changed},
          {"added", added},
          {"changedSamples", samples(changedSamples)},
          {"removedSamples", samples(removedSamples)}};
}

void PerExampleStep::apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
                           JobContext& context) {
  report.before = examples.size();
  size_t out = 0;
  for (size_t i = 0; i < examples.size(); ++i) {
    if (i % 4096 == 0) {
      context.waitIfPaused();
      if (context.isCanceled()) return;
      context.progress(int64_t(i), int64_t(examples.size()), id());
    }
    Example& e = examples[i];
    // Copying the text costs time, so only while a sample may still be wanted.
    const bool sampling = report.changedSamples.size() < kSamplesPerReport ||
                          report.removedSamples.size() < kSamplesPerReport;
    const std::string before = sampling ? joinedText(e, kind) : std::string();
    const Outcome outcome = process(e, kind);
    if (outcome == Outcome::Remove) {
      ++report.removed;
      if (report.removedSamples.size() < kSamplesPerReport)
        report.removedSamples.push_back({e.sourceIndex, before, ""});
      continue;
    }
    if (outcome == Outcome::Change) {
      ++report.changed;
      if (report.changedSamples.size() < kSamplesPerReport)
        report.changedSamples.push_back({e.sourceIndex, before, joinedText(e, kind)});
    }
    if (out != i) examples[out] = std::move(e);
    ++out;
  }
  examples.resize(out);
  report.kept = out;
}

void removeFlagged(std::vector<Example>& examples, DatasetKind kind,
                   const std::vector<bool>& remove, StepReport& report) {
  report.before = examples.size();
  size_t out = 0;
  for (size_t i = 0; i < examples.size(); ++i) {
    if (remove[i]) {
      ++report.removed;
      if (report.removedSamples.size() < CleaningStep::kSamplesPerReport)
        report.removedSamples.push_back(
            {examples[i].sourceIndex, joinedText(examples[i], kind), ""});
      continue;
    }
    if (out != i) examples[out] = std::move(examples[i]);
    ++out;
  }
  examples.resize(out);
  report.kept = out;
}

}  // namespace tunebench

#pragma once
// The prompts of a multiple-choice benchmark as lm-evaluation-harness builds them: the task's
// description, then `fewShot` solved examples ("text answer\n\n" each), then the question. The
// examples are the first n of the pool (MMLU, from the same subject) or drawn with Python's
// random.Random(seed).sample, one generator for the whole run in document order, as the
// harness's sampler draws them (seed 1234 by default). When the pool is the evaluated file
// itself, n + 1 are drawn and the evaluated document is left out.
#include <cstdint>
#include <vector>

#include "eval/ChoiceDocuments.h"
#include "eval/MultipleChoice.h"

namespace tunebench {

struct FewShotSettings {
  size_t count = 0;
  uint64_t seed = 1234;
  // Examples come from this pool; nullptr: from the evaluated documents themselves.
  const std::vector<ChoiceDocument>* pool = nullptr;
  // The pool holds the evaluated documents (the same file): each one is left out of its own
  // examples.
  bool poolHoldsEvaluated = false;
};

// One question per document, in order. Throws tunebench::Error when the pool holds fewer
// examples than asked for.
std::vector<ChoiceQuestion> choiceQuestions(const ChoiceTaskInfo& task,
                                            const std::vector<ChoiceDocument>& documents,
                                            const FewShotSettings& fewShot);

}  // namespace tunebench

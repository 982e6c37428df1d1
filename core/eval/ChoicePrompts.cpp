#include "eval/ChoicePrompts.h"

#include <string>

#include "common/Error.h"
#include "eval/PythonRandom.h"

namespace tunebench {

namespace {

ChoiceQuestion questionFor(const ChoiceTaskInfo& task, const ChoiceDocument& document,
                           const std::string& examples) {
  ChoiceQuestion question;
  const std::string prefix = document.description + examples;
  if (document.partial()) {
    for (const auto& text : document.partialTexts) question.contexts.push_back(prefix + text);
    question.continuations = {" " + document.target};
  } else {
    question.contexts = {prefix + document.text};
    for (const auto& choice : document.choices) question.continuations.push_back(" " + choice);
  }
  question.choices = document.choices;
  question.gold = document.gold;
  question.trueAnswers = document.trueAnswers;
  question.probabilityMass = task.probabilityMass;
  question.group = document.group;
  return question;
}

std::string solvedExamples(const std::vector<const ChoiceDocument*>& picked) {
  std::string text;
  for (const auto* example : picked) text += example->solvedExample() + "\n\n";
  return text;
}

void checkPoolSize(size_t wanted, size_t available) {
  if (wanted > available)
    throw Error("few-shot: " + std::to_string(wanted) + " examples are needed but the pool has " +
                std::to_string(available));
}

// The first n of the pool (of the document's subject), leaving the document out.
std::vector<const ChoiceDocument*> firstExamples(const ChoiceDocument& document,
                                                 const std::vector<ChoiceDocument>& pool,
                                                 size_t count, bool poolIsEvaluated) {
  std::vector<const ChoiceDocument*> candidates;
  for (const auto& example : pool)
    if (example.group == document.group && !(poolIsEvaluated && example.record == document.record))
      candidates.push_back(&example);
  checkPoolSize(count, candidates.size());
  candidates.resize(count);
  return candidates;
}

std::vector<const ChoiceDocument*> sampledExamples(const ChoiceDocument& document,
                                                   const std::vector<ChoiceDocument>& pool,
                                                   size_t count, bool poolIsEvaluated,
                                                   PythonRandom& random) {
  const size_t drawn = poolIsEvaluated ? count + 1 : count;
  checkPoolSize(drawn, pool.size());
  std::vector<const ChoiceDocument*> picked;
  for (size_t at : random.sample(pool.size(), drawn)) {
    if (poolIsEvaluated && pool[at].record == document.record) continue;
    if (picked.size() < count) picked.push_back(&pool[at]);
  }
  return picked;
}

}  // namespace

std::vector<ChoiceQuestion> choiceQuestions(const ChoiceTaskInfo& task,
                                            const std::vector<ChoiceDocument>& documents,
                                            const FewShotSettings& fewShot) {
  const bool poolIsEvaluated = fewShot.pool == nullptr || fewShot.poolHoldsEvaluated;
  const auto& pool = fewShot.pool ? *fewShot.pool : documents;
  PythonRandom random(fewShot.seed);
  std::vector<ChoiceQuestion> questions;
  questions.reserve(documents.size());
  for (const auto& document : documents) {
    std::string examples;
    if (fewShot.count > 0) {
      const auto picked =
          task.firstFewShot
              ? firstExamples(document, pool, fewShot.count, poolIsEvaluated)
              : sampledExamples(document, pool, fewShot.count, poolIsEvaluated, random);
      examples = solvedExamples(picked);
    }
    questions.push_back(questionFor(task, document, examples));
  }
  return questions;
}

}  // namespace tunebench

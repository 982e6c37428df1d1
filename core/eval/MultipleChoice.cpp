#include "eval/MultipleChoice.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

namespace {

// numpy.argmax: the first index of the largest value. NaN counts as largest, as numpy's does.
size_t firstLargest(const std::vector<double>& values) {
  size_t best = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) return i;
    if (values[i] > values[best]) best = i;
  }
  return best;
}

std::vector<double> dividedBy(const std::vector<double>& values,
                              const std::vector<double>& divisors) {
  std::vector<double> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i] / divisors[i];
  return out;
}

bool isGold(const ChoiceQuestion& question, size_t choice) {
  return std::find(question.gold.begin(), question.gold.end(), choice) != question.gold.end();
}

// TruthfulQA MC2: exp of each log-likelihood, normalised to sum to one, summed over true answers.
// Computed relative to the largest so that very negative log-likelihoods do not all underflow.
double trueProbabilityMass(const ChoiceQuestion& question, const std::vector<double>& lls) {
  const double largest = *std::max_element(lls.begin(), lls.end());
  double total = 0.0, onTrue = 0.0;
  for (size_t i = 0; i < lls.size(); ++i) {
    const double weight = std::exp(lls[i] - largest);
    total += weight;
    if (question.trueAnswers[i]) onTrue += weight;
  }
  return total > 0.0 ? onTrue / total : 0.0;
}

}  // namespace

const std::string& ChoiceQuestion::contextOf(size_t choice) const {
  return contexts.size() == 1 ? contexts.front() : contexts.at(choice);
}

const std::string& ChoiceQuestion::continuationOf(size_t choice) const {
  return continuations.size() == 1 ? continuations.front() : continuations.at(choice);
}

size_t codePointCount(const std::string& text) {
  return utf8ToCodePoints(text).size();
}

ChoiceScore scoreChoiceQuestion(const ChoiceQuestion& question,
                                const std::vector<double>& logLikelihoods,
                                const std::vector<bool>& greedy) {
  const size_t count = question.choiceCount();
  if (count == 0 || logLikelihoods.size() != count || greedy.size() != count)
    throw Error("a multiple-choice question got " + std::to_string(logLikelihoods.size()) +
                " scores for " + std::to_string(count) + " choices");
  ChoiceScore score;
  if (question.probabilityMass) {
    if (question.trueAnswers.size() != count)
      throw Error("a probability-mass question needs a true/false label per choice");
    score.predicted = firstLargest(logLikelihoods);
    score.accuracy = trueProbabilityMass(question, logLikelihoods);
    return score;
  }
  std::vector<double> characters(count), bytes(count);
  for (size_t i = 0; i < count; ++i) {
    characters[i] = static_cast<double>(codePointCount(question.choices[i]));
    bytes[i] = static_cast<double>(question.choices[i].size());
  }
  score.predicted = firstLargest(logLikelihoods);
  score.predictedByLength = firstLargest(dividedBy(logLikelihoods, characters));
  score.predictedByBytes = firstLargest(dividedBy(logLikelihoods, bytes));
  score.accuracy = isGold(question, score.predicted) ? 1.0 : 0.0;
  score.lengthNormalised = isGold(question, score.predictedByLength) ? 1.0 : 0.0;
  score.byteNormalised = isGold(question, score.predictedByBytes) ? 1.0 : 0.0;
  for (size_t gold : question.gold)
    if (gold < count && greedy[gold]) score.greedyGold = true;
  return score;
}

}  // namespace tunebench

#include "data/Augmentation.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "data/BasicCleaningSteps.h"
#include "data/TextNormalization.h"
#include "common/JsonFile.h"
#include "data/WordLists.h"

namespace tunebench {

namespace {

// Uniform in [0, n) without relying on the library's distribution implementations, so that
// augmented copies are the same with every standard library.
size_t pick(std::mt19937_64& random, size_t n) {
  return size_t(random() % n);
}
double chance(std::mt19937_64& random) {
  return double(random() >> 11) / 9007199254740992.0;
}

std::map<std::string, std::vector<std::string>> loadSynonyms(const AugmentOptions& options) {
  auto synonyms = parseSynonymList(shippedSynonymList());
  if (!options.synonymsFile.empty())
    for (auto& [word, list] : parseSynonymList(readTextFile(options.synonymsFile)))
      synonyms[word].insert(synonyms[word].end(), list.begin(), list.end());
  return synonyms;
}

}  // namespace

EdaAugmenter::EdaAugmenter(std::map<std::string, std::vector<std::string>> synonyms,
                           AugmentOptions options)
    : synonyms_(std::move(synonyms)), options_(std::move(options)) {}

std::string EdaAugmenter::augment(const std::string& text, std::mt19937_64& random) const {
  std::vector<std::string> words;
  for (const auto w : splitWords(text)) words.emplace_back(w);
  if (words.empty()) return text;
  const auto count = [&](double rate) {
    return rate <= 0 ? size_t(0) : std::max<size_t>(1, size_t(std::lround(rate * words.size())));
  };
  auto synonymOf = [&](const std::string& word) -> const std::vector<std::string>* {
    const auto it = synonyms_.find(foldCase(word));
    return it == synonyms_.end() ? nullptr : &it->second;
  };

  // Synonym replacement: n distinct positions that have synonyms.
  std::vector<size_t> replaceable;
  for (size_t i = 0; i < words.size(); ++i)
    if (synonymOf(words[i])) replaceable.push_back(i);
  for (size_t n = count(options_.synonymRate); n > 0 && !replaceable.empty(); --n) {
    const size_t k = pick(random, replaceable.size());
    const auto& list = *synonymOf(words[replaceable[k]]);
    words[replaceable[k]] = list[pick(random, list.size())];
    replaceable.erase(replaceable.begin() + long(k));
  }
  // Random insertion: a synonym of a word present, at a random position.
  for (size_t n = count(options_.insertRate); n > 0; --n) {
    std::vector<const std::vector<std::string>*> sources;
    for (const auto& w : words)
      if (const auto* list = synonymOf(w)) sources.push_back(list);
    if (sources.empty()) break;
    const auto& list = *sources[pick(random, sources.size())];
    words.insert(words.begin() + long(pick(random, words.size() + 1)),
                 list[pick(random, list.size())]);
  }
  // Random swap.
  if (words.size() > 1)
    for (size_t n = count(options_.swapRate); n > 0; --n)
      std::swap(words[pick(random, words.size())], words[pick(random, words.size())]);
  // Random deletion, never down to nothing.
  if (options_.deleteRate > 0 && words.size() > 1) {
    std::vector<std::string> kept;
    for (auto& w : words)
      if (chance(random) >= options_.deleteRate) kept.push_back(std::move(w));
    if (kept.empty()) kept.push_back(words[pick(random, words.size())]);
    words = std::move(kept);
  }
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

AugmentStep::AugmentStep(AugmentOptions options)
    : options_(options), augmenter_(loadSynonyms(options), options) {
  if (options_.copies < 1) throw Error("cleaning setting \"copies\" must be at least 1");
  for (double rate :
       {options_.synonymRate, options_.insertRate, options_.swapRate, options_.deleteRate})
    if (rate < 0 || rate > 1) throw Error("augmentation rates must be between 0 and 1");
}

std::unique_ptr<CleaningStep> AugmentStep::fromSettings(const nlohmann::json& s) {
  AugmentOptions o;
  o.seed = uint64_t(numberSetting(s, "seed", double(o.seed)));
  o.copies = int(numberSetting(s, "copies", o.copies));
  o.synonymRate = numberSetting(s, "synonymRate", o.synonymRate);
  o.insertRate = numberSetting(s, "insertRate", o.insertRate);
  o.swapRate = numberSetting(s, "swapRate", o.swapRate);
  o.deleteRate = numberSetting(s, "deleteRate", o.deleteRate);
  o.synonymsFile = stringSetting(s, "synonymsFile", "");
  return std::make_unique<AugmentStep>(o);
}

nlohmann::json AugmentStep::settings() const {
  nlohmann::json s = {{"seed", options_.seed},
                      {"copies", options_.copies},
                      {"synonymRate", options_.synonymRate},
                      {"insertRate", options_.insertRate},
                      {"swapRate", options_.swapRate},
                      {"deleteRate", options_.deleteRate}};
  if (!options_.synonymsFile.empty()) s["synonymsFile"] = options_.synonymsFile;
  return s;
}

void AugmentStep::apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
                        JobContext& context) {
  report.before = examples.size();
  const size_t originals = examples.size();
  examples.reserve(originals * size_t(1 + options_.copies));
  for (size_t i = 0; i < originals; ++i) {
    if (i % 4096 == 0) {
      context.waitIfPaused();
      if (context.isCanceled()) return;
    }
    // Seeded per example, so that a copy does not change when other examples are filtered.
    std::mt19937_64 random(options_.seed ^
                           (uint64_t(examples[i].sourceIndex + 1) * 0x9E3779B97F4A7C15ULL));
    for (int c = 0; c < options_.copies; ++c) {
      Example copy = examples[i];
      for (std::string* text : promptTextsOf(copy, kind)) *text = augmenter_.augment(*text, random);
      if (report.changedSamples.size() < kSamplesPerReport)
        report.changedSamples.push_back(
            {copy.sourceIndex, joinedText(examples[i], kind), joinedText(copy, kind)});
      examples.push_back(std::move(copy));
      ++report.added;
    }
  }
  report.kept = examples.size();
}

}  // namespace tunebench

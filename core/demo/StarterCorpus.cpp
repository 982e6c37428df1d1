#include "demo/StarterCorpus.h"

#include <random>
#include <sstream>

#include "data/SyntheticCorpus.h"

namespace tunebench {

namespace {

const std::vector<std::string> kWords = {"cat", "dog", "owl", "fox", "goat", "apples", "bread",
                                         "rice", "soup", "tea", "red", "blue", "green", "park"};
const std::vector<std::string> kCountWords = {"", "once", "twice", "three times", "four times"};

class SkillWriter {
 public:
  explicit SkillWriter(uint64_t seed) : random_(seed) {}

  std::string document() {
    switch (number(0, 4)) {
      case 0: {
        const int m = number(1, 999);
        return std::to_string(m) + (m == 1 ? " metre" : " metres") + " is " +
               std::to_string(m * 100) + " centimetres.";
      }
      case 1: {
        const int kg = number(1, 999);
        return std::to_string(kg) + (kg == 1 ? " kilogram" : " kilograms") + " is " +
               std::to_string(kg * 1000) + " grams.";
      }
      case 2: {
        const int a = number(0, 9), b = number(0, 9);
        return std::to_string(a) + " plus " + std::to_string(b) + " is " + std::to_string(a + b) +
               ".";
      }
      case 3: {
        const int n = number(1, 998);
        return "After " + std::to_string(n) + " comes " + std::to_string(n + 1) + ".";
      }
      default: {
        const std::string& word = kWords[static_cast<size_t>(number(0, int(kWords.size()) - 1))];
        const int times = number(2, 4);
        std::string text = word + " " + kCountWords[static_cast<size_t>(times)] + ":";
        for (int i = 0; i < times; ++i) text += " " + word;
        return text + ".";
      }
    }
  }

 private:
  int number(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  std::mt19937_64 random_;
};

}  // namespace

std::vector<std::string> starterCorpusDocuments(uint64_t seed, size_t approximateBytes) {
  // Half general procedural English, half skill statements, interleaved.
  std::istringstream general(generateSyntheticCorpus(seed, approximateBytes / 2));
  SkillWriter skills(seed + 1);
  std::vector<std::string> documents;
  size_t bytes = 0;
  std::string line;
  while (bytes < approximateBytes) {
    if (std::getline(general, line) && !line.empty()) {
      bytes += line.size();
      documents.push_back(line);
    }
    documents.push_back(skills.document());
    bytes += documents.back().size();
  }
  return documents;
}

}  // namespace tunebench

#include "data/SyntheticCorpus.h"

#include <random>
#include <vector>

namespace tunebench {

namespace {

const std::vector<std::string> kNames = {"Anna", "Ben", "Carla", "David", "Elif", "Farid", "Grace",
                                         "Hugo", "Ines", "Jonas", "Keiko", "Leo"};
const std::vector<std::string> kAnimals = {"cat", "dog", "horse", "owl", "fox", "rabbit", "whale",
                                           "sparrow", "tiger", "goat"};
const std::vector<std::string> kColours = {"red", "blue", "green", "yellow", "black", "white",
                                           "orange", "purple"};
const std::vector<std::string> kPlaces = {"the park", "the library", "the market", "the river",
                                          "the school", "the station", "the garden", "the beach"};
const std::vector<std::string> kFoods = {"apples", "bread", "rice", "soup", "cheese", "pears",
                                         "beans", "carrots", "tea", "honey"};
const std::vector<std::string> kNumberWords = {"zero", "one", "two", "three", "four", "five",
                                               "six", "seven", "eight", "nine", "ten"};

class Writer {
 public:
  explicit Writer(uint64_t seed) : random_(seed) {}

  std::string document() {
    switch (pick(6)) {
      case 0: return fact();
      case 1: return list();
      case 2: return arithmetic();
      case 3: return dialogue();
      case 4: return story();
      default: return conversion();
    }
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  const std::string& any(const std::vector<std::string>& words) { return words[pick(words.size())]; }
  int number(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  std::string fact() {
    return "The " + any(kAnimals) + " is " + any(kColours) + ". " + any(kNames) + " saw it near " +
           any(kPlaces) + ".";
  }
  std::string list() {
    std::string text = any(kNames) + " bought ";
    const int count = number(2, 4);
    for (int i = 0; i < count; ++i)
      text += (i == 0 ? "" : (i + 1 == count ? " and " : ", ")) + any(kFoods);
    return text + " at " + any(kPlaces) + ".";
  }
  std::string arithmetic() {
    const int a = number(0, 50), b = number(0, 50);
    if (pick(2) == 0)
      return "What is " + std::to_string(a) + " plus " + std::to_string(b) + "? The answer is " +
             std::to_string(a + b) + ".";
    return std::to_string(a + b) + " minus " + std::to_string(b) + " equals " + std::to_string(a) + ".";
  }
  std::string dialogue() {
    const std::string& who = any(kNames);
    return "User: Where is " + who + "? Assistant: " + who + " is at " + any(kPlaces) +
           ". User: Thank you. Assistant: You are welcome.";
  }
  std::string story() {
    const int count = number(1, 10);
    return any(kNames) + " has " + kNumberWords[static_cast<size_t>(count)] + " " + any(kAnimals) +
           (count == 1 ? "" : "s") + " and likes " + any(kFoods) + ".";
  }
  std::string conversion() {
    const int metres = number(1, 20);
    return std::to_string(metres) + " metres is " + std::to_string(metres * 100) +
           " centimetres. " + std::to_string(metres) + " kilograms is " +
           std::to_string(metres * 1000) + " grams.";
  }

  std::mt19937_64 random_;
};

}  // namespace

std::string generateSyntheticCorpus(uint64_t seed, size_t approximateBytes) {
  Writer writer(seed);
  std::string text;
  text.reserve(approximateBytes + 256);
  while (text.size() < approximateBytes) text += writer.document() + "\n";
  return text;
}

}  // namespace tunebench

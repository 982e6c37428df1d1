#include "demo/DemoDatasets.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace tunebench {

namespace {

const std::vector<std::string> kWords = {"cat",  "dog",  "owl", "fox", "goat", "apples", "bread",
                                         "rice", "soup", "tea", "red", "blue", "green",  "park"};
const std::vector<std::string> kNames = {"Anna",  "Ben",   "Carla", "David", "Elif",
                                         "Farid", "Grace", "Hugo",  "Ines",  "Jonas"};
const std::vector<std::string> kFoods = {"apples", "bread", "rice",    "soup", "cheese",
                                         "pears",  "beans", "carrots", "tea",  "honey"};
const std::vector<std::string> kPlaces = {"the park",   "the library", "the market", "the river",
                                          "the school", "the station", "the garden", "the beach"};
const std::vector<std::string> kTimesWords = {"", "", "two", "three", "four"};

int uniform(std::mt19937_64& random, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(random);
}

template <typename T>
const T& anyOf(std::mt19937_64& random, const std::vector<T>& items) {
  return items[static_cast<size_t>(uniform(random, 0, static_cast<int>(items.size()) - 1))];
}

// The rows are assembled in memory (the demo's files are small) and written in one go.
void finish(const std::ostringstream& out, const std::string& path) {
  writeFileAtomically(path, out.str());
}

// PII-like suffixes: made-up addresses and numbers in reserved example ranges.
std::string piiSuffix(std::mt19937_64& random) {
  const std::string& name = anyOf(random, kNames);
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (uniform(random, 0, 1) == 0) return " Reply to " + lower + "@example.com.";
  return " Call me on +1 555 010 " + std::to_string(1000 + uniform(random, 0, 8999)) + ".";
}

// Three wrong answers shaped like the right one: its leading number changed (the unit kept), or
// its word repeated another number of times.
std::vector<std::string> wrongAnswers(const std::string& answer, std::mt19937_64& random) {
  std::vector<std::string> candidates;
  const size_t digits = answer.find_first_not_of("0123456789");
  if (digits != 0) {
    const long number = std::stol(answer.substr(0, digits));
    const std::string unit = digits == std::string::npos ? "" : answer.substr(digits);
    for (long other : {number + 1, number - 1, number + 10, number * 10, number + 2})
      if (other >= 0 && other != number) candidates.push_back(std::to_string(other) + unit);
  } else {
    const std::string word = answer.substr(0, answer.find(' '));
    const size_t times = static_cast<size_t>(std::count(answer.begin(), answer.end(), ' ')) + 1;
    for (size_t count = 1; count <= 5; ++count) {
      if (count == times) continue;
      std::string repeated = word;
      for (size_t i = 1; i < count; ++i) repeated += " " + word;
      candidates.push_back(repeated);
    }
  }
  std::shuffle(candidates.begin(), candidates.end(), random);
  candidates.resize(3);
  return candidates;
}

}  // namespace

DemoTask makeDemoTask(uint64_t seed, int64_t index) {
  std::mt19937_64 random(seed * 1000003u + static_cast<uint64_t>(index));
  switch (uniform(random, 0, 4)) {
    case 0: {
      const int metres = uniform(random, 1, 999);
      return {"Convert " + std::to_string(metres) + (metres == 1 ? " metre" : " metres") +
                  " to centimetres.",
              std::to_string(metres * 100) + " centimetres"};
    }
    case 1: {
      const int kilograms = uniform(random, 1, 999);
      return {"Convert " + std::to_string(kilograms) +
                  (kilograms == 1 ? " kilogram" : " kilograms") + " to grams.",
              std::to_string(kilograms * 1000) + " grams"};
    }
    case 2: {
      const int a = uniform(random, 0, 9), b = uniform(random, 0, 9);
      return {"What is " + std::to_string(a) + " plus " + std::to_string(b) + "?",
              std::to_string(a + b)};
    }
    case 3: {
      const int number = uniform(random, 1, 998);
      return {"What number comes after " + std::to_string(number) + "?",
              std::to_string(number + 1)};
    }
    default: {
      const std::string& word = anyOf(random, kWords);
      const int times = uniform(random, 2, 4);
      std::string answer = word;
      for (int i = 1; i < times; ++i) answer += " " + word;
      return {"Repeat the word " + word + " " + kTimesWords[static_cast<size_t>(times)] + " times.",
              answer};
    }
  }
}

DemoDatasetCounts writeDemoInstructionDataset(const std::string& path, uint64_t seed,
                                              int64_t cleanRows) {
  std::ostringstream out;
  std::mt19937_64 random(seed ^ 0x1a57u);
  DemoDatasetCounts counts;
  std::vector<nlohmann::json> written;
  auto emit = [&](const nlohmann::json& row) {
    out << row.dump() << "\n";
    written.push_back(row);
    ++counts.rows;
  };
  // Distinct instructions: repeats come only from the planted duplicates below.
  std::set<std::string> instructions;
  for (int64_t i = 0, index = 0; i < cleanRows; ++i) {
    auto task = makeDemoTask(seed, index++);
    for (int tries = 0; !instructions.insert(task.instruction).second && tries < 100; ++tries)
      task = makeDemoTask(seed, index++);
    emit({{"instruction", task.instruction}, {"input", ""}, {"output", task.answer}});
    // About one row in twenty-five is dirty in one of four ways.
    if (uniform(random, 0, 24) != 0) continue;
    ++counts.dirtyRows;
    switch (uniform(random, 0, 3)) {
      case 0:
        emit(written[static_cast<size_t>(uniform(random, 0, int(written.size()) - 1))]);
        break;
      case 1:
        emit({{"instruction", "  " + task.instruction + "   "},
              {"input", ""},
              {"output", task.answer + " "}});
        break;
      case 2:
        emit({{"instruction", task.instruction}, {"input", ""}, {"output", ""}});
        break;
      default:
        emit({{"instruction", task.instruction + piiSuffix(random)},
              {"input", ""},
              {"output", task.answer}});
    }
  }
  finish(out, path);
  return counts;
}

DemoDatasetCounts writeDemoClassificationDataset(const std::string& path, uint64_t seed,
                                                 int64_t cleanRows) {
  std::ostringstream out;
  std::mt19937_64 random(seed ^ 0xc1a55u);
  DemoDatasetCounts counts;
  std::string previous;
  // A stratified split into train, validation and test needs a few examples of every label: the
  // last rows make up what chance left short (only small datasets, `demo --rows 50`, need it).
  constexpr int64_t kLeastPerLabel = 5;
  std::map<std::string, int64_t> perLabel{{"positive", 0}, {"negative", 0}, {"question", 0}};
  const auto shortOf = [&](int64_t rowsLeft) -> std::string {
    int64_t missing = 0;
    for (const auto& [label, count] : perLabel)
      missing += std::max<int64_t>(0, kLeastPerLabel - count);
    if (missing < rowsLeft) return {};
    for (const auto& [label, count] : perLabel)
      if (count < kLeastPerLabel) return label;
    return {};
  };
  cleanRows = std::max<int64_t>(cleanRows, 3 * kLeastPerLabel * 2);
  for (int64_t i = 0; i < cleanRows; ++i) {
    const std::string& name = anyOf(random, kNames);
    const std::string& food = anyOf(random, kFoods);
    const std::string& place = anyOf(random, kPlaces);
    nlohmann::json row;
    int roll = uniform(random, 0, 99);  // 75 : 18 : 7
    const std::string forced = shortOf(cleanRows - i);
    if (!forced.empty()) roll = forced == "positive" ? 0 : forced == "negative" ? 80 : 99;
    if (roll < 75)
      row = {{"text", name + " loved the " + food + " at " + place + "."}, {"label", "positive"}};
    else if (roll < 93)
      row = {{"text", name + " did not like the " + food + " at " + place + "."},
             {"label", "negative"}};
    else
      row = {{"text", "Where can " + name + " buy " + food + "?"}, {"label", "question"}};
    ++perLabel[row["label"].get<std::string>()];
    const std::string line = row.dump();
    out << line << "\n";
    ++counts.rows;
    if (uniform(random, 0, 29) == 0 && !previous.empty()) {
      out << previous << "\n";  // a duplicate
      ++counts.rows;
      ++counts.dirtyRows;
    } else if (uniform(random, 0, 59) == 0) {
      out << nlohmann::json{{"text", ""}, {"label", row["label"]}}.dump() << "\n";
      ++counts.rows;
      ++counts.dirtyRows;
    } else if (uniform(random, 0, 59) == 0) {
      row["text"] = row["text"].get<std::string>() + piiSuffix(random);
      out << row.dump() << "\n";
      ++counts.rows;
      ++counts.dirtyRows;
    }
    previous = line;
  }
  finish(out, path);
  return counts;
}

DemoDatasetCounts writeDemoChoiceSuite(const std::string& path, uint64_t seed, int64_t rows) {
  std::ostringstream out;
  std::mt19937_64 random(seed ^ 0xc401cu);
  DemoDatasetCounts counts;
  for (int64_t i = 0; i < rows; ++i) {
    const auto task = makeDemoTask(seed + 29, i);
    auto choices = wrongAnswers(task.answer, random);
    const int right = uniform(random, 0, 3);
    choices.insert(choices.begin() + right, task.answer);
    out << nlohmann::json{{"question", task.instruction}, {"choices", choices}, {"answer", right}}
               .dump()
        << "\n";
    ++counts.rows;
  }
  finish(out, path);
  return counts;
}

DemoDatasetCounts writeDemoPreferenceDataset(const std::string& path, uint64_t seed,
                                             int64_t cleanRows) {
  std::ostringstream out;
  std::mt19937_64 random(seed ^ 0x9efu);
  DemoDatasetCounts counts;
  std::string previous;
  for (int64_t i = 0; i < cleanRows; ++i) {
    const auto task = makeDemoTask(seed + 17, i);
    // A wrong answer of the same shape: the right one with its first number changed.
    std::string rejected = task.answer;
    const size_t digit = rejected.find_first_of("0123456789");
    if (digit != std::string::npos)
      rejected[digit] =
          static_cast<char>('0' + (rejected[digit] - '0' + uniform(random, 1, 8)) % 10);
    else
      rejected = task.answer.substr(0, task.answer.find(' '));
    if (rejected == task.answer || (rejected.size() > 1 && rejected[0] == '0'))
      rejected = "I do not know.";
    const std::string line = nlohmann::json{
        {"prompt", task.instruction},
        {"chosen", task.answer},
        {"rejected", rejected}}.dump();
    out << line << "\n";
    ++counts.rows;
    if (uniform(random, 0, 39) == 0 && !previous.empty()) {
      out << previous << "\n";
      ++counts.rows;
      ++counts.dirtyRows;
    } else if (uniform(random, 0, 59) == 0) {
      out << nlohmann::json{{"prompt", task.instruction}, {"chosen", ""}, {"rejected", rejected}}
                 .dump()
          << "\n";
      ++counts.rows;
      ++counts.dirtyRows;
    }
    previous = line;
  }
  finish(out, path);
  return counts;
}

}  // namespace tunebench

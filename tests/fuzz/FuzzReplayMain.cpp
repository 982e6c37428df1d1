// Runs a fuzz target without libFuzzer: over every file of the corpus folders given, and over
// seeded mutations of each (flipped bytes, inserted syntax characters, cuts), so that CI keeps
// checking the inputs that once mattered with any compiler.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string mutate(std::string input, std::mt19937_64& random) {
  static const char syntax[] = "\"{}[],:\n\r\t\\;|'\xC3\xEF\xBB\xBF\x80\xFF";
  const int edits = 1 + int(random() % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t at = input.size() < 2 ? 1 : 1 + random() % (input.size() - 1);
    switch (random() % 4) {
      case 0:
        if (at < input.size()) input[at] = char(random() % 256);
        break;
      case 1:
        input.insert(std::min(at, input.size()), 1, syntax[random() % (sizeof syntax - 1)]);
        break;
      case 2:
        if (at < input.size()) input.erase(at, 1 + random() % 8);
        break;
      default:
        input.resize(std::min(input.size(), at));
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  int mutations = 200;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--mutations=", 0) == 0) {
      mutations = std::stoi(arg.substr(12));
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(arg))
      if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz replay: no corpus files given\n");
    return 2;
  }
  size_t runs = 0;
  for (const auto& file : files) {
    std::ifstream stream(file, std::ios::binary);
    const std::string input((std::istreambuf_iterator<char>(stream)), {});
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    ++runs;
    std::mt19937_64 random(std::hash<std::string>{}(file.filename().string()));
    for (int m = 0; m < mutations; ++m) {
      std::string mutated = mutate(input, random);
      // Every importer and setting sees the mutation, through the control byte.
      if (!mutated.empty()) mutated[0] = char(random() % 256);
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(mutated.data()), mutated.size());
      ++runs;
    }
  }
  std::printf("fuzz replay: %zu corpus files, %zu runs, no crash\n", files.size(), runs);
  return 0;
}

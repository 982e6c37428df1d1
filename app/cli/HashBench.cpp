// tunebench-cli bench hash: the project's SHA-256 of a file against coreutils' sha256sum on the
// same file (both reading from the page cache), and the time of a cached fingerprint.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include <stdlib.h>

#include "Commands.h"
#include "NumberChecks.h"
#include "common/Error.h"
#include "common/FileFingerprintCache.h"
#include "common/Sha256.h"

namespace tunebench::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct HashBenchOptions {
  std::string file;
  size_t sizeMb = 1024;
  int rounds = 3;
};

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void writeRandomFile(const fs::path& path, size_t mebibytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::mt19937_64 random(2024);
  std::vector<uint64_t> block((size_t(1) << 20) / sizeof(uint64_t));
  for (size_t i = 0; i < mebibytes && out; ++i) {
    for (auto& word : block) word = random();
    out.write(reinterpret_cast<const char*>(block.data()),
              static_cast<std::streamsize>(block.size() * sizeof(uint64_t)));
  }
  out.flush();
  if (!out) throw Error("bench hash: cannot write " + path.string() + " (disk full?)");
}

// Reads the whole file once, so that every timed pass reads from the page cache.
void readThrough(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(size_t(1) << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
  }
}

std::string shellQuoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string sha256sumOf(const fs::path& path) {
  const std::string command = "sha256sum -- " + shellQuoted(path.string()) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw Error("bench hash: cannot run sha256sum");
  std::string output;
  char buffer[4096];
  for (size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    output.append(buffer, got);
  const int status = ::pclose(pipe);
  if (status != 0 || output.size() < 64)
    throw Error("bench hash: sha256sum failed (is coreutils installed?): " + output);
  return output.substr(0, 64);
}

std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model = "unknown CPU", flags;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "model name" && model == "unknown CPU") model = value;
    if (key == "flags" && flags.empty()) flags = " " + value + " ";
  }
  const bool sha = flags.find(" sha_ni ") != std::string::npos;
  return model + (sha ? " (SHA instructions)" : " (no SHA instructions)");
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// A scratch cache that keeps the file's digest even when it was written a moment ago (the file
// is not written while the bench runs).
void printCachedFingerprint(const fs::path& file, const fs::path& cacheFile) {
  FileFingerprintCache cache(cacheFile, std::chrono::nanoseconds(0));
  auto start = Clock::now();
  cache.sha256(file.string());
  const double first = secondsSince(start);
  // As a later run would: the cache file read anew.
  FileFingerprintCache again(cacheFile, std::chrono::nanoseconds(0));
  start = Clock::now();
  again.sha256(file.string());
  const double second = secondsSince(start);
  std::printf("fingerprint cache  first %.3f s (hashed), second %.6f s (%s)\n", first, second,
              again.filesHashed() == 0 ? "from the cache" : "hashed again: the file changed");
}

int runHashBench(const HashBenchOptions& options, const fs::path& scratch) {
  fs::path file = options.file;
  if (file.empty()) {
    file = scratch / "random.bin";
    writeRandomFile(file, options.sizeMb);
  }
  if (!fs::is_regular_file(file)) throw Error("bench hash: " + file.string() + " is not a file");
  const double mib = double(fs::file_size(file)) / (1 << 20);
  std::printf("%s, %u threads\n", cpuModel().c_str(), std::thread::hardware_concurrency());
  std::printf("file %s, %.1f MiB, read once before timing\n", file.string().c_str(), mib);
  readThrough(file);
  std::vector<double> ours, theirs;
  for (int round = 0; round < options.rounds; ++round) {
    // Alternating who goes first keeps any drift from favouring one side.
    std::string ourDigest, theirDigest;
    for (int side = 0; side < 2; ++side) {
      const bool ourTurn = (side + round) % 2 == 0;
      const auto start = Clock::now();
      if (ourTurn)
        ourDigest = sha256OfFile(file.string());
      else
        theirDigest = sha256sumOf(file);
      (ourTurn ? ours : theirs).push_back(secondsSince(start));
    }
    if (ourDigest != theirDigest)
      throw Error("bench hash: digests differ: tunebench " + ourDigest + ", sha256sum " +
                  theirDigest);
    std::printf("round %d  tunebench %8.1f MiB/s  sha256sum %8.1f MiB/s  digest %s\n", round + 1,
                mib / ours.back(), mib / theirs.back(), ourDigest.c_str());
  }
  const double ourMedian = median(ours), theirMedian = median(theirs);
  std::printf(
      "median     tunebench %8.1f MiB/s  sha256sum %8.1f MiB/s  time ratio %.2f "
      "(tunebench / sha256sum)\n",
      mib / ourMedian, mib / theirMedian, ourMedian / theirMedian);
  printCachedFingerprint(file, scratch / "file-fingerprints.txt");
  return 0;
}

}  // namespace

std::vector<Command> addHashBenchmarks(CLI::App& bench) {
  auto options = std::make_shared<HashBenchOptions>();
  auto* hash = bench.add_subcommand(
      "hash", "SHA-256 throughput against sha256sum on the same file, and a cached fingerprint");
  hash->add_option("--file", options->file, "File to hash (default: a new file of random bytes)");
  hash->add_option("--size-mb", options->sizeMb, "Size of the generated file in MiB")
      ->check(numberBetween(size_t(1), size_t(1) << 20));
  hash->add_option("--rounds", options->rounds, "Timed rounds")->check(numberBetween(1, 100));
  return {{hash, [options] {
             // Scratch folder for the generated file and the cache file: removed on every way out.
             std::string pattern = (fs::temp_directory_path() / "tunebench-hash-XXXXXX").string();
             if (!::mkdtemp(pattern.data()))
               throw Error("bench hash: cannot make a temporary folder");
             struct Cleanup {
               fs::path folder;
               ~Cleanup() {
                 std::error_code ignored;
                 fs::remove_all(folder, ignored);
               }
             } cleanup{pattern};
             return runHashBench(*options, cleanup.folder);
           }}};
}

}  // namespace tunebench::cli

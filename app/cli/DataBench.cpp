// tunebench-cli bench data: import throughput, near-duplicate detection time and tokenisation
// throughput on generated data, so that figures are comparable between machines.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include <unistd.h>

#include "Commands.h"
#include "NumberChecks.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "data/NearDuplicates.h"
#include "data/SyntheticCorpus.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "tokenizer/BpeTrainer.h"
#include "tokenizer/SentencePieceModule.h"
#include "tokenizer/SentencePieceProcessor.h"
#include "tokenizer/TokenizerLoader.h"
#include "train/TokenCache.h"
#include "train/TrainingData.h"

namespace tunebench::cli {

namespace {

struct CountingSink : RecordSink {
  size_t records = 0, rejects = 0, fields = 0;
  void record(ImportedRecord&& r) override {
    ++records;
    fields += r.fields.size();
  }
  void reject(ImportReject&&) override { ++rejects; }
};

class Words {
 public:
  explicit Words(uint64_t seed) : random_(seed) {
    for (int i = 0; i < 20000; ++i) {
      std::string w;
      const int length = 2 + int(random_() % 9);
      for (int k = 0; k < length; ++k) w.push_back(char('a' + random_() % 26));
      vocabulary_.push_back(w);
    }
  }
  std::string sentence(size_t words) {
    std::string s;
    for (size_t i = 0; i < words; ++i) s += (i ? " " : "") + next();
    return s;
  }
  const std::string& next() { return vocabulary_[random_() % vocabulary_.size()]; }
  std::mt19937_64& random() { return random_; }

 private:
  std::mt19937_64 random_;
  std::vector<std::string> vocabulary_;
};

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The same alpaca-style records (about 400 bytes each) as JSON Lines, a JSON array and CSV.
void writeFiles(const std::string& stem, size_t megabytes, Words& words) {
  std::ofstream jsonl(stem + ".jsonl", std::ios::binary);
  std::ofstream json(stem + ".json", std::ios::binary);
  std::ofstream csv(stem + ".csv", std::ios::binary);
  json << "[\n";
  csv << "instruction,input,output\n";
  size_t written = 0;
  for (size_t n = 0; written < megabytes << 20; ++n) {
    const std::string instruction = words.sentence(12) + ", \"quoted\"";
    const std::string input = words.sentence(words.random()() % 20);
    const std::string output = words.sentence(20) + "\n" + words.sentence(20);
    const std::string line =
        nlohmann::json{{"instruction", instruction}, {"input", input}, {"output", output}}.dump();
    jsonl << line << "\n";
    json << (n ? ",\n" : "") << line;
    auto quote = [](const std::string& field) {
      std::string q = "\"";
      for (char c : field) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    csv << quote(instruction) << ',' << quote(input) << ',' << quote(output) << "\r\n";
    written += line.size() + 1;
  }
  json << "\n]\n";
}

void benchImport(const std::string& importerId, const std::string& path, nlohmann::json settings) {
  auto registry = std::make_unique<PluginRegistry>();
  builtin::registerBuiltinPlugins(*registry);
  for (const auto& importer : registry->datasetImporters()) {
    if (importer->id() != importerId) continue;
    CountingSink sink;
    BasicJobContext context;
    const auto start = std::chrono::steady_clock::now();
    importer->importFile({path, false, settings}, sink, context);
    const double elapsed = seconds(start);
    const double mb = double(std::filesystem::file_size(path)) / (1 << 20);
    std::printf("import %-5s %8.1f MiB  %9zu records  %6.2f s  %7.1f MiB/s\n", importerId.c_str(),
                mb, sink.records, elapsed, mb / elapsed);
    return;
  }
  throw Error("no importer " + importerId);
}

void benchNearDuplicates(size_t count, int threads, double threshold, Words& words) {
  std::vector<std::string> texts;
  texts.reserve(count);
  // One in ten texts is an edited copy of an earlier one.
  for (size_t i = 0; i < count; ++i) {
    if (i > 0 && words.random()() % 10 == 0) {
      std::string copy = texts[words.random()() % i];
      copy += " " + words.next();
      texts.push_back(copy);
    } else {
      texts.push_back(words.sentence(30 + words.random()() % 40));
    }
  }
  NearDuplicateOptions options;
  options.threshold = threshold;
  options.threads = threads;
  const auto start = std::chrono::steady_clock::now();
  const auto pairs = findNearDuplicatePairs(texts, options);
  const double elapsed = seconds(start);
  std::printf("near-dup   %9zu records  threshold %.2f  %zu threads  %zu pairs  %6.2f s\n", count,
              threshold, size_t(threads), pairs.size(), elapsed);
}

// Trains a small sentencepiece model on generated text, then encodes `megabytes` of it.
void benchTokenization(const std::string& stem, size_t megabytes, Words& words) {
  const std::string corpus = stem + ".corpus.txt";
  {
    std::ofstream out(corpus, std::ios::binary);
    for (int i = 0; i < 20000; ++i) out << words.sentence(20) << "\n";
  }
  trainSentencePiece("--input=" + corpus + " --model_prefix=" + stem +
                     ".spm --vocab_size=4000 --model_type=unigram --character_coverage=1.0"
                     " --minloglevel=2 --num_threads=1");
  const auto tokenizer = SentencePieceProcessor::fromFile(stem + ".spm.model");
  std::vector<std::string> texts;
  size_t bytes = 0;
  while (bytes < megabytes << 20) {
    texts.push_back(words.sentence(60));
    bytes += texts.back().size();
  }
  size_t tokens = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& text : texts) tokens += tokenizer.encode(text).size();
  const double elapsed = seconds(start);
  std::printf(
      "tokenize   %8.1f MiB  %9zu tokens   %6.2f s  %7.0f tokens/s  %6.2f MiB/s (sentencepiece "
      "unigram, 4000 pieces, random words, 1 thread)\n",
      double(bytes) / (1 << 20), tokens, elapsed, double(tokens) / elapsed,
      double(bytes) / (1 << 20) / elapsed);
}

std::vector<std::string> corpusLines(uint64_t seed, size_t bytes) {
  std::vector<std::string> lines;
  const std::string text = generateSyntheticCorpus(seed, bytes);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Encodes every line (no special tokens) on `threads` threads, each taking an equal share.
void timeEncoding(const std::string& label, const Tokenizer& tokenizer,
                  const std::vector<std::string>& lines, int threads) {
  size_t bytes = 0;
  for (const auto& line : lines) bytes += line.size();
  std::vector<size_t> tokens(size_t(threads), 0);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (size_t i = size_t(t); i < lines.size(); i += size_t(threads))
        tokens[size_t(t)] += tokenizer.encode(lines[i], false).size();
    });
  for (auto& worker : workers) worker.join();
  const double elapsed = seconds(start);
  size_t total = 0;
  for (size_t n : tokens) total += n;
  std::printf(
      "tokenize   %-34s %7.1f MiB  %9zu tokens  %2d threads  %6.2f s  %10.0f tokens/s  %6.2f "
      "MiB/s\n",
      label.c_str(), double(bytes) / (1 << 20), total, threads, elapsed, double(total) / elapsed,
      double(bytes) / (1 << 20) / elapsed);
}

// The tokenizers of the project's own fixtures: the sentencepiece BPE of a tiny `make-model`
// folder and a byte-level BPE from the tokenizer trainer, both over generated English.
void benchModelTokenizers(const std::string& stem, size_t megabytes, int threads) {
  namespace fs = std::filesystem;
  const auto lines = corpusLines(7, megabytes << 20);
  MakeModelOptions model;
  model.folder = stem + ".tiny-model";
  model.preset = "tiny";
  makeRandomModel(model);
  const auto sentencePiece = loadTokenizer(model.folder);
  timeEncoding("sentencepiece bpe (tiny make-model, " +
                   std::to_string(sentencePiece.tokenizer->vocabSize()) + ")",
               *sentencePiece.tokenizer, lines, threads);

  BpeTrainerOptions options;
  options.vocabSize = 2000;
  const auto training = corpusLines(11, 1 << 20);
  writeTokenizerFiles(trainByteLevelBpe(training, options), stem + ".bpe");
  const auto byteLevel = loadTokenizer(stem + ".bpe");
  timeEncoding(
      "byte-level bpe (qwen2 style, " + std::to_string(byteLevel.tokenizer->vocabSize()) + ")",
      *byteLevel.tokenizer, lines, threads);
}

// Loading a training file as the trainer does: tokenising it, storing it in the token cache, and
// reading it back from the cache on the next run.
void benchTrainingFileLoad(const std::string& stem, size_t megabytes) {
  const auto lines = corpusLines(13, megabytes << 20);
  const std::string file = stem + ".train.jsonl";
  {
    std::ofstream out(file);
    for (size_t i = 0; i + 1 < lines.size(); i += 2)
      out << nlohmann::json{{"prompt", lines[i]}, {"response", lines[i + 1]}}.dump() << "\n";
  }
  const auto encoder = encoderForModelFolder(stem + ".bpe");
  DataConfig config;
  config.maxLength = 1 << 16;
  const TokenCache cache(stem + ".token-cache");
  auto timeLoad = [&](const char* label, const TokenCache* withCache) {
    const auto start = std::chrono::steady_clock::now();
    const auto loaded = loadTrainingDataset(file, config, Objective::Sft, encoder, withCache);
    std::printf("train-load %-34s %7zu examples  %6.2f s%s\n", label, loaded.examples.size(),
                seconds(start), loaded.fromCache ? "  (from the token cache)" : "");
  };
  timeLoad("tokenise (no cache)", nullptr);
  timeLoad("tokenise and store in the cache", &cache);
  timeLoad("second run", &cache);
}

}  // namespace

std::vector<Command> addDataBenchmarks(CLI::App& bench) {
  struct Options {
    size_t megabytes = 256;
    size_t records = 100000;
    int threads = 2;
    double threshold = 0.8;
    size_t tokenizeMegabytes = 16;
    int tokenizeThreads = 1;
    std::string folder;
  };
  auto options = std::make_shared<Options>();
  auto* data = bench.add_subcommand(
      "data", "Import throughput, near-duplicate detection time, tokenisation throughput");
  data->add_option("--megabytes", options->megabytes, "Size of the generated JSON Lines file")
      ->check(positiveNumber());
  data->add_option("--records", options->records, "Records for near-duplicate detection")
      ->check(positiveNumber());
  data->add_option("--threads", options->threads, "Threads for near-duplicate detection")
      ->check(positiveNumber());
  data->add_option("--threshold", options->threshold, "Jaccard threshold")
      ->check(numberBetween(0.01, 1.0));
  data->add_option("--tokenize-megabytes", options->tokenizeMegabytes,
                   "Text to tokenise with each benchmark tokenizer")
      ->check(positiveNumber());
  data->add_option("--tokenize-threads", options->tokenizeThreads,
                   "Threads encoding with the model tokenizers")
      ->check(numberBetween(1, 256));
  data->add_option("--dir", options->folder, "Folder for the generated files (default: temp)");

  return {{data, [options] {
             namespace fs = std::filesystem;
             const fs::path folder =
                 options->folder.empty() ? fs::temp_directory_path() : fs::path(options->folder);
             const std::string stem =
                 (folder / ("tunebench-bench-" + std::to_string(::getpid()))).string();
             auto cleanUp = [&] {
               for (const char* ext : {".jsonl", ".json", ".csv", ".corpus.txt", ".spm.model",
                                       ".spm.vocab", ".train.jsonl"})
                 fs::remove(stem + ext);
               fs::remove_all(stem + ".tiny-model");
               fs::remove_all(stem + ".bpe");
               fs::remove_all(stem + ".token-cache");
             };
             Words words(2024);
             try {
               writeFiles(stem, options->megabytes, words);
               benchImport("jsonl", stem + ".jsonl", nlohmann::json::object());
               benchImport("json", stem + ".json", nlohmann::json::object());
               benchImport("csv", stem + ".csv", nlohmann::json::object());
               benchNearDuplicates(options->records, options->threads, options->threshold, words);
               benchTokenization(stem, options->tokenizeMegabytes, words);
               benchModelTokenizers(stem, options->tokenizeMegabytes, options->tokenizeThreads);
               benchTrainingFileLoad(stem, options->tokenizeMegabytes);
             } catch (...) {
               cleanUp();
               throw;
             }
             cleanUp();
             return 0;
           }}};
}

}  // namespace tunebench::cli

// make-model, inspect and generate: the model core from the command line.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "common/Error.h"
#include "model/CheckpointFolder.h"
#include "model/Generation.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "system/SystemInfo.h"
#include "tokenizer/SentencePieceProcessor.h"

namespace tunebench::cli {

namespace {

std::string gibibytes(double bytes) {
  char text[32];
  if (bytes >= 1024.0 * 1024.0 * 1024.0)
    std::snprintf(text, sizeof text, "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  else
    std::snprintf(text, sizeof text, "%.2f MiB", bytes / (1024.0 * 1024.0));
  return text;
}

}  // namespace

Command addMakeModelCommand(CLI::App& app) {
  auto options = std::make_shared<MakeModelOptions>();
  auto* command = app.add_subcommand(
      "make-model", "Write a random-initialised model folder with a tokenizer trained here");
  command->add_option("--arch", options->architecture, "Architecture")
      ->check(CLI::IsMember(makeModelArchitectures()));
  command->add_option("--preset", options->preset, "Size")->check(CLI::IsMember(makeModelPresets()));
  command->add_option("--out", options->folder, "Output folder")->required();
  command->add_option("--seed", options->seed, "Random seed");
  return {command, [options] {
            makeRandomModel(*options);
            const auto config = loadModelConfig(options->folder + "/config.json");
            std::cout << "wrote " << options->folder << ": " << config.architecture << ", "
                      << config.parameterCount() << " parameters\n";
            return 0;
          }};
}

Command addInspectCommand(CLI::App& app) {
  auto folder = std::make_shared<std::string>();
  auto* command = app.add_subcommand("inspect", "Describe a Hugging Face model folder");
  command->add_option("--model", *folder, "Model folder")->required();
  return {command, [folder] {
            const auto config = loadModelConfig(*folder + "/config.json");
            const CheckpointFolder checkpoint(*folder);
            std::map<std::string, uint64_t> dtypes;
            uint64_t fileBytes = 0;
            for (const auto& name : checkpoint.tensorNames()) {
              const auto& entry = checkpoint.entry(name);
              dtypes[dtypeName(entry.dtype)] += entry.elementCount();
              fileBytes += entry.end - entry.begin;
            }
            const double parameters = static_cast<double>(config.parameterCount());
            // NF4 keeps 4-bit codes plus double-quantised block scales for the layer matrices;
            // embeddings and norms stay in bf16.
            const double embeddingParameters =
                static_cast<double>(config.vocabSize * config.hiddenSize) *
                (config.tieWordEmbeddings ? 1 : 2);
            const double nf4 = (parameters - embeddingParameters) * (4.0 + 8.0 / 64 + 32.0 / (64 * 256)) / 8 +
                               embeddingParameters * 2;
            std::cout << "architecture: " << config.architecture << "\n"
                      << "layers: " << config.numLayers << ", hidden " << config.hiddenSize
                      << ", intermediate " << config.intermediateSize << ", heads "
                      << config.numHeads << " (key/value heads " << config.numKeyValueHeads
                      << ", head dim " << config.headDim << ")\n"
                      << "vocabulary: " << config.vocabSize << ", max positions "
                      << config.maxPositions << (config.tieWordEmbeddings ? ", tied embeddings" : "")
                      << "\n"
                      << "parameters: " << config.parameterCount() << "\n"
                      << "checkpoint: " << checkpoint.files().size() << " file(s), "
                      << gibibytes(static_cast<double>(fileBytes)) << ", dtypes:";
            for (const auto& [dtype, count] : dtypes) std::cout << " " << dtype << " (" << count << ")";
            std::cout << "\nconfig torch_dtype: " << config.torchDtype << "\n"
                      << "weights in memory: fp32 " << gibibytes(parameters * 4) << ", bf16 "
                      << gibibytes(parameters * 2) << ", NF4 " << gibibytes(nf4) << "\n";
            namespace fs = std::filesystem;
            std::string tokenizer = "none found";
            if (fs::exists(*folder + "/tokenizer.json")) tokenizer = "tokenizer.json";
            else if (fs::exists(*folder + "/tokenizer.model")) tokenizer = "tokenizer.model (sentencepiece)";
            std::cout << "tokenizer: " << tokenizer << "\n";
            return 0;
          }};
}

Command addGenerateCommand(CLI::App& app) {
  struct Options {
    std::string folder, prompt;
    GenerationSettings settings;
    int threads = 0;
    bool noCache = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand("generate", "Continue a prompt with a model");
  command->add_option("--model", options->folder, "Model folder")->required();
  command->add_option("--prompt", options->prompt, "Prompt text")->required();
  command->add_option("--max-new-tokens", options->settings.maxNewTokens, "Tokens to generate");
  command->add_option("--temperature", options->settings.temperature, "0 = greedy");
  command->add_option("--top-k", options->settings.topK, "Keep the k most likely tokens (0 = off)");
  command->add_option("--top-p", options->settings.topP, "Nucleus sampling mass (1 = off)");
  command->add_option("--repetition-penalty", options->settings.repetitionPenalty, "1 = off");
  command->add_option("--stop", options->settings.stopStrings, "Stop at this text (repeatable)");
  command->add_option("--seed", options->settings.seed, "Sampling seed");
  command->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  command->add_flag("--no-cache", options->noCache, "Recompute everything each step (reference path)");
  return {command, [options] {
            setIntraOpThreads(options->threads);
            namespace fs = std::filesystem;
            const auto modelFile = fs::path(options->folder) / "tokenizer.model";
            if (!fs::exists(modelFile))
              throw Error(options->folder + " has no tokenizer.model; this build generates with "
                                            "sentencepiece tokenizers only");
            const auto tokenizer = SentencePieceProcessor::fromFile(modelFile.string());
            auto loaded = loadModelFolder(options->folder);
            auto settings = options->settings;
            settings.useCache = !options->noCache;
            for (auto id : loaded.model->config().eosTokenIds) settings.stopIds.push_back(id);
            auto toInts = [](const std::vector<int64_t>& ids) { return std::vector<int>(ids.begin(), ids.end()); };
            settings.decode = [&](const std::vector<int64_t>& ids) { return tokenizer.decode(toInts(ids)); };
            std::vector<int64_t> prompt;
            if (tokenizer.bosId() >= 0) prompt.push_back(tokenizer.bosId());
            for (int id : tokenizer.encode(options->prompt)) prompt.push_back(id);

            std::cout << options->prompt << std::flush;
            std::vector<int64_t> generated;
            std::string printed;
            const auto start = std::chrono::steady_clock::now();
            generate(*loaded.model, {prompt}, settings, [&](size_t, int64_t token) {
              generated.push_back(token);
              // Print the text that became final; a piece can change how earlier ones decode.
              const auto text = tokenizer.decode(toInts(generated));
              if (text.size() > printed.size() && text.compare(0, printed.size(), printed) == 0) {
                std::cout << text.substr(printed.size()) << std::flush;
                printed = text;
              }
              return true;
            });
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cerr << "\n[" << generated.size() << " tokens in " << seconds << " s, "
                      << (seconds > 0 ? generated.size() / seconds : 0) << " tokens/s]\n";
            return 0;
          }};
}

}  // namespace tunebench::cli

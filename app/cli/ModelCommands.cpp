// make-model, inspect and generate: the model core from the command line.
#include <filesystem>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "chat/ChatTemplate.h"
#include "common/Error.h"
#include "model/Generation.h"
#include "model/MemoryEstimate.h"
#include "model/ModelDescription.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "model/TextGeneration.h"
#include "peft/AdapterFolder.h"
#include "system/SystemInfo.h"
#include "tokenizer/TokenizerLoader.h"

namespace tunebench::cli {

Command addMakeModelCommand(CLI::App& app) {
  auto options = std::make_shared<MakeModelOptions>();
  auto* command = app.add_subcommand(
      "make-model", "Write a random-initialised model folder with a tokenizer trained here");
  command->add_option("--arch", options->architecture, "Architecture")
      ->check(CLI::IsMember(makeModelArchitectures()));
  command->add_option("--preset", options->preset, "Size")
      ->check(CLI::IsMember(makeModelPresets()));
  command->add_option("--out", options->folder, "Output folder")->required();
  command->add_option("--seed", options->seed, "Random seed");
  command
      ->add_option("--labels", options->classLabels,
                   "Make a sequence classifier over these classes (comma-separated)")
      ->delimiter(',');
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
            const auto d = describeModelFolder(*folder);
            if (!d.usable()) {
              std::string problems = *folder + " cannot be used:";
              for (const auto& problem : d.problems) problems += "\n  - " + problem;
              throw Error(problems);
            }
            const auto& config = *d.config;
            const auto memory = estimateMemory(config);
            std::cout << "architecture: " << config.architecture << "\n";
            if (!config.languageModelOf.empty())
              std::cout << "note: the language model of " << config.languageModelOf
                        << "; its vision tower is not loaded\n";
            std::cout << "layers: " << config.numLayers << ", hidden " << config.hiddenSize
                      << ", intermediate " << config.intermediateSize << ", heads "
                      << config.numHeads << " (key/value heads " << config.numKeyValueHeads
                      << ", head dim " << config.headDim << ")\n"
                      << "vocabulary: " << config.vocabSize << ", max positions "
                      << config.maxPositions
                      << (config.tieWordEmbeddings ? ", tied embeddings" : "") << "\n"
                      << "parameters: " << memory.parameters << "\n"
                      << "checkpoint: " << d.checkpointFiles << " file(s), "
                      << formatBytes(static_cast<double>(d.checkpointBytes)) << ", dtypes:";
            for (const auto& [dtype, count] : d.dtypeElements)
              std::cout << " " << dtype << " (" << count << ")";
            std::cout << "\nconfig torch_dtype: " << config.torchDtype << "\n"
                      << "weights in memory: fp32 " << formatBytes(memory.fp32Bytes) << ", bf16 "
                      << formatBytes(memory.bf16Bytes) << ", NF4 " << formatBytes(memory.nf4Bytes)
                      << "\n"
                      << "tokenizer: " << d.tokenizerType << "\n";
            for (const auto& token : d.specialTokens)
              std::cout << "special token " << token.role << ": "
                        << (token.text.empty() ? "-" : token.text) << " (id "
                        << (token.id ? std::to_string(*token.id) : "unknown") << ")\n";
            std::cout << "training memory (weights + gradients + AdamW, without activations):\n";
            for (const auto& method : memory.training)
              std::cout << "  " << method.method << ": " << formatBytes(method.totalBytes()) << " ("
                        << method.trainableParameters << " trainable; " << method.assumptions
                        << ")\n";
            return 0;
          }};
}

Command addGenerateCommand(CLI::App& app) {
  struct Options {
    std::string folder, adapter, prompt, system, chatTemplate;
    GenerationSettings settings;
    int threads = 0;
    bool noCache = false, chat = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand("generate", "Continue a prompt with a model");
  command->add_option("--model", options->folder, "Model folder")->required();
  command->add_option("--adapter", options->adapter,
                      "Adapter folder to apply (LoRA/DoRA, prompt tuning or bottleneck adapters)");
  command->add_option("--prompt", options->prompt, "Prompt text (with --chat: the user message)")
      ->required();
  command->add_flag("--chat", options->chat,
                    "Render the prompt as a user turn with the model's chat template");
  command->add_option("--system", options->system, "With --chat: a system message");
  command->add_option(
      "--template",
      options->chatTemplate, "With --chat: a built-in template instead of the model's (" + [] {
        std::string names;
        for (const auto& name : ChatTemplate::presetNames())
          names += (names.empty() ? "" : ", ") + name;
        return names;
      }() + ")");
  command->add_option("--max-new-tokens", options->settings.maxNewTokens, "Tokens to generate");
  command->add_option("--temperature", options->settings.temperature, "0 = greedy");
  command->add_option("--top-k", options->settings.topK, "Keep the k most likely tokens (0 = off)");
  command->add_option("--top-p", options->settings.topP, "Nucleus sampling mass (1 = off)");
  command->add_option("--repetition-penalty", options->settings.repetitionPenalty, "1 = off");
  command->add_option("--stop", options->settings.stopStrings, "Stop at this text (repeatable)");
  command->add_option("--seed", options->settings.seed, "Sampling seed");
  command->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  command->add_flag("--no-cache", options->noCache,
                    "Recompute everything each step (reference path)");
  return {command, [options] {
            setIntraOpThreads(options->threads);
            const auto loadedTokenizer = loadTokenizer(options->folder);
            const Tokenizer& tokenizer = *loadedTokenizer.tokenizer;
            auto loaded = loadModelFolder(options->folder);
            if (!options->adapter.empty()) loadAdapterFolder(*loaded.model, options->adapter);
            auto settings = options->settings;
            settings.useCache = !options->noCache;
            TextPrompt prompt;
            prompt.text = options->prompt;
            prompt.chat = options->chat;
            prompt.system = options->system;
            prompt.chatTemplate = options->chatTemplate;
            if (!options->chat && (!options->system.empty() || !options->chatTemplate.empty()))
              throw Error("--system and --template need --chat");
            const auto prepared =
                prepareTextPrompt(loadedTokenizer, loaded.model->config(), prompt, settings);

            std::cout << prepared.text << std::flush;
            const auto result =
                generateText(*loaded.model, tokenizer, prepared, [](const std::string& piece) {
                  std::cout << piece << std::flush;
                  return true;
                });
            std::cerr << "\n[" << result.tokens << " tokens in " << result.seconds << " s, "
                      << (result.seconds > 0 ? result.tokens / result.seconds : 0)
                      << " tokens/s]\n";
            return 0;
          }};
}

}  // namespace tunebench::cli

// A run's checkpoints as models: what a checkpoint of a run resolves to (base model, step,
// problems), the checkpoints a project lists for a run, a checkpoint loaded as the trained model;
// the store's generation comparisons (round trip, order, paths, cascade); and the side-by-side
// job: each column's text as generateText gives it directly, stored in the project, nothing
// stored when canceled.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "LoraRunFixture.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "data/TrainerRecords.h"
#include "eval/GenerationComparisonJob.h"
#include "eval/ModelSourceLoading.h"
#include "eval/RunEvaluationTarget.h"
#include "eval/TrainedPromptFormat.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "model/TextGeneration.h"
#include "peft/PeftAdapterFiles.h"
#include "store/ArtifactRepository.h"
#include "store/GenerationComparisonRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

torch::Tensor logitsOf(CausalLMImpl& model) {
  torch::NoGradGuard noGrad;
  ForwardInput input;
  input.inputIds = torch::tensor({{1, 5, 9, 13, 17, 21}}, torch::kInt64);
  return model.forward(input);
}

std::string directText(const ModelSource& source, const std::string& prompt, int64_t maxNewTokens) {
  auto loaded = loadModelSource(source);
  const auto tokenizer = loadTokenizer(source.modelFolder);
  GenerationSettings settings;
  settings.maxNewTokens = maxNewTokens;
  TextPrompt text;
  text.text = prompt;
  const auto prepared = prepareTextPrompt(tokenizer, loaded.model->config(), text, settings);
  return generateText(*loaded.model, *tokenizer.tokenizer, prepared).text;
}

}  // namespace

class GenerationComparisonJobTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  lorarun::LoraRun run_;
  std::string project_;
  int64_t runId_ = 0;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    run_ = lorarun::makeLoraRun(dir_.path().toStdString());
    project_ = dir_.filePath("compare.tbproj").toStdString();
    auto project = store::ProjectStore::create(project_);
    store::NewRun run(std::string("lora run"));
    run.config = run_.config.dump();
    runId_ = store::RunRepository(project).create(run);
  }

  void aCheckpointResolvesToTheBaseModelAndItsStep() {
    const auto folder = (fs::path(run_.output) / "checkpoints" / "step-00000002").string();
    const auto target = runCheckpointTarget(run_.config.dump(), dir_.path().toStdString(), folder);
    QVERIFY2(target.problem.empty(), target.problem.c_str());
    QCOMPARE(target.checkpointStep, int64_t(2));
    QCOMPARE(target.baseModelFolder, fs::path(run_.baseModel).lexically_normal().string());
    QCOMPARE(target.adapterFolder, (fs::path(run_.output) / "adapter").lexically_normal().string());
    const auto source = target.source();
    QCOMPARE(source.modelFolder, target.baseModelFolder);
    QCOMPARE(source.checkpointFolder, folder);
    // The final model's target keeps pointing at the final folder.
    const auto final = runEvaluationTarget(run_.config.dump(), dir_.path().toStdString());
    QVERIFY(final.problem.empty());
    QCOMPARE(final.source().modelFolder, final.finalModelFolder);
    QVERIFY(final.source().checkpointFolder.empty());
  }

  void incompleteCheckpointsAndMissingBaseModelsAreProblems() {
    const auto partial = dir_.filePath("runs/lora-run/checkpoints/step-00000009").toStdString();
    fs::create_directories(partial);
    auto target = runCheckpointTarget(run_.config.dump(), dir_.path().toStdString(), partial);
    QVERIFY(target.problem.find("not complete") != std::string::npos);

    auto moved = run_.config;
    moved["model"] = "no-such-model";
    target =
        runCheckpointTarget(moved.dump(), dir_.path().toStdString(),
                            dir_.filePath("runs/lora-run/checkpoints/step-00000002").toStdString());
    QVERIFY(target.problem.find("no-such-model") != std::string::npos);
    target = runCheckpointTarget("{not json", dir_.path().toStdString(), partial);
    QVERIFY(target.problem.find("not valid JSON") != std::string::npos);
    fs::remove_all(partial);
  }

  void theProjectListsTheRunsCompleteCheckpoints() {
    // One registered in the store (outside the output folder) and the two the trainer wrote.
    const auto registered = dir_.filePath("elsewhere/step-00000003").toStdString();
    fs::create_directories(registered);
    fs::copy(dir_.filePath("runs/lora-run/checkpoints/step-00000002").toStdString(), registered,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    const auto gone = dir_.filePath("elsewhere/step-00000005").toStdString();
    {
      auto project = store::ProjectStore::open(project_);
      store::CheckpointRepository(project).add(runId_, 3, registered, "00");
      store::CheckpointRepository(project).add(runId_, 5, gone, "00");  // deleted on disk
    }
    const auto checkpoints = readRunCheckpoints(project_, runId_);
    QCOMPARE(checkpoints.size(), size_t(3));
    QCOMPARE(checkpoints[0].step, int64_t(2));
    QCOMPARE(checkpoints[1].step, int64_t(3));
    QCOMPARE(checkpoints[1].folder, registered);
    QCOMPARE(checkpoints[2].step, int64_t(4));
    QVERIFY(fs::exists(fs::path(checkpoints[2].folder) / "DONE"));
    QVERIFY_THROWS_EXCEPTION(Error, readRunCheckpoints(project_, 999));
  }

  void aCheckpointLoadsAsTheTrainedModel() {
    // The last checkpoint holds the adapter the run saved at its end.
    auto atLast = loadModelSource({run_.baseModel, "", run_.output + "/checkpoints/step-00000004"});
    auto withAdapter = loadModelSource({run_.baseModel, run_.output + "/adapter", ""});
    auto base = loadModelSource({run_.baseModel, "", ""});
    auto atFirst =
        loadModelSource({run_.baseModel, "", run_.output + "/checkpoints/step-00000002"});
    const auto last = logitsOf(*atLast.model);
    QVERIFY(torch::allclose(last, logitsOf(*withAdapter.model), 1e-5, 1e-5));
    QVERIFY(!torch::allclose(last, logitsOf(*base.model), 1e-4, 1e-4));
    QVERIFY(!torch::allclose(last, logitsOf(*atFirst.model), 1e-4, 1e-4));
    // A checkpoint cannot be combined with an adapter; a checkpoint of another model fails.
    QVERIFY_THROWS_EXCEPTION(Error, loadModelSource({run_.baseModel, run_.output + "/adapter",
                                                     run_.output + "/checkpoints/step-00000004"}));
    const auto other = dir_.filePath("other-model").toStdString();
    makeRandomModel({"gpt2", "tiny", other, 1});
    QVERIFY_THROWS_EXCEPTION(
        Error, loadModelSource({other, "", run_.output + "/checkpoints/step-00000004"}));
  }

  void comparisonsRoundTripThroughTheStore() {
    QTemporaryDir dir;
    const auto file = dir.filePath("p.tbproj").toStdString();
    auto project = store::ProjectStore::create(file);
    const int64_t run = store::RunRepository(project).create(store::NewRun("r"));
    store::GenerationComparisonRepository comparisons(project);
    store::GenerationComparisonRecord first;
    first.prompt = "Once upon";
    first.settings = ComparisonSettings{}.toJson();
    store::GenerationOutputRecord base;
    base.label = "Base model";
    base.modelFolder = dir.filePath("models/base").toStdString();
    base.text = "a time";
    base.tokens = 3;
    base.seconds = 0.5;
    store::GenerationOutputRecord tuned = base;
    tuned.label = "Run 1 at step 20";
    tuned.runId = run;
    tuned.checkpointStep = 20;
    tuned.checkpointFolder = "/elsewhere/step-00000020";
    tuned.text = "there was ünïcode";
    first.outputs = {base, tuned};
    const int64_t firstId = comparisons.add(first);
    store::GenerationComparisonRecord second = first;
    second.prompt = "Second";
    second.outputs = {base};
    const int64_t secondId = comparisons.add(second);

    const auto listed = comparisons.list();
    QCOMPARE(listed.size(), size_t(2));
    QCOMPARE(listed[0].id, secondId);
    QCOMPARE(listed[1].outputs.size(), size_t(2));
    QCOMPARE(listed[1].outputs[1].label, tuned.label);

    const auto found = store::readGenerationComparison(file, firstId);
    QVERIFY(found);
    QCOMPARE(found->prompt, first.prompt);
    QCOMPARE(ComparisonSettings::fromJson(found->settings).maxNewTokens, int64_t(64));
    QCOMPARE(found->outputs.size(), size_t(2));
    QCOMPARE(found->outputs[0].modelFolder, base.modelFolder);
    QVERIFY(!found->outputs[0].runId);
    QCOMPARE(found->outputs[1].text, tuned.text);
    QCOMPARE(*found->outputs[1].runId, run);
    QCOMPARE(*found->outputs[1].checkpointStep, int64_t(20));
    QCOMPARE(found->outputs[1].checkpointFolder, tuned.checkpointFolder);
    QCOMPARE(found->outputs[1].tokens, int64_t(3));
    QCOMPARE(found->outputs[1].seconds, 0.5);
    // Paths are stored relative to the project folder.
    QCOMPARE(project.db().queryText("SELECT model_folder FROM generation_output LIMIT 1"),
             std::string("models/base"));
    QVERIFY(!store::readGenerationComparison(file, 999));

    comparisons.remove(firstId);
    QCOMPARE(project.db().queryInt64("SELECT COUNT(*) FROM generation_output"), int64_t(1));
    QVERIFY_THROWS_EXCEPTION(Error, comparisons.add(store::GenerationComparisonRecord{}));
    QVERIFY_THROWS_EXCEPTION(Error, ComparisonSettings::fromJson("{\"top_k\": \"many\"}"));
  }

  void theJobGeneratesEachColumnAndStoresTheComparison() {
    ComparisonRequest request;
    request.prompt = "The cat has";
    request.settings.maxNewTokens = 12;
    const ModelSource base{run_.baseModel, "", ""};
    const ModelSource checkpoint{run_.baseModel, "", run_.output + "/checkpoints/step-00000002"};
    request.columns = {{"Base model", base, std::nullopt, std::nullopt, std::nullopt},
                       {"Run at step 2", checkpoint, runId_, 2, std::nullopt}};
    request.projectFile = project_;
    GenerationComparisonJob job(request);
    BasicJobContext context;
    job.run(context);
    const auto outputs = job.outputs();
    QCOMPARE(outputs.size(), size_t(2));
    QCOMPARE(outputs[0].text, directText(base, request.prompt, 12));
    QCOMPARE(outputs[1].text, directText(checkpoint, request.prompt, 12));
    QVERIFY(outputs[0].done && outputs[1].done);
    QVERIFY(outputs[0].tokens > 0);
    QVERIFY(job.comparisonId() > 0);
    const auto stored = store::readGenerationComparison(project_, job.comparisonId());
    QVERIFY(stored);
    QCOMPARE(stored->outputs.size(), size_t(2));
    QCOMPARE(stored->outputs[1].text, outputs[1].text);
    QCOMPARE(*stored->outputs[1].runId, runId_);
    QCOMPARE(stored->outputs[1].checkpointFolder, checkpoint.checkpointFolder);
  }

  void aCanceledComparisonIsNotStored() {
    const auto before = store::readGenerationComparisons(project_).size();
    ComparisonRequest request;
    request.prompt = "The dog";
    request.columns = {
        {"Base model", {run_.baseModel, "", ""}, std::nullopt, std::nullopt, std::nullopt}};
    request.projectFile = project_;
    GenerationComparisonJob job(request);
    BasicJobContext context;
    context.cancel();
    job.run(context);
    QCOMPARE(job.comparisonId(), int64_t(0));
    QCOMPARE(store::readGenerationComparisons(project_).size(), before);
  }

  // A tuned run is asked in the format its training file was rendered with: the job wraps the
  // prompt the way the Data stage wrote the training prompts, and says so in the stored label.
  void aRunIsAskedInTheFormatItWasTrainedWith() {
    const std::string question = "What is 3 plus 4?";
    QCOMPARE(renderInstructionPrompt(question, PromptPreset::Alpaca),
             std::string("Below is an instruction that describes a task. Write a response that "
                         "appropriately completes the request.\n\n### Instruction:\nWhat is 3 "
                         "plus 4?\n\n### Response:\n"));
    QCOMPARE(renderInstructionPrompt(question, PromptPreset::ChatML),
             std::string("<|im_start|>user\nWhat is 3 plus 4?<|im_end|>\n<|im_start|>assistant\n"));

    // The training files as the Data stage writes them, one per preset and kind.
    auto writeRecords = [&](const std::string& name, const std::vector<nlohmann::json>& records) {
      const auto path = dir_.filePath(QString::fromStdString(name)).toStdString();
      std::ofstream out(path);
      out << "\n";  // a blank first line is skipped
      for (const auto& record : records) out << record.dump() << "\n";
      return path;
    };
    Example instruction;
    instruction.instruction = question;
    instruction.input = "numbers";
    instruction.output = "7";
    Example chat;
    chat.messages = {{"user", question}, {"assistant", "7"}};
    const auto alpaca =
        writeRecords("alpaca.jsonl",
                     {trainerRecord(instruction, DatasetKind::Instruction, PromptPreset::Alpaca)});
    const auto chatml = writeRecords(
        "chatml.jsonl", {trainerRecord(chat, DatasetKind::Chat, PromptPreset::ChatML)});
    const auto raw = writeRecords("raw.jsonl", {nlohmann::json{{"text", "just text"}}});
    const auto plain =
        writeRecords("plain.jsonl", {nlohmann::json{{"prompt", question}, {"response", "7"}}});
    // What was asked, without the preset's text (for showing prompts to people).
    QCOMPARE(instructionOfRenderedPrompt(renderInstructionPrompt(question, PromptPreset::Alpaca)),
             question);
    QCOMPARE(instructionOfRenderedPrompt(renderInstructionPrompt(question, PromptPreset::ChatML)),
             question);
    QCOMPARE(instructionOfRenderedPrompt(trainerRecord(instruction, DatasetKind::Instruction,
                                                       PromptPreset::Alpaca)["prompt"]
                                             .get<std::string>()),
             question + "\n\nnumbers");
    QCOMPARE(instructionOfRenderedPrompt("plain question"), std::string("plain question"));
    QCOMPARE(trainedPromptPreset(alpaca, "prompt"), std::optional(PromptPreset::Alpaca));
    QCOMPARE(trainedPromptPreset(chatml, "prompt"), std::optional(PromptPreset::ChatML));
    QCOMPARE(trainedPromptPreset(raw, "prompt"), std::optional<PromptPreset>());
    QCOMPARE(trainedPromptPreset(plain, "prompt"), std::optional<PromptPreset>());
    QCOMPARE(trainedPromptPreset(alpaca, "question"), std::optional<PromptPreset>());
    QCOMPARE(trainedPromptPreset(dir_.filePath("gone.jsonl").toStdString(), "prompt"),
             std::optional<PromptPreset>());
    QCOMPARE(trainedPromptPreset(dir_.path().toStdString(), "prompt"),
             std::optional<PromptPreset>());  // a folder

    ComparisonRequest request;
    request.prompt = question;
    request.settings.maxNewTokens = 6;
    const ModelSource base{run_.baseModel, "", ""};
    ComparisonColumn trained{"Trained on Alpaca", base, runId_, std::nullopt, PromptPreset::Alpaca};
    ComparisonColumn untrained{"Base model", base, std::nullopt, std::nullopt, std::nullopt};
    request.columns = {untrained, trained};
    request.projectFile = project_;
    {
      GenerationComparisonJob job(request);  // default: as each run was trained
      BasicJobContext context;
      job.run(context);
      const auto outputs = job.outputs();
      QCOMPARE(outputs[0].text, directText(base, question, 6));
      QCOMPARE(outputs[1].text,
               directText(base, renderInstructionPrompt(question, PromptPreset::Alpaca), 6));
      const auto stored = store::readGenerationComparison(project_, job.comparisonId());
      QVERIFY(stored);
      QCOMPARE(stored->outputs[0].label, std::string("Base model · prompt: as typed"));
      QCOMPARE(stored->outputs[1].label,
               std::string("Trained on Alpaca · prompt: Alpaca (as trained)"));
      QCOMPARE(ComparisonSettings::fromJson(stored->settings).prompt, PromptChoice::AsTrained);
    }
    request.settings.prompt = PromptChoice::ChatML;  // the user's override, for every column
    request.projectFile.clear();
    GenerationComparisonJob job(request);
    BasicJobContext context;
    job.run(context);
    const auto chatmlPrompt = renderInstructionPrompt(question, PromptPreset::ChatML);
    QCOMPARE(job.outputs()[0].text, directText(base, chatmlPrompt, 6));
    QCOMPARE(job.outputs()[1].text, directText(base, chatmlPrompt, 6));
    QCOMPARE(columnPromptFormat(trained, PromptChoice::ChatML), std::string("ChatML"));
    QCOMPARE(columnPromptFormat(trained, PromptChoice::AsTyped), std::string("as typed"));
    QCOMPARE(columnPromptFormat(trained, PromptChoice::ChatTemplate), std::string("chat template"));
  }

  // Every prompt choice survives the stored settings; comparisons stored before there was a
  // choice read as what they did ("chat": the template, else as typed).
  void promptChoicesRoundTripAndOldSettingsStillRead() {
    for (const auto& name : promptChoiceNames()) {
      ComparisonSettings settings;
      settings.prompt = name.value;
      QCOMPARE(ComparisonSettings::fromJson(settings.toJson()).prompt, name.value);
    }
    QCOMPARE(ComparisonSettings::fromJson("{\"chat\": true}").prompt, PromptChoice::ChatTemplate);
    QCOMPARE(ComparisonSettings::fromJson("{\"chat\": false}").prompt, PromptChoice::AsTyped);
    QVERIFY_THROWS_EXCEPTION(Error, ComparisonSettings::fromJson("{\"prompt\": \"shouting\"}"));
  }

  void badRequestsFailWithAMessage() {
    BasicJobContext context;
    ComparisonRequest empty;
    empty.columns = {{"Base", {run_.baseModel, "", ""}, std::nullopt, std::nullopt, std::nullopt}};
    QVERIFY_THROWS_EXCEPTION(Error, GenerationComparisonJob(empty).run(context));
    ComparisonRequest missing;
    missing.prompt = "x";
    missing.columns = {{"Gone",
                        {dir_.filePath("gone").toStdString(), "", ""},
                        std::nullopt,
                        std::nullopt,
                        std::nullopt}};
    try {
      GenerationComparisonJob(missing).run(context);
      QFAIL("a missing model folder must fail");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("Gone") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(GenerationComparisonJobTest)
#include "tst_generation_comparison_job.moc"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "TrainingRecorder.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "jobs/BasicJobContext.h"
#include "model/FusedOps.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "model/VectorExp.h"
#include "peft/LoraModel.h"
#include "tokenizer/TokenizerLoader.h"
#include "train/AdaDelta.h"
#include "train/Checkpoint.h"
#include "train/ChunkedCrossEntropy.h"
#include "train/FusedAdamW.h"
#include "train/LearningRateSchedule.h"
#include "train/Trainer.h"
#include "train/TrainingBatches.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

using Recorder = tunebench::testing::TrainingRecorder;

}  // namespace

class TrainingTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_;
  std::string data_;

  nlohmann::json baseConfig(const QString& output) {
    return {{"model", model_},
            {"output", dir_.filePath(output).toStdString()},
            {"objective", "causal_lm"},
            {"data",
             {{"train", data_ + "/train.jsonl"},
              {"validation", data_ + "/val.jsonl"},
              {"max_length", 48}}},
            {"optimizer", {{"name", "adamw"}, {"lr", 0.003}}},
            {"batch_size", 4},
            {"epochs", 1},
            {"threads", 1},
            {"seed", 5}};
  }
  TrainingResult train(const nlohmann::json& json, Recorder& recorder, bool resume = false) {
    Trainer trainer(parseTrainingConfig(json, "run.json"), resume);
    trainer.run(recorder.context);
    return trainer.result();
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
    data_ = dir_.path().toStdString();
    std::ofstream train(data_ + "/train.jsonl"), val(data_ + "/val.jsonl");
    const char* animals[] = {"cat", "dog", "owl", "fox"};
    for (int i = 0; i < 40; ++i) {
      const int a = i % 10, b = (i * 7) % 10;
      const std::string text = "The " + std::string(animals[i % 4]) + " has " + std::to_string(a) +
                               " and " + std::to_string(b) + ".";
      nlohmann::json record{
          {"text", text},
          {"prompt", "What is " + std::to_string(a) + " plus " + std::to_string(b) + "?"},
          {"response", " " + std::to_string(a + b)}};
      (i < 32 ? train : val) << record.dump() << "\n";
    }
  }

  void lossDecreasesForEveryOptimizer_data() {
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<double>("lr");
    QTest::newRow("sgd mini-batch") << "{\"name\":\"sgd\"}" << 0.2;
    QTest::newRow("sgd momentum") << "{\"name\":\"sgd\",\"momentum\":0.9}" << 0.1;
    QTest::newRow("sgd nesterov") << "{\"name\":\"sgd\",\"momentum\":0.9,\"nesterov\":true}" << 0.1;
    QTest::newRow("adagrad") << "{\"name\":\"adagrad\"}" << 0.05;
    QTest::newRow("rmsprop") << "{\"name\":\"rmsprop\"}" << 0.003;
    QTest::newRow("adadelta") << "{\"name\":\"adadelta\"}" << 30.0;
    QTest::newRow("adam") << "{\"name\":\"adam\"}" << 0.005;
    QTest::newRow("adamw") << "{\"name\":\"adamw\",\"weight_decay\":0.1}" << 0.005;
  }
  void lossDecreasesForEveryOptimizer() {
    QFETCH(QString, optimizer);
    QFETCH(double, lr);
    auto json = baseConfig(QString("opt-") + QTest::currentDataTag());
    json["optimizer"] = nlohmann::json::parse(optimizer.toStdString());
    json["optimizer"]["lr"] = lr;
    json["schedule"] = {{"name", "constant"}};
    json["epochs"] = 3;
    json["data"].erase("validation");
    Recorder recorder;
    const auto result = train(json, recorder);
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    QCOMPARE(result.steps, int64_t(24));
    const double first = recorder.losses.begin()->second, last = recorder.losses.rbegin()->second;
    QVERIFY2(last < 0.8 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
    QVERIFY(fs::exists(result.finalModelFolder + "/model.safetensors"));
  }

  // SFT examples cut inside their prompts teach nothing: all of them is an error naming the
  // file and the setting, some of them a warning.
  void promptsFillingMaxLengthAreReported() {
    auto json = baseConfig("cut-prompts");
    json["objective"] = "sft";
    json["data"]["max_length"] = 4;
    Recorder recorder;
    try {
      train(json, recorder);
      QFAIL("training on examples without targets started");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("raise data.max_length") != std::string::npos, e.what());
      QVERIFY(std::string(e.what()).find("train.jsonl") != std::string::npos);
    }
    // Short prompts keep their answers at this length, long ones lose them.
    const auto mixed = data_ + "/mixed.jsonl";
    {
      std::ofstream out(mixed);
      for (int i = 0; i < 8; ++i)
        out << nlohmann::json{{"prompt",
                               i % 2 ? "Sum?" : "Please add up all of these numbers now?"},
                              {"response", " 12"}}
                   .dump()
            << "\n";
    }
    json["output"] = dir_.filePath("cut-some").toStdString();
    json["data"] = {{"train", mixed}, {"max_length", 12}};
    json["max_steps"] = 1;
    Recorder some;
    train(json, some);
    bool warned = false;
    for (const auto& text : some.warnings)
      warned |= text.find("4 training examples keep no response token") != std::string::npos;
    QVERIFY(warned);
  }

  void fullBatchSgdTakesOneStepPerEpoch() {
    auto json = baseConfig("full-batch");
    json["optimizer"] = {{"name", "sgd"}, {"lr", 0.5}};
    json["full_batch"] = true;
    json["epochs"] = 4;
    Recorder recorder;
    QCOMPARE(train(json, recorder).steps, int64_t(4));
  }

  void sftLearnsOnlyResponses() {
    const auto encoder = encoderForModelFolder(model_);
    DataConfig data;
    data.maxLength = 64;
    const auto dataset = loadTrainingDataset(data_ + "/train.jsonl", data, Objective::Sft, encoder);
    const auto& example = dataset.examples.front();
    const auto promptLength = 1 + encoder.encode("What is 0 plus 0?").size();
    for (size_t i = 0; i < example.ids.size(); ++i)
      QCOMPARE(example.labels[i], i < promptLength ? kIgnoredLabel : example.ids[i]);
    QCOMPARE(example.ids.back(), encoder.eosId);
  }

  // Models with a tokenizer.json (Qwen2 and GPT-2 style byte-level BPE) train the same way:
  // no BOS (their rules add none), <|endoftext|> closes every example, and the loss falls.
  void bpeTokenizerModelsTrain() {
    const std::string qwen = dir_.filePath("qwen2").toStdString();
    makeRandomModel({"qwen2", "tiny", qwen, 4});
    QVERIFY(fs::exists(qwen + "/tokenizer.json"));
    const auto encoder = encoderForModelFolder(qwen);
    QCOMPARE(encoder.bosId, int64_t(-1));
    const auto loaded = loadTokenizer(qwen);
    QCOMPARE(encoder.eosId, int64_t(loaded.tokenizer->tokenToId("<|endoftext|>")));
    const auto ids = loaded.tokenizer->encode("What is 3 plus 4?", false);
    QCOMPARE(encoder.encode("What is 3 plus 4?"), std::vector<int64_t>(ids.begin(), ids.end()));
    DataConfig data;
    data.maxLength = 64;
    const auto dataset = loadTrainingDataset(data_ + "/train.jsonl", data, Objective::Sft, encoder);
    QCOMPARE(dataset.examples.front().ids.back(), encoder.eosId);
    QCOMPARE(dataset.examples.front().labels.front(), kIgnoredLabel);

    auto json = baseConfig("qwen2-run");
    json["model"] = qwen;
    json["objective"] = "sft";
    json["epochs"] = 3;
    json["schedule"] = {{"name", "constant"}};
    json["data"].erase("validation");
    Recorder recorder;
    const auto result = train(json, recorder);
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    const double first = recorder.losses.begin()->second, last = recorder.losses.rbegin()->second;
    QVERIFY2(last < 0.8 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
  }

  void packedRowsMatchSeparateSequences() {
    auto loaded = loadModelFolder(model_);
    TokenizedExample a{{1, 40, 41, 42, 2}, {1, 40, 41, 42, 2}, {}};
    TokenizedExample b{{1, 50, 51, 2}, {1, 50, 51, 2}, {}};
    const auto rows = packExamples({a, b}, 16);
    QCOMPARE(rows.size(), size_t(1));
    QCOMPARE(rows[0].segments, (std::vector<int64_t>{0, 0, 0, 0, 0, 1, 1, 1, 1}));
    QCOMPARE(rows[0].labels[5], kIgnoredLabel);  // not predicted across the boundary
    torch::NoGradGuard noGrad;
    const auto packed = forwardBatch(*loaded.model, collate({&rows[0]}, torch::kCPU))[0];
    const auto alone = forwardBatch(*loaded.model, collate({&b}, torch::kCPU))[0];
    QVERIFY(torch::allclose(packed.narrow(0, 5, 4), alone, 1e-4, 1e-5));
  }

  void adaDeltaFollowsItsUpdateRule() {
    auto parameter = torch::tensor({1.0, -2.0}, torch::dtype(torch::kFloat64).requires_grad(true));
    AdaDelta optimizer({torch::optim::OptimizerParamGroup({parameter})},
                       AdaDeltaOptions(1.0).rho(0.9).eps(1e-6));
    parameter.mutable_grad() = torch::tensor({0.5, -1.0}, torch::kFloat64);
    optimizer.step();
    // By hand: v = 0.1 g²; Δ = √(0 + ε)/√(v + ε) · g; θ = θ − Δ.
    const double eps = 1e-6;
    for (int i = 0; i < 2; ++i) {
      const double g = i == 0 ? 0.5 : -1.0, theta = i == 0 ? 1.0 : -2.0;
      const double v = 0.1 * g * g, delta = std::sqrt(eps) / std::sqrt(v + eps) * g;
      QVERIFY(std::abs(parameter[i].item<double>() - (theta - delta)) < 1e-9);
    }
    // Second step uses the accumulated Δ².
    const double g0 = 0.5, v1 = 0.1 * g0 * g0, d1 = std::sqrt(eps) / std::sqrt(v1 + eps) * g0;
    const double u1 = 0.1 * d1 * d1, g1 = 0.25, v2 = 0.9 * v1 + 0.1 * g1 * g1;
    const double d2 = std::sqrt(u1 + eps) / std::sqrt(v2 + eps) * g1;
    const double before = parameter[0].item<double>();
    parameter.mutable_grad() = torch::tensor({0.25, 0.0}, torch::kFloat64);
    optimizer.step();
    QVERIFY(std::abs(parameter[0].item<double>() - (before - d2)) < 1e-9);
  }

  void resumeContinuesBitForBit_data() {
    QTest::addColumn<int>("stopAfter");
    QTest::addColumn<int>("accumulation");
    QTest::newRow("mid-epoch") << 5 << 1;
    QTest::newRow("epoch boundary") << 8 << 1;
    QTest::newRow("with accumulation") << 3 << 2;
  }
  void resumeContinuesBitForBit() {
    QFETCH(int, stopAfter);
    QFETCH(int, accumulation);
    const QString tag = QString("resume-%1-%2").arg(stopAfter).arg(accumulation);
    auto json = baseConfig(tag + "-whole");
    json["epochs"] = 2;
    json["gradient_accumulation"] = accumulation;
    json["eval_every"] = 4;
    json["schedule"] = {{"name", "cosine"}, {"warmup_steps", 2}};
    Recorder whole;
    const auto uninterrupted = train(json, whole);

    json["output"] = dir_.filePath(tag + "-split").toStdString();
    Recorder first;
    first.cancelAfter = stopAfter;
    QCOMPARE(train(json, first).stopReason, tunebench::StopReason::Stopped);
    Recorder second;
    const auto resumed = train(json, second, true);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    QCOMPARE(second.losses.begin()->first, int64_t(stopAfter + 1));
    for (const auto& [step, loss] : second.losses)
      QVERIFY2(loss == whole.losses.at(step), qPrintable(QString("step %1").arg(step)));
    auto a = loadModelFolder(uninterrupted.finalModelFolder),
         b = loadModelFolder(resumed.finalModelFolder);
    for (size_t i = 0; i < a.model->parameters().size(); ++i)
      QVERIFY(torch::equal(a.model->parameters()[i], b.model->parameters()[i]));
  }

  // A damaged newest checkpoint (a disk error, a file cut short) does not end the resume: the
  // one before it is used, the log says which and why, and the run still ends bit for bit.
  void aDamagedNewestCheckpointFallsBackToTheOneBefore() {
    auto json = baseConfig("damaged-whole");
    json["epochs"] = 2;
    json["checkpoint_every"] = 2;
    json["keep_checkpoints"] = 3;
    Recorder whole;
    const auto uninterrupted = train(json, whole);

    json["output"] = dir_.filePath("damaged-split").toStdString();
    Recorder first;
    first.cancelAfter = 5;
    QCOMPARE(train(json, first).stopReason, tunebench::StopReason::Stopped);
    const fs::path newest =
        fs::path(json["output"].get<std::string>()) / "checkpoints" / "step-00000005";
    QVERIFY(fs::exists(newest / "DONE"));
    fs::resize_file(newest / "optimizer.pt", fs::file_size(newest / "optimizer.pt") / 2);

    Recorder second;
    const auto resumed = train(json, second, true);
    QCOMPARE(second.losses.begin()->first, int64_t(5));
    QVERIFY(second.logged("resuming from the checkpoint of step 4 instead"));
    QVERIFY(second.logged("the checkpoint of step 5 cannot be read"));
    auto a = loadModelFolder(uninterrupted.finalModelFolder),
         b = loadModelFolder(resumed.finalModelFolder);
    for (size_t i = 0; i < a.model->parameters().size(); ++i)
      QVERIFY(torch::equal(a.model->parameters()[i], b.model->parameters()[i]));
  }

  // A new run never writes over a user's files, into the model folder or at a filesystem root.
  void aRunRefusesAnOutputFolderThatIsNotARuns_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("user files") << "user"
                                << "holds files that are not a run's (notes.txt, run.json)";
    QTest::newRow("model folder") << "model"
                                  << "is the model folder";
    QTest::newRow("root") << "root"
                          << "is a filesystem root";
    QTest::newRow("empty") << "empty"
                           << "the output folder is empty";
  }
  void aRunRefusesAnOutputFolderThatIsNotARuns() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    auto json = baseConfig("foreign");
    json["max_steps"] = 1;
    const fs::path folder = dir_.filePath("foreign").toStdString();
    if (kind == "user") {
      fs::create_directories(folder);
      std::ofstream(folder / "notes.txt") << "mine\n";
      std::ofstream(folder / "run.json") << json.dump();  // the user's config, named run.json
    }
    if (kind == "model") json["output"] = model_;
    if (kind == "root") json["output"] = "/";
    if (kind == "empty") json["output"] = "";
    try {
      Recorder recorder;
      train(json, recorder);
      QFAIL("the run started");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find(expected.toStdString()) != std::string::npos, e.what());
    }
    if (kind == "user") {
      QCOMPARE(nlohmann::json::parse(std::ifstream(folder / "run.json")), json);
      QVERIFY(!fs::exists(folder / "checkpoints"));
    }
  }

  // Checkpointed layers give the gradients of a plain pass, LoRA dropout included (the replay
  // draws the same masks); a run with it gives the same losses.
  void activationCheckpointingKeepsGradients_data() {
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<bool>("lora");
    QTest::newRow("llama") << "llama" << false;
    QTest::newRow("llama lora dropout") << "llama" << true;
    QTest::newRow("gpt2") << "gpt2" << false;
  }
  void activationCheckpointingKeepsGradients() {
    QFETCH(QString, architecture);
    QFETCH(bool, lora);
    const auto folder = dir_.filePath("ckpt-" + architecture).toStdString();
    if (!fs::exists(folder)) makeRandomModel({architecture.toStdString(), "tiny", folder, 6});
    auto loaded = loadModelFolder(folder);
    auto& model = *loaded.model;
    if (lora) {
      LoraConfig config;
      config.dropout = 0.3;
      applyLora(model, config);
      // B starts at zero, which would leave A without gradient to compare.
      torch::NoGradGuard noGrad;
      for (auto& item : model.named_parameters())
        if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0.0, 0.1);
    }
    model.train();
    torch::manual_seed(2);
    const auto ids = torch::randint(0, model.config().vocabSize, {2, 12}, torch::kInt64);
    auto gradients = [&](bool checkpoint) {
      model.setActivationCheckpointing(checkpoint);
      for (auto& parameter : model.parameters()) parameter.mutable_grad() = torch::Tensor();
      torch::manual_seed(9);
      ForwardInput input;
      input.inputIds = ids;
      summedTokenLoss(model.forward(input), ids).backward();
      std::vector<torch::Tensor> out;
      for (const auto& parameter : model.parameters())
        if (parameter.requires_grad()) out.push_back(parameter.grad().clone());
      return out;
    };
    const auto plain = gradients(false);
    const auto checkpointed = gradients(true);
    QCOMPARE(checkpointed.size(), plain.size());
    for (size_t i = 0; i < plain.size(); ++i) {
      QVERIFY2(plain[i].abs().sum().item<double>() > 0,
               qPrintable(QString("gradient %1 is zero").arg(i)));
      QVERIFY2(torch::allclose(plain[i], checkpointed[i], 1e-5, 1e-7),
               qPrintable(QString("gradient %1 differs").arg(i)));
    }
  }

  // The chunked loss against the unchunked expression cross_entropy(hidden Wᵀ, targets, sum):
  // value and both gradients, with ignored rows and chunks that do not divide the rows.
  void chunkedCrossEntropyMatchesTheFullLogits_data() {
    QTest::addColumn<int>("rowsPerChunk");
    QTest::newRow("one row") << 1;
    QTest::newRow("three rows") << 3;
    QTest::newRow("all in one") << 64;
    QTest::newRow("default") << 0;
  }
  void chunkedCrossEntropyMatchesTheFullLogits() {
    QFETCH(int, rowsPerChunk);
    torch::manual_seed(3);
    const auto hiddenStart = torch::randn({11, 8}, torch::kFloat64).to(torch::kFloat32);
    const auto weightStart = torch::randn({37, 8}) * 0.5;
    auto targets = torch::randint(0, 37, {11}, torch::kInt64);
    targets[2] = kIgnoredLabel;
    targets[7] = kIgnoredLabel;
    auto run = [&](bool chunked) {
      auto hidden = hiddenStart.clone().requires_grad_(true);
      auto weight = weightStart.clone().requires_grad_(true);
      const auto loss =
          chunked ? chunkedLinearCrossEntropy(hidden, weight, targets, kIgnoredLabel, rowsPerChunk)
                  : torch::nn::functional::cross_entropy(
                        hidden.mm(weight.t()), targets,
                        torch::nn::functional::CrossEntropyFuncOptions()
                            .ignore_index(kIgnoredLabel)
                            .reduction(torch::kSum));
      (loss * 0.25).backward();
      return std::vector<torch::Tensor>{loss.detach(), hidden.grad(), weight.grad()};
    };
    const auto full = run(false), chunked = run(true);
    baselineKernelsForced() = true;  // the x86-64 baseline kernels, on a CPU with AVX2 too
    const auto baseline = run(true);
    baselineKernelsForced() = false;
    for (const auto& ours : {chunked, baseline}) {
      QVERIFY(torch::allclose(ours[0], full[0], 1e-6, 1e-5));
      QVERIFY(torch::allclose(ours[1], full[1], 1e-5, 1e-6));
      QVERIFY(torch::allclose(ours[2], full[2], 1e-5, 1e-6));
    }
    QVERIFY(torch::equal(chunked[1][2], torch::zeros({8})));  // an ignored row: no gradient
    torch::NoGradGuard noGrad;
    QVERIFY(torch::allclose(
        chunkedLinearCrossEntropy(hiddenStart, weightStart, targets, kIgnoredLabel, rowsPerChunk),
        full[0], 1e-6, 1e-5));
  }

  // The hand-written backward passes against autograd on the plain expressions.
  void fusedOpsMatchAutograd() {
    torch::manual_seed(8);
    // A small shape, and one large enough to be split over threads.
    for (const auto& shape : {std::vector<int64_t>{3, 5, 16}, std::vector<int64_t>{4, 300, 96}}) {
      const auto gateStart = torch::randn(shape), upStart = torch::randn(shape);
      const auto outputGrad = torch::randn(shape);
      auto swiGluGradients = [&](bool fused) {
        auto gate = gateStart.clone().requires_grad_(true),
             up = upStart.clone().requires_grad_(true);
        const auto out = fused ? swiGlu(gate, up) : torch::silu(gate) * up;
        out.backward(outputGrad);
        return std::vector<torch::Tensor>{out.detach(), gate.grad(), up.grad()};
      };
      const auto plainGlu = swiGluGradients(false), fusedGlu = swiGluGradients(true);
      for (size_t i = 0; i < plainGlu.size(); ++i)
        QVERIFY(torch::allclose(fusedGlu[i], plainGlu[i], 1e-5, 1e-6));
      // The kernels built for the x86-64 baseline (the CPU may run the AVX2 ones).
      baselineKernelsForced() = true;
      const auto baselineGlu = swiGluGradients(true);
      baselineKernelsForced() = false;
      for (size_t i = 0; i < plainGlu.size(); ++i)
        QVERIFY(torch::allclose(baselineGlu[i], plainGlu[i], 1e-5, 1e-6));
      {
        torch::NoGradGuard noGrad;
        QVERIFY(torch::allclose(swiGlu(gateStart, upStart), plainGlu[0], 1e-5, 1e-6));
      }

      const auto weightStart = torch::randn({shape.back()});
      auto normGradients = [&](bool fused) {
        auto x = gateStart.clone().requires_grad_(true);
        auto weight = weightStart.clone().requires_grad_(true);
        const auto out = fused ? rmsNorm(x, weight, 1e-5)
                               : weight * (x * torch::rsqrt(x.pow(2).mean(-1, true) + 1e-5));
        out.backward(outputGrad);
        return std::vector<torch::Tensor>{out.detach(), x.grad(), weight.grad()};
      };
      const auto plainNorm = normGradients(false), fusedNorm = normGradients(true);
      QVERIFY(torch::allclose(fusedNorm[0], plainNorm[0], 1e-5, 1e-6));
      QVERIFY(torch::allclose(fusedNorm[1], plainNorm[1], 1e-5, 1e-5));
      QVERIFY(torch::allclose(fusedNorm[2], plainNorm[2], 1e-4, 1e-4));
      // A frozen weight: only x gets a gradient.
      auto x = gateStart.clone().requires_grad_(true);
      rmsNorm(x, weightStart, 1e-5).backward(outputGrad);
      QVERIFY(torch::allclose(x.grad(), plainNorm[1], 1e-5, 1e-5));
      // A non-contiguous input (a transposed view) gives the same values.
      const auto transposed = gateStart.transpose(0, 1).contiguous().transpose(0, 1);
      QVERIFY(torch::allclose(rmsNorm(transposed, weightStart, 1e-5), plainNorm[0], 1e-5, 1e-6));
    }
  }

  // The one-pass AdamW against LibTorch's, with and without weight decay, over several steps;
  // its state is AdamW's, so LibTorch's AdamW carries on from it.
  void fusedAdamWMatchesLibTorchAdamW() {
    torch::manual_seed(10);
    const auto start = torch::randn({70000});  // large enough to be split over threads
    std::vector<torch::Tensor> grads;
    for (int i = 0; i < 4; ++i) grads.push_back(torch::randn({70000}));
    for (double decay : {0.0, 0.1}) {
      auto ours = start.clone().requires_grad_(true), theirs = start.clone().requires_grad_(true);
      torch::optim::AdamWOptions options(1e-2);
      options.weight_decay(decay).betas({0.8, 0.95}).eps(1e-6);
      FusedAdamW fused({ours}, options);
      torch::optim::AdamW reference({theirs}, options);
      for (size_t step = 0; step < 3; ++step) {
        ours.mutable_grad() = grads[step].clone();
        theirs.mutable_grad() = grads[step].clone();
        fused.step();
        reference.step();
        QVERIFY2(torch::allclose(ours, theirs, 1e-6, 1e-6),
                 qPrintable(QString("decay %1, step %2: max difference %3")
                                .arg(decay)
                                .arg(step + 1)
                                .arg((ours - theirs).abs().max().item<double>())));
      }
      std::stringstream saved;
      torch::serialize::OutputArchive archive;
      fused.save(archive);
      archive.save_to(saved);
      auto resumed = ours.detach().clone().requires_grad_(true);
      torch::optim::AdamW carryOn({resumed}, options);
      torch::serialize::InputArchive input;
      input.load_from(saved);
      carryOn.load(input);
      resumed.mutable_grad() = grads[3].clone();
      theirs.mutable_grad() = grads[3].clone();
      carryOn.step();
      reference.step();
      QVERIFY(torch::allclose(resumed, theirs, 1e-6, 1e-6));
    }
  }

  // The one-pass rotary embedding against x·cos + cat(−x₂, x₁)·sin: strided input (as the
  // projection leaves it), contiguous input, cos and sin shared over the batch, one position.
  void rotaryMatchesThePlainExpression() {
    torch::manual_seed(11);
    struct Case {
      int64_t batch, heads, length, dim, tableBatch;
      bool transposed;
    };
    for (const auto& c :
         {Case{2, 3, 5, 8, 2, true}, Case{2, 3, 5, 8, 1, false}, Case{1, 4, 1, 16, 1, true}}) {
      const auto angles = torch::rand({c.tableBatch, c.length, c.dim / 2}) * 10;
      const auto full = torch::cat({angles, angles}, -1).unsqueeze(1);
      const auto cos = full.cos(), sin = full.sin();
      const auto start = c.transposed ? torch::randn({c.batch, c.length, c.heads, c.dim})
                                      : torch::randn({c.batch, c.heads, c.length, c.dim});
      const auto outputGrad = torch::randn({c.batch, c.heads, c.length, c.dim});
      auto run = [&](bool fused) {
        auto leaf = start.clone().requires_grad_(true);
        const auto x = c.transposed ? leaf.transpose(1, 2) : leaf;
        torch::Tensor out;
        if (fused) {
          out = rotary(x, cos, sin);
        } else {
          const int64_t half = c.dim / 2;
          out = x * cos + torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1) * sin;
        }
        out.backward(outputGrad);
        return std::vector<torch::Tensor>{out.detach(), leaf.grad()};
      };
      const auto plain = run(false), fused = run(true);
      for (size_t i = 0; i < plain.size(); ++i) {
        QCOMPARE(fused[i].sizes(), plain[i].sizes());
        QVERIFY2(torch::allclose(fused[i], plain[i], 1e-6, 1e-6),
                 qPrintable(QString("tensor %1: max difference %2")
                                .arg(i)
                                .arg((fused[i] - plain[i]).abs().max().item<double>())));
      }
    }
  }

  // The grouped causal attention against the textbook expression: keys and values repeated per
  // query head, scores masked above the diagonal, softmax, values. Inputs are strided as the
  // projections leave them ([B, T, H, D] transposed).
  void causalAttentionMatchesTheTextbookExpression() {
    torch::manual_seed(9);
    for (const auto& [heads, kvHeads, length] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
             {4, 4, 7}, {6, 2, 5}, {3, 1, 1}, {6, 2, 37}}) {
      const int64_t batch = 2, dim = 8;
      const auto qStart = torch::randn({batch, length, heads, dim});
      const auto kStart = torch::randn({batch, length, kvHeads, dim});
      const auto vStart = torch::randn({batch, length, kvHeads, dim});
      const auto outputGrad = torch::randn({batch, heads, length, dim});
      auto run = [&](bool fused) {
        auto q = qStart.clone().requires_grad_(true), k = kStart.clone().requires_grad_(true),
             v = vStart.clone().requires_grad_(true);
        const auto qh = q.transpose(1, 2), kh = k.transpose(1, 2), vh = v.transpose(1, 2);
        torch::Tensor out;
        if (fused) {
          out = causalAttention(qh, kh, vh);
        } else {
          const auto keys = kh.repeat_interleave(heads / kvHeads, 1);
          const auto values = vh.repeat_interleave(heads / kvHeads, 1);
          auto scores = torch::matmul(qh, keys.transpose(-2, -1)) / std::sqrt(double(dim));
          const auto future = torch::ones({length, length}, torch::kBool).triu(1);
          scores = scores.masked_fill(future, -std::numeric_limits<float>::infinity());
          out = torch::matmul(torch::softmax(scores, -1), values);
        }
        out.backward(outputGrad);
        return std::vector<torch::Tensor>{out.detach(), q.grad(), k.grad(), v.grad()};
      };
      const auto plain = run(false), fused = run(true);
      baselineKernelsForced() = true;  // the x86-64 baseline kernels, on a CPU with AVX2 too
      const auto baseline = run(true);
      baselineKernelsForced() = false;
      for (const auto& ours : {fused, baseline})
        for (size_t i = 0; i < plain.size(); ++i) {
          QCOMPARE(ours[i].sizes(), plain[i].sizes());
          QVERIFY2(torch::allclose(ours[i], plain[i], 1e-5, 1e-5),
                   qPrintable(QString("heads %1/%2, length %3, tensor %4: max difference %5")
                                  .arg(heads)
                                  .arg(kvHeads)
                                  .arg(length)
                                  .arg(i)
                                  .arg((ours[i] - plain[i]).abs().max().item<double>())));
        }
      // Without gradients (scoring, generation's first pass) it gives the same output.
      torch::NoGradGuard noGrad;
      QVERIFY(torch::allclose(
          causalAttention(qStart.transpose(1, 2), kStart.transpose(1, 2), vStart.transpose(1, 2)),
          plain[0], 1e-5, 1e-5));
    }
  }

  void chunkedCrossEntropyRefusesBadTargets() {
    const auto hidden = torch::zeros({2, 4}), weight = torch::zeros({5, 4});
    for (int64_t bad : {int64_t(5), int64_t(-3)}) {
      try {
        chunkedLinearCrossEntropy(hidden, weight, torch::tensor({int64_t(1), bad}), kIgnoredLabel);
        QFAIL("target outside the vocabulary accepted");
      } catch (const Error& error) {
        QVERIFY2(std::string(error.what()).find("outside the vocabulary of 5") != std::string::npos,
                 error.what());
      }
    }
    QVERIFY_THROWS_EXCEPTION(
        Error, chunkedLinearCrossEntropy(hidden, torch::zeros({5, 3}),
                                         torch::tensor({int64_t(1), int64_t(2)}), kIgnoredLabel));
  }

  // The model-level loss takes the chunked path for tied and untied heads, and the logits path
  // when an adapter sits on the head; all give the logits path's loss and gradients.
  void batchLossMatchesTheLogitsPath_data() {
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<bool>("loraOnHead");
    QTest::newRow("llama (untied head)") << "llama" << false;
    QTest::newRow("gpt2 (tied embeddings)") << "gpt2" << false;
    QTest::newRow("llama, LoRA on lm_head") << "llama" << true;
  }
  void batchLossMatchesTheLogitsPath() {
    QFETCH(QString, architecture);
    QFETCH(bool, loraOnHead);
    const auto folder = dir_.filePath("ce-" + architecture).toStdString();
    if (!fs::exists(folder)) makeRandomModel({architecture.toStdString(), "tiny", folder, 4});
    auto loaded = loadModelFolder(folder);
    auto& model = *loaded.model;
    if (loraOnHead) {
      LoraConfig config;
      config.targets = {"lm_head", "q_proj"};
      applyLora(model, config);
    }
    QCOMPARE(model.plainOutputWeight().defined(), !loraOnHead);
    model.train();
    torch::manual_seed(4);
    TrainingBatch batch;
    batch.inputIds = torch::randint(0, model.config().vocabSize, {2, 10}, torch::kInt64);
    batch.labels = batch.inputIds.clone();
    batch.labels.narrow(1, 0, 4).fill_(kIgnoredLabel);  // a prompt
    auto run = [&](bool logitsPath) {
      for (auto& parameter : model.parameters()) parameter.mutable_grad() = torch::Tensor();
      const auto loss = logitsPath ? summedTokenLoss(forwardBatch(model, batch), batch.labels)
                                   : summedTokenLoss(model, batch);
      loss.backward();
      std::vector<torch::Tensor> out{loss.detach()};
      for (const auto& parameter : model.parameters())
        if (parameter.requires_grad()) out.push_back(parameter.grad().clone());
      return out;
    };
    const auto viaLogits = run(true), chunked = run(false);
    QCOMPARE(chunked.size(), viaLogits.size());
    for (size_t i = 0; i < chunked.size(); ++i)
      QVERIFY2(torch::allclose(chunked[i], viaLogits[i], 1e-4, 1e-6),
               qPrintable(QString::number(i)));
  }

  void activationCheckpointingRunMatchesPlainRun() {
    auto json = baseConfig("plain-activations");
    json["max_steps"] = 3;
    json["data"].erase("validation");
    Recorder plain;
    train(json, plain);
    json["output"] = dir_.filePath("checkpointed-activations").toStdString();
    json["activation_checkpointing"] = true;
    Recorder checkpointed;
    train(json, checkpointed);
    QCOMPARE(checkpointed.losses.size(), size_t(3));
    for (const auto& [step, loss] : plain.losses)
      QVERIFY2(
          std::abs(loss - checkpointed.losses.at(step)) <= 1e-6 * std::abs(loss),
          qPrintable(
              QString("step %1: %2 vs %3").arg(step).arg(loss).arg(checkpointed.losses.at(step))));
  }

  void halfWrittenCheckpointsAreIgnored() {
    auto json = baseConfig("half-written");
    json["checkpoint_every"] = 2;
    json["max_steps"] = 4;
    Recorder recorder;
    train(json, recorder);
    const fs::path root = dir_.filePath("half-written/checkpoints").toStdString();
    fs::create_directories(root / "step-00000009.partial");
    fs::create_directories(root / "step-00000008");  // no DONE: the write was interrupted
    QCOMPARE(fs::path(*latestCheckpoint(root.string())).filename().string(),
             std::string("step-00000004"));
  }

  void nonFiniteGradientPausesWithNothingApplied() {
    auto json = baseConfig("nan");
    json["checkpoint_every"] = 2;
    Trainer trainer(parseTrainingConfig(json, "run.json"), false);
    std::vector<torch::Tensor> before;
    trainer.hooks.afterBackward = [&](int64_t step, CausalLMImpl& model) {
      if (step != 3) return;
      for (const auto& parameter : model.parameters()) before.push_back(parameter.detach().clone());
      model.parameters().front().mutable_grad().fill_(std::nan(""));
    };
    Recorder recorder;
    trainer.run(recorder.context);
    QCOMPARE(trainer.result().stopReason, tunebench::StopReason::NonFiniteLoss);
    QCOMPARE(trainer.result().steps, int64_t(3));
    QVERIFY(!recorder.warnings.empty());
    // The checkpoint of step 2 is the newest and intact; resuming from it works.
    QCOMPARE(fs::path(*latestCheckpoint(json["output"].get<std::string>() + "/checkpoints"))
                 .filename()
                 .string(),
             std::string("step-00000002"));
    Recorder resumed;
    QCOMPARE(train(json, resumed, true).stopReason, tunebench::StopReason::Completed);
  }

  void resumeRefusesChangedData() {
    auto json = baseConfig("changed");
    json["max_steps"] = 2;
    json["data"]["train"] = data_ + "/changed.jsonl";
    fs::copy_file(data_ + "/train.jsonl", data_ + "/changed.jsonl");
    Recorder recorder;
    train(json, recorder);
    std::ofstream(data_ + "/changed.jsonl", std::ios::app) << "{\"text\": \"one more line\"}\n";
    json["max_steps"] = 4;
    try {
      Recorder again;
      train(json, again, true);
      QFAIL("resume must refuse changed data");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("training data or its settings changed"), e.what());
    }
  }

  void earlyStoppingKeepsTheBestCheckpoint() {
    auto json = baseConfig("early");
    json["optimizer"]["lr"] = 0.05;  // overshoots, so validation stops improving
    json["epochs"] = 30;
    json["eval_every"] = 1;
    json["keep_checkpoints"] = 1;
    json["early_stopping"] = {{"patience", 2}};
    Recorder recorder;
    const auto result = train(json, recorder);
    QCOMPARE(result.stopReason, tunebench::StopReason::EarlyStopping);
    const auto kept = completeCheckpoints(json["output"].get<std::string>() + "/checkpoints");
    QVERIFY(std::any_of(kept.begin(), kept.end(), [&](const auto& item) {
      return item.first == result.steps - 2;  // the best: two evaluations before the stop
    }));
  }

  void schedules() {
    ScheduleConfig linear{ScheduleKind::Linear, 10, 0.0, 100, 0.5};
    QCOMPARE(learningRateAt(linear, 1.0, 0, 110), 0.1);
    QCOMPARE(learningRateAt(linear, 1.0, 9, 110), 1.0);
    QCOMPARE(learningRateAt(linear, 1.0, 60, 110), 0.5);
    ScheduleConfig cosine{ScheduleKind::Cosine, 0, 0.1, 100, 0.5};
    QVERIFY(std::abs(learningRateAt(cosine, 1.0, 50, 100) - 0.55) < 1e-12);
    QVERIFY(std::abs(learningRateAt(cosine, 1.0, 100, 100) - 0.1) < 1e-12);
    ScheduleConfig step{ScheduleKind::Step, 0, 0.0, 10, 0.5};
    QCOMPARE(learningRateAt(step, 1.0, 25, 100), 0.25);
    ScheduleConfig constant{ScheduleKind::Constant, 0, 0.0, 10, 0.5};
    QCOMPARE(learningRateAt(constant, 2.0, 99, 100), 2.0);
  }

  void configErrorsNameTheField_data() {
    QTest::addColumn<QString>("patch");
    QTest::addColumn<QString>("expected");
    QTest::newRow("lr") << "{\"optimizer\":{\"lr\":-1}}"
                        << "optimizer.lr must be between";
    QTest::newRow("optimizer name") << "{\"optimizer\":{\"name\":\"lion\"}}"
                                    << "optimizer.name must be one of sgd, adagrad";
    QTest::newRow("unknown") << "{\"batchsize\":4}"
                             << "batchsize is not a known setting";
    QTest::newRow("batch type") << "{\"batch_size\":\"4\"}"
                                << "batch_size must be a whole number";
    QTest::newRow("nesterov") << "{\"optimizer\":{\"nesterov\":true}}"
                              << "optimizer.nesterov needs momentum > 0";
    QTest::newRow("schedule") << "{\"schedule\":{\"name\":\"cyclic\"}}"
                              << "schedule.name must be one of";
    QTest::newRow("data field") << "{\"data\":{\"train\":\"x\",\"maxlen\":3}}"
                                << "data.maxlen is not a known setting";
    QTest::newRow("early stopping")
        << "{\"data\":{\"validation\":null},\"early_stopping\":{\"patience\":2}}"
        << "early_stopping needs data.validation";
  }
  void configErrorsNameTheField() {
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    auto json = baseConfig("errors");
    json.merge_patch(nlohmann::json::parse(patch.toStdString()));
    try {
      parseTrainingConfig(json, "run.json");
      QFAIL("must throw");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).startsWith("run.json: ") && QString(e.what()).contains(expected),
               e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TrainingTest)
#include "tst_training.moc"

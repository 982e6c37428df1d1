#include <QtTest>

#include "ModelFixtures.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/Generation.h"

using namespace tunebench;

namespace {

const std::vector<std::vector<int64_t>> kPrompts = {{5, 17, 42, 8, 3, 77, 12, 9, 31}, {64, 2, 90}};

}  // namespace

class GenerationTest : public QObject {
  Q_OBJECT
 private slots:
  void architectures_data() {
    QTest::addColumn<QString>("architecture");
    for (const char* name : {"llama", "mistral", "qwen2", "qwen3", "smollm3", "olmo2", "gemma",
                             "gemma2", "gemma3", "phi3", "gpt2"})
      QTest::newRow(name) << name;
  }

  void cachedForwardMatchesFullForward_data() { architectures_data(); }
  void cachedForwardMatchesFullForward() {
    QFETCH(QString, architecture);
    auto model = tinyRandomModel(architecture.toStdString(), 11);
    torch::NoGradGuard noGrad;
    auto generator = at::detail::createCPUGenerator(29);
    const auto ids = torch::randint(97, {2, 12}, generator, torch::kInt64);
    ForwardInput full;
    full.inputIds = ids;
    const auto expected = model->forward(full);
    // Float sums in another order: the tolerance follows the logits' scale (Gemma's embeddings
    // are multiplied by √hidden and its norms by 1 + w, so its logits are larger).
    const double scale = std::max(1.0, expected.abs().max().item<double>());
    // Prefill 5 tokens, then feed the rest one or two at a time.
    auto cache = model->makeCache(2, 12);
    std::vector<torch::Tensor> pieces;
    for (auto [start, length] :
         std::vector<std::pair<int64_t, int64_t>>{{0, 5}, {5, 1}, {6, 2}, {8, 1}, {9, 3}}) {
      ForwardInput step;
      step.inputIds = ids.narrow(1, start, length);
      step.cache = &cache;
      pieces.push_back(model->forward(step));
    }
    QCOMPARE(cache.length, int64_t(12));
    const auto stepped = torch::cat(pieces, 1);
    QVERIFY2(torch::allclose(stepped, expected, 1e-4, 1e-5 * scale),
             qPrintable(QString::number((stepped - expected).abs().max().item<double>())));
  }

  void cachedAndUncachedGreedyAgree_data() { architectures_data(); }
  void cachedAndUncachedGreedyAgree() {
    QFETCH(QString, architecture);
    auto model = tinyRandomModel(architecture.toStdString(), 12);
    GenerationSettings settings;
    settings.maxNewTokens = 14;
    const auto cached = generate(*model, kPrompts, settings);
    settings.useCache = false;
    const auto uncached = generate(*model, kPrompts, settings);
    QCOMPARE(cached, uncached);
    QCOMPARE(cached[0].size(), size_t(14));
  }

  void leftPaddedBatchMatchesSinglePrompts_data() { architectures_data(); }
  void leftPaddedBatchMatchesSinglePrompts() {
    QFETCH(QString, architecture);
    auto model = tinyRandomModel(architecture.toStdString(), 13);
    GenerationSettings settings;
    settings.maxNewTokens = 10;
    const auto batched = generate(*model, kPrompts, settings);
    for (size_t i = 0; i < kPrompts.size(); ++i)
      QCOMPARE(batched[i], generate(*model, {kPrompts[i]}, settings).front());
  }

  void samplingIsSeededAndTopKOneIsGreedy() {
    auto model = tinyRandomModel("llama", 14);
    GenerationSettings greedy;
    greedy.maxNewTokens = 12;
    GenerationSettings sampled = greedy;
    sampled.temperature = 1.5;
    sampled.topP = 0.9;
    sampled.seed = 99;
    const auto a = generate(*model, kPrompts, sampled);
    QCOMPARE(generate(*model, kPrompts, sampled), a);
    sampled.seed = 100;
    QVERIFY(generate(*model, kPrompts, sampled) != a);
    GenerationSettings topOne = greedy;
    topOne.temperature = 0.7;
    topOne.topK = 1;
    QCOMPARE(generate(*model, kPrompts, topOne), generate(*model, kPrompts, greedy));
  }

  void stopIdsEndASequenceAndCallbacksStream() {
    auto model = tinyRandomModel("qwen2", 15);
    GenerationSettings settings;
    settings.maxNewTokens = 12;
    const auto free = generate(*model, {kPrompts[0]}, settings).front();
    settings.stopIds = {free[3]};
    const auto stopped = generate(*model, {kPrompts[0]}, settings).front();
    const auto firstStop = std::find(free.begin(), free.end(), free[3]) - free.begin();
    QCOMPARE(stopped.size(), size_t(firstStop + 1));
    std::vector<int64_t> streamed;
    generate(*model, {kPrompts[0]}, settings, [&](size_t, int64_t token) {
      streamed.push_back(token);
      return true;
    });
    QCOMPARE(streamed, stopped);
    int calls = 0;
    generate(*model, {kPrompts[0]}, GenerationSettings{},
             [&](size_t, int64_t) { return ++calls < 3; });
    QCOMPARE(calls, 3);
  }

  void repetitionPenaltyChangesChoices() {
    auto model = tinyRandomModel("llama", 16);
    GenerationSettings settings;
    settings.maxNewTokens = 16;
    const auto plain = generate(*model, {kPrompts[1]}, settings).front();
    settings.repetitionPenalty = 5.0;
    const auto penalised = generate(*model, {kPrompts[1]}, settings).front();
    std::set<int64_t> distinctPlain(plain.begin(), plain.end());
    std::set<int64_t> distinctPenalised(penalised.begin(), penalised.end());
    QVERIFY(distinctPenalised.size() >= distinctPlain.size());
    QVERIFY(plain != penalised);
  }

  void badSettingsAreRefused() {
    auto model = tinyRandomModel("llama", 17);
    GenerationSettings settings;
    settings.topP = 0;
    QVERIFY_THROWS_EXCEPTION(Error, generate(*model, kPrompts, settings));
    settings = {};
    settings.stopStrings = {"x"};
    QVERIFY_THROWS_EXCEPTION(Error, generate(*model, kPrompts, settings));
    QVERIFY_THROWS_EXCEPTION(Error, generate(*model, {{}}, GenerationSettings{}));
  }
};

QTEST_GUILESS_MAIN(GenerationTest)
#include "tst_generation.moc"

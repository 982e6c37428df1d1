// sentencepiece (through its module) and LibTorch in one process: linking them together directly
// crashes before main(), so this test is the guard for the module design.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "common/Error.h"
#include "common/SanitizerBuild.h"
#include "system/SystemInfo.h"
#include "tokenizer/SentencePieceModule.h"
#include "tokenizer/SentencePieceProcessor.h"

class SentencePieceWithTorch : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString modelPath_;

 private slots:
  void initTestCase() {
    if (tunebench::kAddressSanitizerBuild) QSKIP(tunebench::kSentencePieceUnderSanitizerReason);
    QVERIFY(dir_.isValid());
    const std::string corpus = dir_.filePath("corpus.txt").toStdString();
    std::ofstream out(corpus);
    const char* words[] = {"the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "away",
                           "seven", "plus", "three", "is", "ten", "hello", "world", "model"};
    for (int i = 0; i < 400; ++i) {
      for (int k = 0; k < 9; ++k) out << words[(i * 7 + k * 5) % 18] << (k < 8 ? " " : "");
      out << "\n";
    }
    out.close();
    const std::string prefix = dir_.filePath("tiny").toStdString();
    tunebench::trainSentencePiece("--input=" + corpus + " --model_prefix=" + prefix +
                                  " --vocab_size=40 --model_type=unigram --character_coverage=1.0"
                                  " --minloglevel=2 --num_threads=1");
    modelPath_ = dir_.filePath("tiny.model");
    QVERIFY(QFile::exists(modelPath_));
  }

  void encodeDecodeRoundTrip() {
    auto sp = tunebench::SentencePieceProcessor::fromFile(modelPath_.toStdString());
    QCOMPARE(sp.vocabSize(), 40);
    const std::string text = "the cat sat on a mat hello world";
    const auto ids = sp.encode(text);
    QVERIFY(!ids.empty());
    for (int id : ids) QVERIFY(id >= 0 && id < 40);
    QCOMPARE(QString::fromStdString(sp.decode(ids)), QString::fromStdString(text));
    QCOMPARE(sp.pieceToId(sp.idToPiece(ids.front())), ids.front());
    // Characters the corpus never had become the unknown piece.
    const auto unknown = sp.encode("cat, dog");
    QVERIFY(std::find(unknown.begin(), unknown.end(), sp.unkId()) != unknown.end());
    // A model reloaded from its serialized bytes encodes identically.
    auto copy = tunebench::SentencePieceProcessor::fromBytes(sp.serialize());
    QCOMPARE(copy.encode(text), ids);
  }

  void badInputGivesClearErrors() {
    auto sp = tunebench::SentencePieceProcessor::fromFile(modelPath_.toStdString());
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, sp.decode({0, 999}));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, sp.idToPiece(-1));
    const QString missing = dir_.filePath("missing.model");
    try {
      tunebench::SentencePieceProcessor::fromFile(missing.toStdString());
      QFAIL("loading a missing model must throw");
    } catch (const tunebench::Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(missing), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(tunebench::Error,
                             tunebench::SentencePieceProcessor::fromBytes("not a model"));
  }

  void libtorchComputesInTheSameProcess() {
    const auto probe = tunebench::probeCpuGemm(0.05);
    QVERIFY(probe.repetitions >= 1);
    QVERIFY(probe.gflops > 0.0);
    // And the module keeps working after LibTorch ran.
    auto sp = tunebench::SentencePieceProcessor::fromFile(modelPath_.toStdString());
    QCOMPARE(QString::fromStdString(sp.decode(sp.encode("dog ran far"))), QStringLiteral("dog ran far"));
  }
};

QTEST_GUILESS_MAIN(SentencePieceWithTorch)
#include "tst_sentencepiece_with_torch.moc"

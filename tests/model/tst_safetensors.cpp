#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"
#include "BrokenSafetensorsCases.h"

using namespace tunebench;


class SafetensorsTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string path(const char* name) { return dir_.filePath(name).toStdString(); }
  std::string write(const char* name, const QByteArray& bytes) {
    const auto file = path(name);
    std::ofstream(file, std::ios::binary).write(bytes.constData(), bytes.size());
    return file;
  }

 private slots:
  void roundTripEveryDtype() {
    std::vector<std::pair<std::string, torch::Tensor>> tensors = {
        {"f32", torch::randn({3, 4})},
        {"f16", torch::randn({5}).to(torch::kFloat16)},
        {"bf16", torch::randn({2, 2, 2}).to(torch::kBFloat16)},
        {"f64", torch::randn({1}).to(torch::kFloat64)},
        {"i64", torch::arange(7, torch::kInt64)},
        {"i32", torch::arange(3, torch::kInt32)},
        {"i16", torch::arange(3, torch::kInt16)},
        {"i8", torch::arange(-3, 3, torch::kInt8)},
        {"u8", torch::arange(9, torch::kUInt8)},
        {"bool", torch::tensor({true, false, true})},
        {"scalar", torch::tensor(2.5f)},
        {"empty", torch::zeros({0, 4})},
        {"strided", torch::randn({4, 6}).t()},
    };
    const auto file = path("all.safetensors");
    writeSafetensors(file, tensors, {{"format", "pt"}});
    SafetensorsReader reader(file);
    QCOMPARE(reader.header().metadata.at("format"), std::string("pt"));
    QCOMPARE(reader.header().entries.size(), tensors.size());
    QVERIFY(reader.header().dataStart % 8 == 0);
    for (const auto& [name, tensor] : tensors) {
      const auto loaded = reader.tensor(name);
      QVERIFY2(loaded.scalar_type() == tensor.scalar_type(), name.c_str());
      QVERIFY2(loaded.sizes() == tensor.sizes(), name.c_str());
      QVERIFY2(torch::equal(loaded, tensor.contiguous()), name.c_str());
    }
  }

  void writerRefusesDuplicateNames() {
    QVERIFY_THROWS_EXCEPTION(Error, writeSafetensors(path("dup.safetensors"),
                                                     {{"a", torch::ones({1})}, {"a", torch::ones({1})}}));
  }

  void broken_data() {
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("expected");
    for (const auto& item : brokenSafetensorsCases())
      QTest::newRow(item.name.c_str())
          << QByteArray(item.file.data(), static_cast<qsizetype>(item.file.size()))
          << QString::fromStdString(item.expected);
    QVERIFY(brokenSafetensorsCases().size() >= 40);
  }
  void broken() {
    QFETCH(QByteArray, file);
    QFETCH(QString, expected);
    const auto name = write("broken.safetensors", file);
    try {
      SafetensorsReader reader(name);
      QFAIL("a broken file must be refused");
    } catch (const Error& e) {
      const QString message = QString::fromUtf8(e.what());
      QVERIFY2(message.startsWith(QString::fromStdString(name)), e.what());
      QVERIFY2(message.contains(expected), e.what());
    }
  }

  void emptyHeaderIsValid() {
    SafetensorsReader reader(write("empty.safetensors", QByteArray("\x02\0\0\0\0\0\0\0{}", 10)));
    QVERIFY(reader.header().entries.empty());
  }

  void missingFileIsNamed() {
    try {
      SafetensorsReader reader(path("nope.safetensors"));
      QFAIL("must throw");
    } catch (const Error& e) {
      QVERIFY(QString::fromUtf8(e.what()).contains("nope.safetensors"));
    }
  }
};

QTEST_GUILESS_MAIN(SafetensorsTest)
#include "tst_safetensors.moc"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "BrokenSafetensorsCases.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

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
    // Wider elements are stored first, so every tensor starts at a multiple of its element size.
    for (const auto& entry : reader.header().entries)
      QVERIFY2((reader.header().dataStart + entry.begin) % dtypeSize(entry.dtype) == 0,
               entry.name.c_str());
    for (const auto& [name, tensor] : tensors) {
      const auto loaded = reader.tensor(name);
      QVERIFY2(loaded.scalar_type() == tensor.scalar_type(), name.c_str());
      QVERIFY2(loaded.sizes() == tensor.sizes(), name.c_str());
      QVERIFY2(torch::equal(loaded, tensor.contiguous()), name.c_str());
    }
  }

  // Another writer may place tensors at any byte offset: such tensors are read as aligned copies
  // (LibTorch, and the element reads below, need natural alignment).
  void misalignedTensorsAreCopiedAligned() {
    const float floats[] = {1.5f, -2.25f};
    const double doubles[] = {3.125};
    const int16_t shorts[] = {-7};
    QByteArray header(
        "{\"s\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[0,2]},"
        "\"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[2,10]},"
        "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[10,18]}}");
    while ((8 + header.size()) % 8 != 1) header.append(' ');  // data starts at an odd byte
    QByteArray file(8, '\0');
    for (int i = 0; i < 8; ++i) file[i] = char((uint64_t(header.size()) >> (8 * i)) & 0xff);
    file += header;
    file += QByteArray(reinterpret_cast<const char*>(shorts), sizeof shorts);
    file += QByteArray(reinterpret_cast<const char*>(floats), sizeof floats);
    file += QByteArray(reinterpret_cast<const char*>(doubles), sizeof doubles);
    SafetensorsReader reader(write("misaligned.safetensors", file));
    const auto s16 = reader.tensor("s");
    const auto f32 = reader.tensor("f");
    const auto f64 = reader.tensor("d");
    QCOMPARE(reinterpret_cast<uintptr_t>(s16.data_ptr()) % 2, uintptr_t(0));
    QCOMPARE(reinterpret_cast<uintptr_t>(f32.data_ptr()) % 4, uintptr_t(0));
    QCOMPARE(reinterpret_cast<uintptr_t>(f64.data_ptr()) % 8, uintptr_t(0));
    QCOMPARE(s16.data_ptr<int16_t>()[0], int16_t(-7));
    QCOMPARE(f32.data_ptr<float>()[0], 1.5f);
    QCOMPARE(f32.data_ptr<float>()[1], -2.25f);
    QCOMPARE(f64.data_ptr<double>()[0], 3.125);
    QCOMPARE(f32.sum().item<float>(), -0.75f);
  }

  void writerRefusesDuplicateNames() {
    QVERIFY_THROWS_EXCEPTION(Error,
                             writeSafetensors(path("dup.safetensors"),
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

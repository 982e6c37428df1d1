// GGUF files: every metadata type survives the writer and the reader; tensors sit at aligned
// offsets (the default 32 and a file's own general.alignment); the reader refuses damaged files;
// half, bfloat16, Q8_0 and Q4_0 encodings match values worked out by hand from ggml's rules.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>

#include "common/Error.h"
#include "export/gguf/GgufFile.h"
#include "export/gguf/GgufTypes.h"

using namespace tunebench;
using namespace tunebench::gguf;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

void writeAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<std::pair<std::string, Value>> everyType() {
  return {
      {"t.u8", Value::uint8(255)},
      {"t.i8", Value::int8(-128)},
      {"t.u16", Value::uint16(65535)},
      {"t.i16", Value::int16(-32768)},
      {"t.u32", Value::uint32(4000000000u)},
      {"t.i32", Value::int32(-2000000000)},
      {"t.f32", Value::float32(0.1f)},
      {"t.bool", Value::boolean(true)},
      {"t.string", Value::string("gr\xc3\xbc\xc3\x9f dich \n\t\"q\"")},
      {"t.empty", Value::string("")},
      {"t.u64", Value::uint64(18446744073709551615ull)},
      {"t.i64", Value::int64(-9223372036854775807ll - 1)},
      {"t.f64", Value::float64(-1e300)},
      {"t.strings", Value::strings({"a", "", "\xe2\x96\x81the"})},
      {"t.floats", Value::float32s({1.5f, -0.0f, 3e38f})},
      {"t.ints", Value::int32s({-1, 0, 7})},
      {"t.bools", Value::array(ValueType::Bool, {Value::boolean(false), Value::boolean(true)})},
      {"t.nested", Value::array(ValueType::Array, {Value::int32s({1, 2}), Value::int32s({})})},
      {"t.empty_array", Value::array(ValueType::UInt64, {})},
  };
}

}  // namespace

class GgufFileTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

  // A file with two F32 tensors of 3 and 5 values and one Q8_0 tensor of 2 blocks.
  std::string smallFile(const char* name, std::optional<uint32_t> alignment) {
    GgufWriter writer;
    if (alignment) writer.set("general.alignment", Value::uint32(*alignment));
    writer.set("general.architecture", Value::string("llama"));
    writer.addTensor("a", {3}, TensorType::F32, [] {
      return encodeValues(TensorType::F32, std::vector<float>{1, 2, 3}.data(), 3);
    });
    writer.addTensor("b", {5, 1}, TensorType::F32, [] {
      return encodeValues(TensorType::F32, std::vector<float>{4, 5, 6, 7, 8}.data(), 5);
    });
    writer.addTensor("q", {32, 2}, TensorType::Q8_0, [] {
      std::vector<float> values(64);
      for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) - 30;
      return encodeValues(TensorType::Q8_0, values.data(), values.size());
    });
    writer.write(path(name));
    return path(name);
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void everyMetadataTypeRoundTrips() {
    GgufWriter writer;
    for (const auto& [key, value] : everyType()) writer.set(key, value);
    writer.write(path("types.gguf"));
    const auto contents = readGgufFile(path("types.gguf"));
    QCOMPARE(contents.version, 3u);
    QCOMPARE(contents.metadata.size(), everyType().size());
    for (const auto& [key, value] : everyType()) {
      const Value* read = contents.find(key);
      QVERIFY2(read, key.c_str());
      QVERIFY2(*read == value, key.c_str());
    }
    // Checked by hand against the format: 8 bytes of magic and version, two u64 counts.
    const std::string bytes = readAll(path("types.gguf"));
    QCOMPARE(bytes.substr(0, 4), std::string("GGUF"));
    uint64_t keyCount = 0;
    std::memcpy(&keyCount, bytes.data() + 16, 8);
    QCOMPARE(keyCount, uint64_t(everyType().size()));
    // "t.u8": key length 4, "t.u8", type 0, value 255.
    QCOMPARE(bytes.substr(24, 8), std::string("\x04\0\0\0\0\0\0\0", 8));
    QCOMPARE(bytes.substr(32, 4), std::string("t.u8"));
    QCOMPARE(bytes.substr(36, 5), std::string("\0\0\0\0\xff", 5));
    QVERIFY_THROWS_EXCEPTION(Error, writer.set("t.u8", Value::uint8(1)));
    QVERIFY_THROWS_EXCEPTION(Error, Value::array(ValueType::Int32, {Value::uint8(1)}));
  }

  void tensorsAreAlignedAndReadBack_data() {
    QTest::addColumn<int>("alignment");
    QTest::newRow("default 32") << 0;
    QTest::newRow("64") << 64;
    QTest::newRow("8") << 8;
  }
  void tensorsAreAlignedAndReadBack() {
    QFETCH(int, alignment);
    const auto file =
        smallFile("aligned.gguf", alignment ? std::optional<uint32_t>(alignment) : std::nullopt);
    const auto contents = readGgufFile(file);
    const uint64_t align = alignment ? static_cast<uint64_t>(alignment) : 32;
    QCOMPARE(contents.alignment, align);
    QCOMPARE(contents.dataOffset % align, uint64_t(0));
    QCOMPARE(contents.tensors.size(), size_t(3));
    QCOMPARE(contents.tensors[0].offset, uint64_t(0));
    // 12 bytes, then the next tensor at the next multiple of the alignment.
    QCOMPARE(contents.tensors[1].offset, (12 + align - 1) / align * align);
    QCOMPARE(contents.tensors[1].dims, (std::vector<uint64_t>{5, 1}));
    QCOMPARE(contents.tensors[2].type, TensorType::Q8_0);
    QCOMPARE(contents.tensors[2].offset % align, uint64_t(0));
    QCOMPARE(contents.fileSize, contents.dataOffset + contents.tensors[2].offset + 68);
    float values[5];
    decodeValues(TensorType::F32, readGgufTensorBytes(file, contents, contents.tensors[1]), values);
    QCOMPARE(values[0], 4.0f);
    QCOMPARE(values[4], 8.0f);
  }

  void damagedFilesAreRefused_data() {
    QTest::addColumn<int>("cut");  // bytes kept (-1: all)
    QTest::addColumn<int>("at");   // byte overwritten (-1: none)
    QTest::addColumn<QByteArray>("with");
    QTest::addColumn<QString>("expected");
    QTest::newRow("magic") << -1 << 0 << QByteArray("GGUG") << "does not start with GGUF";
    QTest::newRow("version 2") << -1 << 4 << QByteArray("\x02", 1) << "version 2";
    QTest::newRow("header cut") << 20 << -1 << QByteArray() << "past the end";
    QTest::newRow("data cut") << -40 << -1 << QByteArray() << "past the end of the file";
    QTest::newRow("huge tensor count") << -1 << 15 << QByteArray("\x7f", 1) << "counts larger";
  }
  void damagedFilesAreRefused() {
    QFETCH(int, cut);
    QFETCH(int, at);
    QFETCH(QByteArray, with);
    QFETCH(QString, expected);
    std::string bytes = readAll(smallFile("good.gguf", std::nullopt));
    if (cut > 0) bytes.resize(static_cast<size_t>(cut));
    if (cut < -1) bytes.resize(bytes.size() - static_cast<size_t>(-cut));
    if (at >= 0)
      bytes.replace(static_cast<size_t>(at), static_cast<size_t>(with.size()),
                    std::string(with.constData(), static_cast<size_t>(with.size())));
    writeAll(path("bad.gguf"), bytes);
    try {
      readGgufFile(path("bad.gguf"));
      QFAIL("a damaged file was read");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(expected), e.what());
    }
  }

  void misalignedOffsetIsRefused() {
    const auto file = smallFile("misaligned.gguf", std::nullopt);
    auto contents = readGgufFile(file);
    std::string bytes = readAll(file);
    // The last tensor info ends with its u64 offset just before the padding of the header.
    const std::string needle("q", 1);
    const size_t name = bytes.rfind(needle, contents.dataOffset);
    const size_t offsetAt = name + 1 + 4 + 16 + 4;
    uint64_t offset = contents.tensors[2].offset + 4;
    std::memcpy(bytes.data() + offsetAt, &offset, 8);
    writeAll(path("misaligned-bad.gguf"), bytes);
    QVERIFY_THROWS_EXCEPTION(Error, readGgufFile(path("misaligned-bad.gguf")));
  }

  void halfRounding_data() {
    QTest::addColumn<float>("value");
    QTest::addColumn<uint16_t>("bits");
    QTest::newRow("1") << 1.0f << uint16_t(0x3c00);
    QTest::newRow("-2") << -2.0f << uint16_t(0xc000);
    QTest::newRow("0.1") << 0.1f << uint16_t(0x2e66);
    QTest::newRow("largest") << 65504.0f << uint16_t(0x7bff);
    QTest::newRow("tie to infinity") << 65520.0f << uint16_t(0x7c00);
    QTest::newRow("smallest subnormal") << std::ldexp(1.0f, -24) << uint16_t(0x0001);
    QTest::newRow("tie down to even") << 1.0f + std::ldexp(1.0f, -11) << uint16_t(0x3c00);
    QTest::newRow("tie up to even") << 1.0f + 3 * std::ldexp(1.0f, -11) << uint16_t(0x3c02);
    QTest::newRow("subnormal tie") << std::ldexp(1.0f, -25) << uint16_t(0x0000);
  }
  void halfRounding() {
    QFETCH(float, value);
    QFETCH(uint16_t, bits);
    QCOMPARE(floatToHalf(value), bits);
    if (bits != 0x7c00 && bits != 0) QCOMPARE(floatToHalf(halfToFloat(bits)), bits);
  }

  void bfloat16Rounding() {
    QCOMPARE(floatToBf16(1.0f), uint16_t(0x3f80));
    QCOMPARE(floatToBf16(1.0f + std::ldexp(1.0f, -8)), uint16_t(0x3f80));  // tie: even
    QCOMPARE(floatToBf16(1.0f + 3 * std::ldexp(1.0f, -8)), uint16_t(0x3f82));
    QCOMPARE(bf16ToFloat(0xc000), -2.0f);
    QVERIFY(std::isnan(bf16ToFloat(floatToBf16(std::nanf("")))));
  }

  // max|x| = 63.5, so d = 0.5 exactly (0x3800) and each code is 2x, halves away from zero.
  void q8_0BlockByHand() {
    std::vector<float> values(32, 0.0f);
    values[0] = 63.5f;
    values[1] = -63.5f;
    values[2] = 0.25f;   // 0.5 -> 1
    values[3] = -0.25f;  // -0.5 -> -1
    values[4] = 0.75f;   // 1.5 -> 2
    values[5] = 10.1f;   // 20.2 -> 20
    uint8_t block[34];
    quantizeQ8_0Block(values.data(), block);
    QCOMPARE(int(block[0]), 0x00);
    QCOMPARE(int(block[1]), 0x38);
    const int8_t* q = reinterpret_cast<const int8_t*>(block + 2);
    const int expected[] = {127, -127, 1, -1, 2, 20, 0};
    for (int j = 0; j < 7; ++j) QCOMPARE(int(q[j]), expected[j]);
    float back[32];
    dequantizeQ8_0Block(block, back);
    QCOMPARE(back[5], 10.0f);
    std::vector<float> zeros(32, 0.0f);
    quantizeQ8_0Block(zeros.data(), block);
    for (int j = 0; j < 34; ++j) QCOMPARE(int(block[j]), 0);
  }

  // The value of largest magnitude is -8, so d = 1 (0x3c00) and a code is trunc(x + 8.5),
  // clamped to 15; value j sits in the low nibble of byte j, value 16 + j in its high nibble.
  void q4_0BlockByHand() {
    std::vector<float> values(32, 0.0f);
    values[0] = -8.0f;   // 0
    values[1] = 8.0f;    // 16.5 -> 15 (clamped; -8 came first with the same magnitude)
    values[2] = 0.5f;    // 9
    values[3] = -0.5f;   // 8
    values[4] = 1.49f;   // 9
    values[16] = 7.0f;   // 15
    values[17] = -7.6f;  // 0.9 -> 0
    values[18] = 2.5f;   // 11
    uint8_t block[18];
    quantizeQ4_0Block(values.data(), block);
    QCOMPARE(int(block[0]), 0x00);
    QCOMPARE(int(block[1]), 0x3c);
    QCOMPARE(int(block[2 + 0]), 0x0 | (15 << 4));
    QCOMPARE(int(block[2 + 1]), 15 | (0 << 4));
    QCOMPARE(int(block[2 + 2]), 9 | (11 << 4));
    QCOMPARE(int(block[2 + 3]), 8 | (8 << 4));
    QCOMPARE(int(block[2 + 4]), 9 | (8 << 4));
    float back[32];
    dequantizeQ4_0Block(block, back);
    QCOMPARE(back[0], -8.0f);
    QCOMPARE(back[1], 7.0f);
    QCOMPARE(back[18], 3.0f);
  }

  void typeNamesAndSizes() {
    TensorType type;
    QVERIFY(parseTensorType("q8_0", type));
    QCOMPARE(type, TensorType::Q8_0);
    QVERIFY(!parseTensorType("q4_k", type));
    QCOMPARE(tensorBytes(TensorType::Q8_0, {64, 3}), uint64_t(6 * 34));
    QCOMPARE(tensorBytes(TensorType::Q4_0, {32}), uint64_t(18));
    QCOMPARE(tensorBytes(TensorType::BF16, {3, 5}), uint64_t(30));
    QVERIFY_THROWS_EXCEPTION(Error, tensorBytes(TensorType::Q8_0, {176, 64}));
  }
};

QTEST_GUILESS_MAIN(GgufFileTest)
#include "tst_gguf_file.moc"

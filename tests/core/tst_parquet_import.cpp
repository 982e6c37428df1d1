// The Parquet importer: fixtures written by independent writers (tests/fixtures/parquet,
// make_fixtures.mjs) import as the same records as their JSON Lines twins, and damaged files
// give an Error naming the file and the problem, never a crash.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <iterator>

#include "builtin/BuiltinPlugins.h"
#include "builtin/ParquetImporter.h"
#include "builtin/parquet/ParquetColumnReader.h"
#include "builtin/parquet/ParquetMetadata.h"
#include "builtin/parquet/ParquetPages.h"
#include "builtin/parquet/ParquetSchema.h"
#include "common/Error.h"
#include "jobs/BasicJobContext.h"
#include "plugins/PluginRegistry.h"

namespace {

using namespace tunebench::parquet;

const QString kFixtures = QStringLiteral(TUNEBENCH_SOURCE_DIR "/tests/fixtures/parquet");

struct CollectingSink : tunebench::RecordSink {
  std::vector<tunebench::ImportedRecord> records;
  void record(tunebench::ImportedRecord&& r) override { records.push_back(std::move(r)); }
  void reject(tunebench::ImportReject&&) override {}
};

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<nlohmann::json> importRows(const std::string& path) {
  CollectingSink sink;
  tunebench::BasicJobContext context;
  tunebench::builtin::ParquetImporter().importFile({path, false, {}}, sink, context);
  std::vector<nlohmann::json> rows;
  for (auto& record : sink.records) rows.push_back(std::move(record.fields));
  return rows;
}

// The import's Error message; empty when the file imported.
std::string importError(const std::string& path) {
  try {
    importRows(path);
  } catch (const tunebench::Error& e) {
    return e.what();
  }
  return "";
}

// Thrift compact protocol, enough to write page headers.
std::string varint(uint64_t value) {
  std::string out;
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value) byte |= 0x80;
    out += char(byte);
  } while (value);
  return out;
}
std::string i32Field(int delta, int64_t value) {
  return char((delta << 4) | 5) + varint(uint64_t((value << 1) ^ (value >> 63)));
}
std::string structField(int delta) {
  return std::string(1, char((delta << 4) | 12));
}
const std::string kStop(1, '\0');

std::string dataPageV1(int32_t values, int32_t encoding, const std::string& body) {
  const auto size = int64_t(body.size());
  return i32Field(1, 0) + i32Field(1, size) + i32Field(1, size) + structField(2) +
         i32Field(1, values) + i32Field(1, encoding) + i32Field(1, 3) + i32Field(1, 3) + kStop +
         kStop + body;
}
std::string dictionaryPage(int32_t values, const std::string& body) {
  const auto size = int64_t(body.size());
  return i32Field(1, 2) + i32Field(1, size) + i32Field(1, size) + structField(4) +
         i32Field(1, values) + i32Field(1, 0) + kStop + kStop + body;
}
std::string le32(uint32_t value) {
  return std::string(reinterpret_cast<const char*>(&value), 4);
}

// A schema whose one column is root.a.b, both optional (maximum definition level 2).
Schema optionalInt32Schema() {
  SchemaElement root, a, b;
  root.name = "root";
  root.numChildren = 1;
  a.name = "a";
  a.repetition = Repetition::Optional;
  a.numChildren = 1;
  b.name = "b";
  b.type = PhysicalType::Int32;
  b.repetition = Repetition::Optional;
  return buildSchema({root, a, b});
}

// Reads every value of a one-column chunk; returns the Error's message, or empty.
std::string readChunk(const std::string& chunk, int64_t values) {
  const Schema schema = optionalInt32Schema();
  ColumnMetaData meta;
  meta.type = PhysicalType::Int32;
  meta.path = {"a", "b"};
  meta.numValues = values;
  try {
    ColumnReader reader(*schema.leaves[0], meta, chunk, 0, nullptr);
    while (reader.peek()) reader.take();
    reader.checkFinished();
  } catch (const tunebench::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class ParquetImportTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
    return path;
  }

  static std::string fixture(const char* name) {
    return readBytes((kFixtures + "/" + name).toStdString());
  }

  // Where the first page's compressed data starts in a fixture whose first chunk starts at 4.
  static size_t firstPageBody(const std::string& file, size_t* levelBytes = nullptr) {
    size_t headerBytes = 0;
    const PageHeader header = parsePageHeader(reinterpret_cast<const uint8_t*>(file.data()) + 4,
                                              file.size() - 4, headerBytes);
    if (levelBytes)
      *levelBytes = header.dataPageV2 ? size_t(header.dataPageV2->repetitionLevelsByteLength +
                                               header.dataPageV2->definitionLevelsByteLength)
                                      : 0;
    return 4 + headerBytes;
  }

 private slots:
  void registeredWithTheBuiltins() {
    tunebench::PluginRegistry registry;
    tunebench::builtin::registerBuiltinPlugins(registry);
    bool found = false;
    for (const auto& importer : registry.datasetImporters())
      if (importer->id() == "parquet") {
        found = true;
        QCOMPARE(importer->fileExtensions(), std::vector<std::string>{"parquet"});
      }
    QVERIFY(found);
  }

  void fixturesMatchTheirJsonLines_data() {
    QTest::addColumn<QString>("file");
    const QStringList files = QDir(kFixtures).entryList({"*.parquet"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 18);
    for (const QString& file : files) QTest::newRow(qPrintable(file)) << file;
  }
  void fixturesMatchTheirJsonLines() {
    QFETCH(QString, file);
    const std::string path = (kFixtures + "/" + file).toStdString();
    const std::string twin = (kFixtures + "/" + file.section('.', 0, 0) + ".jsonl").toStdString();
    std::vector<nlohmann::json> expected;
    std::ifstream in(twin);
    for (std::string line; std::getline(in, line);) expected.push_back(nlohmann::json::parse(line));
    QVERIFY(!expected.empty());

    CollectingSink sink;
    tunebench::BasicJobContext context;
    int64_t lastDone = -1, lastTotal = -1;
    context.onProgress = [&](int64_t done, int64_t total, const std::string&) {
      QVERIFY(done >= lastDone);
      lastDone = done;
      lastTotal = total;
    };
    tunebench::builtin::ParquetImporter().importFile({path, false, {}}, sink, context);
    QCOMPARE(sink.records.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      if (sink.records[i].fields != expected[i])
        QFAIL(qPrintable(QString("row %1: got %2, expected %3")
                             .arg(i + 1)
                             .arg(QString::fromStdString(sink.records[i].fields.dump()))
                             .arg(QString::fromStdString(expected[i].dump()))));
      QCOMPARE(sink.records[i].line, int64_t(i + 1));
    }
    QCOMPARE(lastTotal, int64_t(readBytes(path).size()));
    QCOMPARE(lastDone, lastTotal);
  }

  void damagedFiles_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("damage");
    QTest::addColumn<QString>("expected");
    const char* plain = "mmlu.arrow-v1-uncompressed-dict.parquet";
    QTest::newRow("truncated") << plain << 0 << "PAR1 magic is missing at its end";
    QTest::newRow("too short") << plain << 1 << "too short to be Parquet";
    QTest::newRow("bad magic") << plain << 2 << "PAR1 magic is missing at its start";
    QTest::newRow("footer length beyond the file") << plain << 3 << "is beyond the file";
    QTest::newRow("footer bytes flipped") << plain << 4 << ": footer: ";
    QTest::newRow("page header") << plain << 5 << "page header at byte 4";
    QTest::newRow("invalid UTF-8") << plain << 6 << "invalid UTF-8";
    QTest::newRow("snappy length")
        << "mmlu.arrow-v1-snappy-plain.parquet" << 7 << "SNAPPY data decompresses to";
    QTest::newRow("gzip data") << "mmlu.arrow-v1-gzip-dict.parquet" << 7 << "GZIP data is corrupt";
    QTest::newRow("zstd data") << "mmlu.duckdb-v2-zstd.parquet" << 7 << "ZSTD data is corrupt";
  }
  void damagedFiles() {
    QFETCH(QString, file);
    QFETCH(int, damage);
    QFETCH(QString, expected);
    std::string bytes = fixture(qPrintable(file));
    QVERIFY(bytes.size() > 100);
    switch (damage) {
      case 0:
        bytes.resize(bytes.size() / 2);
        break;
      case 1:
        bytes.resize(10);
        break;
      case 2:
        bytes[1] = 'X';
        break;
      case 3:
        bytes.replace(bytes.size() - 8, 4, le32(0x7FFFFFF0));
        break;
      case 4: {
        uint32_t footer;
        std::memcpy(&footer, bytes.data() + bytes.size() - 8, 4);
        for (size_t i = 0; i < 12; ++i) bytes[bytes.size() - 8 - footer + i] = char(0xFF);
        break;
      }
      case 5:
        for (size_t i = 4; i < 20; ++i) bytes[i] = char(0xFF);
        break;
      case 6: {
        const size_t at = bytes.find("\xC3\xA9");  // é, in a dictionary page
        QVERIFY(at != std::string::npos);
        bytes[at + 1] = '(';
        break;
      }
      case 7: {
        size_t levels = 0;
        const size_t body = firstPageBody(bytes, &levels);
        // A Snappy length varint, a zlib header, a zstd frame magic: each made impossible.
        bytes[body + levels] = char(0x7F);
        bytes[body + levels + 1] = char(0x00);
        break;
      }
    }
    const std::string path = write("damaged.parquet", bytes);
    const std::string error = importError(path);
    QVERIFY2(error.rfind(path + ": ", 0) == 0, error.c_str());
    QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
  }

  void everyCutAndFlippedByteFailsCleanly() {
    for (const char* name :
         {"truthfulqa.duckdb-v2-snappy.parquet", "mmlu.hyparquet-gzip-delta.parquet"}) {
      const std::string bytes = fixture(name);
      for (size_t cut = 0; cut < bytes.size(); cut += 97) {
        const std::string path = write("cut.parquet", bytes.substr(0, cut));
        const std::string error = importError(path);
        QVERIFY2(error.rfind(path + ": ", 0) == 0, error.c_str());
      }
      int failures = 0;
      for (size_t at = 0; at < bytes.size(); at += 5) {
        std::string flipped = bytes;
        flipped[at] = char(flipped[at] ^ 0x5A);
        const std::string path = write("flipped.parquet", flipped);
        // Some flips leave a readable file (a changed letter); the others must fail cleanly.
        const std::string error = importError(path);
        if (!error.empty()) {
          ++failures;
          QVERIFY2(error.rfind(path + ": ", 0) == 0, error.c_str());
        }
      }
      QVERIFY(failures > 0);
    }
  }

  void pagesAndLevelsAreChecked_data() {
    QTest::addColumn<QByteArray>("chunk");
    QTest::addColumn<int>("values");
    QTest::addColumn<QString>("expected");
    // Definition levels: a 4-byte length, then an RLE run (count << 1) of a 2-bit value.
    const std::string defined = le32(2) + "\x04\x02";  // two values at level 2
    const std::string plainTwo = le32(7) + le32(8);
    const auto bytes = [](const std::string& s) { return QByteArray(s.data(), int(s.size())); };
    QTest::newRow("readable") << bytes(dataPageV1(2, 0, defined + plainTwo)) << 2 << "";
    QTest::newRow("level out of range")
        << bytes(dataPageV1(2, 0, le32(2) + "\x04\x03" + plainTwo)) << 2
        << "definition level 3 is above the column's maximum of 2";
    QTest::newRow("values run out")
        << bytes(dataPageV1(2, 0, defined + le32(7))) << 2 << "PLAIN values run out";
    QTest::newRow("page beyond its chunk")
        << bytes(dataPageV1(2, 0, defined + plainTwo).substr(0, 20)) << 2
        << "past the end of its column chunk";
    QTest::newRow("dictionary index out of range")
        << bytes(dictionaryPage(1, le32(5)) + dataPageV1(2, 8, defined + "\x03\x04\x07")) << 2
        << "dictionary index 7 is out of range (the dictionary holds 1 values)";
    QTest::newRow("dictionary missing")
        << bytes(dataPageV1(2, 8, defined + std::string("\x01\x04\x00", 3))) << 2
        << "dictionary-encoded page without a dictionary page";
    QTest::newRow("value count") << bytes(dataPageV1(2, 0, defined + plainTwo)) << 3
                                 << "the column chunk holds 2 values, its metadata says 3";
    std::string lying = dataPageV1(2, 0, defined + plainTwo);
    lying[3] = char(lying[3] + 2);  // the uncompressed size (one varint byte) says 2 bytes more
    QTest::newRow("size mismatch") << bytes(lying) << 2
                                   << "UNCOMPRESSED data decompresses to 14 bytes, the page "
                                      "declares 15";
  }
  void pagesAndLevelsAreChecked() {
    QFETCH(QByteArray, chunk);
    QFETCH(int, values);
    QFETCH(QString, expected);
    const std::string error = readChunk(chunk.toStdString(), values);
    if (expected.isEmpty()) {
      QVERIFY2(error.empty(), error.c_str());
      return;
    }
    QVERIFY2(error.find("column a.b") != std::string::npos, error.c_str());
    QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
  }

  void nestingIsBounded() {
    // A footer of structs within structs.
    const std::string deep(200, char(0x1C));
    try {
      parseFileMetaData(reinterpret_cast<const uint8_t*>(deep.data()), deep.size());
      QFAIL("a footer nested 200 deep must be refused");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find("nested deeper than") != std::string::npos, e.what());
    }
    // A schema of groups within groups.
    std::vector<SchemaElement> elements(100);
    for (auto& element : elements) {
      element.name = "g";
      element.numChildren = 1;
    }
    elements.back().numChildren = 0;
    elements.back().type = PhysicalType::Int32;
    try {
      buildSchema(elements);
      QFAIL("a schema nested 100 deep must be refused");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find("nests deeper than") != std::string::npos, e.what());
    }
  }

  void unsupportedCodecIsNamed() {
    try {
      checkCodecSupported(int32_t(Codec::Lz4Raw));
      QFAIL("LZ4_RAW is not supported");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find("LZ4_RAW is not supported") != std::string::npos,
               e.what());
    }
  }

  void cancelStopsEarly() {
    const std::string path = (kFixtures + "/mmlu.arrow-v1-snappy-plain.parquet").toStdString();
    CollectingSink sink;
    tunebench::BasicJobContext context;
    context.onProgress = [&](int64_t, int64_t, const std::string&) { context.cancel(); };
    tunebench::builtin::ParquetImporter().importFile({path, false, {}}, sink, context);
    QVERIFY(sink.records.size() < 100);
  }
};

QTEST_GUILESS_MAIN(ParquetImportTest)
#include "tst_parquet_import.moc"

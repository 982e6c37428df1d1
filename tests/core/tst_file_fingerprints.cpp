// SHA-256 (known vectors, files, progress and cancel) and the per-user file fingerprint cache.
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/Error.h"
#include "common/FileFingerprintCache.h"
#include "common/FolderDigest.h"
#include "common/Sha256.h"
#include "export/ExportFolder.h"

using namespace tunebench;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

void writeFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string randomBytes(size_t size, quint32 seed) {
  std::string bytes(size, '\0');
  QRandomGenerator random(seed);
  for (auto& byte : bytes) byte = static_cast<char>(random.bounded(256));
  return bytes;
}

QString qtSha256(const std::string& bytes) {
  return QString::fromLatin1(
      QCryptographicHash::hash(QByteArray::fromStdString(bytes), QCryptographicHash::Sha256)
          .toHex());
}

// A cache that remembers files written a moment ago: the tests change files deliberately.
FileFingerprintCache cacheAt(const fs::path& file) {
  return FileFingerprintCache(file, 0ns);
}

}  // namespace

class FileFingerprintsTest : public QObject {
  Q_OBJECT
 private slots:
  void sha256KnownVectors_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("digest");
    QTest::newRow("empty") << QByteArray()
                           << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    QTest::newRow("abc") << QByteArray("abc")
                         << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    QTest::newRow("448 bits") << QByteArray(
                                     "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                              << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    QTest::newRow("896 bits")
        << QByteArray(
               "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmn"
               "opqklmnopqrlmnopqrsmnopqrstnopqrstu")
        << "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
  }

  void sha256KnownVectors() {
    QFETCH(QByteArray, input);
    QFETCH(QString, digest);
    Sha256 hash;
    hash.update(input.constData(), static_cast<size_t>(input.size()));
    QCOMPARE(QString::fromStdString(hash.hexDigest()), digest);
    QCOMPARE(QString::fromStdString(sha256Hex(input.toStdString())), digest);
  }

  void sha256OfOneMillionA() {
    const std::string thousand(1000, 'a');
    Sha256 hash;
    for (int i = 0; i < 1000; ++i) hash.update(thousand);
    QCOMPARE(hash.hexDigest(),
             std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
  }

  void sha256InChunksMatchesQt() {
    const std::string data = randomBytes(1 << 20, 7);
    QRandomGenerator random(8);
    Sha256 hash;
    for (size_t at = 0; at < data.size();) {
      const size_t take = std::min<size_t>(random.bounded(1, 200), data.size() - at);
      hash.update(data.data() + at, take);
      at += take;
    }
    QCOMPARE(QString::fromStdString(hash.hexDigest()), qtSha256(data));
  }

  void movedHashCarriesOn() {
    Sha256 first;
    first.update(std::string_view("ab"));
    Sha256 second(std::move(first));
    second.update(std::string_view("c"));
    QCOMPARE(second.hexDigest(),
             std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  }

  // Several read blocks, the last one partial; progress counts up to the file's size.
  void fileHashReportsProgress() {
    QTemporaryDir dir;
    const fs::path file = dir.filePath("weights.bin").toStdString();
    const std::string bytes = randomBytes((7 << 19) + 123, 9);
    writeFile(file, bytes);
    QCOMPARE(QString::fromStdString(sha256OfFile(file.string())), qtSha256(bytes));
    std::vector<uint64_t> done;
    const auto digest = sha256OfFile(file.string(), [&](uint64_t now, uint64_t total) {
      if (total != bytes.size()) return false;
      done.push_back(now);
      return true;
    });
    QCOMPARE(QString::fromStdString(digest), qtSha256(bytes));
    QVERIFY(done.size() >= 3);
    QVERIFY(std::is_sorted(done.begin(), done.end()));
    QCOMPARE(done.back(), uint64_t(bytes.size()));
  }

  void cancelStopsTheFileHash() {
    QTemporaryDir dir;
    const fs::path file = dir.filePath("weights.bin").toStdString();
    writeFile(file, randomBytes(8 << 20, 10));
    int calls = 0;
    uint64_t lastDone = 0;
    const auto digest = sha256OfFile(file.string(), [&](uint64_t done, uint64_t) {
      lastDone = done;
      return ++calls < 2;
    });
    QVERIFY(digest.empty());
    QCOMPARE(calls, 2);
    QVERIFY(lastDone < uint64_t(8 << 20));  // stopped before reading the whole file

    // A canceled hash is not remembered.
    auto cache = cacheAt(dir.filePath("cache.txt").toStdString());
    QVERIFY(cache.sha256(file.string(), [](uint64_t, uint64_t) { return false; }).empty());
    QVERIFY(!fs::exists(cache.file()));
  }

  void unreadableFileIsNamed() {
    QTemporaryDir dir;
    const std::string missing = dir.filePath("missing.safetensors").toStdString();
    for (const auto& path : {missing, dir.path().toStdString()}) {
      try {
        sha256OfFile(path);
        QFAIL("an unreadable file was hashed");
      } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("cannot read " + path) != std::string::npos, e.what());
      }
    }
  }

  void cacheAnswersWithoutReadingTheFile() {
    QTemporaryDir dir;
    const fs::path file = dir.filePath("model.safetensors").toStdString();
    const fs::path cacheFile = dir.filePath("cache/fingerprints.txt").toStdString();
    const std::string bytes = randomBytes(100000, 11);
    writeFile(file, bytes);
    auto cache = cacheAt(cacheFile);
    QCOMPARE(QString::fromStdString(cache.sha256(file.string())), qtSha256(bytes));
    QCOMPARE(cache.sha256(file.string()), cache.sha256(file.string()));
    QCOMPARE(cache.filesHashed(), size_t(1));

    // A later run reads the digest from the cache file. A digest edited into that file is
    // returned as it is: the weights themselves were not read.
    auto later = cacheAt(cacheFile);
    QCOMPARE(QString::fromStdString(later.sha256(file.string())), qtSha256(bytes));
    QCOMPARE(later.filesHashed(), size_t(0));
    std::string text = readFile(cacheFile);
    const std::string real = qtSha256(bytes).toStdString();
    const std::string planted(64, 'e');
    QVERIFY(text.find(real) != std::string::npos);
    text.replace(text.find(real), real.size(), planted);
    writeFile(cacheFile, text);
    auto edited = cacheAt(cacheFile);
    QCOMPARE(edited.sha256(file.string()), planted);
    QCOMPARE(edited.filesHashed(), size_t(0));
    // Relative and absolute spellings of the path are one entry.
    const auto current = fs::current_path();
    fs::current_path(dir.path().toStdString());
    const auto relative = edited.sha256("model.safetensors");
    fs::current_path(current);
    QCOMPARE(relative, planted);
  }

  void cacheHashesAChangedFileAgain_data() {
    QTest::addColumn<QString>("change");
    QTest::newRow("size") << "size";
    QTest::newRow("modification time") << "mtime";
    QTest::newRow("replaced, same size and time") << "replaced";
  }

  void cacheHashesAChangedFileAgain() {
    QFETCH(QString, change);
    QTemporaryDir dir;
    const fs::path file = dir.filePath("model.safetensors").toStdString();
    const fs::path cacheFile = dir.filePath("fingerprints.txt").toStdString();
    writeFile(file, randomBytes(5000, 12));
    const auto earlier = fs::file_time_type::clock::now() - 1h;
    fs::last_write_time(file, earlier);
    const std::string before = cacheAt(cacheFile).sha256(file.string());

    std::string now;
    if (change == "size") {
      now = randomBytes(5001, 13);
      writeFile(file, now);
      fs::last_write_time(file, earlier);
    } else if (change == "mtime") {
      now = readFile(file);
      fs::last_write_time(file, earlier + 1s);
    } else {
      // As editors and atomic writers do: a new file renamed over the old one (a new inode).
      now = randomBytes(5000, 14);
      writeFile(dir.filePath("new.tmp").toStdString(), now);
      fs::last_write_time(dir.filePath("new.tmp").toStdString(), earlier);
      fs::rename(dir.filePath("new.tmp").toStdString(), file);
    }
    auto cache = cacheAt(cacheFile);
    QCOMPARE(QString::fromStdString(cache.sha256(file.string())), qtSha256(now));
    QCOMPARE(cache.filesHashed(), size_t(1));
    QCOMPARE(before != cache.sha256(file.string()), change != "mtime");
  }

  // A file changed a moment ago may change again within the same clock tick, keeping its times:
  // its digest is not kept.
  void recentlyChangedFileIsNotRemembered() {
    QTemporaryDir dir;
    const fs::path file = dir.filePath("model.safetensors").toStdString();
    const fs::path cacheFile = dir.filePath("fingerprints.txt").toStdString();
    writeFile(file, "weights");
    FileFingerprintCache cache(cacheFile, 1h);  // its change time is within the last hour
    cache.sha256(file.string());
    cache.sha256(file.string());
    QCOMPARE(cache.filesHashed(), size_t(2));
    fs::last_write_time(file, fs::file_time_type::clock::now() + 1h);  // modified "later"
    FileFingerprintCache standard(cacheFile);
    standard.sha256(file.string());
    standard.sha256(file.string());
    QCOMPARE(standard.filesHashed(), size_t(2));
    QVERIFY(!fs::exists(cacheFile));
  }

  void brokenCacheFileIsIgnored_data() {
    QTest::addColumn<QString>("damage");
    QTest::newRow("empty") << "empty";
    QTest::newRow("garbage") << "garbage";
    QTest::newRow("other header") << "header";
    QTest::newRow("truncated line") << "truncated";
    QTest::newRow("digest not hex") << "digest";
    QTest::newRow("size not a number") << "size";
    QTest::newRow("relative path") << "relative";
    QTest::newRow("a folder") << "folder";
  }

  void brokenCacheFileIsIgnored() {
    QFETCH(QString, damage);
    QTemporaryDir dir;
    const fs::path a = dir.filePath("a.safetensors").toStdString();
    const fs::path b = dir.filePath("b.safetensors").toStdString();
    const fs::path cacheFile = dir.filePath("fingerprints.txt").toStdString();
    writeFile(a, "first weights");
    writeFile(b, "second weights");
    {
      auto cache = cacheAt(cacheFile);
      cache.sha256(a.string());
      cache.sha256(b.string());
    }
    std::string text = readFile(cacheFile);
    const size_t secondLine = text.find('\n') + 1;
    if (damage == "empty") text.clear();
    if (damage == "garbage") text = randomBytes(3000, 15);
    if (damage == "header") text.replace(0, 9, "somebody ");
    if (damage == "truncated") text.resize(text.size() - 5);
    if (damage == "digest") text[secondLine + 3] = 'X';
    if (damage == "size") text.replace(text.find('\t', secondLine) + 1, 1, "z");
    if (damage == "relative") text.erase(text.find("\t/") + 1, 1);
    if (damage == "folder") {
      fs::remove(cacheFile);
      fs::create_directories(cacheFile / "inside");
    } else {
      writeFile(cacheFile, text);
    }
    auto cache = cacheAt(cacheFile);
    QCOMPARE(QString::fromStdString(cache.sha256(a.string())), qtSha256("first weights"));
    QCOMPARE(QString::fromStdString(cache.sha256(b.string())), qtSha256("second weights"));
    QCOMPARE(cache.filesHashed(), size_t(2));
    if (damage != "folder") {  // rewritten whole and sound again
      auto later = cacheAt(cacheFile);
      QCOMPARE(QString::fromStdString(later.sha256(a.string())), qtSha256("first weights"));
      QCOMPARE(later.filesHashed(), size_t(0));
    }
  }

  // Two runs that read the cache file at the same time both keep what they hashed; no temporary
  // file is left behind.
  void concurrentWritersKeepEachOthersEntries() {
    QTemporaryDir dir;
    const fs::path a = dir.filePath("a.safetensors").toStdString();
    const fs::path b = dir.filePath("b.safetensors").toStdString();
    const fs::path cacheFile = dir.filePath("cache/fingerprints.txt").toStdString();
    writeFile(a, "first weights");
    writeFile(b, "second weights");
    auto one = cacheAt(cacheFile);
    auto two = cacheAt(cacheFile);
    one.sha256(a.string());
    two.sha256(b.string());
    auto later = cacheAt(cacheFile);
    later.sha256(a.string());
    later.sha256(b.string());
    QCOMPARE(later.filesHashed(), size_t(0));
    QCOMPARE(
        std::distance(fs::directory_iterator(cacheFile.parent_path()), fs::directory_iterator()),
        std::ptrdiff_t(1));
  }

  // The digest `sha256sum` lines give, with byte progress over the whole folder and cancel.
  void exportFolderDigestReportsProgressAndCancels() {
    QTemporaryDir dir;
    const fs::path folder = dir.filePath("export").toStdString();
    fs::create_directories(folder);
    writeFile(folder / "config.json", "{}");
    writeFile(folder / "model.safetensors", randomBytes(3 << 20, 16));
    const std::string expected =
        sha256Hex(sha256OfFile((folder / "config.json").string()) + "  config.json\n" +
                  sha256OfFile((folder / "model.safetensors").string()) + "  model.safetensors\n");
    uint64_t lastDone = 0, lastTotal = 0;
    QCOMPARE(folderSha256(folder.string(),
                          [&](uint64_t done, uint64_t total) {
                            lastDone = done;
                            lastTotal = total;
                            return true;
                          }),
             expected);
    QCOMPARE(lastTotal, uint64_t((3 << 20) + 2));
    QCOMPARE(lastDone, lastTotal);
    QVERIFY(folderSha256(folder.string(), [](uint64_t, uint64_t) { return false; }).empty());
  }
};

QTEST_GUILESS_MAIN(FileFingerprintsTest)
#include "tst_file_fingerprints.moc"

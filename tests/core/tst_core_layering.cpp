// core/'s rooms include each other in one direction only: the table "Rooms and their allowed
// includes" in docs/architecture.md names the rooms each room may include, and every include in
// core/ is held against it (no LibTorch, no core library: it reads text only).
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>

#include <functional>

namespace {

const QString kDoc = QStringLiteral("docs/architecture.md");
const QString kHeading = QStringLiteral("## Rooms and their allowed includes");

// Room -> the other rooms it may include.
using RoomTable = QMap<QString, QSet<QString>>;

struct SourceFile {
  QString path;  // relative to the repository, e.g. core/data/Splits.cpp
  QString text;
};

QString cellText(QString cell) {
  return cell.remove(QLatin1Char('`')).trimmed();
}

// The first Markdown table after the heading: the room in the first column, the rooms it may
// include (comma-separated, or "—" for none) in the second. Empty with `error` set on failure.
RoomTable readRoomTable(const QString& markdown, QString& error) {
  const QStringList lines = markdown.split(QLatin1Char('\n'));
  int at = lines.indexOf(kHeading);
  if (at < 0) {
    error = kDoc + " has no heading \"" + kHeading + "\"";
    return {};
  }
  while (at < lines.size() && !lines[at].trimmed().startsWith(QLatin1Char('|'))) ++at;
  RoomTable table;
  // Skip the header row and the separator row.
  for (at += 2; at < lines.size() && lines[at].trimmed().startsWith(QLatin1Char('|')); ++at) {
    const QStringList cells = lines[at].trimmed().split(QLatin1Char('|'));
    if (cells.size() < 4) {
      error = kDoc + ": room table row \"" + lines[at] + "\" needs two columns";
      return {};
    }
    QSet<QString> allowed;
    for (const QString& room : cells[2].split(QLatin1Char(','))) {
      const QString name = cellText(room);
      if (!name.isEmpty() && name != QStringLiteral("—")) allowed.insert(name);
    }
    table.insert(cellText(cells[1]), allowed);
  }
  if (table.isEmpty()) error = kDoc + ": no room table after \"" + kHeading + "\"";
  return table;
}

// One message per include of another room that the room's row does not list.
QStringList layeringViolations(const RoomTable& table, const QVector<SourceFile>& files) {
  static const QRegularExpression include(
      QStringLiteral("^\\s*#\\s*include\\s*[\"<](([A-Za-z_]\\w*)/[^\">]*)[\">]"),
      QRegularExpression::MultilineOption);
  QStringList violations;
  for (const SourceFile& file : files) {
    const QString room = file.path.section(QLatin1Char('/'), 1, 1);
    auto it = include.globalMatch(file.text);
    while (it.hasNext()) {
      const auto match = it.next();
      const QString target = match.captured(2);
      if (target == room || !table.contains(target) || table.value(room).contains(target)) continue;
      violations << file.path + " includes " + match.captured(1) + ": " + room +
                        " may not include " + target + " (" + kDoc + ")";
    }
  }
  return violations;
}

// A cycle the table allows, as "a → b → a", or empty when there is none.
QString cycleIn(const RoomTable& table) {
  QMap<QString, int> state;  // 1: on the current path, 2: done
  QStringList path;
  std::function<QString(const QString&)> visit = [&](const QString& room) -> QString {
    state[room] = 1;
    path << room;
    for (const QString& next : table.value(room)) {
      if (state.value(next) == 1)
        return (path.mid(path.indexOf(next)) << next).join(QStringLiteral(" → "));
      if (state.value(next) == 0 && table.contains(next)) {
        const QString cycle = visit(next);
        if (!cycle.isEmpty()) return cycle;
      }
    }
    path.removeLast();
    state[room] = 2;
    return {};
  };
  for (const QString& room : table.keys())
    if (state.value(room) == 0)
      if (const QString cycle = visit(room); !cycle.isEmpty()) return cycle;
  return {};
}

QString sourceDir() {
  return QStringLiteral(TUNEBENCH_SOURCE_DIR);
}

RoomTable projectRoomTable() {
  QFile doc(sourceDir() + "/" + kDoc);
  if (!doc.open(QIODevice::ReadOnly)) return {};
  QString error;
  const RoomTable table = readRoomTable(QString::fromUtf8(doc.readAll()), error);
  if (!error.isEmpty()) qWarning("%s", qPrintable(error));
  return table;
}

QVector<SourceFile> coreSources() {
  QVector<SourceFile> files;
  const QDir root(sourceDir());
  QDirIterator it(sourceDir() + "/core", {"*.h", "*.hpp", "*.cpp", "*.in"}, QDir::Files,
                  QDirIterator::Subdirectories);
  while (it.hasNext()) {
    QFile file(it.next());
    if (file.open(QIODevice::ReadOnly))
      files.push_back({root.relativeFilePath(file.fileName()), QString::fromUtf8(file.readAll())});
  }
  return files;
}

}  // namespace

class CoreLayering : public QObject {
  Q_OBJECT
 private slots:
  void everyRoomHasARow() {
    const RoomTable table = projectRoomTable();
    QVERIFY2(table.size() >= 10, "the room table in docs/architecture.md is missing or short");
    const QStringList folders =
        QDir(sourceDir() + "/core").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& folder : folders)
      QVERIFY2(table.contains(folder),
               qPrintable("core/" + folder + " has no row in the room table (" + kDoc + ")"));
    for (const QString& room : table.keys())
      QVERIFY2(folders.contains(room),
               qPrintable("the room table names " + room + ", which is no folder under core/"));
  }

  void roomTableHasNoCycle() {
    const QString cycle = cycleIn(projectRoomTable());
    QVERIFY2(cycle.isEmpty(), qPrintable("the room table allows a cycle: " + cycle));
  }

  void coreIncludesFollowTheRoomTable() {
    const QVector<SourceFile> files = coreSources();
    QVERIFY2(files.size() > 100, "too few core files found to scan");
    const QStringList violations = layeringViolations(projectRoomTable(), files);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(QLatin1Char('\n'))));
  }

  void reportsAnIncludeTheTableForbids() {
    QString error;
    const RoomTable table = readRoomTable(kHeading +
                                              "\n\nText.\n\n| room | may include |\n| --- | --- |\n"
                                              "| `common` | — |\n| `data` | `common` |\n"
                                              "| `train` | `common`, `data` |\n\nAfter.\n",
                                          error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(table.size(), 3);
    const QVector<SourceFile> files = {
        {"core/data/X.cpp",
         "#include \"data/X.h\"\n#include <vector>\n#include \"common/Error.h\"\n"
         "  #  include \"train/Y.h\"\n#include \"nlohmann/json.hpp\"\n"},
        {"core/train/Z.cpp", "#include \"data/X.h\"\n#include \"common/Error.h\"\n"}};
    QCOMPARE(layeringViolations(table, files),
             QStringList{"core/data/X.cpp includes train/Y.h: data may not include train "
                         "(docs/architecture.md)"});
  }

  void reportsACycleInTheTable() {
    QString error;
    const RoomTable table = readRoomTable(kHeading +
                                              "\n| room | may include |\n| --- | --- |\n"
                                              "| common | — |\n| data | common, train |\n"
                                              "| train | data |\n",
                                          error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(cycleIn(table), QStringLiteral("data → train → data"));
  }

  void reportsAMissingTable() {
    QString error;
    QVERIFY(readRoomTable("# Architecture\n\nNo rooms here.\n", error).isEmpty());
    QVERIFY(error.contains(kHeading));
  }
};

QTEST_GUILESS_MAIN(CoreLayering)
#include "tst_core_layering.moc"

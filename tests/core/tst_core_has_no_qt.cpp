// core/ must build without Qt (it is built alone on GPU machines): no Qt include anywhere in it.
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

// Kept out of raw string literals, which moc's tokenizer does not follow.
static const QString kQtIncludePattern =
    QStringLiteral("^\\s*#\\s*include\\s*[<\"](Q[A-Z]\\w*|Qt\\w*/)[^>\"]*[>\"]");

class CoreHasNoQt : public QObject {
  Q_OBJECT
 private slots:
  void noQtIncludeInCore() {
    const QString coreDir = QStringLiteral(TUNEBENCH_SOURCE_DIR "/core");
    QVERIFY2(QDir(coreDir).exists(), qPrintable(coreDir));
    const QRegularExpression qtInclude(
        kQtIncludePattern,
        QRegularExpression::MultilineOption);
    QStringList offenders;
    int scanned = 0;
    QDirIterator it(coreDir, {"*.h", "*.hpp", "*.cpp", "*.in"}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
      const QString path = it.next();
      QFile file(path);
      QVERIFY(file.open(QIODevice::ReadOnly));
      const QString text = QString::fromUtf8(file.readAll());
      ++scanned;
      auto match = qtInclude.match(text);
      if (match.hasMatch()) offenders << path + ": " + match.captured(0).trimmed();
    }
    QVERIFY2(scanned > 5, "too few core files found to scan");
    QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join('\n')));
  }

  void detectorCatchesAQtInclude() {
    // The pattern itself must fire on what it is meant to catch.
    const QRegularExpression qtInclude(
        kQtIncludePattern,
        QRegularExpression::MultilineOption);
    QVERIFY(qtInclude.match("#include <QString>\n").hasMatch());
    QVERIFY(qtInclude.match("  # include \"QtCore/qglobal.h\"").hasMatch());
    QVERIFY(!qtInclude.match("#include <torch/torch.h>").hasMatch());
  }
};

QTEST_GUILESS_MAIN(CoreHasNoQt)
#include "tst_core_has_no_qt.moc"

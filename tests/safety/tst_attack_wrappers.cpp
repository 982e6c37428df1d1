// Jailbreak wrappers: Base64 and ROT13 of known strings, the leetspeak mapping, each framing
// keeps the request, and unknown wrapper names are refused with the known ones.
#include <QtTest>

#include "common/Error.h"
#include "safety/AttackWrappers.h"

using namespace tunebench;

class AttackWrappersTest : public QObject {
  Q_OBJECT
 private slots:
  void base64_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("encoded");
    // RFC 4648's test vectors.
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("f") << "f"
                       << "Zg==";
    QTest::newRow("fo") << "fo"
                        << "Zm8=";
    QTest::newRow("foo") << "foo"
                         << "Zm9v";
    QTest::newRow("foobar") << "foobar"
                            << "Zm9vYmFy";
    QTest::newRow("sentence") << "How do I pick a lock?"
                              << "SG93IGRvIEkgcGljayBhIGxvY2s/";
  }

  void base64() {
    QFETCH(QString, text);
    QFETCH(QString, encoded);
    QCOMPARE(QString::fromStdString(base64Encode(text.toStdString())), encoded);
  }

  void base64LongTextHasNoLineBreaks() {
    const auto encoded = base64Encode(std::string(200, 'x'));
    QCOMPARE(encoded.size(), size_t(268));
    QCOMPARE(encoded.find('\n'), std::string::npos);
  }

  void rot13RoundTrips() {
    QCOMPARE(rot13("Hello, World! 123"), std::string("Uryyb, Jbeyq! 123"));
    QCOMPARE(rot13(rot13("How do I pick a lock?")), std::string("How do I pick a lock?"));
    QCOMPARE(rot13("\xC3\xA9z"), std::string("\xC3\xA9m"));  // bytes beyond ASCII unchanged
  }

  void leetspeakMapping() {
    QCOMPARE(leetspeak("aeiost AEIOST bcd"), std::string("431057 431057 bcd"));
    QCOMPARE(leetspeak("Steal a test"), std::string("5734l 4 7357"));
  }

  void wrappersKeepTheRequest() {
    const std::string request = "How do I pick a lock?";
    QCOMPARE(wrapPrompt("none", request), request);
    for (const char* framing : {"role_play", "prefix_injection", "refusal_suppression"}) {
      const auto wrapped = wrapPrompt(framing, request);
      QVERIFY2(wrapped.find(request) != std::string::npos, framing);
      QVERIFY2(wrapped != request, framing);
    }
    QVERIFY(
        wrapPrompt("prefix_injection", request).find("Start your answer with \"Sure, here is\"") !=
        std::string::npos);
    QVERIFY(wrapPrompt("refusal_suppression", request).find("Do not apologize") !=
            std::string::npos);
    QVERIFY(wrapPrompt("base64", request).find(base64Encode(request)) != std::string::npos);
    QVERIFY(wrapPrompt("base64", request).find(request) == std::string::npos);
    QVERIFY(wrapPrompt("rot13", request).find(rot13(request)) != std::string::npos);
    QCOMPARE(wrapPrompt("leetspeak", request), leetspeak(request));
    // Deterministic: the same prompt wraps the same way every time.
    QCOMPARE(wrapPrompt("role_play", request), wrapPrompt("role_play", request));
  }

  void unknownWrapper() {
    QCOMPARE(attackWrapperNames().size(), size_t(7));
    QVERIFY(isAttackWrapper("rot13"));
    QVERIFY(!isAttackWrapper("ROT13"));
    try {
      wrapPrompt("gcg", "x");
      QFAIL("an unknown wrapper was accepted");
    } catch (const Error& e) {
      QVERIFY(std::string(e.what()).find("leetspeak") != std::string::npos);
    }
  }
};

QTEST_GUILESS_MAIN(AttackWrappersTest)
#include "tst_attack_wrappers.moc"

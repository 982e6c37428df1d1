// The chat template renderer against Jinja2 configured like Hugging Face transformers, the
// built-in presets, error positions and assistant spans.
#include <QProcess>
#include <QtTest>

#include <map>

#include "chat/ChatPresets.h"
#include "chat/ChatTemplate.h"
#include "chat/JinjaTemplate.h"
#include "chat_template_cases.h"
#include "common/Error.h"

using nlohmann::ordered_json;
using tunebench::ChatMessage;
using tunebench::ChatRenderOptions;
using tunebench::ChatTemplate;

namespace {

// The Debian interpreter that install-deps.sh equips with the reference modules, else python3.
QString referencePython() {
  return QFile::exists("/usr/bin/python3") ? QStringLiteral("/usr/bin/python3")
                                           : QStringLiteral("python3");
}

struct Case {
  std::string templateName, source;
  size_t contextIndex;
  ordered_json context;
};

std::vector<Case> allCases() {
  std::vector<std::pair<std::string, std::string>> sources;
  for (const auto& name : tunebench::chatPresetNames())
    sources.emplace_back("preset_" + name, tunebench::chatPresetSource(name));
  for (const auto& [name, source] : chat_cases::templates()) sources.emplace_back(name, source);
  const ordered_json contexts = ordered_json::parse(chat_cases::contextsJson());
  std::vector<Case> cases;
  for (const auto& [name, source] : sources)
    for (size_t i = 0; i < contexts.size(); ++i) cases.push_back({name, source, i, contexts[i]});
  return cases;
}

// {"text": ...} or {"error": ...} per case, from Jinja2.
std::vector<ordered_json> renderWithJinja2(const std::vector<Case>& cases) {
  ordered_json jobs = ordered_json::array();
  for (const auto& c : cases) jobs.push_back({{"template", c.source}, {"context", c.context}});
  QProcess python;
  python.start(referencePython(),
               {QStringLiteral(TUNEBENCH_SOURCE_DIR "/tests/tools/render_chat_template.py")});
  python.write(QByteArray::fromStdString(jobs.dump()));
  python.closeWriteChannel();
  if (!python.waitForFinished(120000) || python.exitCode() != 0)
    qFatal("Jinja2 reference failed: %s", python.readAllStandardError().constData());
  return ordered_json::parse(python.readAllStandardOutput().toStdString())
      .get<std::vector<ordered_json>>();
}

std::string renderOurs(const Case& c, bool* failed, std::string* error) {
  try {
    const tunebench::jinja::Template t(c.source);
    *failed = false;
    return t.render(tunebench::jinja::Value::fromJson(c.context).asDict());
  } catch (const tunebench::Error& e) {
    *failed = true;
    *error = e.what();
    return {};
  }
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const tunebench::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

class ChatTemplateTest : public QObject {
  Q_OBJECT
 private:
  std::vector<Case> cases_;
  std::vector<ordered_json> reference_;

 private slots:
  void initTestCase() {
    cases_ = allCases();
    reference_ = renderWithJinja2(cases_);
    QCOMPARE(reference_.size(), cases_.size());
  }

  void matchesJinja2_data() {
    QTest::addColumn<int>("index");
    const auto cases = allCases();
    for (size_t i = 0; i < cases.size(); ++i)
      QTest::addRow("%s/context%zu", cases[i].templateName.c_str(), cases[i].contextIndex)
          << static_cast<int>(i);
  }

  void matchesJinja2() {
    QFETCH(int, index);
    const Case& c = cases_[static_cast<size_t>(index)];
    const ordered_json& expected = reference_[static_cast<size_t>(index)];
    bool failed = false;
    std::string error;
    const std::string ours = renderOurs(c, &failed, &error);
    if (expected.contains("error")) {
      QVERIFY2(failed, ("Jinja2 failed (" + expected["error"].get<std::string>() +
                        ") but we rendered:\n" + ours)
                           .c_str());
      return;
    }
    QVERIFY2(!failed, ("we failed: " + error).c_str());
    QCOMPARE(QString::fromStdString(ours),
             QString::fromStdString(expected["text"].get<std::string>()));
  }

  void everyTemplateRendersSomeContext() {
    // Guards the comparison above against templates that fail everywhere.
    std::map<std::string, int> rendered;
    for (size_t i = 0; i < cases_.size(); ++i)
      if (reference_[i].contains("text")) ++rendered[cases_[i].templateName];
    for (const auto& c : cases_) QVERIFY2(rendered[c.templateName] >= 2, c.templateName.c_str());
  }

  void errorsNameLineAndColumn_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unclosed if") << "line one\n{% if x %}\nyes"
                                 << "expected {% endif %}";
    QTest::newRow("bad expression") << "a\nb {{ 1 + }}"
                                    << "line 2, column 10: expected an expression";
    QTest::newRow("unknown tag") << "\n\n  {% include 'x' %}"
                                 << "line 3, column 6: unknown or unsupported tag 'include'";
    QTest::newRow("unknown filter") << "{{ 'x' | nope }}"
                                    << "line 1, column 8: no filter named 'nope'";
    QTest::newRow("unterminated string") << "{{ 'abc }}"
                                         << "unterminated string literal";
    QTest::newRow("unclosed tag") << "{{ x "
                                  << "missing '}}'";
    QTest::newRow("undefined attribute") << "ok\n{{ missing.field }}"
                                         << "line 2, column 11: 'missing' is undefined";
    QTest::newRow("division by zero") << "{{ 1 // 0 }}"
                                      << "line 1, column 6";
    QTest::newRow("raise_exception")
        << "{% if true %}\n  {{ raise_exception('Roles must alternate') }}{% endif %}"
        << "line 2, column 21: raise_exception: Roles must alternate";
    QTest::newRow("indent of a number")
        << "{{ 42 | indent }}"
        << "line 1, column 7: unsupported operand type(s) for +=: 'int' and 'str'";
    QTest::newRow("set on non-namespace") << "{% set x = 1 %}{% set x.y = 2 %}"
                                          << "non-namespace";
    QTest::newRow("stray endfor") << "{% endfor %}"
                                  << "unknown or unsupported tag 'endfor'";
    // 64-bit integers: where Python's would grow, a named error instead of a wrapped value.
    QTest::newRow("integer overflow")
        << "{{ 9223372036854775807 + 1 }}"
        << "integer overflow: 9223372036854775807 + 1 does not fit in 64 bits";
    QTest::newRow("int64 min // -1") << "{{ (-9223372036854775807 - 1) // -1 }}"
                                     << "integer overflow";
    QTest::newRow("negated int64 min") << "{{ -(-9223372036854775807 - 1) }}"
                                       << "integer overflow";
    QTest::newRow("abs of int64 min") << "{{ (-9223372036854775807 - 1) | abs }}"
                                      << "integer overflow";
    QTest::newRow("product overflow") << "{{ 4294967296 * 4294967296 }}"
                                      << "integer overflow";
    QTest::newRow("huge float to int") << "{{ 1e300 | int }}"
                                       << "cannot convert float 1e+300 to a 64-bit integer";
    // A namespace string doubled 60 times would need exabytes: refused where it passes 64 MiB.
    QTest::newRow("doubling string")
        << "{% set ns = namespace(s='ab') %}\n{% for i in range(60) %}"
           "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"
        << "line 2, column 44: the template would make a text of 128 MiB";
    QTest::newRow("doubling with +") << "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
                                        "{% set ns.s = ns.s + ns.s %}{% endfor %}"
                                     << "the most a template may make is 64 MiB";
    QTest::newRow("growing replace") << "{% set ns = namespace(s='aaaa') %}{% for i in range(60) %}"
                                        "{% set ns.s = ns.s | replace('a', 'aaaa') %}{% endfor %}"
                                     << "the most a template may make is 64 MiB";
    QTest::newRow("repetition") << "{{ 'x' * 100000000 }}"
                                << "the template would make a text of 95 MiB";
    QTest::newRow("deep nesting") << QString("{{ ") + QString("(").repeated(300) + "1" +
                                         QString(")").repeated(300) + " }}"
                                  << "nesting is too deep";
  }

  void errorsNameLineAndColumn() {
    QFETCH(QString, source);
    QFETCH(QString, expected);
    const std::string message = errorOf([&] {
      tunebench::jinja::Template t(source.toStdString());
      t.render({});
    });
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
    QVERIFY2(QString::fromStdString(message).startsWith("chat template"), message.c_str());
  }

  // Integer corner cases that once trapped (INT64_MIN % -1), overflowed or looped for ages;
  // the expected text is what Jinja2 renders.
  void integerEdgesRenderLikePython_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");
    QTest::newRow("int64 min % -1") << "{{ (-9223372036854775807 - 1) % -1 }}"
                                    << "0";
    QTest::newRow("divisibleby -1") << "{{ (-9223372036854775807 - 1) is divisibleby(-1) }}"
                                    << "True";
    QTest::newRow("odd int64 min") << "{{ (-9223372036854775807 - 1) is odd }}"
                                   << "False";
    QTest::newRow("one to a huge power") << "{{ 1 ** 9223372036854775807 }}"
                                         << "1";
    QTest::newRow("minus one to an odd power") << "{{ (-1) ** 9223372036854775807 }}"
                                               << "-1";
    QTest::newRow("largest power of two") << "{{ 2 ** 62 }}"
                                          << "4611686018427387904";
    QTest::newRow("range near int64 max")
        << "{{ range(9223372036854775806, 9223372036854775807, 10) | list }}"
        << "[9223372036854775806]";
    QTest::newRow("range near int64 min")
        << "{{ range(-9223372036854775807, -9223372036854775807 - 1, -10) | list }}"
        << "[-9223372036854775807]";
    QTest::newRow("slice with a huge step") << "{{ 'abcdef'[5::9223372036854775807] }}"
                                            << "f";
    QTest::newRow("nan to int") << "{{ 'nan' | int(7) }}"
                                << "7";
    QTest::newRow("float index saturates") << "{{ [1, 2][1e300] is undefined }}"
                                           << "True";
  }

  void integerEdgesRenderLikePython() {
    QFETCH(QString, source);
    QFETCH(QString, expected);
    std::string rendered;
    const std::string message = errorOf([&] {
      tunebench::jinja::Template t(source.toStdString());
      rendered = t.render({});
    });
    QVERIFY2(message == "(no error)", message.c_str());
    QCOMPARE(QString::fromStdString(rendered), expected);
  }

  void presetsAreAvailable() {
    const auto names = ChatTemplate::presetNames();
    for (const char* name : {"chatml", "llama-2", "llama-3", "alpaca", "human-assistant"})
      QVERIFY(std::find(names.begin(), names.end(), name) != names.end());
    const std::string message = errorOf([] { ChatTemplate::preset("vicuna"); });
    QVERIFY2(QString::fromStdString(message).contains("chatml, llama-2"), message.c_str());
    const std::vector<ChatMessage> chat{{"user", "What is fine-tuning?"},
                                        {"assistant", "Adapting a model."}};
    ChatRenderOptions options;
    options.eosToken = "</s>";
    QCOMPARE(
        QString::fromStdString(ChatTemplate::preset("human-assistant").render(chat, options)),
        QStringLiteral("### Human: What is fine-tuning?\n### Assistant: Adapting a model.</s>\n"));
    QCOMPARE(QString::fromStdString(ChatTemplate::preset("chatml").render(chat, options)),
             QStringLiteral(
                 "<|im_start|>user\nWhat is "
                 "fine-tuning?<|im_end|>\n<|im_start|>assistant\nAdapting a model.<|im_end|>\n"));
  }

  void configTemplateWinsOverPreset() {
    tunebench::TokenizerConfig config;
    ChatRenderOptions options;
    const std::vector<ChatMessage> chat{{"user", "hi"}};
    QVERIFY(QString::fromStdString(ChatTemplate::forConfig(config, "llama-3").render(chat, options))
                .contains("<|start_header_id|>user"));
    config.chatTemplates["default"] =
        "{% for m in messages %}{{ m.role }}={{ m.content }}{% endfor %}";
    config.chatTemplates["tool_use"] = "tools!";
    QCOMPARE(QString::fromStdString(ChatTemplate::forConfig(config).render(chat, options)),
             QStringLiteral("user=hi"));
    QCOMPARE(QString::fromStdString(
                 ChatTemplate::forConfig(config, "chatml", "tool_use").render(chat, options)),
             QStringLiteral("tools!"));
    config.chatTemplates["default"] = "{% if %}";
    const std::string message = errorOf([&] { ChatTemplate::forConfig(config); });
    QVERIFY2(QString::fromStdString(message).startsWith(
                 "tokenizer_config.json: chat_template: chat template line 1"),
             message.c_str());
  }

  void assistantSpansOfPresets_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("firstSpan");
    QTest::newRow("chatml") << "chatml"
                            << "Sure thing.<|im_end|>\n";
    QTest::newRow("llama-2") << "llama-2"
                             << " Sure thing. </s>";
    QTest::newRow("llama-3") << "llama-3"
                             << "Sure thing.<|eot_id|>";
    QTest::newRow("alpaca") << "alpaca"
                            << "Sure thing.</s>\n\n";
    QTest::newRow("human-assistant") << "human-assistant"
                                     << "Sure thing.</s>\n";
  }

  void assistantSpansOfPresets() {
    QFETCH(QString, preset);
    QFETCH(QString, firstSpan);
    const ChatTemplate t = ChatTemplate::preset(preset.toStdString());
    const std::vector<ChatMessage> chat{{"system", "Be kind."},
                                        {"user", "Help me?"},
                                        {"assistant", "Sure thing."},
                                        {"user", "Thanks, and 2+2?"},
                                        {"assistant", "4 😀"}};
    ChatRenderOptions options;
    options.bosToken = "<s>";
    options.eosToken = preset == "llama-3" ? "<|eot_id|>" : "</s>";
    const auto rendered = t.renderWithSpans(chat, options);
    QCOMPARE(rendered.text, t.render(chat, options));
    QCOMPARE(rendered.assistantSpans.size(), size_t{2});
    QCOMPARE(rendered.assistantSpans[0].messageIndex, size_t{2});
    QCOMPARE(rendered.assistantSpans[1].messageIndex, size_t{4});
    const auto& first = rendered.assistantSpans[0];
    QCOMPARE(QString::fromStdString(rendered.text.substr(first.begin, first.end - first.begin)),
             firstSpan);
    const auto& second = rendered.assistantSpans[1];
    const std::string secondText = rendered.text.substr(second.begin, second.end - second.begin);
    QVERIFY2(secondText.find("4 😀") != std::string::npos, secondText.c_str());
    QVERIFY(first.end <= second.begin);
    // Outside the spans there is no assistant text.
    std::string outside = rendered.text.substr(0, first.begin) +
                          rendered.text.substr(first.end, second.begin - first.end);
    QVERIFY(outside.find("Sure thing.") == std::string::npos);
  }

  void generationBlocksGiveSpans() {
    const ChatTemplate t(
        "{% for m in messages %}<|{{ m.role }}|>\n{% if m.role == 'assistant' %}{% generation %}{{ "
        "m.content }}<|end|>"
        "{% endgeneration %}{% else %}{{ m.content }}<|end|>{% endif %}\n{% endfor %}");
    const std::vector<ChatMessage> chat{
        {"user", "a"}, {"assistant", "b1"}, {"user", "c"}, {"assistant", "d22"}};
    const auto rendered = t.renderWithSpans(chat, {});
    QCOMPARE(rendered.assistantSpans.size(), size_t{2});
    QCOMPARE(QString::fromStdString(rendered.text.substr(
                 rendered.assistantSpans[0].begin,
                 rendered.assistantSpans[0].end - rendered.assistantSpans[0].begin)),
             QStringLiteral("b1<|end|>"));
    QCOMPARE(rendered.assistantSpans[1].messageIndex, size_t{3});
    QCOMPARE(QString::fromStdString(rendered.text.substr(
                 rendered.assistantSpans[1].begin,
                 rendered.assistantSpans[1].end - rendered.assistantSpans[1].begin)),
             QStringLiteral("d22<|end|>"));
  }

  void spansOfANonPrefixTemplateAreRefused() {
    // Marks the last message differently: earlier renderings are not prefixes of later ones.
    const ChatTemplate t(
        "{% for m in messages %}{{ m.content }}{% if loop.last %}<last>{% endif %}{% endfor %}");
    const std::vector<ChatMessage> chat{{"user", "a"}, {"assistant", "b"}, {"user", "c"}};
    const std::string message = errorOf([&] { t.renderWithSpans(chat, {}); });
    QVERIFY2(QString::fromStdString(message).contains("messages[1]"), message.c_str());
  }

  void badMessagesAreRefused() {
    const ChatTemplate t = ChatTemplate::preset("chatml");
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, t.render(ordered_json::object(), {}));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error,
                             t.render(ordered_json::parse(R"([{"content": "no role"}])"), {}));
  }
};

QTEST_GUILESS_MAIN(ChatTemplateTest)
#include "tst_chat_template.moc"

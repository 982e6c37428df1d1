// The Setup panel driven through its widgets: LoRA chosen and configured, the parser's message
// under a bad learning rate, presets, the JSON view, run.json saved and opened, the dry-run
// estimate on a worker (with the event loop's longest stall measured), and "Use for Training"
// filling the Train panel's form in the main window.
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "MainWindow.h"
#include "UiTestSupport.h"
#include "jobs/JobsArea.h"
#include "model/ModelFactory.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"
#include "setup/EstimateView.h"
#include "setup/SetupForm.h"
#include "setup/SetupPanel.h"
#include "store/ProjectStore.h"
#include "train/TrainConfigForm.h"
#include "train/TrainPanel.h"
#include "train/TrainingConfig.h"

using tunebench::ui::SetupPanel;

using uitest::buttonOf;
using uitest::retype;
using uitest::screenshotPath;
using uitest::setSpin;
using uitest::StallMeter;

namespace {}  // namespace

class SetupPanelTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString model_, train_, project_;
  int projects_ = 0;

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_setup_panel"));
    QSettings().clear();
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath(QStringLiteral("model"));
    tunebench::makeRandomModel({"llama", "tiny", model_.toStdString(), 3});
    train_ = dir_.filePath(QStringLiteral("train.jsonl"));
    std::ofstream train(train_.toStdString());
    for (int i = 0; i < 24; ++i)
      train << nlohmann::json{{"prompt", "Add " + std::to_string(i) + " and 2."},
                              {"response", " " + std::to_string(i + 2)}}
                   .dump()
            << "\n";
    train.close();
  }

  // Each test gets a project of its own: the form is stored in the project as a draft, and a draft
  // left by another test would be restored into this one's form.
  void init() {
    project_ = dir_.filePath(QStringLiteral("setup-%1.tbproj").arg(++projects_));
    tunebench::store::ProjectStore::create(project_.toStdString());
  }

  // The form survives closing the project: it is stored as the project's draft and restored,
  // unfinished parts (no training file yet) included.
  void theFormIsRestoredWhenTheProjectOpensAgain() {
    {
      SetupPanel panel;
      panel.show();
      QVERIFY(QTest::qWaitForWindowExposed(&panel));
      QSignalSpy saved(&panel, &SetupPanel::draftSaved);
      panel.setProject(project_, model_);
      panel.applyPreset(0);  // LoRA SFT
      retype(panel.form()->field(QStringLiteral("optimizer.lr")), QStringLiteral("0.00042"));
      QCOMPARE(panel.runConfig()["optimizer"]["lr"].get<double>(), 0.00042);
      // Edits coalesce into writes; the last one stores the last edit.
      QTRY_COMPARE_WITH_TIMEOUT(
          nlohmann::json::parse(tunebench::store::ProjectStore::open(project_.toStdString())
                                    .setting("setup.draft")
                                    .value_or("{}"))
              .value(nlohmann::json::json_pointer("/optimizer/lr"), 0.0),
          0.00042, 20000);
      QTRY_VERIFY_WITH_TIMEOUT(saved.count() >= 1, 20000);
    }
    SetupPanel again;
    QSignalSpy restored(&again, &SetupPanel::draftRestored);
    again.setProject(project_, model_);
    QVERIFY(restored.count() == 1 || restored.wait(20000));
    QCOMPARE(again.runConfig()["optimizer"]["lr"].get<double>(), 0.00042);
    QCOMPARE(again.runConfig()["method"]["name"].get<std::string>(), std::string("lora"));
    const auto data = again.runConfig()["data"];
    QVERIFY(!data.contains("train") || data["train"].is_null() || data["train"] == "");
    QVERIFY(again.configState() != SetupPanel::ConfigState::Untouched);
  }

  // Phi-3 fuses q, k and v (and gate and up): the form names the LoRA targets as PEFT names them
  // for that family, for the default, a preset and a model chosen later; other families keep
  // theirs.
  void loraTargetsFollowThePhi3Family() {
    const QString phi3 = dir_.filePath(QStringLiteral("phi3"));
    tunebench::makeRandomModel({"phi3", "tiny", phi3.toStdString(), 3});
    SetupPanel panel;
    // The field, which holds the targets whatever the method (the run config lists them for
    // adapter methods only).
    const auto targets = [&panel] {
      return qobject_cast<QLineEdit*>(panel.form()->field(QStringLiteral("method.targets")))
          ->text();
    };
    panel.setProject(project_, phi3);
    QCOMPARE(targets(), QStringLiteral("qkv_proj"));
    panel.applyPreset(0);  // LoRA SFT on every projection
    QCOMPARE(targets(), QStringLiteral("qkv_proj, o_proj, gate_up_proj, down_proj"));
    panel.form()->setModelFolder(model_);  // a Llama: the names stay as they are
    QCOMPARE(targets(), QStringLiteral("qkv_proj, o_proj, gate_up_proj, down_proj"));
    panel.applyPreset(0);
    QCOMPARE(panel.runConfig()["method"]["targets"].size(), size_t(7));
    retype(panel.form()->field(QStringLiteral("model")), phi3);
    QCOMPARE(targets(), QStringLiteral("qkv_proj, o_proj, gate_up_proj, down_proj"));
  }

  void configuresLoraValidatesAndEstimates() {
    SetupPanel panel;
    panel.resize(1400, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setProject(project_, model_);
    auto* form = panel.form();
    QCOMPARE(form->modelFolder(), model_);
    QCOMPARE(panel.configState(), SetupPanel::ConfigState::Untouched);

    // The training file is required: the parser says so under its field.
    retype(form->field(QStringLiteral("data.text_field")), QStringLiteral("text"));
    QCOMPARE(panel.problem(), QStringLiteral("data.train is required (a JSON Lines file)"));
    QCOMPARE(form->problemShownAt(QStringLiteral("data.train")), panel.problem());
    QCOMPARE(panel.configState(), SetupPanel::ConfigState::Invalid);
    retype(form->field(QStringLiteral("data.train")), train_);
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    QCOMPARE(panel.configState(), SetupPanel::ConfigState::Valid);

    // Only the methods the engine has can be chosen.
    auto* method = form->methodBox();
    auto* items = qobject_cast<QStandardItemModel*>(method->model());
    QStringList selectable, unavailable;
    for (int i = 0; i < method->count(); ++i)
      (items->item(i)->isEnabled() ? selectable : unavailable) << method->itemText(i);
    QCOMPARE(selectable, QStringList({"Full fine-tuning", "Freeze lower layers", "LoRA", "DoRA",
                                      "QLoRA (NF4 base)", "Half fine-tuning", "Bottleneck adapters",
                                      "Prompt tuning"}));
    QVERIFY(unavailable.isEmpty());

    // LoRA with rsLoRA, rank 8, on q_proj and v_proj; SFT.
    method->setFocus();
    method->setCurrentIndex(method->findData(QStringLiteral("lora")));
    auto* objective = qobject_cast<QComboBox*>(form->field(QStringLiteral("objective")));
    objective->setCurrentIndex(objective->findData(QStringLiteral("sft")));
    QTest::mouseClick(form->field(QStringLiteral("method.rslora")), Qt::LeftButton, Qt::NoModifier,
                      QPoint(5, 5));
    setSpin(form->field(QStringLiteral("method.r")), 8);
    retype(form->field(QStringLiteral("method.targets")), QStringLiteral("q_proj, v_proj"));
    QVERIFY(!form->field(QStringLiteral("freeze.layers"))->isEnabled());

    // A bad learning rate: the parser's message, inline, and no estimate.
    retype(form->field(QStringLiteral("optimizer.lr")), QStringLiteral("-1"));
    const QString rangeMessage =
        QStringLiteral("optimizer.lr must be between 1e-12 and 100 (got -1)");
    QCOMPARE(panel.problem(), rangeMessage);
    QCOMPARE(form->problemShownAt(QStringLiteral("optimizer.lr")), rangeMessage);
    QVERIFY(panel.problemLabel()->text().contains(QStringLiteral("optimizer.lr must be")));
    QCOMPARE(panel.configState(), SetupPanel::ConfigState::Invalid);
    retype(form->field(QStringLiteral("optimizer.lr")), QStringLiteral("fast"));
    QCOMPARE(form->problemShownAt(QStringLiteral("optimizer.lr")),
             QStringLiteral("optimizer.lr must be a number"));
    QSignalSpy failures(&panel, &SetupPanel::failed);
    QVERIFY(!panel.estimate());
    QCOMPARE(failures.count(), 1);
    QVERIFY(!panel.isEstimating());
    retype(form->field(QStringLiteral("optimizer.lr")), QStringLiteral("2e-4"));
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    QVERIFY(form->problemShownAt(QStringLiteral("optimizer.lr")).isEmpty());

    // Cross-field checks come from the parser too: early stopping needs validation data.
    QTest::mouseClick(form->field(QStringLiteral("early_stopping")), Qt::LeftButton, Qt::NoModifier,
                      QPoint(5, 5));
    QCOMPARE(panel.problem(), QStringLiteral("early_stopping needs data.validation"));
    QVERIFY(!form->problemShownAt(QStringLiteral("early_stopping")).isEmpty());
    QTest::mouseClick(form->field(QStringLiteral("early_stopping")), Qt::LeftButton, Qt::NoModifier,
                      QPoint(5, 5));
    QVERIFY(panel.problem().isEmpty());

    // The JSON view is the config, and the engine reads it as set.
    setSpin(form->field(QStringLiteral("threads")), 1);
    setSpin(form->field(QStringLiteral("max_steps")), 30);
    auto json = nlohmann::json::parse(panel.jsonView()->toPlainText().toStdString());
    QVERIFY(json == panel.runConfig());
    QCOMPARE(json["method"]["name"].get<std::string>(), std::string("lora"));
    QCOMPARE(json["method"]["r"].get<int>(), 8);
    QVERIFY(json["method"]["rslora"].get<bool>());
    QVERIFY(json["method"]["targets"] == nlohmann::json({"q_proj", "v_proj"}));
    QCOMPARE(json["optimizer"]["lr"].get<double>(), 2e-4);
    QCOMPARE(json["objective"].get<std::string>(), std::string("sft"));
    QCOMPARE(json["data"]["train"].get<std::string>(), train_.toStdString());
    const auto parsed = tunebench::parseTrainingConfig(json, "view");
    QVERIFY(parsed.method.lora.rslora);
    QCOMPARE(parsed.method.lora.r, int64_t(8));
    QCOMPARE(parsed.maxSteps, int64_t(30));

    // The estimate, on a worker thread, with the event loop free.
    auto* button = buttonOf(&panel, panel.estimateAction());
    QVERIFY(button && button->isEnabled());
    QSignalSpy finished(&panel, &SetupPanel::estimateFinished);
    StallMeter stalls;
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(panel.isEstimating());
    QVERIFY(!panel.estimateAction()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 180000);
    QVERIFY2(panel.lastEstimate(),
             qPrintable(failures.isEmpty() ? QString() : failures.last().at(1).toString()));
    qInfo("estimate: longest event-loop stall %lld ms", stalls.longestMs());
    QVERIFY2(stalls.longestMs() < 100, qPrintable(QString::number(stalls.longestMs())));
    const auto& estimate = *panel.lastEstimate();
    QVERIFY(estimate.completed);
    QVERIFY(estimate.peakResidentBytes > 0);
    QVERIFY(estimate.meanStepSeconds > 0);
    QVERIFY(estimate.trainableParameters < estimate.totalParameters);
    QCOMPARE(estimate.totalSteps, int64_t(30));
    auto* view = panel.estimateView();
    QVERIFY(view->figure(QStringLiteral("peak")).contains(QStringLiteral("B (")));
    QVERIFY(view->figure(QStringLiteral("step")).contains(QStringLiteral("mean of 3 steps")));
    QVERIFY(view->figure(QStringLiteral("throughput")).endsWith(QStringLiteral("tokens/s")));
    QVERIFY(
        view->figure(QStringLiteral("total")).contains(QStringLiteral("for 30 optimiser steps")));
    QVERIFY(
        view->figure(QStringLiteral("parameters"))
            .contains(QLocale().toString(static_cast<qlonglong>(estimate.trainableParameters))));
    QVERIFY(!QDir(dir_.filePath(QStringLiteral("checkpoints"))).exists());
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("setup.png"))));

    // A change after the estimate marks it as belonging to the earlier config.
    setSpin(form->field(QStringLiteral("batch_size")), 2);
    QVERIFY(
        view->findChild<QLabel*>(QStringLiteral("estimateMessage"))->text().contains("earlier"));
  }

  void configuresPromptTuningAndBottleneckAdapters() {
    SetupPanel panel;
    panel.resize(1400, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setProject(project_, model_);
    auto* form = panel.form();
    retype(form->field(QStringLiteral("data.train")), train_);
    auto* method = form->methodBox();
    method->setFocus();
    method->setCurrentIndex(method->findData(QStringLiteral("prompt_tuning")));
    const QString tokensKey = QStringLiteral("method.prompt_tuning.num_virtual_tokens");
    const QString textKey = QStringLiteral("method.prompt_tuning.init_text");
    QVERIFY(form->field(tokensKey)->isEnabled());
    QVERIFY(!form->field(textKey)->isEnabled());  // random init: no text
    QVERIFY(!form->field(QStringLiteral("method.bottleneck.size"))->isEnabled());
    QVERIFY(!form->field(QStringLiteral("method.r"))->isEnabled());
    QVERIFY(form->field(tokensKey)->toolTip().contains(QStringLiteral("virtual")) ||
            form->field(tokensKey)->toolTip().contains(QStringLiteral("prompt tokens")));
    setSpin(form->field(tokensKey), 12);

    // Text init without a text: the parser's message under the text field.
    auto* init = qobject_cast<QComboBox*>(form->field(QStringLiteral("method.prompt_tuning.init")));
    init->setCurrentIndex(init->findData(QStringLiteral("text")));
    QVERIFY(form->field(textKey)->isEnabled());
    QVERIFY2(panel.problem().startsWith(textKey + QStringLiteral(" is required")),
             qPrintable(panel.problem()));
    QCOMPARE(form->problemShownAt(textKey), panel.problem());
    QCOMPARE(panel.configState(), SetupPanel::ConfigState::Invalid);
    retype(form->field(textKey), QStringLiteral("Add the numbers"));
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    auto json = nlohmann::json::parse(panel.jsonView()->toPlainText().toStdString());
    QVERIFY(json == panel.runConfig());
    QVERIFY(
        json["method"] ==
        nlohmann::json(
            {{"name", "prompt_tuning"},
             {"prompt_tuning",
              {{"num_virtual_tokens", 12}, {"init", "text"}, {"init_text", "Add the numbers"}}}}));
    auto parsed = tunebench::parseTrainingConfig(json, "view");
    QVERIFY(parsed.method.kind == tunebench::MethodKind::PromptTuning);
    QCOMPARE(parsed.method.promptTuning.virtualTokens, int64_t(12));
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("setup-prompt-tuning.png"))));

    // Bottleneck adapters: size and activation, the prompt tuning fields off.
    method->setCurrentIndex(method->findData(QStringLiteral("bottleneck")));
    QVERIFY(!form->field(tokensKey)->isEnabled());
    QVERIFY(form->field(QStringLiteral("method.bottleneck.size"))->isEnabled());
    setSpin(form->field(QStringLiteral("method.bottleneck.size")), 16);
    auto* activation =
        qobject_cast<QComboBox*>(form->field(QStringLiteral("method.bottleneck.activation")));
    activation->setCurrentIndex(activation->findData(QStringLiteral("relu")));
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    json = panel.runConfig();
    QVERIFY(json["method"] ==
            nlohmann::json(
                {{"name", "bottleneck"}, {"bottleneck", {{"size", 16}, {"activation", "relu"}}}}));
    parsed = tunebench::parseTrainingConfig(json, "view");
    QVERIFY(parsed.method.kind == tunebench::MethodKind::Bottleneck);
    QVERIFY(parsed.method.bottleneck.activation == tunebench::BottleneckActivation::Relu);

    // A config read back fills the same fields.
    form->setConfig(parsed);
    QCOMPARE(method->currentData().toString(), QStringLiteral("bottleneck"));
    QCOMPARE(
        qobject_cast<QSpinBox*>(form->field(QStringLiteral("method.bottleneck.size")))->value(),
        16);
  }

  // Classification: its fields come alive with the objective, class weights take "balanced"
  // or a JSON object, and the parser's message shows under the field that is wrong.
  void configuresClassification() {
    SetupPanel panel;
    panel.resize(1400, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setProject(project_, model_);
    auto* form = panel.form();
    retype(form->field(QStringLiteral("data.train")), train_);
    auto* objective = qobject_cast<QComboBox*>(form->field(QStringLiteral("objective")));
    QVERIFY(!form->field(QStringLiteral("data.label_field"))->isEnabled());
    objective->setCurrentIndex(objective->findData(QStringLiteral("classification")));
    QVERIFY(form->field(QStringLiteral("data.label_field"))->isEnabled());
    QVERIFY(form->field(QStringLiteral("classification.class_weights"))->isEnabled());
    QVERIFY(!form->field(QStringLiteral("data.packing"))->isEnabled());
    QVERIFY(!form->field(QStringLiteral("data.prompt_field"))->isEnabled());
    QVERIFY(!form->field(QStringLiteral("classification.focal_gamma"))->isEnabled());
    auto* loss = qobject_cast<QComboBox*>(form->field(QStringLiteral("classification.loss")));
    loss->setCurrentIndex(loss->findData(QStringLiteral("focal")));
    QVERIFY(form->field(QStringLiteral("classification.focal_gamma"))->isEnabled());
    retype(form->field(QStringLiteral("classification.focal_gamma")), QStringLiteral("1.5"));
    retype(form->field(QStringLiteral("classification.class_weights")), QStringLiteral("[1, 2]"));
    QVERIFY2(form->problemShownAt(QStringLiteral("classification.class_weights"))
                 .contains(QStringLiteral("must be \"balanced\" or an object")),
             qPrintable(panel.problem()));
    retype(form->field(QStringLiteral("classification.class_weights")),
           QStringLiteral("{\"storm\": 3}"));
    retype(form->field(QStringLiteral("classification.labels")), QStringLiteral("calm, storm"));
    QTest::mouseClick(form->field(QStringLiteral("activation_checkpointing")), Qt::LeftButton,
                      Qt::NoModifier, QPoint(5, 5));
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    const auto parsed = tunebench::parseTrainingConfig(panel.runConfig(), "view");
    QCOMPARE(parsed.objective, tunebench::Objective::Classification);
    QCOMPARE(parsed.classification.labels, (std::vector<std::string>{"calm", "storm"}));
    QCOMPARE(parsed.classification.loss.focalGamma, 1.5);
    QCOMPARE(parsed.classification.loss.classWeights.at("storm"), 3.0);
    QVERIFY(parsed.activationCheckpointing);
    // And back: a config read into the form shows the same settings.
    SetupPanel again;
    again.form()->setConfig(parsed);
    QCOMPARE(qobject_cast<QLineEdit*>(
                 again.form()->field(QStringLiteral("classification.class_weights")))
                 ->text(),
             QStringLiteral("{\"storm\":3.0}"));
    QVERIFY(again.runConfig()["activation_checkpointing"].get<bool>());
  }

  void presetsFillTheForm() {
    SetupPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setProject(project_, model_);
    panel.form()->setTrainFile(train_);
    auto* presets = panel.presetBox();
    QVERIFY(presets->count() >= 3);
    QCOMPARE(presets->itemText(0), QStringLiteral("LoRA SFT (guide §5.6)"));
    presets->setFocus();
    QTest::keyClick(presets, Qt::Key_Down);  // the first preset
    const auto json = panel.runConfig();
    QCOMPARE(json["method"]["name"].get<std::string>(), std::string("lora"));
    QCOMPARE(json["optimizer"]["lr"].get<double>(), 2e-4);
    QCOMPARE(json["schedule"]["name"].get<std::string>(), std::string("linear"));
    QVERIFY(json["schedule"]["warmup_steps"].get<int>() > 0);
    QCOMPARE(json["gradient_accumulation"].get<int>(), 4);
    QCOMPARE(json["data"]["train"].get<std::string>(), train_.toStdString());  // kept
    QCOMPARE(json["model"].get<std::string>(), model_.toStdString());
    QVERIFY(panel.problem().isEmpty());
    QVERIFY(!presets->itemData(0, Qt::ToolTipRole).toString().isEmpty());

    panel.applyPreset(2);  // continued pretraining
    const auto pretraining = panel.runConfig();
    QCOMPARE(pretraining["objective"].get<std::string>(), std::string("causal_lm"));
    QVERIFY(pretraining["data"]["packing"].get<bool>());
    QCOMPARE(pretraining["method"]["name"].get<std::string>(), std::string("full"));
    QVERIFY(!pretraining["method"].contains("r"));
  }

  void savesAndOpensRunJson() {
    SetupPanel panel;
    panel.setProject(project_, model_);
    panel.form()->setTrainFile(train_);
    panel.applyPreset(0);
    const auto saved = panel.runConfig();
    const QString file = dir_.filePath(QStringLiteral("saved-run.json"));
    QSignalSpy savedSpy(&panel, &SetupPanel::configSaved);
    panel.saveRunConfig(file);
    QTRY_COMPARE(savedSpy.count(), 1);
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QVERIFY(nlohmann::json::parse(written.readAll().toStdString()) == saved);
    written.close();

    panel.applyPreset(1);
    QVERIFY(panel.runConfig() != saved);
    QSignalSpy opened(&panel, &SetupPanel::configOpened);
    panel.openRunConfig(file);
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(panel.runConfig() == saved);

    // A file the parser refuses: its message names the file and the setting; the form stays.
    const QString bad = dir_.filePath(QStringLiteral("bad-run.json"));
    auto badJson = saved;
    badJson["batch_size"] = 0;
    std::ofstream(bad.toStdString()) << badJson.dump();
    QSignalSpy failures(&panel, &SetupPanel::failed);
    panel.openRunConfig(bad);
    QTRY_COMPARE(failures.count(), 1);
    QVERIFY(failures.first().at(1).toString().contains(
        bad + QStringLiteral(": batch_size must be between 1")));
    QVERIFY(panel.runConfig() == saved);
  }

  void useForTrainingFillsTheTrainPanel() {
    tunebench::PluginRegistry plugins;
    tunebench::ui::MainWindow window(plugins);
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openProjectAt(project_);
    QTRY_VERIFY(window.session()->isOpen());
    window.session()->registerModel(model_, QStringLiteral("LlamaForCausalLM"),
                                    QStringLiteral("0"));
    QTRY_VERIFY(window.session()->snapshot().currentModel());
    auto* panel = window.setupPanel();
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentWidget(), static_cast<QWidget*>(panel));
    QTRY_COMPARE(panel->form()->modelFolder(), model_);
    QCOMPARE(window.stageState(tunebench::ui::Stage::Setup), tunebench::ui::StageState::NotYet);

    retype(panel->form()->field(QStringLiteral("data.train")), train_);
    retype(panel->form()->field(QStringLiteral("optimizer.lr")), QStringLiteral("0"));
    QCOMPARE(window.stageState(tunebench::ui::Stage::Setup),
             tunebench::ui::StageState::NeedsAttention);
    retype(panel->form()->field(QStringLiteral("optimizer.lr")), QStringLiteral("0.0003"));
    setSpin(panel->form()->field(QStringLiteral("batch_size")), 6);
    setSpin(panel->form()->field(QStringLiteral("epochs")), 2);
    QCOMPARE(window.stageState(tunebench::ui::Stage::Setup), tunebench::ui::StageState::Done);

    // Ctrl+Shift+T: the Train stage's form holds the config.
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(window.panels()->currentWidget(),
                 window.trainPanel()->parentWidget()->parentWidget());
    auto* trainForm = window.trainPanel()->form();
    QCOMPARE(trainForm->trainFile(), train_);
    QCOMPARE(trainForm->modelFolder(), model_);
    const auto handed = trainForm->toJson(QStringLiteral("/tmp/out"));
    QCOMPARE(handed["optimizer"]["lr"].get<double>(), 0.0003);
    QCOMPARE(handed["batch_size"].get<int>(), 6);
    QCOMPARE(handed["epochs"].get<int>(), 2);
    // Settings the Train form does not show travel with it.
    QVERIFY(handed["schedule"] == panel->runConfig()["schedule"]);
    QVERIFY(handed["method"] == panel->runConfig()["method"]);
    // The Train stage says what it does not show: the method with its settings, the objective,
    // the schedule and the output; its link leads back to Setup.
    const auto typed = tunebench::parseTrainingConfig(handed, "handed");
    const QString summary = trainForm->summaryText();
    QVERIFY2(summary.contains(QStringLiteral("Method: %1")
                                  .arg(QString::fromLatin1(tunebench::labelOf(
                                      tunebench::methodNames(), typed.method.kind)))
                                  .toHtmlEscaped()) &&
                 summary.contains(QStringLiteral("Objective: ")) &&
                 summary.contains(QStringLiteral("Schedule: ")) &&
                 summary.contains(QStringLiteral("Output: ")),
             qPrintable(summary));
    emit trainForm->findChild<QLabel*>(QStringLiteral("runSummary"))
        ->linkActivated(QStringLiteral("setup"));
    QTRY_COMPARE(window.panels()->currentWidget(), static_cast<QWidget*>(panel));
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(window.panels()->currentWidget(),
                 window.trainPanel()->parentWidget()->parentWidget());

    // The estimate from the Setup menu's shortcut is tracked in the status bar.
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    setSpin(panel->form()->field(QStringLiteral("threads")), 1);
    setSpin(panel->form()->field(QStringLiteral("max_steps")), 2);
    QSignalSpy finished(panel, &SetupPanel::estimateFinished);
    // Causal LM on prompt/response records: the error names the file, line and field.
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 180000);
    QVERIFY(!panel->lastEstimate());
    QVERIFY2(window.lastError().contains(train_ + ": line 1: field 'text' is missing"),
             qPrintable(window.lastError()));
    auto* objective = qobject_cast<QComboBox*>(panel->form()->field(QStringLiteral("objective")));
    objective->setCurrentIndex(objective->findData(QStringLiteral("sft")));
    auto* errorBox = window.findChild<QMessageBox*>();
    QVERIFY(errorBox && errorBox->isVisible());
    errorBox->accept();
    QTRY_VERIFY(!window.findChild<QMessageBox*>());
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(window.jobsArea()->runningCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 180000);
    QVERIFY2(panel->lastEstimate(),
             qPrintable(panel->estimateView()->findChild<QLabel*>("estimateMessage")->text()));
    QTRY_COMPARE(window.jobsArea()->runningCount(), 0);
    QVERIFY(window.grab().save(screenshotPath(QStringLiteral("main-window-setup.png"))));
  }
};

QTEST_MAIN(SetupPanelTest)
#include "tst_setup_panel.moc"

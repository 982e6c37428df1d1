// The Model panel driven as a user would: a starter model made through the panel, its description
// and memory table, registration in the project and reopening, broken folders, cancel, and the
// jobs area's batching. Also measures how long the event loop stalls while a model job runs.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>
#include <algorithm>
#include <atomic>
#include <thread>

#include "MainWindow.h"
#include "UiTestSupport.h"
#include "demo/StarterModel.h"
#include "jobs/JobRunner.h"
#include "jobs/JobsArea.h"
#include "model/ModelDescriptionView.h"
#include "model/ModelFactory.h"
#include "model/ModelPanel.h"
#include "model/StarterModelDialog.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"

using namespace tunebench::ui;

using uitest::screenshotPath;
using uitest::StallMeter;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(bytes);
}

// Reports progress as fast as it can: the GUI must see at most one update per refresh interval.
class FloodJob : public tunebench::Job {
 public:
  std::string name() const override { return "Flood"; }
  void run(tunebench::JobContext& context) override {
    const int64_t total = 300000;
    for (int64_t i = 1; i <= total && !context.isCanceled(); ++i) {
      context.progress(i, total, "Flooding");
      if (i % 1000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
};

class FailingJob : public tunebench::Job {
 public:
  std::string name() const override { return "Failing"; }
  void run(tunebench::JobContext&) override {
    throw std::runtime_error("data.jsonl line 3, column 7: expected a string");
  }
};

struct Project {
  QTemporaryDir dir;
  tunebench::PluginRegistry plugins;
  std::unique_ptr<MainWindow> window;

  bool open() {
    window = std::make_unique<MainWindow>(plugins);
    window->show();
    QSignalSpy opened(window->session(), &ProjectSession::opened);
    window->newProjectAt(dir.filePath("project.tbproj"));
    return opened.wait(20000);
  }
};

}  // namespace

class ModelPanelTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_model_panel"));
    QSettings().clear();
  }

  // A starter already built (here a random model marked as one, to keep the test short) is
  // described and registered without being built again.
  void builtInStarterIsOfferedToTheProject() {
    Project project;
    QVERIFY(project.open());
    MainWindow& window = *project.window;
    window.showStage(1);
    const QString folder = project.dir.filePath("starter-v1");
    tunebench::makeRandomModel({"llama", "tiny", folder.toStdString(), 2});
    writeFile(folder + "/starter.json", QByteArray("{\"recipe_version\": ") +
                                            QByteArray::number(tunebench::kStarterRecipeVersion) +
                                            "}");
    QVERIFY(tunebench::isStarterModelReady(folder.toStdString()));
    ModelPanel* panel = window.modelPanel();
    QVERIFY(panel->findChild<QPushButton*>(QStringLiteral("starterModelButton"))->isEnabled());
    QSignalSpy shown(panel, &ModelPanel::descriptionShown);
    panel->useBuiltInStarter(folder);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 60000);
    QCOMPARE(panel->view()->fact("Architecture"), QStringLiteral("LlamaForCausalLM"));
    QTRY_COMPARE(window.session()->snapshot().models.size(), size_t(1));
    QCOMPARE(window.session()->snapshot().models.front().folder, folder);
  }

  void starterModelIsDescribedRegisteredAndReopened() {
    Project project;
    QVERIFY(project.open());
    MainWindow& window = *project.window;
    QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.modelPanel()));
    QCOMPARE(window.stageState(tunebench::ui::Stage::Model), StageState::NotYet);
    ModelPanel* panel = window.modelPanel();
    QVERIFY(panel->statusText().contains("No model chosen yet"));

    QSignalSpy shown(panel, &ModelPanel::descriptionShown);
    const QString folder = project.dir.filePath("models/tiny");
    panel->createStarterModel(QStringLiteral("llama"), QStringLiteral("tiny"), folder);
    QVERIFY(panel->currentJob());
    QVERIFY(window.jobsArea()->isVisible());
    QCOMPARE(window.jobsArea()->runningCount(), 1);
    QVERIFY(!panel->findChild<QPushButton*>(QStringLiteral("createModelButton"))->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 180000);
    QVERIFY(!window.jobsArea()->isVisible());

    const auto* view = panel->view();
    QCOMPARE(view->fact("Architecture"), QStringLiteral("LlamaForCausalLM"));
    QCOMPARE(view->fact("Layers"), QStringLiteral("2"));
    QCOMPARE(view->fact("Key/value heads"), QStringLiteral("2"));
    QCOMPARE(view->fact("Parameters"),
             QStringLiteral("%L1").arg(panel->description()->config->parameterCount()));
    QVERIFY(view->fact("Tokenizer").contains("sentencepiece"));
    QVERIFY2(view->fact("Special tokens").contains("bos <s> = 1"),
             qPrintable(view->fact("Special tokens")));
    QVERIFY(view->fact("Special tokens").contains("eos </s> = 2"));
    // Token texts look like markup; they must be shown literally.
    int tokenLabels = 0;
    for (auto* label : view->findChildren<QLabel*>())
      if (label->text().contains("<s>")) {
        QCOMPARE(label->textFormat(), Qt::PlainText);
        ++tokenLabels;
      }
    QCOMPARE(tokenLabels, 1);
    QVERIFY(view->fact("Weights").contains("F32"));
    QCOMPARE(view->fact("Fingerprint (SHA-256)").size(), 64);
    QVERIFY(view->problemsText().isEmpty());
    auto* memory = view->memoryTable();
    QCOMPARE(memory->rowCount(), 7);
    QCOMPARE(memory->item(0, 0)->text(), QStringLiteral("Weights fp32"));
    QCOMPARE(memory->item(3, 0)->text(), QStringLiteral("Training: Full fine-tuning"));
    QCOMPARE(memory->item(4, 0)->text(), QStringLiteral("Training: LoRA"));
    QVERIFY(memory->item(0, 1)->text().contains("iB"));

    // Registered in the project: the navigator marks the stage done.
    QTRY_COMPARE(window.session()->snapshot().models.size(), size_t(1));
    QCOMPARE(window.session()->snapshot().models.front().folder, folder);
    QCOMPARE(window.session()->snapshot().models.front().sha256.size(), 64);
    QCOMPARE(window.stageState(tunebench::ui::Stage::Model), StageState::Done);
    QCOMPARE(window.navigator()->item(1)->data(Qt::UserRole).toInt(),
             static_cast<int>(StageState::Done));

    QVERIFY(window.grab().save(screenshotPath(QStringLiteral("main-window-model.png"))));
    QVERIFY(panel->grab().save(screenshotPath(QStringLiteral("model-panel.png"))));

    // Opening the same folder again does not register it twice.
    panel->openModelFolder(folder);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 2, 60000);
    QTest::qWait(200);
    QTRY_VERIFY(!window.session()->isBusy());
    QCOMPARE(window.session()->snapshot().models.size(), size_t(1));

    // Reopened later, the project shows its model.
    const QString file = window.session()->snapshot().file;
    project.window.reset();
    MainWindow again(project.plugins);
    again.show();
    QSignalSpy shownAgain(again.modelPanel(), &ModelPanel::descriptionShown);
    again.openProjectAt(file);
    QTRY_VERIFY_WITH_TIMEOUT(shownAgain.count() == 1, 60000);
    QCOMPARE(again.modelPanel()->view()->fact("Architecture"), QStringLiteral("LlamaForCausalLM"));
    QCOMPARE(again.modelPanel()->view()->fact("Folder"), folder);
    QCOMPARE(again.stageState(tunebench::ui::Stage::Model), StageState::Done);
    QCOMPARE(again.session()->snapshot().models.size(), size_t(1));

    // A registered model whose folder went away needs attention.
    QVERIFY(QDir(folder).removeRecursively());
    again.closeProject();
    QTRY_VERIFY(!again.session()->isOpen());
    again.openProjectAt(file);
    QTRY_VERIFY_WITH_TIMEOUT(shownAgain.count() == 2, 60000);
    QVERIFY(again.modelPanel()->view()->problemsText().contains("no longer exists"));
    QCOMPARE(again.stageState(tunebench::ui::Stage::Model), StageState::NeedsAttention);
  }

  // A SmolLM-135M-shaped model: tokenizer training, half a gigabyte written and then read back
  // for the fingerprint, all while the GUI keeps ticking.
  void eventLoopStaysResponsiveWhileAModelIsMade() {
    Project project;
    QVERIFY(project.open());
    MainWindow& window = *project.window;
    window.showStage(1);
    QCoreApplication::processEvents();  // the panel's first paint is not the job's doing
    ModelPanel* panel = window.modelPanel();
    QSignalSpy shown(panel, &ModelPanel::descriptionShown);
    StallMeter stalls;
    panel->createStarterModel(QStringLiteral("qwen2"), QStringLiteral("135m"),
                              project.dir.filePath("models/q135"));
    QPointer<JobRunner> runner = panel->currentJob();
    int sawProgressBar = 0;
    QTimer sampler;
    connect(&sampler, &QTimer::timeout, &window, [&] {
      if (window.jobsArea()->isVisible() && window.jobsArea()->progressValue() > 0)
        ++sawProgressBar;
    });
    sampler.start(20);
    // A real event loop waits for the signal: QTRY's polling sleeps between its checks, and
    // those sleeps would count as stalls.
    QVERIFY(shown.count() == 1 || shown.wait(300000));
    const qint64 longestStall = stalls.longestMs();
    qInfo("longest event-loop stall while the 135m model job ran: %s",
          qPrintable(stalls.describeLongest()));
    QVERIFY2(longestStall < 100, qPrintable(QString::number(longestStall)));
    QVERIFY(sawProgressBar > 0);
    QVERIFY(panel->description()->usable());
    QCOMPARE(panel->view()->fact("Architecture"), QStringLiteral("Qwen2ForCausalLM"));
    QCOMPARE(panel->view()->fact("Layers"), QStringLiteral("30"));
    QVERIFY(panel->view()->fact("Weights").contains("MiB"));
    QVERIFY(panel->grab().save(screenshotPath(QStringLiteral("model-panel-135m.png"))));
  }

  void brokenFolderListsItsProblems() {
    Project project;
    QVERIFY(project.open());
    project.window->showStage(1);
    ModelPanel* panel = project.window->modelPanel();
    const QString folder = project.dir.filePath("broken");
    QVERIFY(QDir().mkpath(folder));
    writeFile(folder + "/config.json",
              "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": ");
    writeFile(folder + "/pytorch_model.bin", "pickled bytes that are never read");
    QSignalSpy shown(panel, &ModelPanel::descriptionShown);
    panel->openModelFolder(folder);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 60000);
    const QString problems = panel->view()->problemsText();
    QVERIFY2(problems.contains("config.json"), qPrintable(problems));
    QVERIFY(problems.contains("pickle"));
    QVERIFY(problems.contains("no tokenizer"));
    QVERIFY(panel->statusText().contains("problems"));
    QVERIFY(panel->view()->fact("Architecture").isEmpty());
    QTest::qWait(100);
    QVERIFY(project.window->session()->snapshot().models.empty());
    QCOMPARE(project.window->stageState(tunebench::ui::Stage::Model), StageState::NotYet);
    QVERIFY(panel->grab().save(screenshotPath(QStringLiteral("model-panel-problems.png"))));
  }

  // Looking at another folder that is no model does not make the project's model a problem, and
  // the problems sit right under the status line.
  void aBrokenCandidateLeavesTheProjectsModelAlone() {
    Project project;
    QVERIFY(project.open());
    MainWindow& window = *project.window;
    window.resize(1600, 970);
    window.showStage(1);
    ModelPanel* panel = window.modelPanel();
    QSignalSpy shown(panel, &ModelPanel::descriptionShown);
    panel->createStarterModel(QStringLiteral("llama"), QStringLiteral("tiny"),
                              project.dir.filePath("models/good"));
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 180000);
    QTRY_COMPARE(window.session()->snapshot().models.size(), size_t(1));
    QTRY_COMPARE(window.stageState(tunebench::ui::Stage::Model), StageState::Done);

    const QString folder = project.dir.filePath("not-a-model");
    QVERIFY(QDir().mkpath(folder));
    writeFile(folder + "/notes.txt", "holiday photos");
    panel->openModelFolder(folder);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 2, 60000);
    QVERIFY(!panel->view()->problemsText().isEmpty());
    QVERIFY(!panel->needsAttention());
    QCOMPARE(window.stageState(tunebench::ui::Stage::Model), StageState::Done);
    auto* problems = panel->findChild<QLabel*>(QStringLiteral("modelProblems"));
    QVERIFY2(problems->height() <= problems->sizeHint().height() + 8,
             qPrintable(QStringLiteral("%1 px tall for %2 px of text")
                            .arg(problems->height())
                            .arg(problems->sizeHint().height())));
  }

  void starterModelRefusesAFolderWithFiles() {
    Project project;
    QVERIFY(project.open());
    ModelPanel* panel = project.window->modelPanel();
    const QString folder = project.dir.filePath("occupied");
    QVERIFY(QDir().mkpath(folder));
    writeFile(folder + "/keep.txt", "mine");
    QSignalSpy failed(panel, &ModelPanel::jobFailed);
    panel->createStarterModel(QStringLiteral("gpt2"), QStringLiteral("tiny"), folder);
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(project.window->lastError().contains("not empty"));
    QVERIFY(QFile::exists(folder + "/keep.txt"));
  }

  void cancelFromTheJobsArea() {
    Project project;
    QVERIFY(project.open());
    ModelPanel* panel = project.window->modelPanel();
    const QString folder = project.dir.filePath("canceled");
    panel->createStarterModel(QStringLiteral("llama"), QStringLiteral("small"), folder);
    QPointer<JobRunner> runner = panel->currentJob();
    QVERIFY(runner);
    QSignalSpy finished(runner.data(), &JobRunner::finished);
    QTest::keyClick(project.window.get(), Qt::Key_Period, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
    QVERIFY2(panel->statusText().startsWith("Canceled"), qPrintable(panel->statusText()));
    QVERIFY(!QFileInfo::exists(folder));
    QVERIFY(project.window->session()->snapshot().models.empty());
  }

  void progressIsBatchedAndShowsTimeLeft() {
    JobsArea area;
    JobRunner runner(std::make_unique<FloodJob>());
    area.track(&runner);
    QSignalSpy updates(&runner, &JobRunner::progressChanged);
    QSignalSpy finished(&runner, &JobRunner::finished);
    QElapsedTimer clock;
    clock.start();
    bool sawEta = false;
    connect(&runner, &JobRunner::progressChanged, &area,
            [&] { sawEta = sawEta || !area.etaText().isEmpty(); });
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(runner.outcome(), JobRunner::Outcome::Succeeded);
    // One update per refresh tick at most, plus the final one.
    QVERIFY2(updates.count() <= elapsed / JobRunner::kRefreshIntervalMs + 2,
             qPrintable(QStringLiteral("%1 updates in %2 ms").arg(updates.count()).arg(elapsed)));
    QVERIFY(updates.count() >= 2);
    QVERIFY(sawEta);
    QCOMPARE(runner.progress().done, qint64(300000));
  }

  void failuresBecomeTheJobsError() {
    JobRunner runner(std::make_unique<FailingJob>());
    QSignalSpy finished(&runner, &JobRunner::finished);
    runner.start();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(runner.outcome(), JobRunner::Outcome::Failed);
    QVERIFY(runner.errorText().contains("line 3, column 7"));
  }

  void starterDialogOffersEveryArchitectureAndSize() {
    StarterModelDialog dialog(QStringLiteral("/tmp/project/models/starter"));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* architecture = dialog.findChild<QComboBox*>(QStringLiteral("starterArchitecture"));
    auto* preset = dialog.findChild<QComboBox*>(QStringLiteral("starterPreset"));
    auto* folder = dialog.findChild<QLineEdit*>(QStringLiteral("starterFolder"));
    QCOMPARE(architecture->count(), int(tunebench::makeModelArchitectures().size()));
    QCOMPARE(preset->count(), 3);
    QCOMPARE(dialog.folder(), QStringLiteral("/tmp/project/models/starter"));
    // Keyboard: Alt+A focuses the architecture, Down picks the next one.
    QTest::keyClick(&dialog, Qt::Key_A, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(architecture));
    QTest::keyClick(architecture, Qt::Key_Down);
    QCOMPARE(dialog.architecture(), QStringLiteral("mistral"));
    preset->setCurrentIndex(2);
    QCOMPARE(dialog.preset(), QStringLiteral("135m"));
    QVERIFY(dialog.grab().save(screenshotPath(QStringLiteral("starter-model-dialog.png"))));
    // No folder, no Create.
    folder->clear();
    auto* buttons = dialog.findChild<QDialogButtonBox*>();
    QPushButton* create = nullptr;
    for (auto* button : buttons->buttons())
      if (buttons->buttonRole(button) == QDialogButtonBox::AcceptRole)
        create = qobject_cast<QPushButton*>(button);
    QVERIFY(create);
    QVERIFY(!create->isEnabled());
    QTest::keyClicks(folder, QStringLiteral("/tmp/elsewhere"));
    QVERIFY(create->isEnabled());
    QCOMPARE(dialog.folder(), QStringLiteral("/tmp/elsewhere"));
  }

  void etaIsFormattedForPeople() {
    QCOMPARE(formatEta(-1), QString());
    QCOMPARE(formatEta(42.4), QStringLiteral("42 s left"));
    QCOMPARE(formatEta(125), QStringLiteral("2 min 5 s left"));
    QCOMPARE(formatEta(7260), QStringLiteral("2 h 1 min left"));
  }
};

QTEST_MAIN(ModelPanelTest)
#include "tst_model_panel.moc"

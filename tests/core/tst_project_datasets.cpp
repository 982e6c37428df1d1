// The data pipeline persisted in a project: import as read, rejects, all-or-nothing, cleaning into
// new versions, seeded splits, balanced versions and the export the trainer reads.
#include <sys/stat.h>
#include <QTemporaryDir>

#include <QtTest>

#include <fstream>
#include <set>

#include "DataTestSupport.h"
#include "ImportTestSupport.h"
#include "StoreTestSupport.h"
#include "common/Sha256.h"
#include "data/Balancing.h"
#include "store/DatasetBalancing.h"
#include "store/DatasetVersions.h"
#include "store/ProjectDatasetImport.h"

using namespace tunebench;
using namespace tunebench::store;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

ProjectImportRequest request(const std::string& path, bool skipBadRows = false) {
  ProjectImportRequest r;
  r.options.path = path;
  r.options.skipBadRows = skipBadRows;
  return r;
}

ColumnMapping classificationMapping() {
  return ColumnMapping::fromJson(
      {{"kind", "classification"}, {"columns", {{"text", "text"}, {"label", "label"}}}});
}

std::vector<std::string> splitsOf(ProjectStore& store, int64_t versionId) {
  std::vector<std::string> out;
  for (const auto& row : DatasetRepository(store).page(versionId, 0, 100000))
    out.push_back(row.split.value_or(""));
  return out;
}

std::vector<std::string> rowData(ProjectStore& store, int64_t versionId) {
  std::vector<std::string> out;
  for (const auto& row : DatasetRepository(store).page(versionId, 0, 100000))
    out.push_back(row.data);
  return out;
}

std::map<std::string, int64_t> labelCounts(ProjectStore& store, int64_t versionId,
                                           const std::string& field) {
  BasicJobContext context;
  std::map<std::string, int64_t> counts;
  for (const auto& label : readLabels(store, versionId, field, context)) ++counts[label];
  return counts;
}

// 10 records whose class is a number: six 1s, three 2s and one 3.
std::string starsJsonl() {
  std::string text;
  for (int i = 0; i < 10; ++i)
    text += nlohmann::json{{"text", "review " + std::to_string(i)},
                           {"stars", i < 6   ? 1
                                     : i < 9 ? 2
                                             : 3}}
                .dump() +
            "\n";
  return text;
}

}  // namespace

class ProjectDatasetsTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<QTemporaryDir> dir_;
  std::unique_ptr<ProjectStore> store_;
  BasicJobContext context_;

  std::string file(const std::string& name, const std::string& bytes) {
    return tbtest::writeFile(*dir_, name, bytes);
  }

  ProjectImportResult importFile(const std::string& path, const char* format = "jsonl") {
    return importIntoProject(*store_, *tbtest::importer(format), request(path), context_);
  }

 private slots:
  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    store_ = std::make_unique<ProjectStore>(ProjectStore::create(storetest::projectPath(*dir_)));
  }
  void cleanup() {
    store_.reset();
    dir_.reset();
  }

  void importStoresTheRecordsAsRead() {
    const auto path = file("mail.jsonl", datatest::classificationJsonl());
    const auto result = importFile(path);
    QCOMPARE(result.records, int64_t(100));
    QCOMPARE(result.mapping.kind, DatasetKind::Classification);
    DatasetRepository repository(*store_);
    const auto dataset = repository.findDataset(result.datasetId);
    QCOMPARE(dataset->name, std::string("mail"));
    QCOMPARE(dataset->sourcePath, std::string("mail.jsonl"));  // relative to the project
    QCOMPARE(dataset->sourceSha256, sha256OfFile(path));
    QCOMPARE(nlohmann::json::parse(dataset->importOptions)["format"], nlohmann::json("jsonl"));
    QCOMPARE(ColumnMapping::fromJson(nlohmann::json::parse(dataset->detectedSchema)).kind,
             DatasetKind::Classification);
    const auto version = repository.findVersion(result.versionId);
    QCOMPARE(version->number, int64_t(1));
    QCOMPARE(version->rowFormat, std::string(kRawRows));
    const auto fileLines = lines(path);
    const auto rows = repository.page(result.versionId, 0, 1000);
    QCOMPARE(rows.size(), fileLines.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      QCOMPARE(nlohmann::json::parse(rows[i].data), nlohmann::json::parse(fileLines[i]));
      QCOMPARE(rows[i].sourceLine.value_or(0), int64_t(i + 1));
    }
  }

  void skipBadRowsStoresRejects() {
    auto text = datatest::classificationJsonl();
    auto fileLines = lines(file("tmp.jsonl", text));
    fileLines[2] = "{oops";                    // not JSON: the importer rejects it
    fileLines[4] = R"({"text": "no label"})";  // the mapping rejects it
    text.clear();
    for (const auto& l : fileLines) text += l + "\n";
    auto r = request(file("bad.jsonl", text), true);
    r.mapping = classificationMapping();
    const auto result = importIntoProject(*store_, *tbtest::importer("jsonl"), r, context_);
    QCOMPARE(result.records, int64_t(98));
    QCOMPARE(result.rejects, int64_t(2));
    DatasetRepository repository(*store_);
    QCOMPARE(repository.findVersion(result.versionId)->recordCount, int64_t(98));
    QCOMPARE(repository.findVersion(result.versionId)->rejectCount, int64_t(2));
    const auto rejects = repository.rejects(result.versionId, 0, 10);
    QCOMPARE(rejects.size(), size_t(2));
    QCOMPARE(rejects[0].line, int64_t(3));
    QCOMPARE(rejects[0].raw, std::string("{oops"));
    QCOMPARE(rejects[1].line, int64_t(5));
    QVERIFY2(rejects[1].reason.find("label") != std::string::npos, rejects[1].reason.c_str());
  }

  void failedImportLeavesNothing() {
    auto fileLines = lines(file("tmp.jsonl", datatest::classificationJsonl()));
    fileLines[60] = R"({"text": "broken",)";
    std::string text;
    for (const auto& l : fileLines) text += l + "\n";
    auto r = request(file("bad.jsonl", text));
    r.mapping = classificationMapping();
    storetest::expectError(
        [&] { importIntoProject(*store_, *tbtest::importer("jsonl"), r, context_); },
        {"bad.jsonl", "line 61"});
    QVERIFY(DatasetRepository(*store_).datasets().empty());
    QCOMPARE(store_->db().queryInt64("SELECT COUNT(*) FROM dataset_version"), int64_t(0));
    QCOMPARE(store_->db().queryInt64("SELECT COUNT(*) FROM dataset_record"), int64_t(0));
    QCOMPARE(store_->db().queryInt64("SELECT COUNT(*) FROM dataset_reject"), int64_t(0));
  }

  // A FIFO would block the import forever and a folder is no file: both are named as what they
  // are, not as missing.
  void onlyRegularFilesAreImported() {
    const std::string fifo = file("pipe.jsonl", "");
    std::filesystem::remove(fifo);
    QCOMPARE(mkfifo(fifo.c_str(), 0600), 0);
    storetest::expectError(
        [&] { importIntoProject(*store_, *tbtest::importer("jsonl"), request(fifo), context_); },
        {"pipe.jsonl: not a regular file (a device, pipe or socket)"});
    const std::string folder = std::filesystem::path(fifo).parent_path().string();
    storetest::expectError(
        [&] { importIntoProject(*store_, *tbtest::importer("jsonl"), request(folder), context_); },
        {"not a regular file (a folder)"});
    storetest::expectError(
        [&] {
          importIntoProject(*store_, *tbtest::importer("jsonl"), request(folder + "/none.jsonl"),
                            context_);
        },
        {"none.jsonl: no such file"});
    QVERIFY(DatasetRepository(*store_).datasets().empty());
  }

  void canceledImportLeavesNothing() {
    BasicJobContext canceled;
    canceled.cancel();
    auto r = request(file("mail.jsonl", datatest::classificationJsonl()));
    r.mapping = classificationMapping();
    const auto result = importIntoProject(*store_, *tbtest::importer("jsonl"), r, canceled);
    QVERIFY(result.canceled);
    QVERIFY(DatasetRepository(*store_).datasets().empty());
    QCOMPARE(store_->db().queryInt64("SELECT COUNT(*) FROM dataset_record"), int64_t(0));
  }

  void aTakenNameIsRefused() {
    const auto path = file("mail.jsonl", datatest::classificationJsonl());
    importFile(path);
    storetest::expectError([&] { importFile(path); }, {"\"mail\" exists", "--name"});
    QCOMPARE(DatasetRepository(*store_).datasets().size(), size_t(1));
  }

  void cleaningMakesVersionTwoAndLeavesTheRawVersion() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    DatasetRepository repository(*store_);
    const auto rawBefore = repository.page(imported.versionId, 0, 1000);
    const auto recipe = CleaningRecipe::fromJson(
        {{"steps",
          {{{"id", "exact-dedup"}},
           {{"id", "length"}, {"settings", {{"min", 1000}}}, {"enabled", false}}}}});
    const auto cleaned = cleanVersion(*store_, imported.versionId, recipe, context_);
    QVERIFY(!cleaned.canceled);
    QCOMPARE(cleaned.version.number, int64_t(2));
    QCOMPARE(cleaned.version.parentVersionId.value_or(0), imported.versionId);
    QCOMPARE(cleaned.version.recordCount, int64_t(90));
    QCOMPARE(cleaned.version.rowFormat, std::string(kExampleRows));
    const auto steps = repository.recipe(cleaned.version.id);
    QCOMPARE(steps.size(), size_t(1));  // the disabled step did nothing
    QCOMPARE(steps[0].operation, std::string("exact-dedup"));
    const auto report = nlohmann::json::parse(steps[0].report);
    QCOMPARE(report["before"].get<int>(), 100);
    QCOMPARE(report["removed"].get<int>(), 10);

    // The raw version is exactly as it was.
    const auto rawAfter = repository.page(imported.versionId, 0, 1000);
    QCOMPARE(rawAfter.size(), rawBefore.size());
    for (size_t i = 0; i < rawAfter.size(); ++i) QCOMPARE(rawAfter[i].data, rawBefore[i].data);
    QCOMPARE(repository.findVersion(imported.versionId)->recordCount, int64_t(100));

    // The new version loads back as the cleaned examples.
    const auto loaded = loadVersion(*store_, cleaned.version.id, context_);
    QCOMPARE(loaded.data.kind, DatasetKind::Classification);
    QCOMPARE(loaded.data.examples.size(), size_t(90));
    std::set<std::string> texts;
    for (const auto& e : loaded.data.examples) texts.insert(e.text);
    QCOMPARE(texts.size(), size_t(90));
  }

  void randomSplitProportionsAndSeed() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    SplitRequest split;
    split.validation = 0.1;
    split.test = 0.2;
    split.seed = 7;
    const auto first = splitVersion(*store_, imported.versionId, split, context_);
    QCOMPARE(first.number, int64_t(2));
    QVERIFY(first.splitSettings.has_value());
    const auto counts = DatasetRepository(*store_).splitCounts(first.id);
    const std::vector<std::pair<std::string, int64_t>> expected = {
        {"test", 20}, {"train", 70}, {"validation", 10}};
    QCOMPARE(counts, expected);
    const auto again = splitVersion(*store_, imported.versionId, split, context_);
    QCOMPARE(splitsOf(*store_, again.id), splitsOf(*store_, first.id));
    split.seed = 8;
    const auto other = splitVersion(*store_, imported.versionId, split, context_);
    QVERIFY(splitsOf(*store_, other.id) != splitsOf(*store_, first.id));
    // The raw version itself carries no split.
    QVERIFY(!DatasetRepository(*store_).findVersion(imported.versionId)->splitSettings);
  }

  void stratifiedSplitKeepsLabelShares() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    SplitRequest split;
    split.method = "stratified";
    split.validation = 0.1;
    split.test = 0.1;
    split.seed = 3;
    const auto version = splitVersion(*store_, imported.versionId, split, context_);
    const auto loaded = loadVersion(*store_, version.id, context_);
    std::map<std::string, std::map<std::string, int>> perSplit;
    for (size_t i = 0; i < loaded.data.examples.size(); ++i)
      ++perSplit[loaded.splits[i].value_or("")][loaded.data.examples[i].label];
    // 34 spam and 66 ham: test takes ceil(0.1 * 100) = 10 in proportion, 3 + 7.
    QCOMPARE(perSplit["test"]["spam"] + perSplit["test"]["ham"], 10);
    QVERIFY(perSplit["test"]["spam"] >= 3 && perSplit["test"]["spam"] <= 4);
    QCOMPARE(perSplit["validation"]["spam"] + perSplit["validation"]["ham"], 10);
    QVERIFY(perSplit["validation"]["spam"] >= 3 && perSplit["validation"]["spam"] <= 4);
    storetest::expectError(
        [&] {
          const auto text = importFile(file("plain.jsonl", datatest::textJsonl()));
          splitVersion(*store_, text.versionId, split, context_);
        },
        {"stratified split needs labels", "plain"});
  }

  void cleaningKeepsTheSplitOfEachRow() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    SplitRequest split;
    split.seed = 11;
    const auto splitVersionRecord = splitVersion(*store_, imported.versionId, split, context_);
    const auto before = loadVersion(*store_, splitVersionRecord.id, context_);
    const auto recipe = CleaningRecipe::fromJson({{"steps", {{{"id", "exact-dedup"}}}}});
    const auto cleaned = cleanVersion(*store_, splitVersionRecord.id, recipe, context_);
    const auto after = loadVersion(*store_, cleaned.version.id, context_);
    QVERIFY(after.version.splitSettings.has_value());
    for (size_t i = 0; i < after.data.examples.size(); ++i) {
      const auto& e = after.data.examples[i];
      size_t j = 0;
      while (before.data.examples[j].text != e.text) ++j;  // the first copy is kept
      QCOMPARE(after.splits[i], before.splits[j]);
    }
  }

  void balancedVersionHasEqualClasses() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    const auto parentRows = rowData(*store_, imported.versionId);
    BalanceRequest request;
    request.labelField = "label";
    request.seed = 7;
    const auto over = balanceVersion(*store_, imported.versionId, request, context_);
    QCOMPARE(over.version.number, int64_t(2));
    QCOMPARE(over.version.parentVersionId.value_or(0), imported.versionId);
    QCOMPARE(over.version.recordCount, int64_t(132));  // 66 ham, 34 spam grown to 66
    const ClassCounts before = {{"ham", 66}, {"spam", 34}};
    const ClassCounts equalToLargest = {{"ham", 66}, {"spam", 66}};
    QCOMPARE(over.before, before);
    QCOMPARE(over.after, equalToLargest);
    QCOMPARE(labelCounts(*store_, over.version.id, "label"), equalToLargest);
    // Every row is a row of the parent; the copies are rows of their own.
    const auto overRows = rowData(*store_, over.version.id);
    QCOMPARE(overRows.size(), size_t(132));
    const std::multiset<std::string> parentSet(parentRows.begin(), parentRows.end());
    for (const auto& row : overRows) QVERIFY(parentSet.count(row) > 0);
    // The loaded version maps the copies like any row.
    QCOMPARE(loadVersion(*store_, over.version.id, context_).data.examples.size(), size_t(132));

    request.method = "undersample";
    const auto under = balanceVersion(*store_, imported.versionId, request, context_);
    QCOMPARE(under.version.number, int64_t(3));
    const ClassCounts equalToSmallest = {{"ham", 34}, {"spam", 34}};
    QCOMPARE(under.after, equalToSmallest);
    QCOMPARE(labelCounts(*store_, under.version.id, "label"), equalToSmallest);
    QCOMPARE(under.version.recordCount, int64_t(68));
    // Under-sampling keeps each source row at most once.
    std::set<int64_t> lines;
    for (const auto& row : DatasetRepository(*store_).page(under.version.id, 0, 1000))
      QVERIFY(lines.insert(row.sourceLine.value_or(-1)).second);

    // The parent is as it was imported.
    QCOMPARE(rowData(*store_, imported.versionId), parentRows);
    QCOMPARE(DatasetRepository(*store_).findVersion(imported.versionId)->recordCount, int64_t(100));

    // The version records what made it: the request as parameters, the counts as report.
    DatasetRepository repository(*store_);
    const auto steps = repository.recipe(over.version.id);
    QCOMPARE(steps.size(), size_t(1));
    QCOMPARE(steps[0].operation, std::string("balance"));
    const auto params = nlohmann::json::parse(steps[0].params);
    QCOMPARE(params["labelField"], nlohmann::json("label"));
    QCOMPARE(params["method"], nlohmann::json("oversample"));
    QCOMPARE(params["seed"], nlohmann::json(7));
    const auto stored = storedBalance(repository, over.version.id);
    QVERIFY(stored.has_value());
    QCOMPARE(stored->before, before);
    QCOMPARE(stored->after, equalToLargest);
    QCOMPARE(stored->request.method, std::string("oversample"));
    QVERIFY(!storedBalance(repository, imported.versionId).has_value());
  }

  void balancingIsSeeded() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    for (const char* method : {"oversample", "undersample"}) {
      BalanceRequest request;
      request.labelField = "label";
      request.method = method;
      request.seed = 3;
      const auto first = balanceVersion(*store_, imported.versionId, request, context_);
      const auto again = balanceVersion(*store_, imported.versionId, request, context_);
      QCOMPARE(rowData(*store_, again.version.id), rowData(*store_, first.version.id));
      request.seed = 4;
      const auto other = balanceVersion(*store_, imported.versionId, request, context_);
      QCOMPARE(other.after, first.after);
      QVERIFY(rowData(*store_, other.version.id) != rowData(*store_, first.version.id));
      // A plan stores nothing and picks the rows the stored version has.
      const auto versions = DatasetRepository(*store_).versions(imported.datasetId).size();
      request.seed = 3;
      const auto plan = planBalance(*store_, imported.versionId, request, context_);
      QCOMPARE(plan.after, first.after);
      QCOMPARE(plan.rows.size(), size_t(first.version.recordCount));
      QCOMPARE(DatasetRepository(*store_).versions(imported.datasetId).size(), versions);
    }
  }

  void balancingNumberLabelsAndSplits() {
    const auto imported = importFile(file("stars.jsonl", starsJsonl()));
    SplitRequest split;
    split.validation = 0.2;
    split.test = 0;
    split.seed = 1;
    const auto splitRecord = splitVersion(*store_, imported.versionId, split, context_);
    BalanceRequest request;
    request.labelField = "stars";
    const auto over = balanceVersion(*store_, splitRecord.id, request, context_);
    const ClassCounts equal = {{"1", 6}, {"2", 6}, {"3", 6}};
    QCOMPARE(over.after, equal);
    // A split version stays split, and every copy keeps the split of its row.
    QVERIFY(over.version.splitSettings.has_value());
    std::map<std::string, std::string> splitOf;
    for (const auto& row : DatasetRepository(*store_).page(splitRecord.id, 0, 100))
      splitOf[row.data] = row.split.value_or("");
    for (const auto& row : DatasetRepository(*store_).page(over.version.id, 0, 100))
      QCOMPARE(row.split.value_or(""), splitOf.at(row.data));
    request.method = "undersample";
    const auto under = balanceVersion(*store_, splitRecord.id, request, context_);
    QCOMPARE(under.after, (ClassCounts{{"1", 1}, {"2", 1}, {"3", 1}}));
    // Balanced weights n / (classes * count), in the form a training config takes.
    const auto plan = planBalance(*store_, imported.versionId, request, context_);
    QCOMPARE(plan.classWeights.at("1"), 10.0 / 18.0);
    QCOMPARE(plan.classWeights.at("3"), 10.0 / 3.0);
    QCOMPARE(classWeightsJson({{"neg", 0.75}, {"pos", 1.5}}),
             std::string(R"({"neg": 0.75, "pos": 1.5})"));
  }

  void balancingErrorsNameTheRow() {
    auto text = starsJsonl();
    auto fileLines = lines(file("tmp.jsonl", text));
    fileLines[4] = R"({"text": "no stars here"})";
    fileLines[6] = R"({"text": "stars as a list", "stars": [1, 2]})";
    text.clear();
    for (const auto& l : fileLines) text += l + "\n";
    const auto imported = importFile(file("stars.jsonl", text));
    BalanceRequest request;
    request.labelField = "stars";
    storetest::expectError([&] { balanceVersion(*store_, imported.versionId, request, context_); },
                           {"dataset \"stars\" version 1, row 4 (line 5)",
                            "label field \"stars\" is missing", "fields: text"});
    QCOMPARE(DatasetRepository(*store_).versions(imported.datasetId).size(), size_t(1));
    request.labelField = "text";
    request.method = "sideways";
    storetest::expectError([&] { balanceVersion(*store_, imported.versionId, request, context_); },
                           {"sideways", "oversample or undersample"});
    const auto listed = importFile(file("listed.jsonl", [] {
      std::string t;
      for (int i = 0; i < 3; ++i)
        t += R"({"text": "x", "stars": [1]})"
             "\n";
      return t;
    }()));
    request.labelField = "stars";
    request.method = "oversample";
    storetest::expectError([&] { planBalance(*store_, listed.versionId, request, context_); },
                           {"version 1, row 0 (line 1)", "holds array"});
    request.labelField = "";
    storetest::expectError([&] { planBalance(*store_, listed.versionId, request, context_); },
                           {"needs the label field"});
  }

  void exportRoundTrip() {
    const auto path = file("plain.jsonl", datatest::textJsonl());
    const auto imported = importFile(path);
    const auto out = dir_->filePath("out.jsonl").toStdString();
    QCOMPARE(exportVersion(*store_, imported.versionId, "", out, std::nullopt, context_),
             int64_t(20));
    const auto original = lines(path);
    const auto exported = lines(out);
    QCOMPARE(exported.size(), original.size());
    for (size_t i = 0; i < exported.size(); ++i)
      QCOMPARE(nlohmann::json::parse(exported[i]), nlohmann::json::parse(original[i]));
    QVERIFY(!fs::exists(out + ".partial"));
    storetest::expectError(
        [&] { exportVersion(*store_, imported.versionId, "train", out, std::nullopt, context_); },
        {"has no splits", "data split"});
  }

  void exportOfASplitHasPromptAndResponse() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    SplitRequest split;
    split.seed = 5;
    const auto version = splitVersion(*store_, imported.versionId, split, context_);
    const auto loaded = loadVersion(*store_, version.id, context_);
    const auto out = dir_->filePath("train.jsonl").toStdString();
    const auto count = exportVersion(*store_, version.id, "train", out, std::nullopt, context_);
    QCOMPARE(count, int64_t(80));
    std::vector<const Example*> train;
    for (size_t i = 0; i < loaded.data.examples.size(); ++i)
      if (loaded.splits[i] == std::string("train")) train.push_back(&loaded.data.examples[i]);
    const auto exported = lines(out);
    QCOMPARE(exported.size(), train.size());
    for (size_t i = 0; i < exported.size(); ++i) {
      const auto record = nlohmann::json::parse(exported[i]);
      QCOMPARE(record["response"].get<std::string>(), train[i]->label);
      const auto prompt = record["prompt"].get<std::string>();
      QVERIFY(prompt.find(train[i]->text) != std::string::npos);
      QCOMPARE(record["text"].get<std::string>(), prompt + train[i]->label);
    }
  }

  void profileOfAStoredVersion() {
    const auto imported = importFile(file("mail.jsonl", datatest::classificationJsonl()));
    const auto profile = profileVersion(*store_, imported.versionId, {}, context_);
    QCOMPARE(profile.examples, size_t(100));
    QCOMPARE(profile.exactDuplicates, size_t(10));
    QCOMPARE(profile.labels.at("spam"), size_t(34));
    QCOMPARE(profile.labels.at("ham"), size_t(66));
  }

  void versionsResolveByNameAndNumber() {
    importFile(file("mail.jsonl", datatest::classificationJsonl()));
    SplitRequest split;
    const auto v1 = resolveVersion(*store_, "mail");
    splitVersion(*store_, v1.id, split, context_);
    QCOMPARE(resolveVersion(*store_, "mail").number, int64_t(2));
    QCOMPARE(resolveVersion(*store_, "mail", 1).id, v1.id);
    storetest::expectError([&] { resolveVersion(*store_, "mail", 9); }, {"no version 9"});
    storetest::expectError([&] { resolveVersion(*store_, "nope"); },
                           {"no dataset \"nope\"", "mail"});
  }
};

QTEST_GUILESS_MAIN(ProjectDatasetsTest)
#include "tst_project_datasets.moc"

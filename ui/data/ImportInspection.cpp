#include "data/ImportInspection.h"

#include <algorithm>

#include "data/RecordMapper.h"

namespace tunebench::ui {

namespace {

// Collects records until it has enough, then reports itself canceled so the importer stops.
class SampleSink : public JobContext, public RecordSink {
 public:
  explicit SampleSink(size_t wanted) : wanted_(wanted) {}
  bool isCanceled() const override { return records.size() + rejects.size() >= wanted_; }
  void waitIfPaused() override {}
  void progress(int64_t, int64_t, const std::string&) override {}
  void metric(int64_t, const std::string&, double) override {}
  void log(LogLevel, const std::string&) override {}
  void record(ImportedRecord&& record) override {
    if (!isCanceled()) records.push_back(std::move(record));
  }
  void reject(ImportReject&& reject) override {
    if (!isCanceled()) rejects.push_back(std::move(reject));
  }
  std::vector<ImportedRecord> records;
  std::vector<ImportReject> rejects;

 private:
  size_t wanted_;
};

// Strings as they are, conversations as "role: content" lines, anything else as JSON.
QString valueText(const nlohmann::json& value) {
  if (value.is_string()) return QString::fromStdString(value.get<std::string>());
  if (value.is_array() && !value.empty() &&
      std::all_of(value.begin(), value.end(), [](const nlohmann::json& m) {
        return m.is_object() && m.contains("role") && m.contains("content") &&
               m["role"].is_string() && m["content"].is_string();
      })) {
    QStringList lines;
    for (const auto& m : value)
      lines << QString::fromStdString(m["role"].get<std::string>()) + QStringLiteral(": ") +
                   QString::fromStdString(m["content"].get<std::string>());
    return lines.join(QLatin1Char('\n'));
  }
  if (value.is_null()) return {};
  return QString::fromStdString(value.dump());
}

}  // namespace

ImportInspection inspectImportFile(DatasetImporter& importer, const ImportOptions& options,
                                   size_t count) {
  ImportInspection inspection;
  inspection.file = QString::fromStdString(options.path);
  SampleSink sample(count);
  ImportOptions lenient = options;
  lenient.skipBadRows = true;  // bad rows are shown in the preview, not fatal here
  try {
    importer.importFile(lenient, sample, sample);
  } catch (const std::exception& e) {
    inspection.error = QString::fromStdString(e.what());
  }
  inspection.records = std::move(sample.records);
  inspection.rejects = std::move(sample.rejects);
  std::vector<nlohmann::json> fields;
  for (const auto& record : inspection.records) fields.push_back(record.fields);
  inspection.guess = detectSchema(fields);
  return inspection;
}

std::vector<PreviewRow> previewRows(const ImportInspection& inspection,
                                    const ColumnMapping& mapping, size_t count) {
  std::vector<PreviewRow> rows;
  for (const auto& record : inspection.records) {
    PreviewRow row;
    row.line = record.line;
    try {
      const auto example = mapRecord(record, mapping);
      const auto json = toJson(example, mapping.kind);
      for (const auto& item : json.items())
        if (item.key() != "source")  // where it came from is the line column
          row.fields.emplace_back(QString::fromStdString(item.key()), valueText(item.value()));
    } catch (const std::exception& e) {
      row.problem = QString::fromStdString(e.what());
    }
    rows.push_back(std::move(row));
  }
  for (const auto& reject : inspection.rejects) {
    PreviewRow row;
    row.line = reject.line;
    row.problem = QString::fromStdString(reject.problem);
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(),
            [](const PreviewRow& a, const PreviewRow& b) { return a.line < b.line; });
  if (rows.size() > count) rows.resize(count);
  return rows;
}

}  // namespace tunebench::ui

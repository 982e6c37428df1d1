#include "data/RowPageReader.h"

#include <QStringList>

#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/JsonFile.h"
#include "store/DatasetRepository.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

struct RowPageReader::Connection {
  std::string projectFile;
  std::unique_ptr<store::ProjectStore> project;
  store::ProjectStore& open() {
    if (!project) {
      store::OpenOptions options;
      options.readOnly = true;
      project =
          std::make_unique<store::ProjectStore>(store::ProjectStore::open(projectFile, options));
    }
    return *project;
  }
};

namespace {

// A message list ([{"role": "user", "content": "…"}, …], as chat and preference rows hold
// them) reads as "user: … · assistant: …"; other values as JSON.
QString messagesText(const nlohmann::json& value) {
  QStringList turns;
  for (const auto& message : value) {
    if (!message.is_object() || !message.contains("content") || !message["content"].is_string())
      return {};
    const auto role = message.value("role", std::string());
    const auto content = QString::fromStdString(message["content"].get<std::string>());
    turns << (role.empty() ? content
                           : QStringLiteral("%1: %2").arg(QString::fromStdString(role), content));
  }
  return turns.join(QStringLiteral(" · "));
}

QString valueText(const nlohmann::json& value) {
  if (value.is_string()) return QString::fromStdString(value.get_ref<const std::string&>());
  if (value.is_null()) return {};
  if (value.is_array() && !value.empty()) {
    const QString turns = messagesText(value);
    if (!turns.isEmpty()) return turns;
  }
  return QString::fromStdString(
      value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

RowPageReader::RowPageReader(const QString& projectFile)
    : connection_(std::make_shared<Connection>()) {
  connection_->projectFile = projectFile.toStdString();
  pool_.setMaxThreadCount(1);
  pool_.setExpiryTimeout(-1);
}

RowPageReader::~RowPageReader() {
  pool_.clear();
  pool_.waitForDone();
}

QFuture<RowPage> RowPageReader::read(qint64 versionId, int page, int pageRows,
                                     const QStringList& columns,
                                     const QStringList& preferredOrder) {
  return QtConcurrent::run(&pool_, [connection = connection_, versionId, page, pageRows, columns,
                                    preferredOrder] {
    RowPage result;
    result.versionId = versionId;
    result.page = page;
    result.columns = columns;
    try {
      store::DatasetRepository repository(connection->open());
      const auto rows = repository.page(versionId, static_cast<int64_t>(page) * pageRows, pageRows);
      std::vector<nlohmann::json> records;
      records.reserve(rows.size());
      for (const auto& row : rows) {
        auto record = parseJsonOrDiscarded(row.data);
        if (record.is_discarded()) record = row.data;  // shown as the stored text
        // A row that is not an object is shown whole in one "value" column.
        if (!record.is_object()) record = nlohmann::json{{"value", std::move(record)}};
        records.push_back(std::move(record));
      }
      if (result.columns.isEmpty()) {
        for (const auto& record : records)
          for (const auto& item : record.items()) {
            const QString key = QString::fromStdString(item.key());
            if (!result.columns.contains(key)) result.columns << key;
          }
        const auto rank = [&](const QString& column) {
          const auto at = preferredOrder.indexOf(column);
          return at < 0 ? preferredOrder.size() : at;
        };
        std::stable_sort(result.columns.begin(), result.columns.end(),
                         [&](const QString& a, const QString& b) { return rank(a) < rank(b); });
      }
      result.rows.reserve(rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        RowCells cells;
        cells.sourceLine = rows[i].sourceLine.value_or(0);
        if (rows[i].split) cells.split = QString::fromStdString(*rows[i].split);
        for (const auto& column : result.columns) {
          const auto found = records[i].find(column.toStdString());
          cells.values << (found == records[i].end() ? QString() : valueText(*found));
        }
        result.rows.push_back(std::move(cells));
      }
    } catch (const std::exception& e) {
      result.error = QString::fromStdString(e.what());
    }
    return result;
  });
}

}  // namespace tunebench::ui

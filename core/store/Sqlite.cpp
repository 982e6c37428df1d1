#include "store/Sqlite.h"

#include <sqlite3.h>

#include "common/Error.h"

namespace tunebench::store {

namespace {

std::string describeCode(int code, const std::string& message) {
  switch (code & 0xff) {
    case SQLITE_NOTADB:
      return "not a Tunebench project (the file is not an SQLite database)";
    case SQLITE_CORRUPT:
      return "the project file is corrupt (" + message +
             "); restore it from a backup or run 'tunebench-cli project check'";
    case SQLITE_READONLY:
      return "the project is open read-only (" + message + ")";
    case SQLITE_BUSY:
      return "the project is locked by another writer for too long (" + message + ")";
    case SQLITE_FULL:
      return "the disk is full (" + message + ")";
    default:
      return message;
  }
}

}  // namespace

Statement::Statement(Connection& connection, sqlite3_stmt* statement, std::string sql)
    : connection_(&connection), statement_(statement), sql_(std::move(sql)) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), statement_(other.statement_), sql_(std::move(other.sql_)) {
  other.statement_ = nullptr;
}

Statement::~Statement() {
  if (statement_) connection_->release(statement_, sql_);
}

Statement& Statement::bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(statement_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding parameter of: " + sql_);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  const int rc = sqlite3_bind_double(statement_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding parameter of: " + sql_);
  return *this;
}

Statement& Statement::bind(int index, const std::string& value) {
  const int rc = sqlite3_bind_text64(statement_, index, value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding parameter of: " + sql_);
  return *this;
}

Statement& Statement::bindNull(int index) {
  const int rc = sqlite3_bind_null(statement_, index);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding parameter of: " + sql_);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bindNull(index);
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(statement_);
  connection_->fail(rc, "running: " + sql_);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(statement_, column);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  return data ? std::string(reinterpret_cast<const char*>(data), size) : std::string();
}

std::optional<int64_t> Statement::optionalInt64(int column) const {
  if (isNull(column)) return std::nullopt;
  return int64(column);
}

std::optional<double> Statement::optionalReal(int column) const {
  if (isNull(column)) return std::nullopt;
  return real(column);
}

Connection::Connection(const std::string& path, Mode mode) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::ReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::ReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::ReadWriteCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(path + ": cannot open: " + describeCode(rc, message));
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  for (auto& [sql, statements] : idle_)
    for (auto* statement : statements) sqlite3_finalize(statement);
  // Statements still alive here would be a lifetime bug; close_v2 defers the close safely.
  sqlite3_close_v2(db_);
}

void Connection::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw Error(path_ + ": " + describeCode(rc, text));
  }
}

Statement Connection::prepare(const std::string& sql) {
  auto idle = idle_.find(sql);
  if (idle != idle_.end() && !idle->second.empty()) {
    sqlite3_stmt* statement = idle->second.back();
    idle->second.pop_back();
    return Statement(*this, statement, sql);
  }
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) fail(rc, "preparing: " + sql);
  return Statement(*this, statement, sql);
}

void Connection::release(sqlite3_stmt* statement, const std::string& sql) {
  // Resetting ends the statement's read snapshot, so an abandoned loop never pins old WAL frames.
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  idle_[sql].push_back(statement);
}

int Connection::lastErrorCode() const {
  return sqlite3_errcode(db_) & 0xff;
}

int64_t Connection::lastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Connection::changes() const {
  return sqlite3_changes(db_);
}

bool Connection::isReadOnly() const {
  return sqlite3_db_readonly(db_, "main") == 1;
}

bool Connection::inTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

int64_t Connection::queryInt64(const std::string& sql) {
  auto statement = prepare(sql);
  if (!statement.step()) throw Error(path_ + ": no result from: " + sql);
  return statement.int64(0);
}

std::string Connection::queryText(const std::string& sql) {
  auto statement = prepare(sql);
  if (!statement.step()) throw Error(path_ + ": no result from: " + sql);
  return statement.text(0);
}

void Connection::fail(int code, const std::string& doing) const {
  throw Error(path_ + ": " + describeCode(code, sqlite3_errmsg(db_)) + " (while " + doing + ")");
}

Transaction::Transaction(Connection& connection, Durability durability)
    : connection_(connection), durability_(durability), nested_(connection.inTransaction()) {
  if (nested_) {
    connection_.exec("SAVEPOINT tb_nested");
    return;
  }
  if (durability_ == Durability::Relaxed) connection_.exec("PRAGMA synchronous = NORMAL");
  try {
    connection_.exec("BEGIN IMMEDIATE");
  } catch (...) {
    if (durability_ == Durability::Relaxed) connection_.exec("PRAGMA synchronous = FULL");
    throw;
  }
}

Transaction::~Transaction() {
  auto* db = connection_.handle();
  if (open_)
    sqlite3_exec(db, nested_ ? "ROLLBACK TO tb_nested; RELEASE tb_nested" : "ROLLBACK", nullptr,
                 nullptr, nullptr);
  if (!nested_ && durability_ == Durability::Relaxed)
    sqlite3_exec(db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  connection_.exec(nested_ ? "RELEASE tb_nested" : "COMMIT");
  open_ = false;
}

ReadTransaction::ReadTransaction(Connection& connection) : connection_(connection) {
  if (connection_.inTransaction()) return;
  connection_.exec("BEGIN DEFERRED");
  owns_ = true;
}

ReadTransaction::~ReadTransaction() {
  if (owns_) sqlite3_exec(connection_.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace tunebench::store

#pragma once
// A small RAII layer over the sqlite3 C API: a connection, statements that return to the
// connection's cache when they go out of scope, and transactions that roll back unless committed.
// A Connection and everything made from it belong to one thread at a time.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace tunebench::store {

class Connection;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in sqlite3_bind_*.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, const char* value) { return bind(index, std::string(value)); }
  Statement& bindNull(int index);
  Statement& bind(int index, const std::optional<int64_t>& value);
  Statement& bind(int index, const std::optional<double>& value);

  template <typename... Values>
  Statement& bindAll(const Values&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }

  // Advances one row: true while a row is available, false when done.
  bool step();
  // Runs a statement that returns no rows (or whose rows do not matter) to completion.
  void run();
  // Resets so that the statement can run again with new bindings.
  void reset();

  bool isNull(int column) const;
  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<int64_t> optionalInt64(int column) const;
  std::optional<double> optionalReal(int column) const;

 private:
  friend class Connection;
  Statement(Connection& connection, sqlite3_stmt* statement, std::string sql);

  Connection* connection_;
  sqlite3_stmt* statement_;
  std::string sql_;
};

class Connection {
 public:
  enum class Mode { ReadOnly, ReadWrite, ReadWriteCreate };

  // Throws tunebench::Error naming the file when it cannot be opened.
  Connection(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs one or more statements that take no parameters.
  void exec(const std::string& sql);
  // Prepared statements are cached by SQL text and reused once the previous user is done.
  Statement prepare(const std::string& sql);

  int64_t lastInsertId() const;
  int changes() const;
  bool inTransaction() const;
  // True when opened read-only, or when SQLite fell back to read-only (a write-protected file).
  bool isReadOnly() const;

  // Single-value helpers for PRAGMAs and counts.
  int64_t queryInt64(const std::string& sql);
  std::string queryText(const std::string& sql);

  // The primary sqlite result code of the last failed call (SQLITE_CORRUPT, SQLITE_NOTADB, ...).
  int lastErrorCode() const;

  // Throws tunebench::Error describing an sqlite failure on this connection.
  [[noreturn]] void fail(int code, const std::string& doing) const;

 private:
  friend class Statement;
  void release(sqlite3_stmt* statement, const std::string& sql);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;
};

// BEGIN IMMEDIATE takes the write lock up front, so a writer waits (busy_timeout) at BEGIN
// instead of failing half-way. Inside another transaction it is a SAVEPOINT, so repository calls
// join a caller's transaction (an import, a run with its tags) and the outermost one decides.
// Connections commit with synchronous=FULL (durable across power cuts: run status, artifact
// registrations); Relaxed uses NORMAL for frequent writes such as metric flushes, which WAL still
// keeps consistent but may lose the last of after a power cut. SQLite allows changing this only
// between transactions, so a nested transaction takes its outer one's durability.
class Transaction {
 public:
  enum class Durability { Full, Relaxed };
  explicit Transaction(Connection& connection, Durability durability = Durability::Full);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& connection_;
  Durability durability_;
  bool nested_ = false;
  bool open_ = true;
};

// A snapshot for several reads: in WAL mode they all see the same committed state while a writer
// goes on. Does nothing when the connection is already inside a transaction.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& connection);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& connection_;
  bool owns_ = false;
};

}  // namespace tunebench::store

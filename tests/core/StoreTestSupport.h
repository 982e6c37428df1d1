#pragma once
// Helpers shared by the project store tests: temporary projects and raw access for seeding
// states that the product code never writes (old schemas, stale heartbeats, damaged files).
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "common/Error.h"
#include "store/ProjectStore.h"

namespace storetest {

inline std::filesystem::path projectPath(const QTemporaryDir& dir,
                                         const char* name = "test.tbproj") {
  return std::filesystem::path(dir.path().toStdString()) / name;
}

inline void writeBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string readBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The pid of a process that has exited and been reaped.
inline int64_t deadPid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

// Runs SQL on the raw file, outside ProjectStore (seeding only).
inline void rawExec(const std::filesystem::path& file, const std::string& sql) {
  tunebench::store::Connection connection(file.string(),
                                          tunebench::store::Connection::Mode::ReadWrite);
  connection.exec(sql);
}

// Expects f() to throw tunebench::Error whose message contains every fragment.
template <typename F>
void expectError(F&& f, std::initializer_list<const char*> fragments) {
  try {
    f();
  } catch (const tunebench::Error& e) {
    const std::string message = e.what();
    for (const char* fragment : fragments)
      QVERIFY2(message.find(fragment) != std::string::npos,
               qPrintable(QString("'%1' lacks '%2'").arg(message.c_str(), fragment)));
    return;
  }
  QFAIL("no tunebench::Error was thrown");
}

}  // namespace storetest

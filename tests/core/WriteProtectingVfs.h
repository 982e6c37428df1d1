#pragma once
// An SQLite VFS for tests that makes chosen database files behave as write-protected, for any
// user (root included, whom file permissions do not stop). It wraps the default VFS and, for a
// protected main database, opens the file read-only and reports it so, just as SQLite's unix VFS
// does when opening for writing fails with EACCES. While an instance lives it is the default VFS
// of the process, so the code under test opens files through it unchanged.
#include <sqlite3.h>

#include <cstring>
#include <filesystem>
#include <set>
#include <string>

namespace storetest {

class WriteProtectingVfs {
 public:
  WriteProtectingVfs() : base_(sqlite3_vfs_find(nullptr)) {
    vfs_ = *base_;
    vfs_.zName = "tunebench-write-protecting";
    vfs_.pAppData = this;
    vfs_.pNext = nullptr;
    vfs_.xOpen = &WriteProtectingVfs::open;
    sqlite3_vfs_register(&vfs_, 1);
  }
  ~WriteProtectingVfs() {
    sqlite3_vfs_unregister(&vfs_);
    sqlite3_vfs_register(base_, 1);
  }
  WriteProtectingVfs(const WriteProtectingVfs&) = delete;
  WriteProtectingVfs& operator=(const WriteProtectingVfs&) = delete;

  void writeProtect(const std::filesystem::path& file) {
    protected_.insert(std::filesystem::absolute(file).lexically_normal().string());
  }
  int protectedOpens() const { return protectedOpens_; }

 private:
  static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
                  int* outFlags) {
    auto* self = static_cast<WriteProtectingVfs*>(vfs->pAppData);
    if (name && (flags & SQLITE_OPEN_MAIN_DB) && (flags & SQLITE_OPEN_READWRITE) &&
        self->protected_.count(std::filesystem::absolute(name).lexically_normal().string())) {
      ++self->protectedOpens_;
      flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    }
    return self->base_->xOpen(self->base_, name, file, flags, outFlags);
  }

  sqlite3_vfs* base_;
  sqlite3_vfs vfs_{};
  std::set<std::string> protected_;
  int protectedOpens_ = 0;
};

}  // namespace storetest

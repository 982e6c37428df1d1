#pragma once
// The one way Tunebench writes a file a user cares about: a temporary file beside the target,
// written, flushed and fsynced, renamed over the target, and the folder fsynced. Readers (and a
// run resumed after a crash or a power cut) see the old file or the complete new one, never a torn
// one; a failed write (a full disk) leaves the old file and no temporary, and says why.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace tunebench {

// Writes the new contents to the stream it is given; may throw to abandon the write.
using StreamWriter = std::function<void(std::ostream&)>;

// Replaces `path` with what `write` writes. Throws Error naming `path` and the system's reason
// ("No space left on device") when writing, syncing or renaming fails; an exception thrown by
// `write` itself propagates unchanged unless the stream failed first.
void writeFileAtomically(const std::filesystem::path& path, const StreamWriter& write);
void writeFileAtomically(const std::filesystem::path& path, std::string_view contents);

// Makes a file's data, or a folder's entries, durable (fsync). A file system that cannot sync
// (some network mounts) is not an error: the data is still written, just not forced out.
void syncPath(const std::filesystem::path& path);

// Moves a folder assembled beside `destination` (every file in it already written) into place:
// syncs its files and itself, renames it to `destination` (which must not exist or be an empty
// folder: nothing is overwritten), and syncs the parent. `destination` never holds a partly
// written folder, whatever a crash interrupts.
void publishFolder(const std::filesystem::path& assembled,
                   const std::filesystem::path& destination);

// Writes a whole folder the same way: `fill` writes into an empty folder beside `destination`,
// which then takes the place of `destination` (an older one is removed only after the new one is
// complete and synced). Readers see the old folder, none for an instant, or the complete new one;
// on failure the partial folder is removed and the old one kept.
void writeFolderAtomically(const std::filesystem::path& destination,
                           const std::function<void(const std::filesystem::path& folder)>& fill);

}  // namespace tunebench

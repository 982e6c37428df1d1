#pragma once
// The project's exception type: a message that names what was being done, the file or setting
// involved, and the problem, so that the user can act on it.
#include <stdexcept>
#include <string>

namespace tunebench {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}

  // Adds outer context: Error("merges[12] is not a pair").within("loading tokenizer.json")
  // reads "loading tokenizer.json: merges[12] is not a pair".
  Error within(const std::string& context) const { return Error(context + ": " + what()); }
};

// Thrown where long work sees that its job was canceled (reading a file, loading a model). A
// Job's run() catches it and returns normally, as a canceled job does.
class Canceled : public Error {
 public:
  explicit Canceled(const std::string& what) : Error(what + ": canceled") {}
};

// Runs f(); any exception leaving it is re-thrown as tunebench::Error prefixed by context.
// Used at core API boundaries so that LibTorch's c10::Error gains the context it lacks.
template <typename F>
auto withContext(const std::string& context, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw e.within(context);
  } catch (const std::exception& e) {
    throw Error(context + ": " + e.what());
  }
}

}  // namespace tunebench

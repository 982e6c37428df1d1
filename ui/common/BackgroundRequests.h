#pragma once
// The bookkeeping behind BackgroundTask, free of the result type: which request runs, which one
// waits to run next, and whether the running one's result is still wanted.
#include <functional>
#include <optional>

namespace tunebench::ui {

class BackgroundRequests {
 public:
  struct Request {
    std::function<void()> start;   // starts the work on a worker
    std::function<void()> cancel;  // optional: asks started work to stop early
  };

  // Cancels the running request, whose result is dropped.
  ~BackgroundRequests();

  // Starts the request at once when none runs; otherwise it replaces any waiting request and
  // starts when the running one returns (whose result is then stale).
  void submit(Request request);
  // The running request returned. True when its result is the latest one asked for; false when
  // it is stale (a waiting request, if any, has been started).
  bool finish();
  // Drops the running request's result (canceling it) and any waiting request.
  void clear();
  // A result is still to come: a request runs that is not stale, or one waits to run.
  bool isBusy() const { return (running_ && !stale_) || waiting_; }

 private:
  void start(Request request);
  void cancelRunning();

  std::optional<Request> running_;
  std::optional<Request> waiting_;
  bool stale_ = false;  // the running request's result is no longer wanted
};

}  // namespace tunebench::ui

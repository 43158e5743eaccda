#include "poll/request_watch.h"

namespace ue {

RequestWatch::RequestWatch() : thread_([this] { run(); }) {}

RequestWatch::~RequestWatch() {
  close();
  thread_.join();
}

bool RequestWatch::watch(const std::vector<std::unique_ptr<Transport>>& transports) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    for (const auto& transport : transports) watched_.push_back(transport.get());
  }
  wake_.notify_all();
  return true;
}

void RequestWatch::unwatch() {
  std::lock_guard lock(mutex_);
  watched_.clear();
}

void RequestWatch::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (Transport* transport : watched_) transport->abort();
  }
  wake_.notify_all();
}

bool RequestWatch::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void RequestWatch::run() {
  // A tenth of a second past a timeout is close enough; requests themselves
  // are ended by their socket timeouts in all but the trickling case.
  constexpr auto kTick = std::chrono::milliseconds(100);
  std::unique_lock lock(mutex_);
  while (!closed_) {
    if (watched_.empty()) {
      wake_.wait(lock, [&] { return closed_ || !watched_.empty(); });
      continue;
    }
    wake_.wait_for(lock, kTick, [&] { return closed_; });
    const auto now = std::chrono::steady_clock::now();
    for (Transport* transport : watched_) transport->abort_if_overdue(now);
  }
}

}  // namespace ue

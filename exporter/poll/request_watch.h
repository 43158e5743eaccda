// The transports of the poll in flight, watched by one long-lived thread: a
// request past its timeout is aborted (httplib's timeouts are per read, so a
// header trickling in byte by byte would never end), and close() aborts
// them all at shutdown.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/upstream.h"

namespace ue {

class RequestWatch {
 public:
  RequestWatch();
  ~RequestWatch();  // closes

  // Watches `transports` until unwatch(); false, watching nothing, once closed.
  bool watch(const std::vector<std::unique_ptr<Transport>>& transports);
  void unwatch();
  // Aborts what is watched, and refuses every later watch.
  void close();
  bool closed() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Transport*> watched_;
  bool closed_ = false;
  std::thread thread_;
};

}  // namespace ue

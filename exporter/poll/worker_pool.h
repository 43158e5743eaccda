// Long-lived worker threads for a poll's reads: started once per target and
// reused by every poll, instead of threads made and joined each time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ue {

class WorkerPool {
 public:
  // `size` workers in all: the caller of run() and size - 1 threads.
  explicit WorkerPool(std::size_t size);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const { return threads_.size() + 1; }

  // An item whose job threw, so it did not finish; what that means is the caller's.
  struct FailedItem {
    std::size_t item = 0;
    std::string error;  // the exception's what()
  };

  // Runs job(worker, item) for every item in [0, items), worker in [0, size()),
  // each worker taking the next item as it finishes one; returns when all are
  // done. Worker 0 is the calling thread. One run at a time.
  // A job that throws fails its item only: the worker goes on with the next
  // item, and run() returns the failed ones in item order.
  using Job = std::function<void(std::size_t worker, std::size_t item)>;
  [[nodiscard]] std::vector<FailedItem> run(std::size_t items, const Job& job);

 private:
  void work(std::size_t worker);
  void take_items(std::size_t worker);

  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  std::uint64_t generation_ = 0;  // one per run(), so each thread joins each run once
  bool stopping_ = false;
  const Job* job_ = nullptr;
  std::size_t items_ = 0;
  std::size_t next_ = 0;
  std::size_t helpers_ = 0;  // threads 1..helpers_ take part in the current run
  std::size_t busy_ = 0;     // of those, the ones not done with it yet
  std::vector<FailedItem> failed_;  // of the current run
  std::vector<std::thread> threads_;
};

}  // namespace ue

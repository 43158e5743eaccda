#include "poll/worker_pool.h"

#include <algorithm>

namespace ue {

WorkerPool::WorkerPool(std::size_t size) {
  for (std::size_t w = 1; w < size; ++w) threads_.emplace_back([this, w] { work(w); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::take_items(std::size_t worker) {
  std::unique_lock lock(mutex_);
  while (next_ < items_) {
    const std::size_t item = next_++;
    lock.unlock();
    (*job_)(worker, item);
    lock.lock();
  }
}

void WorkerPool::run(std::size_t items, const Job& job) {
  if (items == 0) return;
  {
    std::lock_guard lock(mutex_);
    job_ = &job;
    items_ = items;
    next_ = 0;
    // Threads beyond the number of items would only wake to find nothing.
    helpers_ = std::min(threads_.size(), items - 1);
    busy_ = helpers_;
    ++generation_;
  }
  start_.notify_all();
  take_items(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return busy_ == 0; });
  job_ = nullptr;
}

void WorkerPool::work(std::size_t worker) {
  std::uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    if (worker > helpers_) continue;  // not needed for this run
    lock.unlock();
    take_items(worker);
    lock.lock();
    if (--busy_ == 0) done_.notify_all();
  }
}

}  // namespace ue

#include "poll/worker_pool.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

namespace ue {
namespace {

// Runs one job; what it threw, if it did. Nothing escapes into a worker
// thread (which would end the process) or out of run() on worker 0 (which
// would leave the other workers on a job that no longer exists).
std::optional<std::string> failure_of(const WorkerPool::Job& job, std::size_t worker, std::size_t item) {
  try {
    job(worker, item);
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(e.what());
  } catch (...) {
    return std::string("an exception that is not a std::exception");
  }
}

}  // namespace

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
    const Job& job = *job_;
    lock.unlock();
    std::optional<std::string> error = failure_of(job, worker, item);
    lock.lock();
    if (error) failed_.push_back({item, std::move(*error)});
  }
}

std::vector<WorkerPool::FailedItem> WorkerPool::run(std::size_t items, const Job& job) {
  if (items == 0) return {};
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
  std::vector<FailedItem> failed = std::exchange(failed_, {});
  std::sort(failed.begin(), failed.end(), [](const FailedItem& a, const FailedItem& b) { return a.item < b.item; });
  return failed;
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

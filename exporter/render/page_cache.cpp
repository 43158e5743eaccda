#include "render/page_cache.h"

namespace ue {

PageCache::PageCache(TargetsFn targets, SelfMetricsFn self_metrics)
    : targets_(std::move(targets)), self_metrics_(std::move(self_metrics)) {
  render_now();
  thread_ = std::thread([this] { run(); });
}

PageCache::~PageCache() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PageCache::invalidate() {
  {
    std::lock_guard lock(mutex_);
    dirty_ = true;
  }
  wake_.notify_all();
}

void PageCache::render_now() {
  std::lock_guard rendering(render_mutex_);  // one at a time, so a page never replaces a newer one
  auto page = std::make_shared<const Page>(targets_(), self_metrics_());
  std::lock_guard lock(mutex_);
  page_ = std::move(page);
}

std::shared_ptr<const Page> PageCache::current() const {
  std::lock_guard lock(mutex_);
  return page_;
}

void PageCache::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return dirty_ || stopping_; });
    if (stopping_) return;
    dirty_ = false;
    lock.unlock();
    render_now();
    lock.lock();
  }
}

}  // namespace ue

#include "render/page_cache.h"

#include "render/gzip.h"
#include "render/status_page.h"
#include "render/upgrades_api.h"

namespace ue {

PageCache::PageCache(TargetsFn targets, SelfMetricsFn self_metrics, FleetFn fleet, StatusOptions status_options)
    : targets_(std::move(targets)),
      self_metrics_(std::move(self_metrics)),
      fleet_(std::move(fleet)),
      status_options_(std::move(status_options)) {
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
  auto status = render_status();
  std::lock_guard lock(mutex_);
  page_ = std::move(page);
  status_ = std::move(status);
}

std::shared_ptr<const StatusPages> PageCache::render_status() const {
  auto status = std::make_shared<StatusPages>();
  status->fleet = fleet_ ? fleet_() : std::make_shared<const FleetView>();
  status->options = status_options_;
  status->page = render_status_page(*status->fleet, StatusQuery{}, status_options_);
  status->page_gzip = gzip_compress(status->page);
  return status;
}

const std::string& StatusPages::json(bool gzip) const {
  std::call_once(json_once_, [this] {
    json_ = render_upgrades_json(*fleet, StatusQuery{}, options);
    json_gzip_ = gzip_compress(json_);
  });
  return gzip ? json_gzip_ : json_;
}

std::shared_ptr<const StatusPages> PageCache::status() const {
  std::lock_guard lock(mutex_);
  return status_;
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

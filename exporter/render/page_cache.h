// The /metrics page, rendered once per poll (not per scrape) and cached
// with its gzip, so a scrape never waits for an upstream or for rendering.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "render/page.h"

namespace ue {

class PageCache {
 public:
  using TargetsFn = std::function<std::vector<std::shared_ptr<const TargetSamples>>()>;
  using SelfMetricsFn = std::function<std::string()>;

  PageCache(TargetsFn targets, SelfMetricsFn self_metrics);
  ~PageCache();

  // Asks for a new page; renders coalesce when polls finish together.
  void invalidate();
  // Renders now, on the caller's thread.
  void render_now();
  std::shared_ptr<const Page> current() const;

 private:
  void run();

  TargetsFn targets_;
  SelfMetricsFn self_metrics_;
  std::mutex render_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool dirty_ = false;
  bool stopping_ = false;
  std::shared_ptr<const Page> page_;
  std::thread thread_;
};

}  // namespace ue

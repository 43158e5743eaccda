// The /metrics page, rendered once per poll (not per scrape) and cached
// with its gzip, so a scrape never waits for an upstream or for rendering.
// The status page and the JSON API are rendered with it, from the fleet's
// view, in their default form (no filter) and gzipped, for the same reason.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "render/page.h"
#include "render/status_query.h"
#include "snapshot/fleet_view.h"

namespace ue {

// What GET / and GET /api/v1/upgrades serve, as of one page. A filtered
// request is rendered from `fleet` at request time.
struct StatusPages {
  std::shared_ptr<const FleetView> fleet;
  StatusOptions options;
  std::string page, page_gzip;  // the status page: unfiltered, auto-refresh on

  // /api/v1/upgrades, unfiltered, plain or gzip. Written at the first request
  // for it: the JSON of a large fleet costs far more than the page (every
  // object in full), and most polls' JSON is never asked for.
  const std::string& json(bool gzip) const;

 private:
  mutable std::once_flag json_once_;
  mutable std::string json_, json_gzip_;
};

class PageCache {
 public:
  using TargetsFn = std::function<std::vector<std::shared_ptr<const TargetSamples>>()>;
  using SelfMetricsFn = std::function<std::string()>;
  using FleetFn = std::function<std::shared_ptr<const FleetView>()>;

  // Without `fleet`, the status pages hold an empty FleetView.
  PageCache(TargetsFn targets, SelfMetricsFn self_metrics, FleetFn fleet = nullptr, StatusOptions status_options = {});
  ~PageCache();

  // Asks for a new page; renders coalesce when polls finish together.
  void invalidate();
  // Renders now, on the caller's thread.
  void render_now();
  std::shared_ptr<const Page> current() const;
  std::shared_ptr<const StatusPages> status() const;
  const StatusOptions& status_options() const { return status_options_; }

 private:
  void run();
  std::shared_ptr<const StatusPages> render_status() const;

  TargetsFn targets_;
  SelfMetricsFn self_metrics_;
  FleetFn fleet_;
  const StatusOptions status_options_;
  std::mutex render_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool dirty_ = false;
  bool stopping_ = false;
  std::shared_ptr<const Page> page_;
  std::shared_ptr<const StatusPages> status_;
  std::thread thread_;
};

}  // namespace ue

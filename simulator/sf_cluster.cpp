#include "sf_cluster.h"

#include <algorithm>
#include <utility>

#include "sf_progress.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

// The steps a configuration upgrade started through the API plays once: the
// scenario's own upgrade steps, or a plain walk through the domains.
Script config_upgrade_run(const SfObject& o, SimTime start) {
  Script run;
  run.start = start;
  auto first = std::find_if(o.script.steps.begin(), o.script.steps.end(),
                            [&](const Step& s) { return is_in_progress(o.kind, s.state); });
  run.steps.assign(first, o.script.steps.end());
  if (run.steps.empty()) {
    run.steps = {make_step("RollingForwardInProgress", 10s * static_cast<int>(o.domains.size()), 1.0),
                 make_step("RollingForwardCompleted", std::nullopt)};
  }
  run.steps.back().length.reset();  // the result stays
  return run;
}

}  // namespace

ServiceFabricCluster::ServiceFabricCluster(std::vector<SfObject> objects, WallClock::time_point epoch)
    : epoch_(epoch), objects_(std::move(objects)) {
  for (size_t i = 0; i < objects_.size(); ++i) index_[{objects_[i].kind, objects_[i].name}] = i;
  for (auto [kind, listing] : {std::pair{Kind::application, &applications_},
                               std::pair{Kind::application_resource, &resources_},
                               std::pair{Kind::compose_deployment, &composes_}}) {
    for (const auto& [key, i] : index_)  // std::map: already sorted by name (byte order)
      if (key.first == kind) listing->names.push_back(key.second), listing->objects.push_back(i);
  }
}

const SfObject* ServiceFabricCluster::find(Kind kind, std::string_view name) const {
  auto it = index_.find({kind, std::string(name)});
  return it == index_.end() ? nullptr : &objects_[it->second];
}

SfObject* ServiceFabricCluster::find(Kind kind, std::string_view name) {
  return const_cast<SfObject*>(std::as_const(*this).find(kind, name));
}

Json ServiceFabricCluster::cluster_progress(SimTime t, double api) const {
  return domain_upgrade_body(*find(Kind::cluster, "cluster"), t, api, epoch_);
}

Json ServiceFabricCluster::cluster_config_status(SimTime t) const {
  return config_upgrade_status_body(*find(Kind::cluster_config, "cluster_config"), t);
}

bool ServiceFabricCluster::start_cluster_config_upgrade(SimTime t, const ConfigUpgradeRequest& request) {
  SfObject& o = *find(Kind::cluster_config, "cluster_config");
  if (moment_of(o, t).in_progress) return false;
  if (request.config_version) o.from_version = std::exchange(o.version, *request.config_version);
  o.script = config_upgrade_run(o, t);
  return true;
}

std::optional<Json> ServiceFabricCluster::applications(SimTime t, std::string_view token, std::uint64_t max_results,
                                                       double api, bool exclude_parameters) const {
  auto listing = page(applications_, objects_, token, max_results,
                      [&](const SfObject& o) { return application_item(o, t, api, exclude_parameters); });
  if (listing && api < 2.0) return (*listing)["Items"];  // api-version 1.0 answers a bare array
  return listing;
}

std::optional<Json> ServiceFabricCluster::application_resources(SimTime t, std::string_view token,
                                                                std::uint64_t max_results) const {
  return page(resources_, objects_, token, max_results,
              [&](const SfObject& o) { return application_resource_item(o, t); });
}

std::optional<Json> ServiceFabricCluster::compose_deployments(SimTime t, std::string_view token,
                                                              std::uint64_t max_results) const {
  return page(composes_, objects_, token, max_results,
              [&](const SfObject& o) { return compose_deployment_item(o, t); });
}

std::optional<Json> ServiceFabricCluster::application_progress(SimTime t, std::string_view name, double api) const {
  const SfObject* o = find(Kind::application, name);
  if (!o) return std::nullopt;
  return domain_upgrade_body(*o, t, api, epoch_);
}

std::optional<Json> ServiceFabricCluster::application_resource_progress(SimTime t, std::string_view name) const {
  const SfObject* o = find(Kind::application_resource, name);
  if (!o) return std::nullopt;
  return application_resource_upgrade_body(*o, t, epoch_);
}

std::optional<Json> ServiceFabricCluster::compose_deployment_progress(SimTime t, std::string_view name) const {
  const SfObject* o = find(Kind::compose_deployment, name);
  if (!o) return std::nullopt;
  return compose_deployment_upgrade_body(*o, t, epoch_);
}

std::string ServiceFabricCluster::state_of(Kind kind, std::string_view name, SimTime t) const {
  const SfObject* o = find(kind, name);
  return o ? reported_state(*o, t) : "";
}

}  // namespace sim

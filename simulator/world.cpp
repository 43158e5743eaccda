#include "world.h"

#include <utility>

namespace sim {

World::World(Scenario scenario, WallClock::time_point epoch)
    : scenario_(std::move(scenario)),
      service_fabric_(scenario_.objects, epoch),
      qumulo_(scenario_.qumulo),
      event_store_(scenario_.objects, scenario_.seed, epoch),
      epoch_(epoch) {}

Json World::cluster_progress(SimTime t, double api) const {
  std::lock_guard lock(mu_);
  return service_fabric_.cluster_progress(t, api);
}

Json World::cluster_config_status(SimTime t) const {
  std::lock_guard lock(mu_);
  return service_fabric_.cluster_config_status(t);
}

bool World::start_cluster_config_upgrade(SimTime t, const ConfigUpgradeRequest& request) {
  std::lock_guard lock(mu_);
  return service_fabric_.start_cluster_config_upgrade(t, request);
}

std::optional<Json> World::applications(SimTime t, std::string_view token, std::uint64_t max_results, double api,
                                        bool exclude_parameters) const {
  std::lock_guard lock(mu_);
  return service_fabric_.applications(t, token, max_results, api, exclude_parameters);
}

std::optional<Json> World::application_resources(SimTime t, std::string_view token, std::uint64_t max_results) const {
  std::lock_guard lock(mu_);
  return service_fabric_.application_resources(t, token, max_results);
}

Json World::repair_tasks(SimTime t, const RepairTaskFilter& filter) const {
  std::lock_guard lock(mu_);
  // A holding task holds the first node of its application's current domain.
  const HeldNode held_node = [this](const std::string& application, SimTime at) -> std::string {
    const std::optional<Json> progress = service_fabric_.application_progress(at, application, 6.0);
    if (!progress) return "";
    const Json nodes = progress->value("CurrentUpgradeDomainProgress", Json::object())
                            .value("NodeUpgradeProgressList", Json::array());
    return nodes.empty() ? "" : nodes.front().value("NodeName", "");
  };
  return repair_task_list(scenario_.repair_tasks, t, filter, epoch_, held_node);
}

std::optional<Json> World::compose_deployments(SimTime t, std::string_view token, std::uint64_t max_results) const {
  std::lock_guard lock(mu_);
  return service_fabric_.compose_deployments(t, token, max_results);
}

std::optional<Json> World::application_progress(SimTime t, std::string_view name, double api) const {
  std::lock_guard lock(mu_);
  return service_fabric_.application_progress(t, name, api);
}

std::optional<Json> World::application_resource_progress(SimTime t, std::string_view name) const {
  std::lock_guard lock(mu_);
  return service_fabric_.application_resource_progress(t, name);
}

std::optional<Json> World::compose_deployment_progress(SimTime t, std::string_view name) const {
  std::lock_guard lock(mu_);
  return service_fabric_.compose_deployment_progress(t, name);
}

bool World::qumulo_reachable(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.reachable(t);
}

Json World::qumulo_status(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.status(t);
}

Json World::qumulo_reboot_status(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.reboot_status(t);
}

Json World::qumulo_blocked_status(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.blocked_status(t);
}

Json World::qumulo_restriper_status(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.restriper_status(t);
}

Json World::qumulo_protection_status(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.protection_status(t);
}

Json World::qumulo_nodes(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.nodes(t);
}

Json World::qumulo_version(SimTime t) const {
  std::lock_guard lock(mu_);
  return qumulo_.version(t);
}

bool World::qumulo_prepare(SimTime t, const PrepareRequest& request) {
  std::lock_guard lock(mu_);
  return qumulo_.prepare(t, request);
}

bool World::qumulo_commit(SimTime t) {
  std::lock_guard lock(mu_);
  return qumulo_.commit(t);
}

std::string World::state_of(Kind kind, std::string_view name, SimTime t) const {
  std::lock_guard lock(mu_);
  if (kind == Kind::qumulo) return qumulo_.status(t)["state"];
  return service_fabric_.state_of(kind, name, t);
}

}  // namespace sim

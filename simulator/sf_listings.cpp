#include "sf_listings.h"

namespace sim {
namespace {

constexpr double kTildeIdApi = 6.0;  // Application Ids use '~' from here on

}  // namespace

Json application_item(const SfObject& o, SimTime t, double api, bool exclude_parameters) {
  Moment m = moment_of(o, t);
  bool upgraded = !m.step || settled_progress(o.kind, m.step->state) == 1.0;
  Json item = {{"Id", application_id(o.name, api >= kTildeIdApi)},
               {"Name", o.name},
               {"TypeName", o.type_name},
               {"TypeVersion", upgraded ? o.version : o.from_version},
               {"Status", m.in_progress ? "Upgrading" : "Ready"}};
  if (!exclude_parameters) item["Parameters"] = Json::array({{{"Key", "InstanceCount"}, {"Value", "-1"}}});
  bool unhealthy = m.step && m.step->unhealthy;
  item["HealthState"] = unhealthy ? "Error" : m.has("Failed") ? "Warning" : "Ok";
  item["ApplicationDefinitionKind"] = "ServiceFabricApplicationDescription";
  return item;
}

Json application_resource_item(const SfObject& o, SimTime t) {
  Moment m = moment_of(o, t);
  Json services = Json::array();
  for (const auto& s : o.services) services.push_back(s.name);
  bool unhealthy = m.step && m.step->unhealthy;
  return Json{{"name", o.name},
              {"properties",
               {{"description", "Resource-model application " + o.name + "."},
                {"serviceNames", services},
                {"status", m.in_progress ? "Upgrading" : "Ready"},
                {"statusDetails", ""},
                {"healthState", unhealthy ? "Error" : "Ok"},
                {"unhealthyEvaluation", unhealthy ? "A service replica reports an error." : ""}}}};
}

Json compose_deployment_item(const SfObject& o, SimTime t) {
  return Json{{"Name", o.name},
              {"ApplicationName", "fabric:/" + o.name},
              {"Status", moment_of(o, t).in_progress ? "Upgrading" : "Ready"},
              {"StatusDetails", ""}};
}

}  // namespace sim

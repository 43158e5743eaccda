#include "poll/listing_plan.h"

#include <functional>
#include <unordered_set>

namespace ue {

ListingPlan plan_listing(const Listing& listing, Kind kind, const std::vector<ListedObject>& listed,
                         const Snapshot& snapshot, SteadyTime now) {
  ListingPlan plan;
  std::unordered_set<std::string_view> names;
  names.reserve(listed.size());
  for (const ListedObject& item : listed) names.insert(item.name);
  snapshot.for_each(kind, [&](const std::string& name, const ObjectState&) {
    if (!names.count(name)) plan.gone.push_back(name);
  });

  for (const ListedObject& item : listed) {
    const ObjectState* known = snapshot.find(kind, item.name);
    const bool upgrading = !listing.upgrading_status.empty() && item.status == listing.upgrading_status;
    const bool due = !known || upgrading || known->listing_status != item.status ||
                     in_progress(known->upgrade.phase) || now >= known->next_read;
    (due ? plan.due : plan.vouched).push_back(&item);
  }
  return plan;
}

SteadyTime next_idle_read(const std::string& name, bool first_read, Duration idle_interval, SteadyTime now) {
  if (!first_read) return now + std::chrono::duration_cast<SteadyTime::duration>(idle_interval);
  const double fraction = static_cast<double>(std::hash<std::string>{}(name) % 10007) / 10007.0;
  return now + std::chrono::duration_cast<SteadyTime::duration>(idle_interval * fraction);
}

}  // namespace ue

// What an upstream kind is: how to fetch it and how to turn its JSON into the
// model. Each kind lives in one file of this folder and adds one line to the
// table in registry.cpp; the poller knows nothing kind-specific.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/upgrade.h"

namespace ue {

// Thrown by Fetcher::get for a 4xx answer to a request made with
// `feature_probe`: the upstream does not serve that feature. Not an error.
struct FeatureAbsent {
  int http_status = 0;
};

// Performs upstream GETs for a source; implemented by the poller, which
// counts every request, error and latency under `endpoint`.
class Fetcher {
 public:
  virtual ~Fetcher() = default;

  // The body of a 2xx answer to GET `path_and_query` (sent verbatim, never
  // re-encoded). Throws SourceError, or FeatureAbsent (see above).
  virtual std::string get_body(std::string_view endpoint, const std::string& path_and_query,
                               bool feature_probe = false) = 0;
  // Counts a parse or schema error found in a body get_body returned.
  virtual void count_error(std::string_view endpoint, Reason reason) = 0;
  // Small per-target memory that survives between polls (e.g. a negotiated api-version).
  virtual std::string& memo(std::string_view key) = 0;

  template <class T>
  T get(std::string_view endpoint, const std::string& path_and_query, T (*parse)(std::string_view),
        bool feature_probe = false) {
    std::string body = get_body(endpoint, path_and_query, feature_probe);
    try {
      return parse(body);
    } catch (const SourceError& e) {
      count_error(endpoint, e.reason);
      throw;
    }
  }
};

// One entry of a paged listing.
struct ListedObject {
  std::string name;          // the `name` label, as the upstream spells it
  std::string path_segment;  // names the object in its progress URL, through escape_path_segment
  std::string status;        // listing status; see Listing::upgrading_status
};

struct ListPage {
  std::vector<ListedObject> items;
  std::string continuation_token;  // empty on the last page
};

// Kinds discovered through a paged listing, then read one object at a time.
// Built with designated initializers.
struct Listing {
  std::string_view list_endpoint;
  std::string_view progress_endpoint;
  // `continuation_token` goes back exactly as received; max_results 0 means "server default".
  std::string (*list_path)(const std::string& continuation_token, int max_results);
  ListPage (*parse_list)(std::string_view body);
  std::string (*progress_path)(const ListedObject& object);
  Upgrade (*parse_progress)(std::string_view body);
  // The listing status of an object whose upgrade is under way: read every
  // poll, whatever its last read said.
  std::string_view upgrading_status;
  // The HTTP status of a read that says the object went away after the
  // listing named it: it is dropped at once rather than kept until stale.
  int gone_http_status = 0;
};

// One object of a kind whose listing carries each object whole. One that
// ended (Upgrade::end_time) is kept for the target's retention after that.
struct WholeObject {
  std::string name;  // the `name` label
  Upgrade upgrade;
};

// Kinds whose listing answers with every object whole (no paging, no
// per-object read), e.g. /$/GetRepairTaskList. The objects under way are
// read every poll; the ended ones, many and unchanging, at start and every
// idle_poll_interval; an object that leaves the list under way is read once
// by name, to learn how it ended. Paths are sent verbatim.
struct WholeListing {
  std::string_view active_endpoint;
  std::string_view active_path;
  std::string_view ended_endpoint;
  std::string_view ended_path;
  std::string_view object_endpoint;
  std::string (*object_path)(const std::string& name);  // may answer more objects than that one
  // Each answer is a JSON array of objects, read as it streams (the poller
  // splits it, base/json_array_stream.h), so this reads one element: nullopt
  // for one that is no object of the kind. `now_unix` for what runs until now
  // (a duration); throws SourceError.
  std::optional<WholeObject> (*parse_element)(const nlohmann::json& element, double now_unix);
};

// Built with designated initializers; a kind sets one of `read`, `listing` and `whole`.
struct Source {
  Kind kind;
  TargetType target_type;
  std::string_view collect_name;              // the value used in a target's `collect:` list
  std::vector<std::string_view> states;       // the upstream state enum, exported as a StateSet
  Upgrade (*read)(Fetcher& fetch) = nullptr;  // single-object kinds (named after the target)
  const Listing* listing = nullptr;           // listed kinds
  const WholeListing* whole = nullptr;        // kinds listed whole
  bool feature_probe = false;  // a 4xx on its first request means "not served here": skip quietly, retry later
};

// Every kind, in export order.
const std::vector<Source>& all_sources();
const Source& source_for(Kind kind);

}  // namespace ue

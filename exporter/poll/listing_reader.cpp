#include "poll/listing_reader.h"

#include <string>
#include <unordered_set>

namespace ue {
namespace {

// A hostile upstream could hand out fresh continuation tokens forever.
constexpr int kMaxPages = 10000;

[[noreturn]] void fail_listing(Fetcher& fetcher, const Listing& listing, std::string message) {
  fetcher.count_error(listing.list_endpoint, Reason::schema);
  throw SourceError{Reason::schema, std::move(message)};
}

}  // namespace

ListingResult read_listing(const Source& source, const TargetConfig& target, Fetcher& fetcher) {
  const Listing& listing = *source.listing;
  const PollSettings& settings = target.settings;
  ListingResult result;
  std::unordered_set<std::string> names;
  std::unordered_set<std::string> tokens_seen;
  std::string token;
  for (int page_number = 0;; ++page_number) {
    if (page_number == kMaxPages)
      fail_listing(fetcher, listing, "listing did not end after " + std::to_string(kMaxPages) + " pages");
    ListPage page = fetcher.get(listing.list_endpoint, listing.list_path(token, settings.max_results),
                                listing.parse_list, source.feature_probe && page_number == 0);
    for (ListedObject& item : page.items) {
      if (!target.selects(item.name) || !names.insert(item.name).second) continue;
      if (result.selected.size() >= settings.max_objects) {
        ++result.dropped;
        continue;
      }
      result.selected.push_back(std::move(item));
    }
    if (page.continuation_token.empty()) break;
    if (!tokens_seen.insert(page.continuation_token).second)
      fail_listing(fetcher, listing, "listing repeated a continuation token");
    token = std::move(page.continuation_token);
  }
  return result;
}

}  // namespace ue

// Reads a listed kind's whole listing, every page, before anything is
// removed: the objects the target selects, each once, at most max_objects.
#pragma once

#include <cstddef>
#include <vector>

#include "config/config.h"
#include "sources/source.h"

namespace ue {

struct ListingResult {
  std::vector<ListedObject> selected;  // in listing order
  std::size_t dropped = 0;             // selected too, but over max_objects: not exported
};

// Throws SourceError from the fetcher, and Reason::schema (counted under the
// listing's endpoint) for a listing that repeats a continuation token or
// does not end.
ListingResult read_listing(const Source& source, const TargetConfig& target, Fetcher& fetcher);

}  // namespace ue

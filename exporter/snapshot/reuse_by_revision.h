// What is made from a snapshot's objects (their samples, their views) is made
// again only for the objects that moved: an item made from a record of the
// same revision is shared as it is. Revisions are unique within a snapshot,
// so an equal one is the same record; at fleet scale most objects are idle,
// and their items are neither made nor held twice.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "snapshot/snapshot.h"

namespace ue {

// One item per object of `snapshot`, in snapshot order: the item of
// `previous` (made from an earlier state of the same snapshot) whose
// `revision` is the object's, else make(key, object).
template <class Item, class Make>
std::vector<std::shared_ptr<const Item>> reuse_by_revision(const Snapshot& snapshot,
                                                           const std::vector<std::shared_ptr<const Item>>* previous,
                                                           Make&& make) {
  std::unordered_map<std::uint64_t, const std::shared_ptr<const Item>*> unchanged;
  if (previous) {
    unchanged.reserve(previous->size());
    for (const auto& item : *previous) unchanged.emplace(item->revision, &item);
  }
  std::vector<std::shared_ptr<const Item>> out;
  out.reserve(snapshot.objects().size());
  for (const auto& [key, object] : snapshot.objects()) {
    if (auto it = unchanged.find(object.revision); it != unchanged.end())
      out.push_back(*it->second);
    else
      out.push_back(make(key, object));
  }
  return out;
}

}  // namespace ue

// The page's layout (runs of headers and target families), its reader, and its gzip.
#include "render/page.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "render/catalogue.h"
#include "render/gzip.h"

namespace ue {

Page::Page(std::vector<std::shared_ptr<const TargetSamples>> targets, std::string self_metrics)
    : targets_(std::move(targets)), self_metrics_(std::move(self_metrics)) {
  for (std::size_t f = 0; f < kFamilyCount; ++f) {
    bool any = std::any_of(targets_.begin(), targets_.end(), [f](const auto& t) { return t->family_bytes[f] > 0; });
    if (!any) continue;  // a family without samples gets no header either
    const std::string& header = family_header(f);
    runs_.push_back({size_, header});
    size_ += header.size();
    for (const auto& t : targets_) {
      if (t->family_bytes[f] == 0) continue;
      runs_.push_back({size_, {}, t.get(), f});
      size_ += t->family_bytes[f];
    }
  }
  if (!self_metrics_.empty()) {
    runs_.push_back({size_, self_metrics_});
    size_ += self_metrics_.size();
  }
  Reader reader(*this);
  std::size_t offset = 0;
  gzip_ = gzip_stream([&](char* out, std::size_t max) {
    std::size_t n = reader.read(offset, out, max);
    offset += n;
    return n;
  });
}

std::string Page::text() const {
  std::string text(size_, '\0');
  Reader(*this).read(0, text.data(), text.size());
  return text;
}

namespace {

// A target's run is a piece per object, after one of the target's own series when it has them.
std::size_t piece_count(const TargetSamples& target) { return target.objects.size() + (target.own ? 1 : 0); }

const ObjectSamples& piece_samples(const TargetSamples& target, std::size_t index) {
  if (!target.own) return *target.objects[index];
  return index == 0 ? *target.own : *target.objects[index - 1];
}

}  // namespace

std::string_view Page::Reader::piece() const {
  const Run& run = page_.runs_[run_];
  return run.target ? piece_samples(*run.target, object_).family(run.family) : run.fixed;
}

void Page::Reader::next_piece() {
  within_ = 0;
  const Run& run = page_.runs_[run_];
  if (run.target && ++object_ < piece_count(*run.target)) return;
  object_ = 0;
  ++run_;
}

void Page::Reader::seek(std::size_t offset) {
  // The last run starting at or before `offset`, then its pieces one by one.
  auto after = std::upper_bound(page_.runs_.begin(), page_.runs_.end(), offset,
                                [](std::size_t o, const Run& run) { return o < run.start; });
  run_ = after == page_.runs_.begin() ? 0 : static_cast<std::size_t>(after - page_.runs_.begin()) - 1;
  object_ = 0;
  within_ = 0;
  offset_ = run_ < page_.runs_.size() ? page_.runs_[run_].start : 0;
  while (run_ < page_.runs_.size() && offset_ + piece().size() <= offset) {
    offset_ += piece().size();
    next_piece();
  }
  within_ = offset - offset_;
  offset_ = offset;
}

std::size_t Page::Reader::read(std::size_t offset, char* out, std::size_t max) {
  if (offset >= page_.size_) return 0;
  if (offset != offset_) seek(offset);
  std::size_t n = 0;
  while (n < max && run_ < page_.runs_.size()) {
    const std::string_view rest = piece().substr(within_);
    const std::size_t take = std::min(rest.size(), max - n);
    if (take > 0) std::memcpy(out + n, rest.data(), take);
    n += take;
    within_ += take;
    if (take == rest.size()) next_piece();
  }
  offset_ += n;
  return n;
}

std::string assemble_page(const std::vector<std::shared_ptr<const TargetSamples>>& targets,
                          std::string_view self_metrics) {
  return Page(targets, std::string(self_metrics)).text();
}

}  // namespace ue

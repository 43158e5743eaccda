#include "render/render.h"

#include <algorithm>
#include <map>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <stdexcept>

#include "render/gzip.h"
#include "render/text_format.h"
#include "sources/source.h"

namespace ue {
namespace {

void add_optional(SampleWriter& w, Family family, const std::optional<double>& value) {
  if (value) w.add(family, *value);
}

template <class Values>
void add_state_set(SampleWriter& w, Family family, const char* label, const Values& known, std::string_view current) {
  bool seen = false;
  for (auto value : known) {
    bool on = value == current;
    seen |= on;
    w.add(family, on ? 1 : 0, {{label, value}});
  }
  // A value the enum did not know yet (a newer upstream) is still exported.
  if (!seen && !current.empty()) w.add(family, 1, {{label, current}});
}

template <class Names, class Counts>
void add_counts(SampleWriter& w, Family family, const char* label, const Names& names, const Counts& counts) {
  for (std::size_t i = 0; i < names.size(); ++i) w.add(family, counts[i], {{label, names[i]}});
}

void render_object(SampleWriter& w, Kind kind, const ObjectState& object) {
  const Upgrade& u = object.upgrade;
  add_state_set(w, Family::state, "state", source_for(kind).states, u.state);
  for (Phase phase : kAllPhases) w.add(Family::phase, phase == u.phase ? 1 : 0, {{"phase", phase_name(phase)}});
  w.add(Family::in_progress, in_progress(u.phase) ? 1 : 0);
  add_optional(w, Family::progress_ratio, u.progress_ratio);
  if (u.domains) add_counts(w, Family::domains, "state", kDomainStates, *u.domains);
  add_optional(w, Family::start_timestamp, u.start_time);
  add_optional(w, Family::failure_timestamp, u.failure_time);
  add_optional(w, Family::duration, u.duration);
  add_optional(w, Family::domain_duration, u.domain_duration);
  add_optional(w, Family::pending_safety_checks, u.pending_safety_checks);
  if (u.nodes) add_counts(w, Family::nodes, "phase", kNodePhases, *u.nodes);
  add_optional(w, Family::unhealthy_evaluations, u.unhealthy_evaluations);
  for (const ReplicaProgress& r : u.replicas) {
    w.add(Family::replicas, r.completed, {{"service_name", r.service_name}, {"state", "completed"}});
    w.add(Family::replicas, r.pending, {{"service_name", r.service_name}, {"state", "pending"}});
  }
  add_optional(w, Family::timeout, u.timeout);
  add_optional(w, Family::domain_timeout, u.domain_timeout);
  if (!u.health_check_phase.empty())
    add_state_set(w, Family::health_check_phase, "phase", kHealthCheckPhases, u.health_check_phase);
  add_optional(w, Family::health_check_elapsed, u.health_check_elapsed);
  add_optional(w, Family::health_check_retry_flips, u.health_check_retry_flips);
  w.add_labels(Family::info, 1, u.info.begin(), u.info.end());
  if (in_progress(u.phase) && u.progress_ratio && *u.progress_ratio > 0 && *u.progress_ratio < 1 && u.start_time &&
      u.duration) {
    w.add(Family::estimated_completion, *u.start_time + *u.duration / *u.progress_ratio);
  }
  w.add(Family::last_transition, object.last_transition);
  add_optional(w, Family::config_progress_status, u.config_progress_status);
  if (u.reboot) {
    add_state_set(w, Family::reboot_state, "state", kRebootStates, u.reboot->state);
    w.add(Family::reboot_nodes, u.reboot->total_nodes);
    w.add(Family::reboot_rebooted_nodes, u.reboot->rebooted_nodes);
  }
}

}  // namespace

TargetSamples render_target(std::string_view target, const Snapshot& snapshot, const TargetSamples* previous) {
  // Revisions are unique within a snapshot: an equal one is the same record.
  std::unordered_map<std::uint64_t, const std::shared_ptr<const ObjectSamples>*> unchanged;
  if (previous) {
    unchanged.reserve(previous->objects.size());
    for (const auto& object : previous->objects) unchanged.emplace(object->revision, &object);
  }
  TargetSamples out;
  out.objects.reserve(snapshot.objects().size());
  SampleWriter writer(target);
  std::string scratch;  // reused, so each object's text is allocated once, at its size
  for (const auto& [key, object] : snapshot.objects()) {
    if (auto it = unchanged.find(object.revision); it != unchanged.end()) {
      out.objects.push_back(*it->second);
    } else {
      writer.begin_object(key.first, key.second, scratch);
      render_object(writer, key.first, object);
      auto rendered = std::make_shared<ObjectSamples>();
      rendered->revision = object.revision;
      rendered->starts = writer.finish();
      rendered->text = scratch;
      out.objects.push_back(std::move(rendered));
    }
    const ObjectSamples& samples = *out.objects.back();
    for (std::size_t f = 0; f < kFamilyCount; ++f) out.family_bytes[f] += samples.starts[f + 1] - samples.starts[f];
  }
  return out;
}

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

std::string_view Page::Reader::piece() const {
  const Run& run = page_.runs_[run_];
  return run.target ? run.target->objects[object_]->family(run.family) : run.fixed;
}

void Page::Reader::next_piece() {
  within_ = 0;
  const Run& run = page_.runs_[run_];
  if (run.target && ++object_ < run.target->objects.size()) return;
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

#include "event_history.h"

#include <algorithm>
#include <cctype>

#include "event_fields.h"
#include "sf_format.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

// A deterministic stream of draws (splitmix64).
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * double(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform(0, 1) < p; }
  int between(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
  Micros between(Micros lo, Micros hi) {
    return Micros(static_cast<std::int64_t>(uniform(double(lo.count()), double(hi.count()))));
  }

 private:
  std::uint64_t state_;
};

std::uint64_t object_seed(std::uint64_t seed, const SfObject& o) {
  std::uint64_t h = 14695981039346656037ULL ^ seed;
  for (unsigned char c : std::string(kind_name(o.kind)) + " " + o.name) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// One past attempt: its domains done, then either completion or a failure and a rollback.
struct PastAttempt {
  SimTime start{0};
  std::string from, to;
  Micros lead{0};                  // from Started to the first domain's start
  std::vector<Micros> domain_times;  // of the domains it completed
  Micros gap{0};                   // between domains: the health check, or a moment
  std::string failure;             // empty: it completed
  Micros failed_after{0};          // into the domain it failed in
  Micros rollback{0};
  Micros tail{0};                  // from the last domain to Completed

  Micros length() const {
    Micros total = lead;
    for (Micros d : domain_times) total += d + gap;
    return total + (failure.empty() ? tail : failed_after + rollback);
  }
};

// A domain's time: mostly around the object's typical one, now and then
// almost nothing (a domain with nothing to do) or a quarter hour (a slow node).
Micros domain_time(Draw& draw, Micros typical) {
  if (draw.chance(1.0 / 12)) return draw.between(Micros(140ms), Micros(2s));
  Micros t = Micros(static_cast<std::int64_t>(double(typical.count()) * draw.uniform(0.4, 2.2)));
  if (draw.chance(1.0 / 15)) t += draw.between(Micros(8min), Micros(16min));
  return t;
}

PastAttempt make_attempt(const SfObject& o, Draw& draw, Micros typical, int units, bool fails) {
  PastAttempt a;
  a.lead = draw.between(Micros(2s), Micros(20s));
  a.gap = o.mode == "Monitored" ? o.policy.health_check_wait + o.policy.health_check_stable + draw.between(0s, 15s)
                                : draw.between(Micros(500ms), Micros(5s));
  const int done = fails ? (units > 1 ? draw.between(1, units - 1) : 0) : units;
  for (int i = 0; i < done; ++i) a.domain_times.push_back(domain_time(draw, typical));
  a.tail = draw.between(Micros(300ms), Micros(3s));
  if (fails) {
    a.failure = draw.chance(0.6) ? "HealthCheck" : "UpgradeDomainTimeout";
    a.failed_after = draw.between(Micros(typical / 2), Micros(typical * 3));
    a.rollback = draw.between(Micros(typical / 2), Micros(typical * 2)) * std::max(1, done);
  }
  return a;
}

// The attempts, oldest first, planned back from `before`: the newest completes to o.from_version.
std::vector<PastAttempt> plan(const SfObject& o, Draw& draw, SimTime before, int units) {
  const Micros typical = draw.between(Micros(90s), Micros(12min));
  const SimTime earliest = -kHistorySpan;
  std::vector<PastAttempt> attempts;  // newest first
  SimTime cursor = before - draw.between(Micros(40min), Micros(16h));
  std::string to = o.from_version;
  int completed_domains = 0;
  while (true) {
    const std::string from = previous_version(to, o.kind == Kind::cluster ? draw.between(8, 60) : 1);
    PastAttempt done = make_attempt(o, draw, typical, units, false);
    done.from = from, done.to = to;
    done.start = cursor - done.length();
    if (done.start < earliest && completed_domains >= 3) break;
    attempts.push_back(done);
    completed_domains += units;
    cursor = done.start;
    if (draw.chance(0.35)) {  // an attempt before it rolled back, and this one is its retry
      PastAttempt failed = make_attempt(o, draw, typical, units, true);
      failed.from = from, failed.to = to;
      failed.start = cursor - draw.between(Micros(20min), Micros(90min)) - failed.length();
      if (failed.start >= earliest) attempts.push_back(failed), cursor = failed.start;
    }
    cursor -= draw.between(Micros(4h), Micros(30h));
    to = from;
  }
  std::reverse(attempts.begin(), attempts.end());
  return attempts;
}

void emit(const SfObject& o, const PastAttempt& p, const std::vector<std::string>& units, Draw& draw,
          std::vector<StoredEvent>& out) {
  const std::size_t first = out.size();
  const UpgradeAttempt a{&o, stable_guid("past upgrade " + o.name + " " + std::to_string(p.start.count())), p.from,
                         p.to, o.mode};
  out.push_back(upgrade_started(a, p.start));
  out.push_back(health_report(o, p.start + draw.between(Micros(5s), Micros(60s)), "Ok",
                              "Upgrading to " + p.to + ": healthy.", draw.between(1, 1 << 30)));
  SimTime unit_start = p.start + p.lead;
  for (std::size_t i = 0; i < p.domain_times.size(); ++i) {
    const SimTime done = unit_start + p.domain_times[i];
    out.push_back(domain_completed(a, done, domains_text(units[i]), p.domain_times[i]));
    unit_start = done + p.gap;
  }
  const SimTime end = p.start + p.length();
  if (p.failure.empty()) {
    out.push_back(upgrade_completed(a, end, end - p.start));
  } else {
    const SimTime failed = unit_start + p.failed_after;
    out.push_back(health_report(o, failed - std::min(p.failed_after, Micros(30s)), "Error",
                                "Upgrading to " + p.to + ": unhealthy.", draw.between(1, 1 << 30)));
    out.push_back(rollback_started(a, failed, p.failure, failed - p.start));
    out.push_back(rollback_completed(a, end, p.failure, end - p.start));
  }
  // The cluster's upgrades announce themselves again while they run (SFX's fixture has four Started for one).
  if (o.kind == Kind::cluster)
    for (int i = draw.between(1, 3); i > 0; --i) out.push_back(upgrade_started(a, p.start + draw.between(1s, p.length())));
  for (std::size_t i = first; i < out.size(); ++i) out[i].whole_second = draw.chance(1.0 / 3);
}

}  // namespace

std::vector<StoredEvent> past_upgrades(const SfObject& o, std::uint64_t seed, SimTime before) {
  Draw draw(object_seed(seed, o));
  const std::vector<std::string> units = upgrade_units(o);
  std::vector<StoredEvent> out;
  if (units.empty()) return out;
  for (const PastAttempt& p : plan(o, draw, before, static_cast<int>(units.size()))) emit(o, p, units, draw, out);
  std::stable_sort(out.begin(), out.end(), [](const StoredEvent& a, const StoredEvent& b) { return a.time < b.time; });
  return out;
}

std::string previous_version(const std::string& version, int builds) {
  std::vector<std::string> parts;
  for (std::size_t at = 0;;) {
    const std::size_t dot = version.find('.', at);
    parts.push_back(version.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
    if (dot == std::string::npos) break;
    at = dot + 1;
  }
  auto numeric = [](const std::string& s) {
    return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  const std::size_t build = parts.size() == 4 ? 2 : parts.size() - 1;
  for (std::size_t i = build + 1; i-- > 0;) {
    if (!numeric(parts[i])) break;
    const long value = std::stol(parts[i]);
    const long step = i == build ? builds : 1;
    if (value < step) continue;  // borrow from the part before
    parts[i] = std::to_string(value - step);
    for (std::size_t j = i + 1; j <= build; ++j) parts[j] = "9";
    std::string out = parts[0];
    for (std::size_t j = 1; j < parts.size(); ++j) out += "." + parts[j];
    return out;
  }
  return version + "-old";  // nothing to count down: still a different, older-looking name
}

}  // namespace sim

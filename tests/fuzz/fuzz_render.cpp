// From an upstream body to the /metrics page (the first byte picks the kind):
// parse → Snapshot::record → render_target → assemble_page. Whatever the
// upstream sends, every line of the page must stay well-formed exposition
// text: hostile label values are escaped, never cut into new lines or series.
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include "fuzz/fuzz_util.h"
#include "render/page.h"
#include "render/target_samples.h"
#include "snapshot/snapshot.h"
#include "sources/parsers.h"

namespace {

using ue::fuzz::require;

struct Parser {
  ue::Kind kind;
  ue::Upgrade (*parse)(std::string_view body);
};
constexpr Parser kParsers[] = {
    {ue::Kind::cluster, ue::parse_cluster_upgrade},
    {ue::Kind::cluster_config, ue::parse_cluster_config_upgrade},
    {ue::Kind::application, ue::parse_application_upgrade},
    {ue::Kind::application_resource, ue::parse_application_resource_upgrade},
    {ue::Kind::compose_deployment, ue::parse_compose_deployment_upgrade},
    {ue::Kind::qumulo, ue::parse_qumulo_upgrade_status},
};

// Names as hostile as the configuration and a listing allow.
const std::string kTarget = "prod\n\"west\"\\";
const std::string kObject = "fabric:/a\nb\"c\\d}{,=";

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Advances past a name at `i`; false when there is none.
bool skip_name(std::string_view line, std::size_t& i) {
  if (i >= line.size() || !is_name_start(line[i])) return false;
  while (i < line.size() && is_name_char(line[i])) ++i;
  return true;
}

// Advances past a quoted label value whose only escapes are \\, \" and \n.
bool skip_label_value(std::string_view line, std::size_t& i) {
  if (i >= line.size() || line[i++] != '"') return false;
  while (i < line.size() && line[i] != '"') {
    if (line[i] == '\\' && (++i >= line.size() || (line[i] != '\\' && line[i] != '"' && line[i] != 'n'))) return false;
    ++i;
  }
  return i++ < line.size();
}

// `upgrade_name{label="value",...} number`, strictly.
void check_sample_line(std::string_view line) {
  require(line.starts_with("upgrade_"), "samples are upgrade_ metrics");
  std::size_t i = 0;
  require(skip_name(line, i), "a sample starts with its metric name");
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      require(skip_name(line, i) && i < line.size() && line[i++] == '=', "labels are name=");
      require(skip_label_value(line, i), "label values are quoted and escaped");
      if (i < line.size() && line[i] == ',') ++i;
    }
    require(i++ < line.size(), "the label set is closed");
  }
  require(i < line.size() && line[i++] == ' ', "a space separates the value");
  const std::string value(line.substr(i));
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  require(!value.empty() && end == value.c_str() + value.size(), "the value is a number");
}

void check_page(std::string_view page) {
  std::size_t states_on = 0, phases_on = 0, blocking_partitions = 0;
  std::set<std::string_view> series;
  while (!page.empty()) {
    const std::size_t newline = page.find('\n');
    require(newline != std::string_view::npos, "the page ends with a newline");
    const std::string_view line = page.substr(0, newline);
    page.remove_prefix(newline + 1);
    if (line.starts_with("#")) {
      require(line.starts_with("# HELP upgrade_") || line.starts_with("# TYPE upgrade_"), "comments are HELP or TYPE");
      continue;
    }
    check_sample_line(line);
    require(series.insert(line.substr(0, line.rfind(' '))).second, "every series appears once");
    blocking_partitions += line.starts_with("upgrade_blocking_partition_info{");
    states_on += line.starts_with("upgrade_state{") && line.ends_with("} 1");
    phases_on += line.starts_with("upgrade_phase{") && line.ends_with("} 1");
  }
  require(states_on == 1 && phases_on == 1, "exactly one state and one phase are 1");
  require(blocking_partitions <= ue::kMaxBlockingPartitions, "blocking partitions are capped per object");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto choice = ue::fuzz::choose(ue::fuzz::as_text(data, size), std::size(kParsers));
  if (!choice) return 0;
  const Parser& parser = kParsers[choice->index];
  ue::Upgrade upgrade;
  try {
    upgrade = parser.parse(choice->input);
  } catch (const ue::SourceError&) {
    return 0;
  }
  ue::Snapshot snapshot;
  snapshot.record(parser.kind, kObject, std::move(upgrade), 1.7e9, ue::SteadyTime{});
  const auto samples = std::make_shared<const ue::TargetSamples>(ue::render_target(kTarget, snapshot));
  check_page(ue::assemble_page({samples}, ""));
  return 0;
}

#include <gtest/gtest.h>
#include <zlib.h>

#include "render/gzip.h"
#include "render/page.h"
#include "render/target_samples.h"
#include "snapshot/snapshot.h"

namespace ue {
namespace {

using namespace std::chrono_literals;

Upgrade rolling(std::string state, double ratio, std::string domain) {
  Upgrade u;
  u.state = std::move(state);
  u.phase = Phase::rolling_forward;
  u.progress_ratio = ratio;
  u.current_domain = std::move(domain);
  return u;
}

TEST(Snapshot, TransitionSetAtFirstSightAndMovedOnlyByStateProgressOrDomain) {
  Snapshot s;
  SteadyTime t0{};
  s.record(Kind::cluster, "c", rolling("RollingForwardInProgress", 0.2, "UD_1"), 100, t0);
  EXPECT_EQ(s.find(Kind::cluster, "c")->last_transition, 100);

  Upgrade same = rolling("RollingForwardInProgress", 0.2, "UD_1");
  same.duration = 999;  // elapsed time grows on every read: not a transition
  s.record(Kind::cluster, "c", same, 200, t0);
  EXPECT_EQ(s.find(Kind::cluster, "c")->last_transition, 100);

  s.record(Kind::cluster, "c", rolling("RollingForwardInProgress", 0.4, "UD_1"), 300, t0);
  EXPECT_EQ(s.find(Kind::cluster, "c")->last_transition, 300);
  s.record(Kind::cluster, "c", rolling("RollingForwardInProgress", 0.4, "UD_2"), 400, t0);
  EXPECT_EQ(s.find(Kind::cluster, "c")->last_transition, 400);
  s.record(Kind::cluster, "c", rolling("RollingForwardPending", 0.4, "UD_2"), 500, t0);
  EXPECT_EQ(s.find(Kind::cluster, "c")->last_transition, 500);
}

TEST(Snapshot, ExpireDropsOnlyObjectsNobodyVouchedFor) {
  Snapshot s;
  SteadyTime t0{};
  s.record(Kind::application, "fabric:/old", rolling("Invalid", 0, ""), 1, t0);
  s.record(Kind::application, "fabric:/new", rolling("Invalid", 0, ""), 1, t0 + 9min);
  s.expire(t0 + 10min + 1s, 10min);
  EXPECT_EQ(s.find(Kind::application, "fabric:/old"), nullptr);
  EXPECT_NE(s.find(Kind::application, "fabric:/new"), nullptr);
  EXPECT_EQ(s.count(Kind::application), 1u);
}

TEST(Snapshot, ANewHistoryIsANewRevisionTheSameOneIsNot) {
  Snapshot s;
  ObjectState& c = s.record(Kind::cluster, "c", rolling("RollingForwardInProgress", 0.2, "UD_1"), 100, {});
  EXPECT_EQ(c.read_at, 100);
  const auto before = c.revision;
  auto history = std::make_shared<const ObjectHistory>(ObjectHistory{.source = kHistoryObserved});
  ASSERT_TRUE(s.set_history(Kind::cluster, "c", history));
  EXPECT_GT(c.revision, before);
  EXPECT_EQ(c.history, history);
  const auto with_history = c.revision;
  s.set_history(Kind::cluster, "c", history);
  EXPECT_EQ(c.revision, with_history) << "the same history is no change";
  EXPECT_FALSE(s.set_history(Kind::application, "absent", history));
}

TEST(Snapshot, RetainKeepsOtherKinds) {
  Snapshot s;
  s.record(Kind::application, "a", rolling("Invalid", 0, ""), 1, {});
  s.record(Kind::compose_deployment, "a", rolling("Invalid", 0, ""), 1, {});
  EXPECT_EQ(s.retain(Kind::application, [](const std::string&) { return false; }), 1u);
  EXPECT_EQ(s.count(Kind::compose_deployment), 1u);
}

TEST(Render, HostileLabelValuesAreEscapedNeverNewLines) {
  Snapshot s;
  Upgrade u = rolling("RollingForward\"\n{evil=\"1\"}", 0.5, "");
  u.info = {{"target_version", "1.0\\\n# HELP injected"}};
  s.record(Kind::application_resource, "fabric:/a\nb\"c\\d", u, 1, {});
  std::string page = assemble_page({std::make_shared<TargetSamples>(render_target("t\n", s))}, "");
  for (std::size_t start = 0, end; (end = page.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = page.substr(start, end - start);
    if (line.rfind("# ", 0) == 0) {
      EXPECT_TRUE(line.rfind("# HELP upgrade_", 0) == 0 || line.rfind("# TYPE upgrade_", 0) == 0) << line;
    } else {
      EXPECT_EQ(line.rfind("upgrade_", 0), 0u) << line;
    }
  }
  EXPECT_NE(page.find(R"(name="fabric:/a\nb\"c\\d")"), std::string::npos);
  // An unknown upstream state is exported as one more series of the StateSet.
  EXPECT_NE(page.find(R"(state="RollingForward\"\n{evil=\"1\"}"} 1)"), std::string::npos);
}

TEST(Render, OneHeaderPerFamilyAcrossTargetsAndChunks) {
  Snapshot a, b;
  for (int i = 0; i < 300; ++i)  // more than one serializer chunk
    a.record(Kind::application, "fabric:/app" + std::to_string(i), rolling("RollingForwardInProgress", 0.5, "1"), 1, {});
  b.record(Kind::cluster, "b", rolling("RollingForwardInProgress", 0.5, "1"), 1, {});
  std::string page = assemble_page({std::make_shared<TargetSamples>(render_target("a", a)),
                                    std::make_shared<TargetSamples>(render_target("b", b))},
                                   "# HELP upgrade_exporter_build_info x\n");
  std::size_t headers = 0;
  for (std::size_t at = 0; (at = page.find("# TYPE upgrade_state gauge\n", at)) != std::string::npos; ++at) ++headers;
  EXPECT_EQ(headers, 1u);
  // Samples of a family stay together: target b's follow target a's.
  auto type = page.find("# TYPE upgrade_state gauge\n");
  auto next_type = page.find("# TYPE", type + 1);
  auto last_a = page.rfind("upgrade_state{target=\"a\"", next_type);
  auto first_b = page.find("upgrade_state{target=\"b\"", type);
  EXPECT_LT(last_a, first_b);
  EXPECT_LT(first_b, next_type);
  EXPECT_EQ(page.find("# TYPE upgrade_replicas"), std::string::npos) << "no samples, no header";
  EXPECT_NE(page.find("upgrade_exporter_build_info"), std::string::npos);
}

std::string gunzip(const std::string& zipped, std::size_t capacity) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(capacity + 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zipped.data()));
  zs.avail_in = static_cast<uInt>(zipped.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(Render, GzipRoundTrips) {
  std::string text(100000, 'x');
  std::string zipped = gzip_compress(text);
  ASSERT_GE(zipped.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(zipped[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(zipped[1]), 0x8b);
  EXPECT_EQ(gunzip(zipped, text.size()), text);
}

TEST(Render, OnlyObjectsRecordedSinceThePreviousRenderAreRenderedAgain) {
  Snapshot s;
  for (const char* name : {"fabric:/a", "fabric:/b", "fabric:/c"})
    s.record(Kind::application, name, rolling("RollingForwardInProgress", 0.5, "1"), 1, {});
  const TargetSamples first = render_target("t", s);
  ASSERT_EQ(first.objects.size(), 3u);

  s.record(Kind::application, "fabric:/b", rolling("RollingForwardInProgress", 0.75, "2"), 2, {});
  s.record(Kind::application, "fabric:/bb", rolling("RollingForwardPending", 0, ""), 2, {});
  s.erase(Kind::application, "fabric:/c");
  const TargetSamples second = render_target("t", s, &first);
  ASSERT_EQ(second.objects.size(), 3u);  // a, b, bb in name order
  EXPECT_EQ(second.objects[0], first.objects[0]) << "unchanged: the same text, not a copy";
  EXPECT_NE(second.objects[1], first.objects[1]);
  EXPECT_NE(second.objects[1]->text.find("} 0.75\n"), std::string::npos);
  EXPECT_NE(second.objects[2]->text.find("fabric:/bb"), std::string::npos);
  // The same page as one rendered from scratch.
  EXPECT_EQ(assemble_page({std::make_shared<TargetSamples>(second)}, ""),
            assemble_page({std::make_shared<TargetSamples>(render_target("t", s))}, ""));
}

TEST(Render, PageReadsTheSameBytesInAnyChunksFromAnyOffset) {
  Snapshot a, b;
  for (int i = 0; i < 40; ++i)
    a.record(Kind::application, "fabric:/app" + std::to_string(i), rolling("RollingForwardInProgress", 0.5, "1"), 1, {});
  b.record(Kind::cluster, "c", rolling("RollingForwardInProgress", 0.5, "1"), 1, {});
  const Page page({std::make_shared<TargetSamples>(render_target("a", a)),
                   std::make_shared<TargetSamples>(render_target("b", b))},
                  "upgrade_exporter_build_info 1\n");
  const std::string text = page.text();
  ASSERT_EQ(text.size(), page.size());
  EXPECT_TRUE(text.starts_with("# HELP upgrade_state "));
  EXPECT_TRUE(text.ends_with("upgrade_exporter_build_info 1\n"));
  EXPECT_EQ(gunzip(page.gzip(), text.size()), text);

  for (std::size_t chunk : {1u, 7u, 100u, 4096u}) {
    Page::Reader reader(page);
    std::string read;
    std::vector<char> buffer(chunk);
    while (std::size_t n = reader.read(read.size(), buffer.data(), chunk)) read.append(buffer.data(), n);
    EXPECT_EQ(read, text) << "chunk " << chunk;
  }
  // Ranges: any offset, forwards or backwards, as a Range request asks.
  Page::Reader reader(page);
  for (std::size_t offset : {text.size() - 1, std::size_t{0}, text.size() / 2, std::size_t{123}, text.size() / 3}) {
    char buffer[64];
    const std::size_t n = reader.read(offset, buffer, sizeof buffer);
    EXPECT_EQ(std::string(buffer, n), text.substr(offset, sizeof buffer)) << "offset " << offset;
  }
  char byte;
  EXPECT_EQ(reader.read(text.size(), &byte, 1), 0u);
}

TEST(Render, EmptyPage) {
  const Page page({std::make_shared<TargetSamples>()}, "");
  EXPECT_EQ(page.size(), 0u);
  EXPECT_EQ(page.text(), "");
  EXPECT_EQ(gunzip(page.gzip(), 0), "");
}

}  // namespace
}  // namespace ue

#include "sf_format.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

using namespace std::chrono_literals;

TEST(IsoDuration, WritesHoursAndMinutesAlwaysLikeTheRuntime) {
  EXPECT_EQ(iso_duration(0s), "PT0H0M0S");
  EXPECT_EQ(iso_duration(5min), "PT0H5M0S");
  EXPECT_EQ(iso_duration(600s + 175200us), "PT0H10M0.1752S");  // the spec example
  EXPECT_EQ(iso_duration(15s + 414100us), "PT0H0M15.4141S");
  EXPECT_EQ(iso_duration(16h), "PT16H0M0S");
  EXPECT_EQ(iso_duration(1us), "PT0H0M0.000001S");
}

TEST(IsoDuration, WritesDaysOnlyWhenNeeded) {
  EXPECT_EQ(iso_duration(26h), "P1DT2H0M0S");
  EXPECT_EQ(iso_duration(-5s), "PT0H0M0S");
}

TEST(IsoDuration, ParsesWhatItWritesAndTheQuirks) {
  for (Micros d : {Micros(0s), Micros(600s + 175200us), Micros(26h + 3s), Micros(59min + 59s + 999999us)})
    EXPECT_EQ(parse_iso_duration(iso_duration(d)), d) << iso_duration(d);
  EXPECT_EQ(parse_iso_duration("PT0H0M03.0001S"), 3s + 100us);  // leading zero seen in SFX fixtures
  EXPECT_EQ(parse_iso_duration("PT2H30M0S"), 150min);
  EXPECT_EQ(parse_iso_duration("PT1H"), 1h);
  EXPECT_EQ(parse_iso_duration("P1D"), 24h);
  auto infinite = parse_iso_duration(kInfiniteDuration);
  ASSERT_TRUE(infinite);
  EXPECT_GT(*infinite, Micros(std::chrono::hours(24 * 10675199)));
}

TEST(IsoDuration, RejectsMalformedText) {
  for (const char* bad : {"", "P", "PT", "PT5", "5M", "PT1S1M", "PT1H1H", "PTH", "P1H", "PT1.2.3S", "pt1h"})
    EXPECT_FALSE(parse_iso_duration(bad)) << bad;
}

TEST(SfDuration, AcceptsIsoOrMilliseconds) {
  EXPECT_EQ(parse_sf_duration("30000"), 30s);
  EXPECT_EQ(parse_sf_duration("PT0H0M30S"), 30s);
  EXPECT_FALSE(parse_sf_duration("30s"));
  EXPECT_FALSE(parse_sf_duration("-5"));
  EXPECT_FALSE(parse_sf_duration(""));
}

TEST(UtcTimestamp, HasMillisecondsAndZ) {
  WallClock::time_point t{std::chrono::milliseconds(1667242119781)};
  EXPECT_EQ(utc_timestamp(t), "2022-10-31T18:48:39.781Z");
  EXPECT_EQ(utc_timestamp(WallClock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(PrometheusDuration, ParsesUnitsInOrder) {
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("1m500ms"), 60500ms);
  EXPECT_EQ(parse_duration("2d"), 48h);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("-2h"), -2h);
  EXPECT_EQ(parse_duration("0"), 0s);
  for (const char* bad : {"", "30", "s", "1s1m", "1m1m", "abc", "5 s", "--1s"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(StableGuid, IsAGuidThatDependsOnlyOnTheSeed) {
  std::string id = stable_guid("fabric:/shop/cart_Node_0WaitForInbuildReplica");
  EXPECT_EQ(id, stable_guid("fabric:/shop/cart_Node_0WaitForInbuildReplica"));
  EXPECT_NE(id, stable_guid("fabric:/shop/cart_Node_1WaitForInbuildReplica"));
  ASSERT_EQ(id.size(), 36u);
  for (size_t dash : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[dash], '-') << id;
  EXPECT_EQ(id[14], '4') << id;  // version 4 layout, as real partition ids
  EXPECT_EQ(id[19], '8') << id;
}

}  // namespace
}  // namespace sim

// A hostile upstream on the streamed route (the repair task lists, parsed as
// they arrive) through the built binary: the same answers as hostile_test.cpp
// must be counted under the same `reason`, lose only the list they came in,
// and leave the connection fit for the next poll, which reads a good list.
#include <gtest/gtest.h>

#include <brotli/encode.h>

#include <nlohmann/json.hpp>
#include <random>

#include "integration/harness.h"
#include "render/gzip.h"

namespace ue::test {
namespace {

using Json = nlohmann::json;
using Labels = std::map<std::string, std::string>;
using Framing = FakeUpstream::Framing;

const std::string kClusterPath = "/$/GetUpgradeProgress?api-version=8.2";
const std::string kActive = "/$/GetRepairTaskList?api-version=6.0&StateFilter=63";
const std::string kCompleted = "/$/GetRepairTaskList?api-version=6.0&StateFilter=64";
const std::string kReasons[] = {"connect", "timeout", "tls", "http_status", "parse", "schema", "too_large"};
constexpr std::size_t kMaxResponseBytes = 64 << 10;
// The task under way in repair_tasks.json.
const std::string kExecuting = "Azure/PlatformUpdate/7b3c2f4e-1a9d-4c2e-9f0b-5d6e7f8a9b0c/1/6810";

std::string good_list() { return read_file(testdata("payloads/service_fabric/repair_tasks.json")); }

// A well-formed list of tasks over `bytes` long, of text that compresses as badly as noise.
std::string list_longer_than(std::size_t bytes) {
  const Json tasks = Json::parse(good_list());
  std::mt19937 random(42);
  Json list = Json::array();
  std::size_t size = 0;
  for (int n = 0; size <= bytes; ++n) {
    Json task = tasks.at(0);
    std::string noise(1000, ' ');
    for (char& c : noise) c = "0123456789abcdef"[random() % 16];
    task["TaskId"] = "padded/" + std::to_string(n);
    task["Description"] = noise;
    size += task.dump().size() + 1;
    list.push_back(std::move(task));
  }
  return list.dump();
}

std::string brotli_compress(const std::string& text) {
  std::string out(BrotliEncoderMaxCompressedSize(text.size()), '\0');
  std::size_t size = out.size();
  const bool ok = BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, text.size(),
                                        reinterpret_cast<const std::uint8_t*>(text.data()), &size,
                                        reinterpret_cast<std::uint8_t*>(out.data()));
  EXPECT_TRUE(ok);
  out.resize(size);
  return out;
}

FakeUpstream::Reply encoded(const std::string& body, const std::string& encoding) {
  FakeUpstream::Reply reply{200, body};
  reply.content_type = "application/octet-stream";  // so the fake upstream does not compress it again
  reply.headers = {{"Content-Encoding", encoding}};
  return reply;
}

Labels task(const std::string& id) { return {{"target", "sf"}, {"kind", "repair_task"}, {"name", id}}; }

class HostileStreamedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sf_.set_json_file(kClusterPath, testdata("payloads/service_fabric/cluster_completed_9_1.json"));
    sf_.set(kCompleted, {200, "[]"});
  }

  void start() {
    write_file(dir_.file("config.yml"),
               "global:\n  poll_interval: 300ms\n  timeout: 1s\n  max_response_bytes: 64KiB\n"
               "targets:\n  - name: sf\n    type: service_fabric\n    url: " + sf_.url() + "\n"
               "    collect: [cluster, repair_tasks]\n");
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"));
  }

  void set_active(FakeUpstream::Reply reply) { sf_.set(kActive, std::move(reply)); }

  double errors(const std::string& metrics, const std::string& reason) {
    return find_value(metrics, "upgrade_exporter_request_errors_total",
                      {{"target", "sf"}, {"endpoint", "repair_tasks_active"}, {"reason", reason}})
        .value_or(0);
  }

  bool exported(const std::string& id) {
    return find_value(exporter_->metrics(), "upgrade_in_progress", task(id)) == 1.0;
  }

  // Waits until the list of tasks under way has failed for `reason`, checks
  // that it failed for no other, that the exporter is alive and still
  // exports the cluster, and that a good list on the same connection is read.
  void expect_counted_and_unharmed(const std::string& reason, std::chrono::milliseconds timeout = 20s) {
    ASSERT_TRUE(wait_until([&] { return errors(exporter_->metrics(), reason) >= 1; }, timeout))
        << exporter_->process().output();
    const std::string m = exporter_->metrics();
    for (const std::string& other : kReasons) {
      if (other != reason) {
        EXPECT_EQ(errors(m, other), 0) << "also failed for " << other;
      }
    }
    EXPECT_TRUE(exporter_->process().running());
    EXPECT_EQ(exporter_->get("/-/healthy").first, 200);
    const Labels cluster_completed = {{"target", "sf"}, {"kind", "cluster"}, {"name", "sf"}, {"phase", "completed"}};
    EXPECT_EQ(find_value(m, "upgrade_phase", cluster_completed), 1.0);
    EXPECT_FALSE(exported(kExecuting));

    set_active({200, good_list()});
    EXPECT_TRUE(wait_until([&] { return exported(kExecuting); })) << exporter_->process().output();
  }

  TempDir dir_;
  FakeUpstream sf_;
  std::unique_ptr<Exporter> exporter_;
};

TEST_F(HostileStreamedTest, AListCutShortIsParse) {
  set_active({200, good_list().substr(0, 5000)});
  start();
  expect_counted_and_unharmed("parse");
}

TEST_F(HostileStreamedTest, HtmlErrorPageWithStatus200IsParse) {
  FakeUpstream::Reply html{200, read_file(testdata("payloads/service_fabric/hostile_html_error_page.json"))};
  html.content_type = "text/html";
  set_active(html);
  start();
  expect_counted_and_unharmed("parse");
}

TEST_F(HostileStreamedTest, AnObjectForAListIsSchema) {
  set_active({200, read_file(testdata("payloads/service_fabric/hostile_repair_tasks_object.json"))});
  start();
  expect_counted_and_unharmed("schema");
}

TEST_F(HostileStreamedTest, NestingWithoutEndIsParseWhileItStreams) {
  // Chunked, so no length refuses it first: the nesting limit stops it within its first bytes.
  FakeUpstream::Reply deep{200, std::string(4 * kMaxResponseBytes, '[')};
  deep.framing = Framing::chunked;
  set_active(deep);
  start();
  expect_counted_and_unharmed("parse");
}

TEST_F(HostileStreamedTest, HugeListsAreTooLargeHoweverFramed) {
  for (const Framing framing : {Framing::content_length, Framing::until_close, Framing::chunked}) {
    SCOPED_TRACE(static_cast<int>(framing));
    FakeUpstream::Reply huge{200, list_longer_than(4 * kMaxResponseBytes)};
    huge.framing = framing;
    set_active(huge);
    start();
    expect_counted_and_unharmed("too_large");
    exporter_.reset();
  }
}

TEST_F(HostileStreamedTest, GzipBombIsTooLarge) {
  // 4 MiB of JSON whitespace in an array, in under 20 KB: only its expanded size is over the limit.
  const std::string gzip = gzip_compress("[" + std::string(4 << 20, ' ') + "]");
  ASSERT_LT(gzip.size(), kMaxResponseBytes);
  set_active(encoded(gzip, "gzip"));
  start();
  expect_counted_and_unharmed("too_large");
}

TEST_F(HostileStreamedTest, GzipAndBrotliListsAreReadAsTheyAreDecompressed) {
  set_active(encoded(gzip_compress(good_list()), "gzip"));
  start();
  ASSERT_TRUE(wait_until([&] { return exported(kExecuting); })) << exporter_->process().output();
  set_active(encoded(brotli_compress(R"([{"TaskId": "br", "State": "Claimed"}])"), "br"));
  EXPECT_TRUE(wait_until([&] { return exported("br"); })) << exporter_->process().output();
  EXPECT_EQ(errors(exporter_->metrics(), "parse"), 0);
}

TEST_F(HostileStreamedTest, SlowDripIsTimeoutAndDoesNotHoldThePoll) {
  FakeUpstream::Reply drip{200, good_list()};
  drip.drip = 200ms;  // never idle for a whole read timeout, so only the request deadline can end it
  set_active(drip);
  start();
  expect_counted_and_unharmed("timeout");
  const auto poll = find_value(exporter_->metrics(), "upgrade_exporter_poll_duration_seconds", {{"target", "sf"}});
  ASSERT_TRUE(poll);
  EXPECT_LT(*poll, 3.0);
}

TEST_F(HostileStreamedTest, AnErrorStatusKeepsItsBodyToSayWhatWentWrong) {
  set_active({500, R"({"Error": {"Code": "FABRIC_E_TIMEOUT", "Message": "the Repair Manager did not answer"}})"});
  start();
  ASSERT_TRUE(wait_until([&] { return exporter_->process().output().find("FABRIC_E_TIMEOUT") != std::string::npos; }))
      << exporter_->process().output();
  expect_counted_and_unharmed("http_status");
}

}  // namespace
}  // namespace ue::test

// A scripted upstream and a fake clock, so a unit test can drive whole polls
// of the real poller (paging, reads, errors, schedules) without a socket or a wait.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "net/upstream.h"

namespace ue::test {

class FakeClock final : public Clock {
 public:
  SteadyTime now() const override {
    std::lock_guard lock(mutex_);
    return steady_;
  }
  double unix_now() const override {
    std::lock_guard lock(mutex_);
    return unix_;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    steady_ += by;
    unix_ += std::chrono::duration<double>(by).count();
  }

 private:
  mutable std::mutex mutex_;
  SteadyTime steady_ = SteadyTime{} + std::chrono::hours(24);
  double unix_ = 1'700'000'000;
};

// Answers by exact request path; an unscripted path answers 404.
class ScriptedUpstream final : public Upstream {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::string retry_after = {};
    std::optional<Reason> failure = {};  // set: the transport fails this way instead of answering
  };

  void set(const std::string& path, Reply reply) {
    std::lock_guard lock(mutex_);
    replies_[path] = std::move(reply);
  }
  void set_json(const std::string& path, std::string body) { set(path, Reply{200, std::move(body)}); }
  void remove(const std::string& path) {
    std::lock_guard lock(mutex_);
    replies_.erase(path);
  }
  // Runs before each answer, e.g. to change the world between a listing and a read.
  void on_request(std::function<void(const std::string& path)> hook) {
    std::lock_guard lock(mutex_);
    hook_ = std::move(hook);
  }
  // Every request so far, in order; cleared by forget_requests().
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& path_prefix) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const std::string& r : requests_) n += r.rfind(path_prefix, 0) == 0;
    return n;
  }
  void forget_requests() {
    std::lock_guard lock(mutex_);
    requests_.clear();
  }
  bool fail_open = false;  // open() throws, as when the token file cannot be read
  std::size_t opened = 0;  // transports handed out so far

  std::vector<std::unique_ptr<Transport>> open(const TargetConfig&, std::size_t count, RequestCounter&) override {
    if (fail_open) throw SourceError{Reason::connect, "cannot read bearer_token_file /nowhere"};
    std::vector<std::unique_ptr<Transport>> transports;
    for (std::size_t i = 0; i < count; ++i) transports.push_back(std::make_unique<ScriptedTransport>(*this));
    opened += count;
    return transports;
  }

 private:
  class ScriptedTransport final : public Transport {
   public:
    explicit ScriptedTransport(ScriptedUpstream& upstream) : upstream_(upstream) {}
    Answer get(const std::string& path) override { return upstream_.answer(path); }
    // In pieces of a few bytes, as a socket would cut a body, wherever that falls.
    Answer get_streamed(const std::string& path, const BodyChunks& chunks, std::uint64_t) override {
      Answer answer = upstream_.answer(path);
      if (!is_success_status(answer.status)) return answer;
      const std::string_view body = answer.body;
      for (std::size_t at = 0; at < body.size(); at += 7) chunks(body.substr(at, 7));
      answer.body.clear();
      return answer;
    }
    void abort() override {}
    void abort_if_overdue(std::chrono::steady_clock::time_point) override {}

   private:
    ScriptedUpstream& upstream_;
  };

  Answer answer(const std::string& path) {
    std::function<void(const std::string&)> hook;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(path);
      hook = hook_;
    }
    if (hook) hook(path);
    std::lock_guard lock(mutex_);
    auto it = replies_.find(path);
    if (it == replies_.end()) return Answer{404, R"({"Error": {"Code": "FABRIC_E_NOT_FOUND", "Message": "nope"}})"};
    if (it->second.failure) throw SourceError{*it->second.failure, "scripted failure"};
    return Answer{it->second.status, it->second.body, it->second.retry_after};
  }

  mutable std::mutex mutex_;
  std::map<std::string, Reply> replies_;
  std::function<void(const std::string&)> hook_;
  std::vector<std::string> requests_;
};

}  // namespace ue::test

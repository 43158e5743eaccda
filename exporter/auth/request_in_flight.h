// The one request a token source has on the wire, so that abort() (a reload,
// shutdown, an overdue poll) can cut it short, and how every such request is
// counted: under its endpoint label, and a failed one as an error too.
#pragma once

#include <chrono>
#include <mutex>
#include <string_view>

#include "base/clock.h"
#include "base/error.h"
#include "net/http_client.h"
#include "net/upstream.h"

namespace ue {

class RequestInFlight {
 public:
  // `send(client)` on a client for the endpoint `endpoint()` gives, cut short
  // by abort() while it runs; counted under `label`, a SourceError (from
  // either, so a name that does not resolve too) also as an error dated by
  // `clock`, then rethrown.
  template <class Endpoint, class Send>
  Answer send(Endpoint endpoint, RequestCounter& counter, std::string_view label, const Clock& clock, Send send) {
    const auto started = std::chrono::steady_clock::now();
    const auto count_request = [&] {
      counter.request(label, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    };
    try {
      HttpClient client(endpoint());
      const Tracked tracked(*this, client);
      Answer answer = send(client);
      count_request();
      return answer;
    } catch (const SourceError& e) {
      count_request();
      counter.error(label, e.reason, clock.unix_now());
      throw;
    }
  }

  void abort() {
    std::lock_guard lock(mutex_);
    if (client_) client_->abort();
  }
  void abort_if_overdue(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (client_) client_->abort_if_overdue(now);
  }

 private:
  // Registers the client for abort() while it lives.
  struct Tracked {
    Tracked(RequestInFlight& owner, HttpClient& client) : owner(owner) { owner.set(&client); }
    ~Tracked() { owner.set(nullptr); }
    RequestInFlight& owner;
  };
  void set(HttpClient* client) {
    std::lock_guard lock(mutex_);
    client_ = client;
  }

  std::mutex mutex_;
  HttpClient* client_ = nullptr;
};

}  // namespace ue

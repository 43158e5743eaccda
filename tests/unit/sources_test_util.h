// Helpers for the sources_* tests: payload files, SourceError checks and a
// scripted Fetcher.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "model/upgrade.h"
#include "sources/source.h"

namespace ue::test {

// The bytes of tests/testdata/payloads/<relative>.
inline std::string payload(const std::string& relative) {
  const std::string path = std::string(UE_TESTDATA) + "/payloads/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test payload " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `call`; returns the SourceError it threw, failing the test when it threw nothing.
template <class Call>
SourceError source_error(Call&& call) {
  try {
    call();
  } catch (const SourceError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a SourceError";
  return SourceError{Reason::connect, "none thrown"};
}

// The reason_name of the SourceError `call` throws, or a description of what
// happened instead.
template <class Call>
std::string thrown_reason(Call&& call) {
  try {
    call();
  } catch (const SourceError& e) {
    return std::string(reason_name(e.reason));
  } catch (...) {
    return "(an exception other than SourceError)";
  }
  return "(no exception)";
}

// Streams like any EXPECT_*: EXPECT_SOURCE_ERROR(f(), Reason::parse) << "context";
#define EXPECT_SOURCE_ERROR(statement, expected_reason) \
  EXPECT_EQ(::ue::test::thrown_reason([&] { (void)(statement); }), ::ue::reason_name(expected_reason))

// A Fetcher that answers from a script keyed by path and records every request.
class ScriptedFetcher : public Fetcher {
 public:
  using Answer = std::variant<std::string, SourceError, FeatureAbsent>;
  struct Request {
    std::string endpoint;
    std::string path;
    bool feature_probe;
  };

  std::map<std::string, Answer> answers;  // by path_and_query
  std::vector<Request> requests;
  std::vector<std::pair<std::string, Reason>> counted_errors;
  std::map<std::string, std::string, std::less<>> memos;

  std::string get_body(std::string_view endpoint, const std::string& path_and_query, bool feature_probe) override {
    requests.push_back({std::string(endpoint), path_and_query, feature_probe});
    const auto it = answers.find(path_and_query);
    if (it == answers.end()) throw SourceError{Reason::http_status, "unscripted " + path_and_query, 404};
    if (const auto* error = std::get_if<SourceError>(&it->second)) throw *error;
    if (const auto* absent = std::get_if<FeatureAbsent>(&it->second)) throw *absent;
    return std::get<std::string>(it->second);
  }
  void count_error(std::string_view endpoint, Reason reason) override {
    counted_errors.emplace_back(std::string(endpoint), reason);
  }
  std::string& memo(std::string_view key) override { return memos[std::string(key)]; }
};

inline SourceError http_error(int status) {
  return SourceError{Reason::http_status, "HTTP " + std::to_string(status), status};
}

}  // namespace ue::test

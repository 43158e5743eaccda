// Strict YAML decoding shared by the exporter's configuration files (the main
// config and the web config). Every value carries its key path and line, so
// each problem becomes one line: "<file>:<line>: <key path>: <problem>".
// Internal to config/ and http/; the rest of the exporter sees only structs.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/errors.h"
#include "base/quoting.h"
#include "config/units.h"

namespace ue::decode {

// The file being decoded: named in every error; relative paths written in it
// resolve against its directory, as Prometheus does.
struct Document {
  std::string file;
  std::string dir;  // empty when `file` has no directory part: the working directory
  explicit Document(std::string file_name);
};

// A node and where it sits.
struct Value {
  const Document* doc;
  YAML::Node node;
  std::string path;  // e.g. "targets[1].tls"; empty for the top level
  int line = 0;      // 1-based
};

// Throws ConfigError("<file>:<line>: <path>: <problem>"); the path part is left out when empty.
[[noreturn]] void fail(const Document& doc, int line, std::string_view path, std::string_view problem);
[[noreturn]] inline void fail(const Value& at, std::string_view problem) { fail(*at.doc, at.line, at.path, problem); }

// The whole file; "<file>: cannot read: <strerror>" when it cannot be read.
std::string read_file(const std::string& path);

// The single YAML document in `text` (a Null value for an empty file). A syntax
// error becomes "<file>:<line>:<col>: YAML syntax error: <msg>".
Value load_document(const Document& doc, std::string_view text);

// Runs `decode`, turning anything it throws other than ConfigError into one,
// so callers only ever see ConfigError.
template <class Decode>
auto only_config_errors(const std::string& file, Decode decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const ConfigError&) {
    throw;
  } catch (const YAML::Exception& e) {
    throw ConfigError(one_line(file + ": YAML error: " + e.msg));
  } catch (const std::bad_alloc&) {
    throw ConfigError(file + ": out of memory");
  } catch (const std::exception& e) {
    throw ConfigError(one_line(file + ": " + e.what()));
  }
}

// One key a map may hold, and how its value is read.
struct KeyReader {
  std::string_view key;
  std::function<void(const Value& value)> read;
};
// The keys a map may hold: the one list of them, which both rejects any other
// key and reads each known one.
using KeyTable = std::vector<KeyReader>;

// The entry of a key naming a file that must be readable now (read_readable_file):
// the resolved path goes to `path`, and where it was written to `*at` when given.
KeyReader file_key(std::string_view key, std::string& path, std::optional<Value>* at = nullptr);

// Reads each entry of the map `map` with its key's reader, in document order.
// Null counts as an empty map; a key not in `keys`, or written twice, is an error.
void for_each_entry(const Value& map, const KeyTable& keys);

using DataEntryFn = std::function<void(std::string_view key, const Value& value)>;
// The same for maps whose keys are data (user names): any key, still no duplicates.
void for_each_data_entry(const Value& map, const DataEntryFn& read);

// The elements of the list `list`; null counts as an empty list.
std::vector<Value> elements(const Value& list);

// Fails with `expected <expected>, got <what it is>` unless `v` is a scalar.
void require_scalar(const Value& v, std::string_view expected);

// The one way to read a scalar: `convert` turns its text into the result and
// throws ConfigError with the bare problem, which gets the value's location.
template <class Convert>
auto read_scalar(const Value& v, std::string_view expected, Convert convert) -> decltype(convert(std::string())) {
  require_scalar(v, expected);
  try {
    return convert(v.node.Scalar());
  } catch (const ConfigError& e) {
    fail(v, e.what());
  }
}

std::string read_string(const Value& v);
bool read_bool(const Value& v);  // true or false only
std::int64_t read_int(const Value& v, std::int64_t min, std::int64_t max);
Duration read_positive_duration(const Value& v);
std::uint64_t read_size(const Value& v);
// A path to a file that must exist and be readable now, resolved against the
// document's directory; returns the resolved path. The content is never read
// into memory or logs.
std::string read_readable_file(const Value& v);
// Empty when the file at `path` can be opened and read now, else the reason
// (strerror's text): for paths that come from elsewhere than the document.
std::string unreadable_reason(const std::string& path);

}  // namespace ue::decode

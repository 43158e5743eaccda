// Strict YAML decoding: values with their key paths and lines, and one-line errors.
#include "config/yaml_decode.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace ue::decode {
namespace {

// What a node is, for "expected X, got Y".
std::string_view describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a string";
    default: return "nothing";
  }
}

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

// A null value ("key:" with nothing after it) is marked at the next line by
// yaml-cpp, so it is reported at its key's line instead.
Value child(const Value& parent, std::string path, const YAML::Node& node, int fallback_line) {
  int line = node.IsNull() || node.Mark().is_null() ? fallback_line : line_of(node);
  return Value{parent.doc, node, std::move(path), line};
}

std::string key_path(const Value& map, std::string_view key) {
  return map.path.empty() ? std::string(key) : map.path + "." + std::string(key);
}

// Where each document's top node starts; every other event is ignored.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;

  void OnDocumentStart(const YAML::Mark&) override { in_document_ = true; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (in_document_) marks.push_back(mark);
    in_document_ = false;
  }
  bool in_document_ = false;
};

[[noreturn]] void syntax_error(const Document& doc, const YAML::Mark& mark, const std::string& message) {
  throw ConfigError(one_line(doc.file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
                             ": YAML syntax error: " + message));
}

// Where the second document of `text` starts, if there is one. Not
// YAML::LoadAll: on a stray ',' outside brackets (",", "- a\n,") yaml-cpp 0.7's
// parser stops consuming input and reports the same empty document forever,
// and LoadAll collects them until memory runs out (jbeder/yaml-cpp#1040). So
// at most three documents are asked for, and one that starts where the one
// before it did is the syntax error it is.
std::optional<YAML::Mark> second_document(const Document& doc, const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  while (starts.marks.size() < 3 && parser.HandleNextDocument(starts)) {
    const auto& marks = starts.marks;
    if (marks.size() >= 2 && marks.back().pos == marks[marks.size() - 2].pos)
      syntax_error(doc, marks.back(), "unexpected character");
  }
  if (starts.marks.size() < 2) return std::nullopt;
  return starts.marks[1];
}

// Walks the entries of `map`. With `keys`, each is read by its key's reader;
// without, every key is data and `read_data` reads it.
void walk_entries(const Value& map, const KeyTable* keys, const DataEntryFn* read_data) {
  if (map.node.IsNull()) return;
  if (!map.node.IsMap()) fail(map, "expected a map, got " + std::string(describe(map.node)));
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : map.node) {
    const YAML::Node& key_node = entry.first;
    int key_line = line_of(key_node);
    if (!key_node.IsScalar()) {
      fail(*map.doc, key_line, map.path, "keys must be strings, got " + std::string(describe(key_node)));
    }
    const std::string& key = key_node.Scalar();
    const KeyReader* reader = nullptr;
    if (keys) {
      auto known = std::find_if(keys->begin(), keys->end(), [&](const KeyReader& r) { return r.key == key; });
      if (known == keys->end()) fail(*map.doc, key_line, map.path, "unknown key " + in_quotes(key));
      reader = &*known;
    }
    if (!seen.insert(key).second) fail(*map.doc, key_line, map.path, "duplicate key " + in_quotes(key));
    const Value value = child(map, key_path(map, key), entry.second, key_line);
    if (reader) {
      reader->read(value);
    } else {
      (*read_data)(key, value);
    }
  }
}

}  // namespace

Document::Document(std::string file_name) : file(std::move(file_name)) {
  dir = std::filesystem::path(file).parent_path().string();
}

void fail(const Document& doc, int line, std::string_view path, std::string_view problem) {
  std::string message = doc.file + ":" + std::to_string(line) + ": ";
  if (!path.empty()) message += std::string(path) + ": ";
  message += problem;
  throw ConfigError(one_line(message));
}

std::string read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw ConfigError(one_line(path + ": cannot read: " + std::strerror(errno)));
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      throw ConfigError(one_line(path + ": cannot read: " + std::strerror(error)));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

Value load_document(const Document& doc, std::string_view text) {
  const std::string input(text);
  YAML::Node root;
  try {
    if (std::optional<YAML::Mark> second = second_document(doc, input))
      fail(doc, second->line + 1, "", "only one YAML document is allowed");
    root = YAML::Load(input);  // the first document only: bounded whatever follows it
  } catch (const YAML::ParserException& e) {
    syntax_error(doc, e.mark, e.msg);
  }
  return Value{&doc, root, "", root.IsNull() ? 1 : line_of(root)};
}

void for_each_entry(const Value& map, const KeyTable& keys) { walk_entries(map, &keys, nullptr); }

void for_each_data_entry(const Value& map, const DataEntryFn& read) { walk_entries(map, nullptr, &read); }

std::vector<Value> elements(const Value& list) {
  std::vector<Value> result;
  if (list.node.IsNull()) return result;
  if (!list.node.IsSequence()) fail(list, "expected a list, got " + std::string(describe(list.node)));
  std::size_t index = 0;
  for (const auto& element : list.node) {
    result.push_back(child(list, list.path + "[" + std::to_string(index++) + "]", element, list.line));
  }
  return result;
}

void require_scalar(const Value& v, std::string_view expected) {
  if (v.node.IsNull()) fail(v, "missing value (expected " + std::string(expected) + ")");
  if (!v.node.IsScalar()) fail(v, "expected " + std::string(expected) + ", got " + std::string(describe(v.node)));
}

std::string read_string(const Value& v) {
  return read_scalar(v, "a string", [](const std::string& s) { return s; });
}

bool read_bool(const Value& v) {
  return read_scalar(v, "true or false", [](const std::string& s) {
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    throw ConfigError("expected true or false, got " + in_quotes(s));
  });
}

std::int64_t read_int(const Value& v, std::int64_t min, std::int64_t max) {
  std::int64_t n = read_scalar(v, "an integer", [](const std::string& s) {
    std::int64_t parsed = 0;
    auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (error == std::errc::result_out_of_range) throw ConfigError("integer " + in_quotes(s) + " is out of range");
    if (error != std::errc() || end != s.data() + s.size()) {
      throw ConfigError("expected an integer, got " + in_quotes(s));
    }
    return parsed;
  });
  if (n < min || n > max) {
    const bool bounded = max < INT32_MAX;  // a limit worth naming, not just the type's
    const std::string got = ", got " + std::to_string(n);
    fail(v, bounded   ? "must be between " + std::to_string(min) + " and " + std::to_string(max) + got
            : n < min ? "must be at least " + std::to_string(min) + got
                      : "must be at most " + std::to_string(max) + got);
  }
  return n;
}

Duration read_positive_duration(const Value& v) {
  Duration d = read_scalar(v, "a duration", [](const std::string& s) { return parse_duration(s); });
  if (d <= Duration::zero()) fail(v, "must be greater than 0");
  return d;
}

std::uint64_t read_size(const Value& v) {
  return read_scalar(v, "a size", [](const std::string& s) { return parse_size(s); });
}

std::string unreadable_reason(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::strerror(errno);
  struct stat st {};
  std::string reason;
  if (::fstat(fd, &st) != 0) {
    reason = std::strerror(errno);
  } else if (S_ISDIR(st.st_mode)) {
    reason = std::strerror(EISDIR);
  }
  ::close(fd);
  return reason;
}

std::string read_readable_file(const Value& v) {
  std::string written = read_string(v);
  if (written.empty()) fail(v, "must not be empty");
  std::filesystem::path path(written);
  std::string resolved =
      path.is_absolute() || v.doc->dir.empty() ? written : (std::filesystem::path(v.doc->dir) / path).string();
  std::string reason = unreadable_reason(resolved);
  if (!reason.empty()) fail(v, "cannot read " + in_quotes(resolved) + ": " + reason);
  return resolved;
}

KeyReader file_key(std::string_view key, std::string& path, std::optional<Value>* at) {
  return {key, [&path, at](const Value& v) {
            path = read_readable_file(v);
            if (at) *at = v;
          }};
}

}  // namespace ue::decode

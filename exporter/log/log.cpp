#include "log/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/time_formats.h"

namespace ue {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};
std::atomic<LogFormat> g_format{LogFormat::logfmt};
std::mutex g_write_mutex;

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

// RFC 3339 UTC with milliseconds, as the Go exporters print.
std::string now_rfc3339() {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return format_rfc3339(static_cast<double>(millis.count()) / 1000, SecondFraction::millis);
}

// logfmt quotes a value when it is empty or holds spaces, quotes, '=' or control bytes.
void append_logfmt_value(std::string& out, std::string_view value) {
  bool quote = value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) quote = true;
  }
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

bool parse_log_level(std::string_view text, LogLevel& out) {
  for (auto level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (text == level_name(level)) {
      out = level;
      return true;
    }
  }
  return false;
}

bool parse_log_format(std::string_view text, LogFormat& out) {
  if (text == "logfmt") out = LogFormat::logfmt;
  else if (text == "json") out = LogFormat::json;
  else return false;
  return true;
}

std::string format_log_line(LogFormat format, std::string_view ts, LogLevel level, std::string_view msg,
                            std::initializer_list<LogField> fields) {
  if (format == LogFormat::json) {
    nlohmann::ordered_json line;
    line["ts"] = ts;
    line["level"] = level_name(level);
    line["msg"] = msg;
    for (const auto& [key, value] : fields) line[std::string(key)] = value;
    // Upstream text may hold invalid UTF-8; replace it rather than throw.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out;
  out += "ts=";
  out += ts;
  out += " level=";
  out += level_name(level);
  out += " msg=";
  append_logfmt_value(out, msg);
  for (const auto& [key, value] : fields) {
    out += ' ';
    out += key;
    out += '=';
    append_logfmt_value(out, value);
  }
  return out;
}

void Log::configure(LogLevel level, LogFormat format) {
  g_level = level;
  g_format = format;
}

bool Log::enabled(LogLevel level) { return level >= g_level.load(); }

void Log::write(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!enabled(level)) return;
  std::string line = format_log_line(g_format.load(), now_rfc3339(), level, msg, fields);
  line += '\n';
  std::lock_guard lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace ue

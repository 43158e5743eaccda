// Structured logs on stderr, logfmt or JSON, in the go-kit/slog style of the
// Prometheus exporters: ts=... level=... msg=... key=value.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ue {

enum class LogLevel { debug, info, warn, error };
enum class LogFormat { logfmt, json };

bool parse_log_level(std::string_view text, LogLevel& out);
bool parse_log_format(std::string_view text, LogFormat& out);

using LogField = std::pair<std::string_view, std::string_view>;

class Log {
 public:
  static void configure(LogLevel level, LogFormat format);
  static bool enabled(LogLevel level);
  static void write(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

  static void debug(std::string_view msg, std::initializer_list<LogField> f = {}) { write(LogLevel::debug, msg, f); }
  static void info(std::string_view msg, std::initializer_list<LogField> f = {}) { write(LogLevel::info, msg, f); }
  static void warn(std::string_view msg, std::initializer_list<LogField> f = {}) { write(LogLevel::warn, msg, f); }
  static void error(std::string_view msg, std::initializer_list<LogField> f = {}) { write(LogLevel::error, msg, f); }
};

// One log line, without the trailing newline; exposed for tests.
std::string format_log_line(LogFormat format, std::string_view ts, LogLevel level, std::string_view msg,
                            std::initializer_list<LogField> fields);

}  // namespace ue

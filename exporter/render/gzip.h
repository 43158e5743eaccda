// RFC 1952 gzip, of a string or of a stream read in chunks.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ue {

// Copies up to `max` bytes of the input to `out` and returns how many; 0 ends the input.
using GzipInput = std::function<std::size_t(char* out, std::size_t max)>;

// Gzip of everything `read` yields, asked for in chunks of 64 KiB, so the input
// never has to exist in one piece.
std::string gzip_stream(const GzipInput& read);

// Gzip of `data`.
std::string gzip_compress(std::string_view data);

}  // namespace ue

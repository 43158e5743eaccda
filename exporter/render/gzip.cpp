// Gzip with zlib's deflate, at level 1: this runs once per poll on pages of
// megabytes, where speed matters more than 10% of size.
#include "render/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ue {

std::string gzip_stream(const GzipInput& read) {
  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  // Ended on every way out, a throwing read or allocation included.
  struct End {
    z_stream& zs;
    ~End() { deflateEnd(&zs); }
  } end{zs};
  std::string out;
  constexpr std::size_t kStep = 64 * 1024;
  auto pump = [&](int flush) {
    int rc;
    do {
      const std::size_t used = out.size();
      out.resize(used + kStep);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      zs.avail_out = static_cast<uInt>(kStep);
      rc = deflate(&zs, flush);
      out.resize(used + kStep - zs.avail_out);
    } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  };
  std::string buffer(kStep, '\0');
  while (std::size_t n = read(buffer.data(), buffer.size())) {
    zs.next_in = reinterpret_cast<Bytef*>(buffer.data());
    zs.avail_in = static_cast<uInt>(n);
    pump(Z_NO_FLUSH);
  }
  pump(Z_FINISH);
  out.shrink_to_fit();
  return out;
}

std::string gzip_compress(std::string_view data) {
  return gzip_stream([&](char* out, std::size_t max) {
    const std::size_t n = std::min(max, data.size());
    std::memcpy(out, data.data(), n);
    data.remove_prefix(n);
    return n;
  });
}

}  // namespace ue

// The /metrics page: each family's HELP/TYPE header, then each target's lines
// of that family, object by object, then the exporter's own metrics. The text
// stays in the targets' ObjectSamples, so the plain text of a page with
// hundreds of thousands of series exists once in memory; its gzip is made
// once, when the page is.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "render/target_samples.h"

namespace ue {

class Page {
 public:
  Page(std::vector<std::shared_ptr<const TargetSamples>> targets, std::string self_metrics);
  Page(const Page&) = delete;  // readers point into it
  Page& operator=(const Page&) = delete;

  std::size_t size() const { return size_; }
  const std::string& gzip() const { return gzip_; }
  std::string text() const;  // the whole page in one string

  // Copies the page out in order. Reads that continue where the last one
  // ended cost only their bytes; any other offset is found by a search.
  class Reader {
   public:
    explicit Reader(const Page& page) : page_(page) {}
    // Copies up to `max` bytes from `offset` to `out`; returns how many (0 at the end).
    std::size_t read(std::size_t offset, char* out, std::size_t max);

   private:
    std::string_view piece() const;
    void next_piece();
    void seek(std::size_t offset);

    const Page& page_;
    std::size_t run_ = 0;     // index into page_.runs_
    std::size_t object_ = 0;  // the piece within a target's run: its own series, then its objects
    std::size_t within_ = 0;  // bytes of the current piece already read
    std::size_t offset_ = 0;  // page offset of the next byte
  };

 private:
  // A stretch of the page: one fixed piece (a header, the self-metrics), or
  // one family of one target, a piece per object.
  struct Run {
    std::size_t start;
    std::string_view fixed;
    const TargetSamples* target = nullptr;
    std::size_t family = 0;
  };

  std::vector<std::shared_ptr<const TargetSamples>> targets_;
  std::string self_metrics_;
  std::vector<Run> runs_;
  std::size_t size_ = 0;
  std::string gzip_;
};

// The page's text in one string (tests and tools; the server uses Page).
std::string assemble_page(const std::vector<std::shared_ptr<const TargetSamples>>& targets,
                          std::string_view self_metrics);

}  // namespace ue

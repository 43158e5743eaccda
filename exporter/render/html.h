// HTML escaping for the status page. Upstream and configuration strings are
// hostile until escaped: markup characters become entities, and control
// characters and invalid UTF-8 become U+FFFD, so the page is valid UTF-8
// whatever an upstream sends. The same escaping is safe in text and in
// quoted attribute values.
#pragma once

#include <string>
#include <string_view>

namespace ue {

// Appends `text` with & < > " ' as entities, each C0 and C1 control character
// (tab and newline included) and DEL as U+FFFD, and each maximal invalid UTF-8
// subsequence as one U+FFFD (the WHATWG decoder's rule).
void append_html_escaped(std::string& out, std::string_view text);
std::string html_escape(std::string_view text);

}  // namespace ue

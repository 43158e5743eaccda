#include "render/status_style.h"

#include <cstdint>

#include "render/gzip.h"

namespace ue {
namespace {

constexpr std::string_view kStyle = R"css(
:root{color-scheme:light dark;--bg:#f5f6f8;--panel:#fff;--text:#1c2128;--muted:#5b6571;--line:#dde1e6;
--track:#e6e9ee;--link:#1a5fb4;--blue:#1f6feb;--amber:#b45309;--red:#c62828;--violet:#7c3aed;--green:#2e7d32;
--grey:#6b7280;--blue-bg:#e3edfd;--amber-bg:#fdf0de;--red-bg:#fde8e8;--violet-bg:#efe7fd;--green-bg:#e5f3e6;
--grey-bg:#eceef1}
@media (prefers-color-scheme:dark){:root{--bg:#121519;--panel:#1b1f25;--text:#e2e6eb;--muted:#9aa4af;
--line:#2d333b;--track:#2b3139;--link:#7cb1ff;--blue:#5b9dff;--amber:#f0a33a;--red:#ff6b6b;--violet:#b392ff;
--green:#5fc46a;--grey:#9aa4af;--blue-bg:#17294a;--amber-bg:#3a2a12;--red-bg:#421c1c;--violet-bg:#2c2147;
--green-bg:#183420;--grey-bg:#262c33}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;font-variant-numeric:tabular-nums}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
code,.state,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.wrap{max-width:1240px;margin:0 auto;padding:0 20px}
.page-header{background:var(--panel);border-bottom:1px solid var(--line)}
.page-header .wrap{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 20px;padding-top:12px;padding-bottom:12px}
.page-header h1{font-size:18px;margin:0;font-weight:650}
.build,.generated{color:var(--muted)}
.page-header nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin-left:auto}
.header-line{flex-basis:100%;display:flex;flex-wrap:wrap;gap:4px 18px;color:var(--muted)}
.reload-result[data-success="0"]{color:var(--red);font-weight:600}
main.wrap{padding-top:16px;padding-bottom:40px}
.filters{display:flex;flex-wrap:wrap;align-items:end;gap:8px 12px;margin-bottom:14px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.filters select,.filters button{font:inherit;color:var(--text);background:var(--panel);border:1px solid var(--line);
border-radius:6px;padding:4px 8px;min-width:120px;max-width:18em}
.filters button{min-width:0;cursor:pointer;font-weight:600}
.summary{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 18px;padding:0;list-style:none}
.summary li{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:6px 12px}
.summary b{font-size:18px;margin-right:4px}
.summary .alert b{color:var(--red)}.summary a{color:inherit}
.active-filters{margin:-4px 0 14px;color:var(--muted)}
h2{font-size:16px;margin:0}
.section-title{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:22px 0 8px}
.empty{background:var(--panel);border:1px dashed var(--line);border-radius:8px;padding:14px;color:var(--muted);margin:0}
.upgrade{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--c,var(--grey));
border-radius:8px;padding:12px 14px;margin:0 0 10px}
.phase-rolling_forward{--c:var(--blue);--cb:var(--blue-bg)}.phase-rolling_back{--c:var(--amber);--cb:var(--amber-bg)}
.phase-failed{--c:var(--red);--cb:var(--red-bg)}.phase-rolled_back{--c:var(--violet);--cb:var(--violet-bg)}
.phase-completed{--c:var(--green);--cb:var(--green-bg)}.phase-idle{--c:var(--grey);--cb:var(--grey-bg)}
.upgrade-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}
.upgrade-head .name{font-weight:650;font-size:15px;overflow-wrap:anywhere}
.kind{color:var(--muted)}
.upgrade-head .where{margin-left:auto;color:var(--muted)}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.phase{background:var(--cb,var(--grey-bg));color:var(--c,var(--grey))}
.badge.stalled,.badge.down{background:var(--red);color:#fff}
.badge.up{background:var(--green-bg);color:var(--green)}
.badge.waiting{background:var(--grey-bg);color:var(--grey)}
.badge.awaiting{background:var(--amber);color:var(--panel)}
.state{color:var(--muted);overflow-wrap:anywhere}
.progress{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;margin:10px 0 6px}
.progress .bar{flex:1 1 240px;max-width:520px;height:10px}
.percent{font-weight:650;min-width:3.2em}
.bar{display:block;-webkit-appearance:none;appearance:none;border:0;margin:0;min-width:0;height:8px;
border-radius:999px;overflow:hidden;background:var(--track)}
.bar::-webkit-progress-bar{background:var(--track);border-radius:999px}
.bar::-webkit-progress-value{background:var(--c,var(--blue));border-radius:999px}
.bar::-moz-progress-bar{background:var(--c,var(--blue));border-radius:999px}
.bar.over::-webkit-progress-value{background:var(--red)}
.bar.over::-moz-progress-bar{background:var(--red)}
.facts{display:grid;grid-template-columns:minmax(9.5em,max-content) minmax(0,1fr);gap:3px 14px;margin:8px 0 0}
.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.timing{display:flex;flex-wrap:wrap;align-items:center;gap:2px 10px}
.timing .bar{flex:0 1 180px;min-width:120px}
.typical{color:var(--muted)}
.over-text{color:var(--red);font-weight:600}
.failure{margin-top:10px;background:var(--red-bg);border-radius:6px;padding:8px 10px}
.failure .label{display:block;font-size:12px;font-weight:600;color:var(--red)}
.failure-reason{white-space:pre-wrap;overflow-wrap:anywhere}
.scroll{overflow-x:auto;margin-top:10px;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 10px;border-bottom:1px solid var(--line);vertical-align:top;white-space:nowrap}
td.wrap-cell{white-space:normal;overflow-wrap:anywhere;min-width:12em}
th{color:var(--muted);font-weight:600;background:var(--bg)}
tr:last-child td{border-bottom:0}
.target{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:0 0 12px}
.target[data-up="0"][data-polled="1"]{border-left:4px solid var(--red)}
.target-head{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px}
.target-head .type{color:var(--muted)}
.target p{margin:6px 0 0}
.target .muted,.muted{color:var(--muted)}
.last-error{margin-top:6px;color:var(--muted)}
.target[data-up="0"][data-polled="1"] .last-error{color:var(--red)}
.kinds{display:flex;flex-wrap:wrap;gap:2px 14px}
.settled{margin-top:8px;border-top:1px solid var(--line);padding-top:6px}
.settled summary{cursor:pointer;font-weight:600}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:var(--c);margin-right:6px}
.more{color:var(--muted);margin:6px 0 0}
.repair-tasks{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:0 0 12px}
h3{font-size:15px;margin:0}
.repair-brief{margin:8px 0 0}
td.hold{color:var(--amber)}td.hold div+div{margin-top:2px}
tr:target td{background:var(--amber-bg)}
.history{margin-top:10px;border-top:1px solid var(--line);padding-top:8px}
.history-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 10px}
.history-source{font-weight:600}
.history-table td{vertical-align:middle}
.domain-cell{display:flex;flex-wrap:wrap;align-items:flex-end;gap:2px 10px}
.domain-bars{display:inline-flex;align-items:flex-end;gap:2px;height:22px}
.domain-bar{display:block;width:6px;min-height:2px;background:var(--blue);border-radius:2px 2px 0 0}
.domain-bar.back{background:var(--amber)}
.size-1{height:10%}.size-2{height:20%}.size-3{height:30%}.size-4{height:40%}.size-5{height:50%}
.size-6{height:60%}.size-7{height:70%}.size-8{height:80%}.size-9{height:90%}.size-10{height:100%}
footer{color:var(--muted);font-size:12px;margin-top:28px}
@media (max-width:640px){.wrap{padding:0 12px}.page-header nav{margin-left:0}
.upgrade-head .where{margin-left:0;flex-basis:100%}.facts{grid-template-columns:minmax(0,7em) minmax(0,1fr);
gap:4px 10px}.timing .bar{flex-basis:100%}.progress .bar{flex-basis:100%}
.filters label{flex:1 1 40%}.filters select{min-width:0;width:100%}}
)css";

}  // namespace

std::string content_etag(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag(18, '"');
  for (int i = 16; i >= 1; --i, hash >>= 4) tag[i] = kHex[hash & 0xf];
  return tag;
}

const Stylesheet& status_stylesheet() {
  static const Stylesheet sheet = [] {
    Stylesheet s;
    s.plain.bytes = std::string(kStyle.substr(1));  // the raw string's first newline
    s.plain.etag = content_etag(s.plain.bytes);
    s.gzip.bytes = gzip_compress(s.plain.bytes);
    s.gzip.etag = content_etag(s.gzip.bytes);
    return s;
  }();
  return sheet;
}

}  // namespace ue

//! The frame every page shares: doctype, charset, a Content Security Policy
//! that allows no script and no fetch (only the page's own inline style and
//! SVG), the style sheet, and the closing tags.

use super::escape::esc;
use crate::findings::Severity;

/// The style sheet, inline in every page (no external asset). Findings and
/// artifacts are `content-visibility: auto`: a browser lays out only those
/// on screen, so a page of 1,000 artifacts opens in about a second.
const STYLE: &str = "\
body{font-family:sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#111827;line-height:1.4}\
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #e5e7eb;padding-bottom:.2em;margin-top:1.6em}\
h3{margin:.2em 0}code,pre{font-family:monospace;font-size:.92em;word-break:break-all}\
pre{background:#f3f4f6;padding:.6em;overflow:auto;max-height:30em}\
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #d1d5db;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#f3f4f6}td.path{min-width:16em}td.n{text-align:right;font-variant-numeric:tabular-nums}\
nav{margin:.5em 0 1em}nav a{margin-right:1em}\
.finding{border-left:6px solid #9ca3af;padding:.4em .8em;margin:1em 0;background:#fafafa;content-visibility:auto;contain-intrinsic-size:auto 300px}\
.sev{display:inline-block;min-width:5.5em;text-align:center;color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em;font-weight:bold}\
.critical{border-color:#7f1d1d}.sev.critical{background:#7f1d1d}\
.high{border-color:#c2410c}.sev.high{background:#c2410c}\
.medium{border-color:#a16207}.sev.medium{background:#a16207}\
.low{border-color:#2563eb}.sev.low{background:#2563eb}\
.info{border-color:#6b7280}.sev.info{background:#6b7280}\
.muted{color:#6b7280}.charts svg{display:block;margin:1em 0}\
.artifact{border-top:1px solid #d1d5db;margin-top:1.2em;content-visibility:auto;contain-intrinsic-size:auto 900px}.bad{color:#b91c1c;font-weight:bold}\
tr:target,section:target{background:#fef9c3}";

/// The fill colour of a severity in the charts (the page's badge colours).
pub fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#7f1d1d",
        Severity::High => "#c2410c",
        Severity::Medium => "#a16207",
        Severity::Low => "#2563eb",
        Severity::Info => "#6b7280",
    }
}

/// The opening of a page titled `title`.
pub fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    )
}

/// The closing of a page.
pub const FOOT: &str = "<p class=\"muted\">Written by fx-report. Hash and salt values and key bytes are never shown; there are no timestamps.</p>\n</body>\n</html>\n";

/// A severity badge.
pub fn badge(s: Severity) -> String {
    format!(
        "<span class=\"sev {}\">{}</span>",
        s.as_str(),
        s.as_str().to_uppercase()
    )
}

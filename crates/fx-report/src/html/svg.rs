//! Pictures as inline SVG: horizontal bar charts and a histogram. Every
//! coordinate is an integer computed with integer arithmetic, so the bytes
//! are the same on every machine; text uses the generic `sans-serif`
//! family (no font is fetched) and is escaped.

use std::fmt::Write as _;

use super::escape::esc;

/// Bars drawn per chart; the rest are summed into one `other` bar (the
/// tables below the charts list them all).
pub const MAX_BARS: usize = 24;

/// Width of every chart, in pixels.
const WIDTH: u64 = 720;
/// Width of the label column.
const LABEL_W: u64 = 250;
/// Width of the longest bar.
const BAR_W: u64 = 380;
/// Height of one bar row.
const ROW_H: u64 = 22;
/// Label characters shown before `…`.
const LABEL_CHARS: usize = 36;

/// One bar: label, value and fill colour (a CSS colour fx chose).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// What the bar counts.
    pub label: String,
    /// Its value.
    pub value: u64,
    /// Its fill colour.
    pub color: &'static str,
}

/// The length in pixels of a bar of `value` when `max` gets `full` pixels
/// (rounded to the nearest pixel; at least 1 for a value above 0).
pub fn scale(value: u64, max: u64, full: u64) -> u64 {
    if max == 0 || value == 0 {
        return 0;
    }
    ((value as u128 * full as u128 + max as u128 / 2) / max as u128).max(1) as u64
}

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// Keeps the [`MAX_BARS`] - 1 largest bars (ties by label) in their order
/// and sums the rest into an `other` bar.
pub fn top(mut bars: Vec<Bar>) -> Vec<Bar> {
    if bars.len() <= MAX_BARS {
        return bars;
    }
    let mut order: Vec<usize> = (0..bars.len()).collect();
    order.sort_by(|&a, &b| {
        bars[b]
            .value
            .cmp(&bars[a].value)
            .then_with(|| bars[a].label.cmp(&bars[b].label))
    });
    let keep: std::collections::BTreeSet<usize> = order[..MAX_BARS - 1].iter().copied().collect();
    let rest: u64 = order[MAX_BARS - 1..].iter().map(|&i| bars[i].value).sum();
    let n_rest = bars.len() - (MAX_BARS - 1);
    let mut i = 0;
    bars.retain(|_| {
        i += 1;
        keep.contains(&(i - 1))
    });
    bars.push(Bar {
        label: format!("{n_rest} others"),
        value: rest,
        color: "#9ca3af",
    });
    bars
}

/// A horizontal bar chart with a title; `unit` names what the values count.
pub fn bar_chart(id: &str, title: &str, unit: &str, bars: &[Bar]) -> String {
    let rows = bars.len().max(1) as u64;
    let height = 34 + rows * ROW_H + 8;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"chart\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t\" font-family=\"sans-serif\" font-size=\"13\">\
         <title id=\"{id}-t\">{}</title>\
         <text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\" fill=\"#111827\">{}</text>",
        esc(title),
        esc(title)
    );
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\" fill=\"#6b7280\">none</text>",
            34 + 15
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 34 + i as u64 * ROW_H;
        let w = scale(b.value, max, BAR_W);
        let _ = write!(
            out,
            "<g><title>{}: {} {unit}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#111827\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#374151\">{}</text></g>",
            esc(&b.label),
            b.value,
            LABEL_W - 8,
            y + 15,
            esc(&short(&b.label)),
            LABEL_W,
            y + 3,
            ROW_H - 6,
            b.color,
            LABEL_W + w + 6,
            y + 15,
            b.value
        );
    }
    out.push_str("</svg>");
    out
}

/// A histogram of `bins` (equal widths from `lo` to `hi` on the x axis,
/// `ticks` labelled values between), with a title.
pub fn histogram(
    id: &str,
    title: &str,
    x_label: &str,
    bins: &[u64],
    ticks: &[(u64, &str)],
) -> String {
    const LEFT: u64 = 60;
    const PLOT_W: u64 = 640;
    const PLOT_H: u64 = 200;
    const TOP: u64 = 34;
    let height = TOP + PLOT_H + 48;
    let n = bins.len().max(1) as u64;
    let bin_w = PLOT_W / n;
    let max = bins.iter().copied().max().unwrap_or(0);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"chart\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t\" font-family=\"sans-serif\" font-size=\"13\">\
         <title id=\"{id}-t\">{}</title>\
         <text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\" fill=\"#111827\">{}</text>\
         <line x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#6b7280\"/>\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"#6b7280\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#374151\">{max}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#374151\">0</text>",
        esc(title),
        esc(title),
        TOP + PLOT_H,
        LEFT + bin_w * n,
        TOP + PLOT_H,
        TOP + PLOT_H,
        LEFT - 6,
        TOP + 10,
        LEFT - 6,
        TOP + PLOT_H,
    );
    for (i, &v) in bins.iter().enumerate() {
        let h = scale(v, max, PLOT_H);
        let x = LEFT + i as u64 * bin_w;
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"#2563eb\"><title>bin {}: {v}</title></rect>",
            x + 1,
            TOP + PLOT_H - h,
            bin_w - 2,
            i + 1
        );
    }
    for &(at, label) in ticks {
        let x = LEFT + at * bin_w;
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#6b7280\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"#374151\">{}</text>",
            TOP + PLOT_H,
            TOP + PLOT_H + 5,
            TOP + PLOT_H + 19,
            esc(label)
        );
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#111827\">{}</text></svg>",
        LEFT + bin_w * n / 2,
        TOP + PLOT_H + 40,
        esc(x_label)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_with_integers_and_keeps_the_top_bars() {
        assert_eq!(scale(0, 10, 380), 0);
        assert_eq!(scale(10, 10, 380), 380);
        assert_eq!(scale(1, 1_000_000, 380), 1);
        assert_eq!(scale(5, 10, 380), 190);
        let bars: Vec<Bar> = (0..30)
            .map(|i| Bar {
                label: format!("l{i:02}"),
                value: i,
                color: "#000",
            })
            .collect();
        let t = top(bars);
        assert_eq!(t.len(), MAX_BARS);
        assert_eq!(t[0].label, "l07");
        assert_eq!(t[MAX_BARS - 1].label, "7 others");
        assert_eq!(t[MAX_BARS - 1].value, (0..7).sum::<u64>());
        let svg = bar_chart("c", "A <b>", "jobs", &t);
        assert!(svg.contains("A &lt;b&gt;"), "{svg}");
        assert!(svg.contains("width=\"380\""), "{svg}");
        let h = histogram("h", "H", "x", &[0, 2, 4], &[(0, "0"), (3, "8")]);
        assert!(h.contains("height=\"200\""), "{h}");
    }
}

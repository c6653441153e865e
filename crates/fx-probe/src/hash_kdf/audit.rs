//! A file of hash lines → the `hash` conclusion of DESIGN §9, bounded by the
//! policy (`max_hash_lines`, `work_bytes`), deterministic (fixed orders, integer
//! counts, no hash values copied into evidence: lines are referred to by number).
//!
//! What lands in evidence is built as the typed records of `fx-facts`
//! ([`HashConclusion`], [`HashAuditData`]), the same records the readers
//! (features, reports, the CBOM) use.

use std::collections::BTreeMap;

use fx_facts::hash::{HashBaseline, HashWeaknessDetail};
use fx_facts::{HashAuditData, HashConclusion, HashLine, HashParams, HashTotals};
use serde::Serialize;
use serde_json::Value;

use super::baseline::{Baseline, Finding};
use super::identify::{Context, identify};
use super::params::Params;

/// Alternative hashcat modes listed per hash at most.
const MAX_ALTERNATIVES: usize = 16;

/// One audited line (DESIGN §9 `hash.lines[]`).
#[derive(Clone, Debug, Serialize)]
pub struct LineResult {
    /// 1-based line number in the artifact.
    pub line: u64,
    /// Most plausible scheme (`null` when unidentified).
    pub scheme: Option<&'static str>,
    /// Its hashcat mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hashcat_mode: Option<u32>,
    /// Its John the Ripper format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub john_format: Option<&'static str>,
    /// Other schemes with the same syntax (hashcat modes), when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<u32>,
    /// Where the hash sat in its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// Parameters read.
    pub params: Params,
    /// Weakness ids.
    pub weaknesses: Vec<&'static str>,
    /// Locked shadow account (`!`/`*` before the hash).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

/// Counts over the whole artifact.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Non-empty, non-comment lines seen within the byte budget.
    pub lines_seen: u64,
    /// Lines identified (among those audited).
    pub identified: u64,
    /// Lines audited but not recognised.
    pub unidentified: u64,
    /// Lines seen but not audited (beyond `max_hash_lines`).
    pub not_audited: u64,
    /// Lines that were not valid UTF-8.
    pub not_text: u64,
    /// Account lines without a password hash (shadow/passwd `*`, `!`, `!!`, `x`, empty).
    pub no_hash: u64,
    /// Identified lines per scheme.
    pub per_scheme: BTreeMap<&'static str, u64>,
    /// Lines per weakness id.
    pub per_weakness: BTreeMap<&'static str, u64>,
    /// True when `lines` holds fewer lines than were seen (line or byte budget).
    pub truncated: bool,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// True when the byte budget stopped the scan before the end of the artifact.
    pub byte_budget_hit: bool,
}

/// The audit of one artifact.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    /// Per-line results (audited lines only).
    pub lines: Vec<LineResult>,
    /// Totals.
    pub totals: Totals,
    /// Details of the first finding of each weakness id, with the line it came from.
    pub findings: Vec<(u64, Finding)>,
    /// Index in `lines` of the first line of each scheme.
    first: BTreeMap<&'static str, usize>,
}

/// Audits `bytes` as hash lines.
pub fn audit(bytes: &[u8], baseline: &Baseline, max_lines: u64, work_bytes: u64) -> Audit {
    let mut a = Audit::default();
    let limit = usize::try_from(work_bytes)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let scanned = &bytes[..limit];
    a.totals.bytes_scanned = limit as u64;
    a.totals.byte_budget_hit = limit < bytes.len();
    let mut audited = 0u64;
    for (i, raw) in scanned.split(|b| *b == b'\n').enumerate() {
        let number = i as u64 + 1;
        let Ok(text) = std::str::from_utf8(raw) else {
            a.totals.lines_seen += 1;
            a.totals.not_text += 1;
            continue;
        };
        let t = text.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        a.totals.lines_seen += 1;
        if audited >= max_lines {
            a.totals.not_audited += 1;
            continue;
        }
        audited += 1;
        if is_account_without_hash(t) {
            a.totals.no_hash += 1;
            continue;
        }
        let Some(id) = identify(t) else {
            a.totals.unidentified += 1;
            a.lines.push(LineResult {
                line: number,
                scheme: None,
                hashcat_mode: None,
                john_format: None,
                alternatives: Vec::new(),
                context: None,
                params: Params::default(),
                weaknesses: Vec::new(),
                locked: false,
            });
            continue;
        };
        let top = id.top();
        let params = id.params();
        let findings = id.findings(&params, baseline);
        let weaknesses: Vec<&'static str> = findings.iter().map(|f| f.id).collect();
        a.totals.identified += 1;
        *a.totals.per_scheme.entry(top.scheme).or_default() += 1;
        for f in findings {
            let seen = a.totals.per_weakness.entry(f.id).or_default();
            if *seen == 0 {
                a.findings.push((number, f));
            }
            *seen += 1;
        }
        a.first.entry(top.scheme).or_insert(a.lines.len());
        let mut alternatives: Vec<u32> = Vec::new();
        for m in id.candidates[1..].iter().filter_map(|e| e.hashcat_mode) {
            if Some(m) != top.hashcat_mode
                && !alternatives.contains(&m)
                && alternatives.len() < MAX_ALTERNATIVES
            {
                alternatives.push(m);
            }
        }
        a.lines.push(LineResult {
            line: number,
            scheme: Some(top.scheme),
            hashcat_mode: top.hashcat_mode,
            john_format: top.john_format,
            alternatives,
            context: Some(id.context),
            params,
            weaknesses,
            locked: id.locked,
        });
    }
    a.totals.truncated = a.totals.not_audited > 0 || a.totals.byte_budget_hit;
    a
}

/// `user:*:…`, `user:!:…`, `user:x:…` (7+ fields): an account line that holds no hash.
fn is_account_without_hash(line: &str) -> bool {
    let mut it = line.split(':');
    let (Some(_), Some(pw)) = (it.next(), it.next()) else {
        return false;
    };
    it.count() >= 5 && matches!(pw, "" | "*" | "!" | "!!" | "!*" | "x" | "*LK*" | "NP")
}

impl Audit {
    /// The first line of the dominant scheme: most lines, then first seen.
    fn dominant(&self) -> Option<&LineResult> {
        let count = |i: usize| {
            self.lines
                .get(i)
                .and_then(|l| l.scheme)
                .and_then(|s| self.totals.per_scheme.get(s).copied())
                .unwrap_or(0)
        };
        let best = self
            .first
            .values()
            .copied()
            .max_by(|&x, &y| count(x).cmp(&count(y)).then(y.cmp(&x)))?;
        self.lines.get(best)
    }

    /// The DESIGN §9 `hash` object.
    pub fn conclusion(&self, baseline: &Baseline) -> Value {
        to_value(&self.record(baseline))
    }

    /// The DESIGN §9 `hash` object as its typed record.
    pub fn record(&self, baseline: &Baseline) -> HashConclusion {
        let mut weaknesses: Vec<String> = Vec::new();
        for (_, f) in &self.findings {
            if !weaknesses.iter().any(|w| w == f.id) {
                weaknesses.push(f.id.to_owned());
            }
        }
        let dominant = self.dominant();
        HashConclusion {
            scheme: dominant.and_then(|l| l.scheme).map(str::to_owned),
            hashcat_mode: dominant.and_then(|l| l.hashcat_mode),
            john_format: dominant.and_then(|l| l.john_format).map(str::to_owned),
            params: dominant.map_or_else(HashParams::default, |l| params_record(&l.params)),
            weaknesses,
            baseline: baseline.name.to_owned(),
            totals: totals_record(&self.totals),
            alternatives: dominant.map(|l| l.alternatives.clone()),
            context: dominant
                .and_then(|l| l.context)
                .map(|c| c.as_str().to_owned()),
            lines: (self.totals.lines_seen > 1)
                .then(|| self.lines.iter().map(line_record).collect()),
        }
    }

    /// Event data: the baseline cited, and each weakness explained once.
    pub fn data(&self, baseline: &Baseline) -> Value {
        // Budgets that cut the audit short, named as fx-seq's summary collects them.
        let mut caps_hit: Vec<String> = Vec::new();
        if self.totals.not_audited > 0 {
            caps_hit.push("budget:max_hash_lines".into());
        }
        if self.totals.byte_budget_hit {
            caps_hit.push("budget:work_bytes".into());
        }
        to_value(&HashAuditData {
            baseline: HashBaseline {
                name: baseline.name.into(),
                title: baseline.title.into(),
                url: baseline.url.into(),
                sections: baseline.sections.into(),
            },
            findings: self
                .findings
                .iter()
                .map(|(line, f)| HashWeaknessDetail {
                    id: f.id.into(),
                    detail: f.detail.clone(),
                    first_line: *line,
                })
                .collect(),
            recovery:
                "none: fx audits hash syntax and parameters; it never hashes a candidate password"
                    .into(),
            caps_hit,
        })
    }
}

fn to_value<T: Serialize>(record: &T) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

fn params_record(p: &Params) -> HashParams {
    HashParams {
        cost: p.cost,
        rounds: p.rounds,
        iterations: p.iterations,
        memory_kib: p.memory_kib,
        parallelism: p.parallelism,
        block_size: p.block_size,
        n_log2: p.n_log2,
        version: p.version,
        salt_bytes: p.salt_bytes,
        salt_bits: p.salt_bits,
        digest: p.digest,
        prf: p.prf.map(str::to_owned),
    }
}

fn line_record(l: &LineResult) -> HashLine {
    HashLine {
        line: l.line,
        scheme: l.scheme.map(str::to_owned),
        hashcat_mode: l.hashcat_mode,
        john_format: l.john_format.map(str::to_owned),
        alternatives: l.alternatives.clone(),
        context: l.context.map(|c| c.as_str().to_owned()),
        params: params_record(&l.params),
        weaknesses: l.weaknesses.iter().map(|w| (*w).to_owned()).collect(),
        locked: l.locked,
    }
}

fn totals_record(t: &Totals) -> HashTotals {
    let counts = |m: &BTreeMap<&'static str, u64>| {
        m.iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect::<BTreeMap<String, u64>>()
    };
    HashTotals {
        lines_seen: t.lines_seen,
        identified: t.identified,
        unidentified: t.unidentified,
        not_audited: t.not_audited,
        not_text: t.not_text,
        no_hash: t.no_hash,
        per_scheme: counts(&t.per_scheme),
        per_weakness: counts(&t.per_weakness),
        truncated: t.truncated,
        bytes_scanned: t.bytes_scanned,
        byte_budget_hit: t.byte_budget_hit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash_kdf::baseline::OWASP_2025;
    use serde_json::json;

    #[test]
    fn many_lines_bounded() {
        let text = b"8743b52063cd84097a65d1633f5c74f5\n\n# comment\n$2a$05$MBCzKhG1KhezLh.0LRa0Kuw12nLJtpHy6DIaU.JAnqJUDYspHC.Ou\nnot a hash\n\xff\xfe\n5f4dcc3b5aa765d61d8327deb882cf99\n";
        let a = audit(text, &OWASP_2025, 3, 1 << 20);
        assert_eq!(a.totals.lines_seen, 5);
        assert_eq!(a.totals.identified, 2);
        assert_eq!(a.totals.unidentified, 1);
        assert_eq!(a.totals.not_text, 1);
        assert_eq!(a.totals.not_audited, 1);
        assert!(a.totals.truncated);
        let c = a.conclusion(&OWASP_2025);
        assert_eq!(
            c["weaknesses"],
            json!(["unsalted_fast_hash", "cost_below_baseline"])
        );
        assert_eq!(c["lines"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn byte_budget() {
        let a = audit(
            b"8743b52063cd84097a65d1633f5c74f5\n8743b52063cd84097a65d1633f5c74f5\n",
            &OWASP_2025,
            10,
            33,
        );
        assert!(a.totals.byte_budget_hit);
        assert_eq!(a.totals.identified, 1);
    }
}

//! Candidate regions from fx-inspect (`conclusion.regions`:
//! `{offset, length, kind, algorithm?, score}`) and the top-K selection.

use fx_core::job::Job;
use serde::Serialize;
use serde_json::Value;

/// One candidate core region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    /// Byte offset in the artifact.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
    /// `kem_ciphertext`, `aead`, `signature`, `public_key`, … (free text).
    pub kind: String,
    /// Algorithm named by the inspector, when it named one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Inspector's score (higher is better); integer.
    pub score: i64,
    /// How the inspector found it (`pqc_geometry`, `length_prefix`, `cms`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// PEM block whose decoded body `offset` refers to (such regions are not
    /// sliced out of the raw artifact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<u64>,
}

/// The source of fx-inspect's length-prefix hypotheses: a big-endian
/// 16- or 32-bit value at the start of a blob that equals a known object
/// size or the rest's length. About one random blob in 400 starts with such
/// a value, so the region is a size guess like a geometric one, never a
/// parser's delimitation.
pub const LENGTH_PREFIX: &str = "length_prefix";

impl Region {
    /// Parses one region object; `None` when a field is missing or malformed.
    pub fn from_value(v: &Value) -> Option<Region> {
        let offset = v.get("offset")?.as_u64()?;
        let length = v.get("length")?.as_u64()?;
        let kind = v.get("kind")?.as_str()?.to_owned();
        let algorithm = v
            .get("algorithm")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let score = match v.get("score") {
            Some(s) => s
                .as_i64()
                .or_else(|| s.as_f64().map(|f| (f * 1000.0).round() as i64))?,
            None => 0,
        };
        let source = v.get("source").and_then(Value::as_str).map(str::to_owned);
        let block = v.get("block").and_then(Value::as_u64);
        Some(Region {
            offset,
            length,
            kind,
            algorithm,
            score,
            source,
            block,
        })
    }

    /// True when the region is only a size-geometry guess (fx-inspect's
    /// `pqc_geometry`, `pqc_split` and `length_prefix` sources): its algorithm is a
    /// hypothesis, not evidence, and must not be counted twice.
    pub fn is_geometric(&self) -> bool {
        self.source
            .as_deref()
            .is_some_and(|s| s.starts_with("pqc_") || s.contains("geometry") || s == LENGTH_PREFIX)
    }

    /// The region as fx-facts records it (`score` is always written; a
    /// negative score or a block index past `u32`, which fx-inspect never
    /// writes, are left out rather than invented).
    pub fn record(&self) -> fx_facts::Region {
        fx_facts::Region {
            offset: self.offset,
            length: self.length,
            kind: self.kind.clone(),
            algorithm: self.algorithm.clone(),
            score: u64::try_from(self.score).ok(),
            block: self.block.and_then(|b| u32::try_from(b).ok()),
            source: self.source.clone(),
        }
    }

    /// A region covering all of `bytes`.
    pub fn whole(bytes: &[u8]) -> Region {
        Region {
            offset: 0,
            length: bytes.len() as u64,
            kind: "artifact".into(),
            algorithm: None,
            score: 0,
            source: None,
            block: None,
        }
    }

    /// The region's bytes, when it lies inside the raw `bytes` (never for a
    /// region inside a decoded PEM block).
    pub fn slice<'a>(&self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        if self.block.is_some() {
            return None;
        }
        let start = usize::try_from(self.offset).ok()?;
        let len = usize::try_from(self.length).ok()?;
        let end = start.checked_add(len)?;
        bytes.get(start..end)
    }
}

/// Every region concluded on the job so far, then every geometric
/// hypothesis fx-inspect handed over in its `regions` event's data
/// ([`fx_core::vocab::REGION_HYPOTHESES_KEY`]) — union in event order,
/// without duplicates; malformed entries are ignored.
pub fn regions_of(job: &Job) -> Vec<Region> {
    let hypotheses = job
        .events
        .iter()
        .filter(|e| e.module == "inspect")
        .filter_map(|e| {
            e.data
                .as_ref()?
                .get(fx_core::vocab::REGION_HYPOTHESES_KEY)?
                .as_array()
        });
    let concluded = job.conclusions().map(|c| &c.regions);
    let mut out: Vec<Region> = Vec::new();
    for v in concluded.chain(hypotheses).flatten() {
        if let Some(r) = Region::from_value(v)
            && !out.contains(&r)
        {
            out.push(r);
        }
    }
    out
}

/// Keeps the `k` best regions matching `keep` (score descending, then offset
/// and length ascending: deterministic); returns `(kept, dropped)`.
pub fn top_k(
    regions: &[Region],
    k: usize,
    keep: impl Fn(&Region) -> bool,
) -> (Vec<Region>, Vec<Region>) {
    let mut sel: Vec<Region> = regions.iter().filter(|r| keep(r)).cloned().collect();
    sel.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.offset.cmp(&b.offset))
            .then(a.length.cmp(&b.length))
            .then(a.kind.cmp(&b.kind))
    });
    let dropped = if sel.len() > k {
        sel.split_off(k)
    } else {
        Vec::new()
    };
    (sel, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_ranks() {
        let a = Region::from_value(&json!({"offset":0,"length":10,"kind":"aead","score":5}))
            .expect("region");
        let b = Region::from_value(
            &json!({"offset":10,"length":4,"kind":"kem_ciphertext","algorithm":"ML-KEM-768","score":9}),
        )
        .expect("region");
        assert!(Region::from_value(&json!({"offset":-1,"length":1,"kind":"x"})).is_none());
        let (kept, dropped) = top_k(&[a.clone(), b.clone()], 1, |_| true);
        assert_eq!(kept, vec![b]);
        assert_eq!(dropped, vec![a.clone()]);
        assert_eq!(a.slice(&[0u8; 5]), None);
        assert_eq!(a.slice(&[7u8; 10]).map(<[u8]>::len), Some(10));
    }
}

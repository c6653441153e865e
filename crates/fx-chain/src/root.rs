//! The root over the writers' chains: `manifests/evidence_root.json`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ChainError, Result};
use crate::{ROOT_FORMAT, Writer, ZERO_HASH};

/// `manifests/evidence_root.json`: every writer's chain by its head, and
/// the root over them. Signing signs this file's bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Root {
    /// Format tag, `evidence_root/1`.
    pub fx: String,
    /// The hash function of leaves, chains and root, `sha256`.
    pub hash: String,
    /// The writers whose chain exists, in the fixed order of [`Writer::ALL`].
    pub writers: Vec<WriterHead>,
    /// SHA-256 (hex) of `evidence_root/1\n` followed by
    /// `<writer> <entries> <head>\n` for each of `writers`.
    pub root: String,
}

/// One writer's chain, by its head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriterHead {
    /// The writer.
    pub writer: String,
    /// Its chain file, relative to the run.
    pub chain: String,
    /// Entries (lines) in the chain.
    pub entries: u64,
    /// SHA-256 (hex) of the chain's last line without its `\n` (64 zeros
    /// for an empty chain).
    pub head: String,
}

impl Root {
    /// The root over `writers`.
    pub fn over(writers: Vec<WriterHead>) -> Root {
        let root = root_hash(&writers);
        Root {
            fx: ROOT_FORMAT.to_owned(),
            hash: "sha256".to_owned(),
            writers,
            root,
        }
    }

    /// The root file's bytes: pretty JSON and a newline.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut b = serde_json::to_vec_pretty(self)?;
        b.push(b'\n');
        Ok(b)
    }
}

/// The root hash over `writers` (see [`Root::root`]).
pub fn root_hash(writers: &[WriterHead]) -> String {
    let mut h = Sha256::new();
    h.update(ROOT_FORMAT.as_bytes());
    h.update(b"\n");
    for w in writers {
        h.update(format!("{} {} {}\n", w.writer, w.entries, w.head).as_bytes());
    }
    hex::encode(h.finalize())
}

/// The lines of a chain file, without their `\n`, and whether the file
/// ends with one. `None` when the file does not exist.
pub fn chain_lines(file: &Path) -> Result<Option<(Vec<Vec<u8>>, bool)>> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ChainError::io(file, e)),
    };
    let terminated = bytes.is_empty() || bytes.ends_with(b"\n");
    let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    let lines = if bytes.is_empty() {
        Vec::new()
    } else {
        body.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
    };
    Ok(Some((lines, terminated)))
}

/// The head of a chain given its lines: the SHA-256 of the last one.
pub fn head_of(lines: &[Vec<u8>]) -> String {
    lines
        .last()
        .map(|l| crate::sha256_hex(l))
        .unwrap_or_else(|| ZERO_HASH.to_owned())
}

/// The heads of the chains present in `run`, in the fixed writer order.
pub fn current_heads(run: &Path) -> Result<Vec<WriterHead>> {
    let mut heads = Vec::new();
    for w in Writer::ALL {
        let chain = w.chain_file();
        if let Some((lines, _)) = chain_lines(&run.join(&chain))? {
            heads.push(WriterHead {
                writer: w.name().to_owned(),
                entries: lines.len() as u64,
                head: head_of(&lines),
                chain,
            });
        }
    }
    Ok(heads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_hash_is_the_sha256_of_the_documented_lines() {
        let w = vec![WriterHead {
            writer: "fx-seq".into(),
            chain: "manifests/evidence/fx-seq.jsonl".into(),
            entries: 2,
            head: ZERO_HASH.into(),
        }];
        // printf 'evidence_root/1\nfx-seq 2 0000…0000\n' | sha256sum
        assert_eq!(
            root_hash(&w),
            "20c465f08aa6647be2f38c59dafb0392a2279b758d8c182be8c1f5361c668e2a"
        );
        // printf 'evidence_root/1\n' | sha256sum
        assert_eq!(
            root_hash(&[]),
            "27892b27ad67fe715a8fd40be2f017ec31d20c1cfdf8fd908556bea43e382bf4"
        );
    }
}

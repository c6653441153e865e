//! Batch GCD (Bernstein; Heninger et al., "Mining your Ps and Qs", 2012):
//! which moduli share a prime with another modulus of the set.
//!
//! A product tree (leaves `N_i`, each node the product of its two
//! children) then a remainder tree down from the root `P`: each node's
//! remainder is its parent's remainder modulo the node squared, so a leaf
//! holds `P mod N_i^2` and `gcd(N_i, (P mod N_i^2) / N_i)` is the product
//! of the primes `N_i` shares with the other moduli. The levels of the
//! product tree are written to a scratch directory once the levels held in
//! memory pass the memory cap, and read back one at a time on the way
//! down. The files hold products of public moduli, never a factor, and are
//! removed when the search ends.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use rug::Integer;
use rug::integer::Order;

/// What the search did: figures for the metrics.
#[derive(Clone, Debug, Default)]
pub struct BatchStats {
    /// Levels of the product tree (leaves included).
    pub levels: u64,
    /// Levels written to disk.
    pub spilled_levels: u64,
    /// Largest tree bytes held in memory at once.
    pub peak_bytes: u64,
    /// Seconds taken.
    pub seconds: f64,
}

/// A level of the product tree, in memory or in a scratch file.
enum Level {
    Memory(Vec<Integer>),
    Disk(PathBuf),
}

fn bytes_of(v: &[Integer]) -> u64 {
    v.iter()
        .map(|i| u64::from(i.significant_bits()).div_ceil(8) + 16)
        .sum()
}

fn write_level(path: &Path, v: &[Integer]) -> std::io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    w.write_all(&(v.len() as u64).to_le_bytes())?;
    for i in v {
        let d = i.to_digits::<u8>(Order::Lsf);
        w.write_all(&(d.len() as u64).to_le_bytes())?;
        w.write_all(&d)?;
    }
    w.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn read_level(path: &Path) -> std::io::Result<Vec<Integer>> {
    let mut r = BufReader::new(File::open(path)?);
    let mut word = [0u8; 8];
    r.read_exact(&mut word)?;
    let count = u64::from_le_bytes(word) as usize;
    let mut out = Vec::with_capacity(count);
    let mut buf = Vec::new();
    for _ in 0..count {
        r.read_exact(&mut word)?;
        buf.resize(u64::from_le_bytes(word) as usize, 0);
        r.read_exact(&mut buf)?;
        out.push(Integer::from_digits(&buf, Order::Lsf));
    }
    Ok(out)
}

/// For each modulus, whether it shares a prime with another modulus of
/// `moduli` (which should hold distinct values). `memory_cap` bounds the
/// tree bytes held in memory (product levels and remainders; GMP's scratch
/// space comes on top): product levels past what it leaves after room for
/// five levels go to files under `scratch`. Below five levels' bytes every
/// level but the root is spilled and the remainders alone pass the cap.
/// Runs on the current rayon pool.
pub fn shared(
    moduli: &[Integer],
    memory_cap: u64,
    scratch: &Path,
) -> std::io::Result<(Vec<bool>, BatchStats)> {
    let start = Instant::now();
    let mut stats = BatchStats::default();
    if moduli.len() < 2 {
        stats.levels = moduli.len() as u64;
        return Ok((vec![false; moduli.len()], stats));
    }
    // product tree, bottom up
    let mut levels: Vec<Level> = Vec::new();
    let mut in_memory: u64 = 0;
    let mut current: Vec<Integer> = moduli.to_vec();
    let mut current_bytes = bytes_of(&current);
    // Every level holds about the bytes of the leaves; on the way down a
    // step holds a level, its parents' remainders and its own (each
    // remainder up to twice its node): room for five levels is kept free
    // of the in-memory product levels, so the whole stays near the cap.
    let reserve = current_bytes.saturating_mul(5);
    loop {
        if current.len() == 1 {
            in_memory += current_bytes;
            levels.push(Level::Memory(current));
            break;
        }
        let next: Vec<Integer> = current
            .par_chunks(2)
            .map(|pair| match pair {
                [a, b] => Integer::from(a * b),
                [a] => a.clone(),
                _ => Integer::new(),
            })
            .collect();
        let next_bytes = bytes_of(&next);
        stats.peak_bytes = stats.peak_bytes.max(in_memory + current_bytes + next_bytes);
        if in_memory + current_bytes + reserve > memory_cap {
            let path = scratch.join(format!("level-{}.bin", levels.len()));
            write_level(&path, &current)?;
            stats.spilled_levels += 1;
            levels.push(Level::Disk(path));
        } else {
            in_memory += current_bytes;
            levels.push(Level::Memory(current));
        }
        current = next;
        current_bytes = next_bytes;
    }
    stats.levels = levels.len() as u64;
    // remainder tree, top down: rem of a node = rem of its parent mod node^2
    let top = levels.pop();
    let mut rems: Vec<Integer> = match top {
        Some(Level::Memory(v)) => v,
        _ => Vec::new(),
    };
    while let Some(level) = levels.pop() {
        let nodes = match level {
            Level::Memory(v) => {
                in_memory = in_memory.saturating_sub(bytes_of(&v));
                v
            }
            Level::Disk(path) => {
                let v = read_level(&path)?;
                std::fs::remove_file(&path)?;
                v
            }
        };
        let parents = rems;
        let next: Vec<Integer> = nodes
            .par_iter()
            .enumerate()
            .map(|(i, node)| {
                let sq = Integer::from(node.square_ref());
                Integer::from(&parents[i / 2] % &sq)
            })
            .collect();
        stats.peak_bytes = stats
            .peak_bytes
            .max(in_memory + bytes_of(&nodes) + bytes_of(&parents) + bytes_of(&next));
        drop(parents);
        if levels.is_empty() {
            // the leaves: gcd(N_i, (P mod N_i^2) / N_i) > 1 when N_i shares a prime
            let flags = nodes
                .par_iter()
                .zip(next.par_iter())
                .map(|(n, r)| {
                    let q = Integer::from(r / n);
                    Integer::from(q.gcd_ref(n)) != 1
                })
                .collect();
            stats.seconds = start.elapsed().as_secs_f64();
            return Ok((flags, stats));
        }
        rems = next;
    }
    stats.seconds = start.elapsed().as_secs_f64();
    Ok((vec![false; moduli.len()], stats))
}

/// Pairs up the moduli that share a prime: for each index of `flagged`,
/// the other indices of `flagged` whose modulus has a common factor with
/// it (pairwise GCD, so a modulus whose two primes are both shared, where
/// the batch GCD gives `N_i` itself, is resolved too).
pub fn partners(moduli: &[Integer], flagged: &[usize]) -> Vec<Vec<usize>> {
    flagged
        .par_iter()
        .map(|&i| {
            flagged
                .iter()
                .copied()
                .filter(|&j| j != i && Integer::from(moduli[i].gcd_ref(&moduli[j])) != 1)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_found_in_memory_and_spilled() {
        let m: Vec<Integer> = [
            101u32 * 103,
            107 * 109,
            101 * 113,
            127 * 131,
            137 * 139,
            127 * 149,
            151 * 157,
        ]
        .iter()
        .map(|&x| Integer::from(x))
        .collect();
        let dir = tempfile::tempdir().expect("tempdir");
        let want = vec![true, false, true, true, false, true, false];
        for cap in [u64::MAX, 0] {
            let (flags, stats) = shared(&m, cap, dir.path()).expect("batch gcd");
            assert_eq!(flags, want, "cap {cap}");
            assert_eq!(stats.levels, 4);
            assert_eq!(stats.spilled_levels > 0, cap == 0);
        }
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
        let flagged = [0, 2, 3, 5];
        assert_eq!(
            partners(&m, &flagged),
            vec![vec![2], vec![0], vec![5], vec![3]]
        );
    }
}

//! OpenPGP data (RFC 9580): ASCII-armored blocks (`-----BEGIN PGP …-----`,
//! with their CRC-24 line checked, and cleartext-signed messages) and
//! binary packet streams (`.gpg`, `.sig`), read with
//! [`fx_formats::openpgp`].
//!
//! One `openpgp` step per armored block (or one for a binary file) says
//! what its packets are: their tags and counts (and the first
//! [`LISTED_PACKETS`] with offsets and lengths), every key packet
//! (version, algorithm, bits or curve; for a secret key how its secret part
//! is protected — never the secret itself), how many user IDs there are
//! (never their text: it is personal data), the signatures (type,
//! algorithm, hash), and for an encrypted message its session-key packets.
//! Algorithm, hash, cipher and curve ids outside the registries are
//! written as numbers.
//!
//! The conclusion is the first primary key's algorithm (or, without a key,
//! the first signature's), container `openpgp`, encoding `base64` for
//! armor (the body is base64 framed by armor lines that are not RFC 7468
//! PEM), `text` for a cleartext-signed message and `raw` for binary
//! packets. An encrypted secret key or message is an `encrypted` finding.

use fx_core::vocab::{Container, Encoding, FailureKind};
use fx_facts::openpgp::{
    OpenpgpArmor, OpenpgpCleartext, OpenpgpContent, OpenpgpCurve, OpenpgpData, OpenpgpEncryption,
    OpenpgpId, OpenpgpInflated, OpenpgpKey, OpenpgpPacket, OpenpgpPackets, OpenpgpPkesk,
    OpenpgpSecret, OpenpgpSeipd, OpenpgpSignature, OpenpgpSkesk,
};
use fx_formats::openpgp::armor::{self, ArmorBlock, Checksum};
use fx_formats::openpgp::compressed;
use fx_formats::openpgp::fields::{self, Curve, Defect, S2k};
use fx_formats::openpgp::fingerprint;
use fx_formats::openpgp::packets::{self, Format, LengthKind, Packet};
use fx_formats::openpgp::tables;

use crate::Session;
use crate::algorithm::KeyAlg;
use crate::report::{Finding, Step};

/// Packets walked per block (the rest are counted, not read).
pub const MAX_PACKETS: usize = 1024;
/// Packets listed in the step's data.
pub const LISTED_PACKETS: usize = 64;
/// Signatures described in the step's data (the rest are counted).
pub const LISTED_SIGNATURES: usize = 64;
/// Bytes a compressed data packet is inflated to, at most (a bound on
/// decompression bombs; what is cut is reported).
pub const MAX_INFLATED: usize = 1 << 20;
/// Armored blocks read per file.
const MAX_BLOCKS: usize = 16;

/// True when a line of the input begins `-----BEGIN PGP `.
pub fn looks_like_armor(bytes: &[u8]) -> bool {
    armor::looks_like_armor(bytes)
}

/// True when the whole input is binary OpenPGP packets (strict: see
/// [`fx_formats::openpgp::is_binary_openpgp`]).
pub fn looks_like_binary(bytes: &[u8]) -> bool {
    fx_formats::openpgp::is_binary_openpgp(bytes, MAX_PACKETS)
}

/// A registry id with its name when it is registered.
fn id(id: u8, table: fn(u8) -> Option<&'static str>) -> OpenpgpId {
    OpenpgpId {
        id,
        name: table(id).map(str::to_owned),
    }
}

/// The header format as the data names it.
fn format_name(f: Format) -> &'static str {
    match f {
        Format::Openpgp => "openpgp",
        Format::Legacy => "legacy",
    }
}

/// How a packet's length was given, as the data names it.
fn length_kind_name(l: LengthKind) -> &'static str {
    match l {
        LengthKind::Fixed => "fixed",
        LengthKind::Partial => "partial",
        LengthKind::Indeterminate => "indeterminate",
    }
}

/// The armor's CRC-24 line, as the data names it.
fn checksum_name(c: Checksum) -> &'static str {
    match c {
        Checksum::Absent => "absent",
        Checksum::Ok => "ok",
        Checksum::Mismatch => "mismatch",
    }
}

/// What one block (or binary file) holds; [`OpenpgpInfo::record`] gives
/// it as the `openpgp` step's record.
#[derive(Clone, Debug)]
pub struct OpenpgpInfo {
    /// `keys`, `signature`, `encrypted_message`, `signed_message`,
    /// `compressed_message`, `literal_message` or `other`.
    pub kind: &'static str,
    /// The armor, for an armored block.
    pub armor: Option<OpenpgpArmor>,
    /// The signed text's framing, for a cleartext-signed message.
    pub cleartext: Option<OpenpgpCleartext>,
    /// The packets.
    pub packets: OpenpgpPackets,
    /// Key packets, primary keys and subkeys.
    pub keys: Vec<OpenpgpKey>,
    /// User ID packets (their text is not written).
    pub user_ids: usize,
    /// User attribute packets.
    pub user_attributes: usize,
    /// Signature packets (the first [`LISTED_SIGNATURES`]).
    pub signatures: Vec<OpenpgpSignature>,
    /// One-pass signature packets.
    pub one_pass: Vec<OpenpgpSignature>,
    /// The encryption layer.
    pub encryption: Option<OpenpgpEncryption>,
    /// Compression algorithm of a compressed data packet.
    pub compression: Option<OpenpgpId>,
    /// What the compressed data packet holds, inflated (at most
    /// [`MAX_INFLATED`] bytes; offsets are in the inflated bytes).
    pub inflated: Option<Box<Inflated>>,
}

/// The inflated content of a compressed data packet.
#[derive(Clone, Debug)]
pub struct Inflated {
    /// Bytes inflated.
    pub bytes: usize,
    /// False when [`MAX_INFLATED`] cut the inflation short.
    pub complete: bool,
    /// Its packets, read like the block's.
    pub content: OpenpgpInfo,
}

impl OpenpgpInfo {
    /// What the block holds as fx-facts' record (every field written:
    /// the packets and the user ID and attribute counts, zero or not).
    pub fn record(self) -> OpenpgpContent {
        OpenpgpContent {
            kind: Some(self.kind.to_owned()),
            armor: self.armor,
            cleartext: self.cleartext,
            packets: Some(self.packets),
            keys: self.keys,
            user_ids: Some(self.user_ids as u64),
            user_attributes: Some(self.user_attributes as u64),
            signatures: self.signatures,
            one_pass: self.one_pass,
            encryption: self.encryption,
            compression: self.compression,
            inflated: self.inflated.map(|i| {
                Box::new(OpenpgpInflated {
                    bytes: i.bytes as u64,
                    complete: i.complete,
                    content: i.content.record(),
                })
            }),
        }
    }
}

/// The §9 algorithm of an OpenPGP public-key algorithm id, with the key's
/// size or curve when a key says them. ECDH/ECDSA keys are `EC` with their
/// curve, Curve25519 ECDH is `X25519`, EdDSALegacy on Ed25519 is
/// `Ed25519`; an id or curve outside the tables names nothing.
pub fn key_alg(alg: u8, bits: Option<u32>, curve: Option<&Curve>) -> Option<KeyAlg> {
    let named = |a: &str| KeyAlg {
        algorithm: Some(a.to_owned()),
        ..Default::default()
    };
    let curve_name = curve.and_then(|c| c.name);
    let k = match alg {
        1..=3 | 16 | 17 => KeyAlg {
            key_bits: bits.map(u64::from),
            ..named(match alg {
                16 => "ElGamal",
                17 => "DSA",
                _ => "RSA",
            })
        },
        18 | 19 => match curve_name {
            Some("Curve25519") if alg == 18 => named("X25519"),
            Some("X448") if alg == 18 => named("X448"),
            // An EdDSA or Montgomery curve under ECDSA/ECDH: no key fx can name.
            Some("Ed25519" | "Curve25519" | "Ed448" | "X448") => return None,
            n => KeyAlg {
                curve: n.map(str::to_owned),
                ..named("EC")
            },
        },
        22 => match curve_name {
            Some("Ed25519") => named("Ed25519"),
            Some("Ed448") => named("Ed448"),
            _ => return None,
        },
        25 => named("X25519"),
        26 => named("X448"),
        27 => named("Ed25519"),
        28 => named("Ed448"),
        _ => return None,
    };
    Some(k)
}

fn s2k_ids(s: &S2k) -> (OpenpgpId, Option<OpenpgpId>) {
    (
        id(s.kind, tables::s2k_type),
        s.hash.map(|h| id(h, tables::hash_algorithm)),
    )
}

/// What reading one block found: its info, the primary keys, findings.
struct Read {
    info: OpenpgpInfo,
    /// The algorithm of each primary key.
    primaries: Vec<KeyAlg>,
    /// The first signature's algorithm, for a block without keys.
    sig_alg: Option<KeyAlg>,
    fatal: Option<Finding>,
    findings: Vec<Finding>,
}

fn defect_at(p: &Packet, d: Defect) -> Finding {
    Finding::at(
        d.kind,
        p.first.start + d.offset,
        format!(
            "{}: {}",
            tables::tag_name(p.tag).unwrap_or("packet"),
            d.detail
        ),
    )
}

/// Reads the packets of `data` (a decoded block or a binary file).
fn read(data: &[u8]) -> Read {
    read_at(data, 0)
}

/// Reads packets at compression depth `depth` (compressed data inside
/// compressed data is named, not inflated again).
fn read_at(data: &[u8], depth: u8) -> Read {
    let walk = packets::walk(data, MAX_PACKETS);
    let mut r = Read {
        info: OpenpgpInfo {
            kind: "other",
            armor: None,
            cleartext: None,
            packets: OpenpgpPackets {
                count: walk.count as u64,
                tags: walk
                    .tags
                    .iter()
                    .map(|(&t, &n)| {
                        (
                            tables::tag_name(t).map_or_else(|| t.to_string(), str::to_owned),
                            n as u64,
                        )
                    })
                    .collect(),
                list: walk
                    .packets
                    .iter()
                    .take(LISTED_PACKETS)
                    .map(|p| OpenpgpPacket {
                        offset: p.offset as u64,
                        tag: p.tag,
                        name: tables::tag_name(p.tag).map(str::to_owned),
                        format: format_name(p.format).to_owned(),
                        length_kind: length_kind_name(p.length).to_owned(),
                        header_len: p.header_len as u64,
                        length: p.body_len as u64,
                    })
                    .collect(),
                limit_hit: walk.limit_hit,
            },
            keys: Vec::new(),
            user_ids: 0,
            user_attributes: 0,
            signatures: Vec::new(),
            one_pass: Vec::new(),
            encryption: None,
            compression: None,
            inflated: None,
        },
        primaries: Vec::new(),
        sig_alg: None,
        fatal: walk
            .finding
            .as_ref()
            .map(|f| Finding::at(f.kind, f.offset, f.detail.clone())),
        findings: Vec::new(),
    };
    if walk.count == 0 && r.fatal.is_none() {
        r.fatal = Some(Finding::new(FailureKind::Truncated, "no OpenPGP packet"));
    }
    let mut encrypted_key = false;
    for p in &walk.packets {
        let body = &data[p.first.clone()];
        match p.tag {
            5 | 6 | 7 | 14 => {
                let packet = tables::tag_name(p.tag).unwrap_or("key");
                let secret = matches!(p.tag, 5 | 7);
                let read = if secret {
                    fields::secret_key(body).map(|s| (s.public.clone(), Some(s)))
                } else {
                    fields::public_key(body).map(|k| (k, None))
                };
                match read {
                    Ok((k, s)) => {
                        if matches!(p.tag, 5 | 6)
                            && let Some(alg) = key_alg(k.algorithm, k.bits, k.curve.as_ref())
                        {
                            r.primaries.push(alg);
                        }
                        let secret = s.map(|s| {
                            if s.encrypted() && !encrypted_key {
                                encrypted_key = true;
                                r.findings.push(Finding::at(
                                    FailureKind::Encrypted,
                                    p.offset,
                                    "encrypted secret key (not decrypted)",
                                ));
                            }
                            let (s2k, s2k_hash) = s.s2k.as_ref().map(s2k_ids).unzip();
                            OpenpgpSecret {
                                s2k_usage: s.s2k_usage.unwrap_or(0),
                                encrypted: s.encrypted(),
                                secret_absent: s.secret_absent(),
                                cipher: s.cipher.map(|c| id(c, tables::symmetric_algorithm)),
                                aead: s.aead.map(|a| id(a, tables::aead_algorithm)),
                                s2k,
                                s2k_hash: s2k_hash.flatten(),
                            }
                        });
                        let fingerprint = k
                            .end
                            .and_then(|e| body.get(..e))
                            .and_then(fingerprint::fingerprint);
                        let (fingerprint, key_id) =
                            fingerprint.map(|f| (f.fingerprint, f.key_id)).unzip();
                        r.info.keys.push(OpenpgpKey {
                            offset: p.offset as u64,
                            packet: packet.to_owned(),
                            version: k.version,
                            fingerprint,
                            key_id,
                            algorithm: id(k.algorithm, tables::public_key_algorithm),
                            bits: k.bits,
                            curve: k.curve.map(|c| OpenpgpCurve {
                                oid: c.oid,
                                name: c.name.map(str::to_owned),
                            }),
                            secret,
                        });
                    }
                    Err(d) => r.findings.push(defect_at(p, d)),
                }
            }
            2 => match fields::signature(body) {
                Ok(s) => {
                    if r.sig_alg.is_none() {
                        r.sig_alg = key_alg(s.algorithm, None, None);
                    }
                    if r.info.signatures.len() < LISTED_SIGNATURES {
                        r.info.signatures.push(OpenpgpSignature {
                            offset: p.offset as u64,
                            version: s.version,
                            sig_type: id(s.sig_type, tables::signature_type),
                            algorithm: id(s.algorithm, tables::public_key_algorithm),
                            hash: id(s.hash, tables::hash_algorithm),
                        });
                    }
                }
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            4 => match fields::one_pass(body) {
                Ok(s) => r.info.one_pass.push(OpenpgpSignature {
                    offset: p.offset as u64,
                    version: s.version,
                    sig_type: id(s.sig_type, tables::signature_type),
                    algorithm: id(s.algorithm, tables::public_key_algorithm),
                    hash: id(s.hash, tables::hash_algorithm),
                }),
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            1 => match fields::pkesk(body) {
                Ok(k) => encryption(&mut r.info).pkesk.push(OpenpgpPkesk {
                    version: k.version,
                    algorithm: id(k.algorithm, tables::public_key_algorithm),
                }),
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            3 => match fields::skesk(body) {
                Ok(s) => {
                    let (s2k, s2k_hash) = s2k_ids(&s.s2k);
                    encryption(&mut r.info).skesk.push(OpenpgpSkesk {
                        version: s.version,
                        cipher: id(s.cipher, tables::symmetric_algorithm),
                        aead: s.aead.map(|a| id(a, tables::aead_algorithm)),
                        s2k,
                        s2k_hash,
                    });
                }
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            18 => match fields::seipd(body) {
                Ok(s) => {
                    encryption(&mut r.info).seipd = Some(OpenpgpSeipd {
                        version: s.version,
                        cipher: s.cipher.map(|c| id(c, tables::symmetric_algorithm)),
                        aead: s.aead.map(|a| id(a, tables::aead_algorithm)),
                    });
                }
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            9 => encryption(&mut r.info).sed = true,
            8 => match fields::compression(body) {
                Ok(a) => {
                    r.info
                        .compression
                        .get_or_insert(id(a, tables::compression_algorithm));
                    if depth == 0 && r.info.inflated.is_none() {
                        inflate_into(&mut r, data, p, a);
                    }
                }
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            13 => r.info.user_ids += 1,
            17 => r.info.user_attributes += 1,
            _ => {}
        }
    }
    if let Some(p) = walk.packets.iter().find(|p| matches!(p.tag, 9 | 18)) {
        r.findings.push(Finding::at(
            FailureKind::Encrypted,
            p.offset,
            "encrypted message (not decrypted)",
        ));
    }
    let has = |t: u8| walk.tags.contains_key(&t);
    let inner_kind = r
        .info
        .inflated
        .as_ref()
        .map(|i| i.content.kind)
        .filter(|k| *k != "other");
    r.info.kind = if !r.info.keys.is_empty() {
        "keys"
    } else if r.info.encryption.is_some() {
        "encrypted_message"
    } else if has(4) || (has(2) && has(11)) {
        "signed_message"
    } else if has(2) {
        "signature"
    } else if let Some(k) = inner_kind.filter(|_| has(8)) {
        k
    } else if has(8) {
        "compressed_message"
    } else if has(11) {
        "literal_message"
    } else {
        "other"
    };
    r
}

/// The block's encryption layer, begun empty when this is its first packet.
fn encryption(info: &mut OpenpgpInfo) -> &mut OpenpgpEncryption {
    info.encryption.get_or_insert_with(|| OpenpgpEncryption {
        pkesk: Vec::new(),
        skesk: Vec::new(),
        seipd: None,
        sed: false,
    })
}

/// Inflates compressed data packet `p` of `data` (algorithm `alg`) and
/// reads what it holds into `r`: its keys and signature algorithm count as
/// the block's; its findings are placed on the compressed packet.
fn inflate_into(r: &mut Read, data: &[u8], p: &Packet, alg: u8) {
    let body = packets::body(data, p);
    match compressed::inflate(alg, body.get(1..).unwrap_or_default(), MAX_INFLATED) {
        Ok(i) => {
            let inner = read_at(&i.data, 1);
            let at = |f: Finding| {
                Finding::at(
                    f.kind,
                    p.offset,
                    format!(
                        "in the inflated data{}: {}",
                        f.offset.map(|o| format!(" at {o}")).unwrap_or_default(),
                        f.detail
                    ),
                )
            };
            // A cut inflation leaves the last packet cut: not a defect.
            let fatal = inner
                .fatal
                .filter(|f| i.complete || f.kind != FailureKind::Truncated);
            r.findings
                .extend(fatal.into_iter().chain(inner.findings).map(at));
            r.primaries.extend(inner.primaries);
            if r.sig_alg.is_none() {
                r.sig_alg = inner.sig_alg;
            }
            r.info.inflated = Some(Box::new(Inflated {
                bytes: i.data.len(),
                complete: i.complete,
                content: inner.info,
            }));
        }
        Err(d) => r.findings.push(defect_at(p, d)),
    }
}

impl Session<'_> {
    /// Records one read block as an `openpgp` step (`caps_hit`: the budgets
    /// that cut the file short, on its last block).
    fn openpgp_step(&mut self, r: Read, block: Option<u32>, caps_hit: Vec<String>) {
        let rep = &mut self.out.report;
        rep.verdict.container(Container::Openpgp);
        for k in &r.primaries {
            rep.verdict.primary(k);
            rep.member(Container::Openpgp, k);
        }
        if r.primaries.is_empty()
            && let Some(k) = &r.sig_alg
            && matches!(r.info.kind, "signature" | "signed_message")
        {
            rep.verdict.primary(k);
        }
        let data = OpenpgpData {
            container: Container::Openpgp,
            block,
            content: r.info.record(),
            caps_hit,
            // The step's findings are written by `Step::into_event`.
            findings: Vec::new(),
        };
        let mut s = Step::ok("openpgp", data);
        if let Some(f) = r.fatal {
            s = s.fail(f.in_block(block));
        }
        s.findings
            .extend(r.findings.into_iter().map(|f| f.in_block(block)));
        rep.push(s);
    }

    /// Reads an ASCII-armored OpenPGP file.
    pub(crate) fn openpgp_armor(&mut self, bytes: &[u8]) {
        let scan = armor::scan(bytes, MAX_BLOCKS);
        self.out.report.verdict.encoding = Some(if scan.cleartext.is_some() {
            Encoding::Text
        } else {
            Encoding::Base64
        });
        let mut findings: Vec<Finding> = scan
            .findings
            .iter()
            .map(|f| Finding::at(f.kind, f.offset, f.detail.clone()))
            .collect();
        if scan.blocks.is_empty() {
            self.out.report.verdict.container(Container::Openpgp);
            let f = if findings.is_empty() {
                Finding::new(FailureKind::BadPemArmor, "no decodable OpenPGP armor")
            } else {
                findings.remove(0)
            };
            // No block decoded: the record has only its container.
            let data = OpenpgpData {
                container: Container::Openpgp,
                block: None,
                content: OpenpgpContent::default(),
                caps_hit: Vec::new(),
                findings: Vec::new(),
            };
            let s = Step::ok("openpgp", data).fail(f).with_findings(findings);
            self.out.report.push(s);
            return;
        }
        let cleartext = scan.cleartext.as_ref().map(|c| OpenpgpCleartext {
            hashes: c.hashes.clone(),
            text_len: c.text_len as u64,
        });
        for (i, b) in scan.blocks.iter().enumerate() {
            let block = Some(i as u32);
            let mut r = read(&b.data);
            r.info.armor = Some(armor_info(b));
            if i == 0 {
                r.info.cleartext = cleartext.clone();
            }
            // Armor findings belong to the file, not to a decoded block:
            // they go with the block after which they were met.
            let (mine, rest): (Vec<Finding>, Vec<Finding>) = findings
                .drain(..)
                .partition(|f| f.offset.is_some_and(|o| o < b.end as u64));
            findings = rest;
            let block_findings = std::mem::take(&mut r.findings);
            let last = i + 1 == scan.blocks.len();
            let caps_hit = if last && scan.block_limit_hit {
                vec!["budget:openpgp_blocks".to_owned()]
            } else {
                Vec::new()
            };
            self.openpgp_step(r, block, caps_hit);
            if let Some(s) = self.out.report.steps.last_mut() {
                s.findings.extend(mine);
                s.findings
                    .extend(block_findings.into_iter().map(|f| f.in_block(block)));
            }
        }
        if !findings.is_empty()
            && let Some(s) = self.out.report.steps.last_mut()
        {
            s.findings.extend(findings);
        }
    }

    /// Reads a binary OpenPGP packet stream.
    pub(crate) fn openpgp_binary(&mut self, bytes: &[u8]) {
        self.out.report.verdict.encoding = Some(Encoding::Raw);
        let r = read(bytes);
        self.openpgp_step(r, None, Vec::new());
    }
}

fn armor_info(b: &ArmorBlock) -> OpenpgpArmor {
    OpenpgpArmor {
        label: b.label.clone(),
        offset: b.begin as u64,
        length: (b.end - b.begin) as u64,
        headers: b.headers.iter().map(|(k, _)| k.clone()).collect(),
        checksum: checksum_name(b.checksum).to_owned(),
        decoded: b.data.len() as u64,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use fx_core::event::Event;
    use fx_core::vocab::{Conclusion, Label};

    use super::*;
    use crate::{InspectConfig, events, inspect};

    const CORPUS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/files/openpgp/"
    );

    fn corpus(name: &str) -> Vec<u8> {
        std::fs::read(format!("{CORPUS}{name}")).unwrap()
    }

    /// The names the data gives the header format, length kind and armor
    /// checksum are the ones fx-formats' enums serialize to.
    #[test]
    fn enum_names_are_their_serialized_names() {
        let ser = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for f in [Format::Openpgp, Format::Legacy] {
            assert_eq!(format_name(f), ser(serde_json::to_value(f).unwrap()));
        }
        for l in [
            LengthKind::Fixed,
            LengthKind::Partial,
            LengthKind::Indeterminate,
        ] {
            assert_eq!(length_kind_name(l), ser(serde_json::to_value(l).unwrap()));
        }
        for c in [Checksum::Absent, Checksum::Ok, Checksum::Mismatch] {
            assert_eq!(checksum_name(c), ser(serde_json::to_value(c).unwrap()));
        }
    }

    fn run(bytes: &[u8]) -> (Vec<Event>, Conclusion) {
        let cfg = InspectConfig::default();
        let evs = events(&inspect(bytes, &cfg), &cfg);
        let t = evs.last().unwrap().conclusion.clone().unwrap();
        (evs, t)
    }

    fn step(evs: &[Event]) -> serde_json::Value {
        let e = evs.iter().find(|e| e.step == "openpgp").unwrap();
        serde_json::Value::Object(e.data.clone().unwrap())
    }

    #[test]
    fn an_armored_public_key_with_its_checksum_is_no_pem() {
        // gpg 2.2 writes a CRC-24 line: read as PEM it was bad_base64.
        let f = corpus("gpg/rsa3072.pub.asc");
        assert!(f.windows(2).any(|w| w == b"\n="));
        let (evs, t) = run(&f);
        assert_eq!(t.container, Some(Container::Openpgp));
        assert_eq!(t.encoding, Some(Encoding::Base64));
        assert_eq!(t.algorithm.as_deref(), Some("RSA"));
        assert_eq!(t.key_bits, Some(3072));
        assert_eq!(t.labels, vec![Label::KeyMaterial]);
        assert_eq!(t.failures, vec![]);
        let d = step(&evs);
        // gpg --with-colons --import-options show-only --import (GnuPG 2.2.40).
        assert_eq!(
            d["keys"][0]["fingerprint"],
            "359349C4316BDF0B7E4D91A7F15B59CE0D043D5E"
        );
        assert_eq!(d["keys"][0]["key_id"], "F15B59CE0D043D5E");
        assert_eq!(
            d["keys"][1]["fingerprint"],
            "7BD4D9BD8D8B1EC073322D99D6AB66D7E5D6AD9F"
        );
        assert_eq!(d["armor"]["checksum"], "ok");
        assert_eq!(d["user_ids"], 1);
        assert_eq!(d["keys"][1]["packet"], "public_subkey");
        // The user ID is personal data: never written.
        let all = serde_json::to_string(&evs).unwrap();
        assert!(!all.contains("example.org"));
    }

    #[test]
    fn binary_keys_and_curves() {
        let (_, t) = run(&corpus("gpg/brainpoolP384r1.pub.gpg"));
        assert_eq!(t.encoding, Some(Encoding::Raw));
        assert_eq!(t.algorithm.as_deref(), Some("EC"));
        assert_eq!(t.curve.as_deref(), Some("brainpoolP384r1"));
        let (_, t) = run(&corpus("gpg/ed25519-cv25519.pub.gpg"));
        assert_eq!(
            (t.algorithm.as_deref(), t.curve.as_deref()),
            (Some("Ed25519"), None)
        );
        let (_, t) = run(&corpus("gpg/dsa2048-elg.pub.gpg"));
        assert_eq!(
            (t.algorithm.as_deref(), t.key_bits),
            (Some("DSA"), Some(2048))
        );
    }

    #[test]
    fn secret_keys_say_whether_they_are_encrypted() {
        let (evs, t) = run(&corpus("gpg/rsa3072-protected.sec.asc"));
        assert_eq!(t.failures, vec![FailureKind::Encrypted]);
        assert_eq!(t.labels, vec![Label::KeyMaterial]);
        let d = step(&evs);
        assert_eq!(d["keys"][0]["secret"]["encrypted"], true);
        let (evs, _) = run(&corpus("gpg/ed25519-protected.sec.gpg"));
        let k = &step(&evs)["keys"];
        // gpg --with-colons --import-options show-only --import (GnuPG 2.2.40).
        assert_eq!(
            k[0]["fingerprint"],
            "D3F89E0B3B7931C57EC233F46067C608A5C202F6"
        );
        assert_eq!(k[1]["key_id"], "326B37D0C2382DE4");
        assert_eq!(d["keys"][0]["secret"]["s2k"]["name"], "iterated_salted");
        let (evs, t) = run(&corpus("gpg/rsa3072.sec.gpg"));
        assert_eq!(t.failures, vec![]);
        assert_eq!(step(&evs)["keys"][0]["secret"]["s2k_usage"], 0);
    }

    #[test]
    fn signatures_and_messages() {
        let (evs, t) = run(&corpus("gpg/sig/rsa3072.sha512.sig"));
        assert_eq!(t.labels, vec![Label::SignatureBlob]);
        assert_eq!(t.algorithm.as_deref(), Some("RSA"));
        assert_eq!(t.key_bits, None);
        assert_eq!(step(&evs)["signatures"][0]["hash"]["name"], "SHA-512");
        // EdDSALegacy does not say its curve: no algorithm is concluded.
        let (evs, t) = run(&corpus("gpg/sig/ed25519-cv25519.sha256.sig.asc"));
        assert_eq!(t.algorithm, None);
        assert_eq!(
            step(&evs)["signatures"][0]["algorithm"]["name"],
            "EdDSALegacy"
        );
        let (evs, t) = run(&corpus("gpg/msg/rsa3072.clearsigned.asc"));
        assert_eq!(t.encoding, Some(Encoding::Text));
        assert_eq!(t.labels, vec![Label::SignatureBlob]);
        assert_eq!(step(&evs)["cleartext"]["hashes"][0], "SHA512");
        let (evs, t) = run(&corpus("gpg/msg/symmetric-aes128.asc"));
        assert_eq!(t.labels, vec![Label::SymmetricCiphertext]);
        assert_eq!(t.failures, vec![FailureKind::Encrypted]);
        assert_eq!(
            step(&evs)["encryption"]["skesk"][0]["cipher"]["name"],
            "AES-128"
        );
        let (evs, _) = run(&corpus("sq/rsa3k.encrypted.pgp"));
        assert_eq!(
            step(&evs)["encryption"]["pkesk"][0]["algorithm"]["name"],
            "RSA"
        );
    }

    #[test]
    fn signed_messages_are_inflated_and_read() {
        for f in [
            "gpg/msg/rsa3072.signed.gpg",
            "gpg/msg/rsa3072.signed-zlib.asc",
        ] {
            let (evs, t) = run(&corpus(f));
            assert_eq!(t.labels, vec![Label::SignatureBlob], "{f}");
            assert_eq!(t.algorithm.as_deref(), Some("RSA"), "{f}");
            assert_eq!(t.failures, vec![], "{f}");
            let d = step(&evs);
            assert_eq!(d["kind"], "signed_message");
            assert_eq!(d["inflated"]["complete"], true);
            assert_eq!(d["inflated"]["content"]["one_pass"][0]["hash"]["id"], 10);
        }
        let (evs, _) = run(&corpus("gpg/msg/nistp256.signed-uncompressed.gpg"));
        let d = step(&evs);
        assert_eq!(d["kind"], "signed_message");
        assert!(d.get("inflated").is_none());
    }

    #[test]
    fn inflation_is_bounded() {
        // Compressed data (legacy header, indeterminate length, ZIP) made
        // of stored deflate blocks: a literal packet that claims 2 MB, then
        // zeros, more than MAX_INFLATED of them.
        let mut content = vec![0xCB, 0xFF, 0x00, 0x1E, 0x84, 0x80];
        content.resize(1_300_000, 0);
        let mut b = vec![0xA3, 0x01];
        let blocks: Vec<&[u8]> = content.chunks(65535).collect();
        for (i, c) in blocks.iter().enumerate() {
            b.push(u8::from(i + 1 == blocks.len()));
            let n = c.len() as u16;
            b.extend(n.to_le_bytes());
            b.extend((!n).to_le_bytes());
            b.extend_from_slice(c);
        }
        let (evs, t) = run(&b);
        assert_eq!(t.container, Some(Container::Openpgp));
        assert_eq!(t.failures, vec![]);
        let d = step(&evs);
        assert_eq!(d["inflated"]["bytes"], MAX_INFLATED);
        assert_eq!(d["inflated"]["complete"], false);
        // The cut literal packet is not whole: nothing is concluded from it.
        assert_eq!(d["kind"], "compressed_message");
        assert_eq!(t.labels, vec![Label::Compressed]);
    }

    #[test]
    fn broken_armor_has_its_shape() {
        let f = corpus("gpg/nistp256.pub.asc");
        let text = String::from_utf8(f.clone()).unwrap();
        // A wrong checksum.
        let crc = text.rfind("\n=").unwrap() + 2;
        let mut bad = f.clone();
        bad[crc] = if bad[crc] == b'A' { b'B' } else { b'A' };
        let (_, t) = run(&bad);
        assert_eq!(t.failures, vec![FailureKind::ChecksumMismatch]);
        // A label that does not match.
        let (evs, t) = run(text.replace("END PGP PUBLIC", "END PGP PRIVATE").as_bytes());
        assert_eq!(t.failures, vec![FailureKind::BadPemArmor]);
        assert_eq!(t.container, Some(Container::Openpgp));
        assert_eq!(
            evs.iter()
                .find(|e| e.step == "openpgp")
                .unwrap()
                .error
                .as_ref()
                .unwrap()
                .offset,
            Some(text.find("-----END").unwrap() as u64)
        );
        // A bad base64 character, at its offset.
        let mut bad = f;
        let at = text.find("\n\n").unwrap() + 10;
        bad[at] = b'!';
        let (evs, t) = run(&bad);
        assert_eq!(t.failures, vec![FailureKind::BadBase64]);
        let e = evs.iter().find(|e| e.step == "openpgp").unwrap();
        assert_eq!(e.error.as_ref().unwrap().offset, Some(at as u64));
    }

    #[test]
    fn cut_or_random_binary_is_never_openpgp() {
        let f = corpus("gpg/rsa3072.pub.gpg");
        for cut in [1, 2, 3, 100, f.len() - 1] {
            let (_, t) = run(&f[..cut]);
            assert_ne!(t.container, Some(Container::Openpgp), "cut at {cut}");
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in 0..300usize {
            let b: Vec<u8> = (0..16 + n * 7)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 32) as u8
                })
                .collect();
            assert!(!looks_like_binary(&b), "random buffer {n}");
        }
    }

    #[test]
    fn many_blocks_hit_the_cap_and_keep_their_findings() {
        let one = corpus("gpg/sig/rsa3072.sha256.sig.asc");
        let text = String::from_utf8(one.clone()).unwrap();
        let crc = text.rfind("\n=").unwrap() + 2;
        let mut bad = one.clone();
        bad[crc] = if bad[crc] == b'A' { b'B' } else { b'A' };
        let mut f = bad;
        for _ in 0..MAX_BLOCKS + 3 {
            f.extend_from_slice(&one);
        }
        let (evs, t) = run(&f);
        let steps: Vec<&Event> = evs.iter().filter(|e| e.step == "openpgp").collect();
        assert_eq!(steps.len(), MAX_BLOCKS);
        assert_eq!(t.failures, vec![FailureKind::ChecksumMismatch]);
        let last = steps.last().unwrap().data.as_ref().unwrap();
        assert_eq!(
            last["caps_hit"],
            serde_json::json!(["budget:openpgp_blocks"])
        );
    }

    #[test]
    fn key_algorithms_name_nothing_they_cannot() {
        assert_eq!(key_alg(99, None, None), None);
        assert_eq!(key_alg(22, None, None), None);
        let unknown = Curve {
            oid: "1.2.3".into(),
            name: None,
        };
        let k = key_alg(19, None, Some(&unknown)).unwrap();
        assert_eq!((k.algorithm.as_deref(), k.curve), (Some("EC"), None));
        let cv = Curve {
            oid: "1.3.6.1.4.1.3029.1.5.1".into(),
            name: Some("Curve25519"),
        };
        assert_eq!(
            key_alg(18, None, Some(&cv)).unwrap().algorithm.as_deref(),
            Some("X25519")
        );
        assert_eq!(key_alg(19, None, Some(&cv)), None);
    }
}

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

use std::collections::BTreeMap;

use fx_core::vocab::{Container, Encoding, FailureKind};
use fx_formats::openpgp::armor::{self, ArmorBlock, Checksum};
use fx_formats::openpgp::compressed;
use fx_formats::openpgp::fields::{self, Curve, Defect, S2k};
use fx_formats::openpgp::fingerprint::{self, Fingerprint};
use fx_formats::openpgp::packets::{self, Format, LengthKind, Packet};
use fx_formats::openpgp::tables;
use serde::Serialize;
use serde_json::json;

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

/// The armor around a block.
#[derive(Clone, Debug, Serialize)]
pub struct ArmorInfo {
    /// The BEGIN/END label.
    pub label: String,
    /// Offset of the BEGIN line in the file.
    pub offset: usize,
    /// Length of the block, BEGIN to END line.
    pub length: usize,
    /// Names of its armor headers (`Version`, `Comment`, …; values are not
    /// kept: a comment may name a person).
    pub headers: Vec<String>,
    /// The CRC-24 line: `ok`, `absent` or `mismatch`.
    pub checksum: Checksum,
    /// Decoded bytes.
    pub decoded: usize,
}

/// The text part of a cleartext-signed message.
#[derive(Clone, Debug, Serialize)]
pub struct CleartextInfo {
    /// The `Hash:` armor header values.
    pub hashes: Vec<String>,
    /// Bytes of signed text (not kept).
    pub text_len: usize,
}

/// One listed packet.
#[derive(Clone, Debug, Serialize)]
pub struct PacketRow {
    /// Offset of its header (in the decoded block for armor).
    pub offset: usize,
    /// Packet type id.
    pub tag: u8,
    /// Its name, when the tag is registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'static str>,
    /// Header format.
    pub format: Format,
    /// How the length was given.
    pub length_kind: LengthKind,
    /// Header bytes.
    pub header_len: usize,
    /// Body bytes.
    pub length: usize,
}

/// The packets of a block.
#[derive(Clone, Debug, Serialize)]
pub struct PacketsInfo {
    /// Packets read.
    pub count: usize,
    /// Packets per type name (the id as a number when unregistered).
    pub tags: BTreeMap<String, usize>,
    /// The first packets.
    pub list: Vec<PacketRow>,
    /// True when the walk kept fewer packets than it read.
    pub limit_hit: bool,
}

/// A registry id with its name when it is registered.
#[derive(Clone, Debug, Serialize)]
pub struct Id {
    /// The id as written.
    pub id: u8,
    /// Its registered name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'static str>,
}

fn id(id: u8, table: fn(u8) -> Option<&'static str>) -> Id {
    Id {
        id,
        name: table(id),
    }
}

/// How a secret key's secret part is kept.
#[derive(Clone, Debug, Serialize)]
pub struct SecretInfo {
    /// The S2K usage octet (0: in the clear).
    pub s2k_usage: u8,
    /// True when the secret part is encrypted.
    pub encrypted: bool,
    /// True for a GnuPG stub (secret part absent or on a card).
    pub secret_absent: bool,
    /// The cipher protecting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher: Option<Id>,
    /// The AEAD mode protecting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aead: Option<Id>,
    /// The S2K specifier type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s2k: Option<Id>,
    /// The S2K hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s2k_hash: Option<Id>,
}

/// One key packet.
#[derive(Clone, Debug, Serialize)]
pub struct KeyInfo {
    /// Offset of the packet.
    pub offset: usize,
    /// `public_key`, `secret_key`, `public_subkey` or `secret_subkey`.
    pub packet: &'static str,
    /// Key packet version.
    pub version: u8,
    /// Fingerprint and key ID (versions 4, 5 and 6), computed from the
    /// public part as RFC 9580 §5.5.4 says.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<Fingerprint>,
    /// Public-key algorithm.
    pub algorithm: Id,
    /// RSA modulus / DSA or ElGamal prime bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<u32>,
    /// Curve of an ECC key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<Curve>,
    /// For a secret key: how the secret part is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretInfo>,
}

/// One signature (or one-pass signature) packet.
#[derive(Clone, Debug, Serialize)]
pub struct SignatureInfo {
    /// Offset of the packet.
    pub offset: usize,
    /// Packet version.
    pub version: u8,
    /// Signature type.
    pub sig_type: Id,
    /// Public-key algorithm.
    pub algorithm: Id,
    /// Hash algorithm.
    pub hash: Id,
}

/// One symmetric-key encrypted session key.
#[derive(Clone, Debug, Serialize)]
pub struct SkeskInfo {
    /// Packet version.
    pub version: u8,
    /// Cipher.
    pub cipher: Id,
    /// AEAD mode (versions 5 and 6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aead: Option<Id>,
    /// S2K specifier type.
    pub s2k: Id,
    /// S2K hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s2k_hash: Option<Id>,
}

/// The encryption layer of a message.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EncryptionInfo {
    /// Public-key session-key packets: version and recipient key algorithm.
    pub pkesk: Vec<serde_json::Value>,
    /// Passphrase session-key packets.
    pub skesk: Vec<SkeskInfo>,
    /// SEIPD version (1: CFB with MDC, 2: AEAD) and, for 2, its cipher and mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seipd: Option<serde_json::Value>,
    /// True when the data is the legacy unprotected SED packet (tag 9).
    pub sed: bool,
}

/// What one block (or binary file) holds.
#[derive(Clone, Debug, Serialize)]
pub struct OpenpgpInfo {
    /// `keys`, `signature`, `encrypted_message`, `signed_message`,
    /// `compressed_message`, `literal_message` or `other`.
    pub kind: &'static str,
    /// The armor, for an armored block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub armor: Option<ArmorInfo>,
    /// The signed text's framing, for a cleartext-signed message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleartext: Option<CleartextInfo>,
    /// The packets.
    pub packets: PacketsInfo,
    /// Key packets, primary keys and subkeys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<KeyInfo>,
    /// User ID packets (their text is not written).
    pub user_ids: usize,
    /// User attribute packets.
    pub user_attributes: usize,
    /// Signature packets (the first [`LISTED_SIGNATURES`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<SignatureInfo>,
    /// One-pass signature packets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub one_pass: Vec<SignatureInfo>,
    /// The encryption layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<EncryptionInfo>,
    /// Compression algorithm of a compressed data packet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Id>,
    /// What the compressed data packet holds, inflated (at most
    /// [`MAX_INFLATED`] bytes; offsets are in the inflated bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inflated: Option<Box<Inflated>>,
}

/// The inflated content of a compressed data packet.
#[derive(Clone, Debug, Serialize)]
pub struct Inflated {
    /// Bytes inflated.
    pub bytes: usize,
    /// False when [`MAX_INFLATED`] cut the inflation short.
    pub complete: bool,
    /// Its packets, read like the block's.
    pub content: OpenpgpInfo,
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

fn s2k_ids(s: &S2k) -> (Id, Option<Id>) {
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
            packets: PacketsInfo {
                count: walk.count,
                tags: walk
                    .tags
                    .iter()
                    .map(|(&t, &n)| {
                        (
                            tables::tag_name(t).map_or_else(|| t.to_string(), str::to_owned),
                            n,
                        )
                    })
                    .collect(),
                list: walk
                    .packets
                    .iter()
                    .take(LISTED_PACKETS)
                    .map(|p| PacketRow {
                        offset: p.offset,
                        tag: p.tag,
                        name: tables::tag_name(p.tag),
                        format: p.format,
                        length_kind: p.length,
                        header_len: p.header_len,
                        length: p.body_len,
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
                            SecretInfo {
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
                        r.info.keys.push(KeyInfo {
                            offset: p.offset,
                            packet,
                            version: k.version,
                            fingerprint,
                            algorithm: id(k.algorithm, tables::public_key_algorithm),
                            bits: k.bits,
                            curve: k.curve,
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
                        r.info.signatures.push(SignatureInfo {
                            offset: p.offset,
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
                Ok(s) => r.info.one_pass.push(SignatureInfo {
                    offset: p.offset,
                    version: s.version,
                    sig_type: id(s.sig_type, tables::signature_type),
                    algorithm: id(s.algorithm, tables::public_key_algorithm),
                    hash: id(s.hash, tables::hash_algorithm),
                }),
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            1 => match fields::pkesk(body) {
                Ok(k) => r.info.encryption.get_or_insert_default().pkesk.push(json!({
                    "version": k.version,
                    "algorithm": id(k.algorithm, tables::public_key_algorithm),
                })),
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            3 => match fields::skesk(body) {
                Ok(s) => {
                    let (s2k, s2k_hash) = s2k_ids(&s.s2k);
                    r.info
                        .encryption
                        .get_or_insert_default()
                        .skesk
                        .push(SkeskInfo {
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
                    r.info.encryption.get_or_insert_default().seipd = Some(json!({
                        "version": s.version,
                        "cipher": s.cipher.map(|c| id(c, tables::symmetric_algorithm)),
                        "aead": s.aead.map(|a| id(a, tables::aead_algorithm)),
                    }));
                }
                Err(d) => r.findings.push(defect_at(p, d)),
            },
            9 => r.info.encryption.get_or_insert_default().sed = true,
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
    /// Records one read block as an `openpgp` step.
    fn openpgp_step(&mut self, r: Read, block: Option<u32>) {
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
        let mut data = crate::report::to_map(&r.info);
        data.insert("container".into(), json!(Container::Openpgp));
        if let Some(b) = block {
            data.insert("block".into(), json!(b));
        }
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
            let s = Step::ok("openpgp", json!({"container": Container::Openpgp}))
                .fail(f)
                .with_findings(findings);
            self.out.report.push(s);
            return;
        }
        let cleartext = scan.cleartext.as_ref().map(|c| CleartextInfo {
            hashes: c.hashes.clone(),
            text_len: c.text_len,
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
            self.openpgp_step(r, block);
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
        if scan.block_limit_hit
            && let Some(s) = self.out.report.steps.last_mut()
        {
            s.data
                .insert("caps_hit".into(), json!(["budget:openpgp_blocks"]));
        }
    }

    /// Reads a binary OpenPGP packet stream.
    pub(crate) fn openpgp_binary(&mut self, bytes: &[u8]) {
        self.out.report.verdict.encoding = Some(Encoding::Raw);
        let r = read(bytes);
        self.openpgp_step(r, None);
    }
}

fn armor_info(b: &ArmorBlock) -> ArmorInfo {
    ArmorInfo {
        label: b.label.clone(),
        offset: b.begin,
        length: b.end - b.begin,
        headers: b.headers.iter().map(|(k, _)| k.clone()).collect(),
        checksum: b.checksum,
        decoded: b.data.len(),
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

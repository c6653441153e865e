//! OpenPGP keys, signatures and messages read by fx-inspect (step
//! `openpgp`): one event per armored block or binary file, describing its
//! packets. User ID text, armor header values and signed text are never
//! written; only their counts and lengths.

use std::collections::BTreeMap;

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Finding;

/// A registry id (algorithm, signature type, S2K type, …) with its name
/// when it is registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpId {
    /// The id as written.
    pub id: u8,
    /// Its registered name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The armor around a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpArmor {
    /// The BEGIN/END label (`PGP PUBLIC KEY BLOCK`, …).
    pub label: String,
    /// Offset of the BEGIN line in the file.
    pub offset: u64,
    /// Length of the block, BEGIN to END line.
    pub length: u64,
    /// Names of its armor headers (`Version`, `Comment`, …; not their values).
    pub headers: Vec<String>,
    /// The CRC-24 line: `ok`, `absent` or `mismatch`.
    pub checksum: String,
    /// Decoded bytes.
    pub decoded: u64,
}

/// The text part of a cleartext-signed message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpCleartext {
    /// The `Hash:` armor header values.
    pub hashes: Vec<String>,
    /// Bytes of signed text (not kept).
    pub text_len: u64,
}

/// One listed packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpPacket {
    /// Offset of its header (in the decoded block for armor).
    pub offset: u64,
    /// Packet type id.
    pub tag: u8,
    /// Its name, when the tag is registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Header format: `openpgp` (new) or `legacy` (old).
    pub format: String,
    /// How the length was given: `fixed`, `partial` or `indeterminate`.
    pub length_kind: String,
    /// Header bytes.
    pub header_len: u64,
    /// Body bytes.
    pub length: u64,
}

/// The packets of a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpPackets {
    /// Packets read.
    pub count: u64,
    /// Packets per type name (the id as a number when unregistered).
    pub tags: BTreeMap<String, u64>,
    /// The first packets (at most 64).
    pub list: Vec<OpenpgpPacket>,
    /// True when the walk kept fewer packets than it read.
    pub limit_hit: bool,
}

/// An ECC curve named by OID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpCurve {
    /// Dotted OID (or `0x…` when the bytes are no OID).
    pub oid: String,
    /// Name from the curve table; absent when the OID is not in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// How a secret key's secret part is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpSecret {
    /// The S2K usage octet (0: in the clear).
    pub s2k_usage: u8,
    /// True when the secret part is encrypted.
    pub encrypted: bool,
    /// True for a GnuPG stub (secret part absent or on a card).
    pub secret_absent: bool,
    /// The cipher protecting it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<OpenpgpId>,
    /// The AEAD mode protecting it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aead: Option<OpenpgpId>,
    /// The S2K specifier type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s2k: Option<OpenpgpId>,
    /// The S2K hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s2k_hash: Option<OpenpgpId>,
}

/// One key packet (primary key or subkey).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpKey {
    /// Offset of the packet.
    pub offset: u64,
    /// `public_key`, `secret_key`, `public_subkey` or `secret_subkey`.
    pub packet: String,
    /// Key packet version.
    pub version: u8,
    /// Fingerprint, upper-case hex (versions 4, 5 and 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Key ID, upper-case hex (with the fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Public-key algorithm.
    pub algorithm: OpenpgpId,
    /// RSA modulus / DSA or ElGamal prime bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<u32>,
    /// Curve of an ECC key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<OpenpgpCurve>,
    /// For a secret key: how the secret part is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<OpenpgpSecret>,
}

/// One signature (or one-pass signature) packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpSignature {
    /// Offset of the packet.
    pub offset: u64,
    /// Packet version.
    pub version: u8,
    /// Signature type.
    pub sig_type: OpenpgpId,
    /// Public-key algorithm.
    pub algorithm: OpenpgpId,
    /// Hash algorithm.
    pub hash: OpenpgpId,
}

/// One public-key encrypted session key packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpPkesk {
    /// Packet version.
    pub version: u8,
    /// The recipient key's public-key algorithm.
    pub algorithm: OpenpgpId,
}

/// One symmetric-key encrypted session key packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpSkesk {
    /// Packet version.
    pub version: u8,
    /// Cipher.
    pub cipher: OpenpgpId,
    /// AEAD mode (versions 5 and 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aead: Option<OpenpgpId>,
    /// S2K specifier type.
    pub s2k: OpenpgpId,
    /// S2K hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s2k_hash: Option<OpenpgpId>,
}

/// The symmetrically encrypted and integrity protected data packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpSeipd {
    /// 1: CFB with MDC; 2: AEAD.
    pub version: u8,
    /// Cipher of a version 2 packet (`null` for version 1).
    #[serde(default)]
    pub cipher: Option<OpenpgpId>,
    /// AEAD mode of a version 2 packet (`null` for version 1).
    #[serde(default)]
    pub aead: Option<OpenpgpId>,
}

/// The encryption layer of a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpEncryption {
    /// Public-key session-key packets.
    pub pkesk: Vec<OpenpgpPkesk>,
    /// Passphrase session-key packets.
    pub skesk: Vec<OpenpgpSkesk>,
    /// The SEIPD packet, when one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seipd: Option<OpenpgpSeipd>,
    /// True when the data is the legacy unprotected SED packet (tag 9).
    pub sed: bool,
}

/// What one block (or binary file, or inflated compressed packet) holds.
/// Every field is absent when no block could be decoded at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpContent {
    /// `keys`, `signature`, `encrypted_message`, `signed_message`,
    /// `compressed_message`, `literal_message` or `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The armor, for an armored block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub armor: Option<OpenpgpArmor>,
    /// The signed text's framing, for a cleartext-signed message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleartext: Option<OpenpgpCleartext>,
    /// The packets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packets: Option<OpenpgpPackets>,
    /// Key packets, primary keys and subkeys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<OpenpgpKey>,
    /// User ID packets (their text is not written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<u64>,
    /// User attribute packets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attributes: Option<u64>,
    /// Signature packets (the first 64).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<OpenpgpSignature>,
    /// One-pass signature packets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_pass: Vec<OpenpgpSignature>,
    /// The encryption layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<OpenpgpEncryption>,
    /// Compression algorithm of a compressed data packet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<OpenpgpId>,
    /// What the compressed data packet holds, inflated (bounded; offsets
    /// are in the inflated bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflated: Option<Box<OpenpgpInflated>>,
}

/// The inflated content of a compressed data packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpInflated {
    /// Bytes inflated.
    pub bytes: u64,
    /// False when the inflation bound cut it short.
    pub complete: bool,
    /// Its packets, read like the block's.
    pub content: OpenpgpContent,
}

/// The data of fx-inspect's `openpgp` step: one armored block or binary file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpenpgpData {
    /// `openpgp`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// Armored block index; absent for a binary file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// What the block holds.
    #[serde(flatten)]
    pub content: OpenpgpContent,
    /// Budgets that cut the file short (`budget:openpgp_blocks`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

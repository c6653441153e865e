//! The typed record of each step's `data`, by module and step name.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::bundle::{BundleData, CmsData, Pkcs12Data};
use crate::capture::{PcapData, TlsRecordsData};
use crate::certificate::{CertificateData, CrlData, CrossPairData, CsrData};
use crate::cipher::{HybridData, SymmetricData};
use crate::crosscheck::{OpensslCrosscheck, TsharkCrosscheck};
use crate::der::DerData;
use crate::error::FactError;
use crate::hash::HashAuditData;
use crate::heavy::HeavyDecision;
use crate::intake::IntakeData;
use crate::key::{
    JoseData, KeyContainerData, OpensshKeyData, ParamsData, PemEncryptedData, PuttyKeyData,
    SshKeyFileData,
};
use crate::library::{ConstantsData, DeepData, LibrariesData, ObjectData};
use crate::ocsp::OcspData;
use crate::openpgp::OpenpgpData;
use crate::pem::{PemData, TextDecodeData};
use crate::pqc::{DecapsulateData, PqcBundleData, PqcProbeData, VerifyData};
use crate::route::{RouteBundleLabelData, RouteDecisionData, RouteLabelData};
use crate::signature::SignatureValueData;
use crate::smime::SmimeData;
use crate::tls::CaptureData;
use crate::triage::{RegionsData, TriageData};
use crate::weakkey::WeakKeyAudit;

/// The data of one event, as the record of its module and step.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum StepData {
    /// `ingest/intake`.
    Intake(IntakeData),
    /// `route/label` (single-artifact form).
    RouteLabel(RouteLabelData),
    /// `route/label` (bundle form: data with `members`).
    RouteBundleLabel(RouteBundleLabelData),
    /// `route/decision`.
    RouteDecision(RouteDecisionData),
    /// `inspect/crosscheck`.
    OpensslCrosscheck(OpensslCrosscheck),
    /// `inspect/pem`.
    Pem(PemData),
    /// `inspect/text_decode`.
    TextDecode(TextDecodeData),
    /// `inspect/der`.
    Der(DerData),
    /// `inspect/regions`.
    Regions(RegionsData),
    /// `inspect/triage`.
    Triage(TriageData),
    /// `inspect/cross_pair`.
    CrossPair(CrossPairData),
    /// `inspect/ocsp`.
    Ocsp(OcspData),
    /// `inspect/smime`.
    Smime(SmimeData),
    /// `inspect/signature_value`.
    SignatureValue(SignatureValueData),
    /// `inspect/pcap`.
    Pcap(PcapData),
    /// `inspect/tls`.
    TlsRecords(TlsRecordsData),
    /// `inspect/openpgp`.
    Openpgp(OpenpgpData),
    /// `inspect/x509`.
    Certificate(CertificateData),
    /// `inspect/x509_csr`.
    Csr(CsrData),
    /// `inspect/x509_crl`.
    Crl(CrlData),
    /// `inspect/spki`, `pkcs8`, `pkcs1`, `sec1`, `dsa`.
    KeyContainer(KeyContainerData),
    /// `inspect/openssh`.
    Openssh(OpensshKeyData),
    /// `inspect/ppk`.
    Putty(PuttyKeyData),
    /// `inspect/dropbear`, `inspect/sshcom`.
    SshKeyFile(SshKeyFileData),
    /// `inspect/jose`.
    Jose(JoseData),
    /// `inspect/pem_encrypted`.
    PemEncrypted(PemEncryptedData),
    /// `inspect/params`.
    Params(ParamsData),
    /// `inspect/cms`.
    Cms(CmsData),
    /// `inspect/pkcs12`.
    Pkcs12(Pkcs12Data),
    /// `inspect/bundle`.
    Bundle(BundleData),
    /// `probe/hash_kdf`.
    HashAudit(HashAuditData),
    /// `probe/pqc` (single-artifact form).
    Pqc(PqcProbeData),
    /// `probe/pqc` (bundle form: data with `members`).
    PqcBundle(PqcBundleData),
    /// `probe/symmetric`.
    Symmetric(SymmetricData),
    /// `probe/hybrid`.
    Hybrid(HybridData),
    /// `probe/verify`.
    Verify(VerifyData),
    /// `probe/decapsulate`.
    Decapsulate(DecapsulateData),
    /// `fingerprint/tls`.
    Capture(CaptureData),
    /// `fingerprint/libraries`.
    Libraries(LibrariesData),
    /// `fingerprint/object`.
    Object(ObjectData),
    /// `fingerprint/constants`.
    Constants(ConstantsData),
    /// `fingerprint/tshark_crosscheck`.
    TsharkCrosscheck(TsharkCrosscheck),
    /// `fingerprint/deep`.
    Deep(DeepData),
    /// `weakkeys/audit`: the weak-key audit of the job's keys.
    WeakKeyAudit(WeakKeyAudit),
    /// `fingerprint/heavy`, `probe/heavy`, `weakkeys/heavy`: the heavy
    /// pool's decision about the task that follows.
    Heavy(HeavyDecision),
}

/// Steps whose data has a record here, as `(module, step)`.
pub const TYPED_STEPS: &[(&str, &str)] = &[
    ("ingest", "intake"),
    ("route", "label"),
    ("route", "decision"),
    ("inspect", "crosscheck"),
    ("inspect", "pem"),
    ("inspect", "text_decode"),
    ("inspect", "der"),
    ("inspect", "regions"),
    ("inspect", "triage"),
    ("inspect", "cross_pair"),
    ("inspect", "ocsp"),
    ("inspect", "smime"),
    ("inspect", "signature_value"),
    ("inspect", "pcap"),
    ("inspect", "tls"),
    ("inspect", "openpgp"),
    ("inspect", "x509"),
    ("inspect", "x509_csr"),
    ("inspect", "x509_crl"),
    ("inspect", "spki"),
    ("inspect", "pkcs8"),
    ("inspect", "pkcs1"),
    ("inspect", "sec1"),
    ("inspect", "dsa"),
    ("inspect", "openssh"),
    ("inspect", "ppk"),
    ("inspect", "dropbear"),
    ("inspect", "sshcom"),
    ("inspect", "jose"),
    ("inspect", "pem_encrypted"),
    ("inspect", "params"),
    ("inspect", "cms"),
    ("inspect", "pkcs12"),
    ("inspect", "bundle"),
    ("probe", "hash_kdf"),
    ("probe", "pqc"),
    ("probe", "symmetric"),
    ("probe", "hybrid"),
    ("probe", "verify"),
    ("probe", "decapsulate"),
    ("fingerprint", "tls"),
    ("fingerprint", "libraries"),
    ("fingerprint", "object"),
    ("fingerprint", "constants"),
    ("fingerprint", "tshark_crosscheck"),
    ("fingerprint", "deep"),
    ("weakkeys", "audit"),
    ("fingerprint", "heavy"),
    ("probe", "heavy"),
    ("weakkeys", "heavy"),
];

/// True when `module`/`step` has a record in [`StepData`].
pub fn is_typed(module: &str, step: &str) -> bool {
    TYPED_STEPS.iter().any(|(m, s)| *m == module && *s == step)
}

fn read<T: DeserializeOwned>(
    module: &str,
    step: &str,
    data: &Map<String, Value>,
    wrap: fn(T) -> StepData,
) -> Result<StepData, FactError> {
    T::deserialize(data)
        .map(wrap)
        .map_err(|source| FactError::Shape {
            module: module.to_owned(),
            step: step.to_owned(),
            source,
        })
}

impl StepData {
    /// Reads the data of an event of `module`/`step`. `None` when the step
    /// has no record here or the event carries no data (a skipped step, an
    /// error event, an empty object).
    pub fn parse(
        module: &str,
        step: &str,
        data: Option<&Map<String, Value>>,
    ) -> Option<Result<StepData, FactError>> {
        let d = data.filter(|d| !d.is_empty())?;
        let (m, s) = (module, step);
        Some(match (module, step) {
            ("ingest", "intake") => read(m, s, d, StepData::Intake),
            ("route", "label") if d.contains_key("members") => {
                read(m, s, d, StepData::RouteBundleLabel)
            }
            ("route", "label") => read(m, s, d, StepData::RouteLabel),
            ("route", "decision") => read(m, s, d, StepData::RouteDecision),
            ("inspect", "crosscheck") => read(m, s, d, StepData::OpensslCrosscheck),
            ("inspect", "pem") => read(m, s, d, StepData::Pem),
            ("inspect", "text_decode") => read(m, s, d, StepData::TextDecode),
            ("inspect", "der") => read(m, s, d, StepData::Der),
            ("inspect", "regions") => read(m, s, d, StepData::Regions),
            ("inspect", "triage") => read(m, s, d, StepData::Triage),
            ("inspect", "cross_pair") => read(m, s, d, StepData::CrossPair),
            ("inspect", "ocsp") => read(m, s, d, StepData::Ocsp),
            ("inspect", "smime") => read(m, s, d, StepData::Smime),
            ("inspect", "signature_value") => read(m, s, d, StepData::SignatureValue),
            ("inspect", "pcap") => read(m, s, d, StepData::Pcap),
            ("inspect", "tls") => read(m, s, d, StepData::TlsRecords),
            ("inspect", "openpgp") => read(m, s, d, StepData::Openpgp),
            ("inspect", "x509") => read(m, s, d, StepData::Certificate),
            ("inspect", "x509_csr") => read(m, s, d, StepData::Csr),
            ("inspect", "x509_crl") => read(m, s, d, StepData::Crl),
            ("inspect", "spki" | "pkcs8" | "pkcs1" | "sec1" | "dsa") => {
                read(m, s, d, StepData::KeyContainer)
            }
            ("inspect", "openssh") => read(m, s, d, StepData::Openssh),
            ("inspect", "ppk") => read(m, s, d, StepData::Putty),
            ("inspect", "dropbear" | "sshcom") => read(m, s, d, StepData::SshKeyFile),
            ("inspect", "jose") => read(m, s, d, StepData::Jose),
            ("inspect", "pem_encrypted") => read(m, s, d, StepData::PemEncrypted),
            ("inspect", "params") => read(m, s, d, StepData::Params),
            ("inspect", "cms") => read(m, s, d, StepData::Cms),
            ("inspect", "pkcs12") => read(m, s, d, StepData::Pkcs12),
            ("inspect", "bundle") => read(m, s, d, StepData::Bundle),
            ("probe", "hash_kdf") => read(m, s, d, StepData::HashAudit),
            ("probe", "pqc") if d.contains_key("members") => read(m, s, d, StepData::PqcBundle),
            ("probe", "pqc") => read(m, s, d, StepData::Pqc),
            ("probe", "symmetric") => read(m, s, d, StepData::Symmetric),
            ("probe", "hybrid") => read(m, s, d, StepData::Hybrid),
            ("probe", "verify") => read(m, s, d, StepData::Verify),
            ("probe", "decapsulate") => read(m, s, d, StepData::Decapsulate),
            ("fingerprint", "tls") => read(m, s, d, StepData::Capture),
            ("fingerprint", "libraries") => read(m, s, d, StepData::Libraries),
            ("fingerprint", "object") => read(m, s, d, StepData::Object),
            ("fingerprint", "constants") => read(m, s, d, StepData::Constants),
            ("fingerprint", "tshark_crosscheck") => read(m, s, d, StepData::TsharkCrosscheck),
            ("fingerprint", "deep") => read(m, s, d, StepData::Deep),
            ("weakkeys", "audit") => read(m, s, d, StepData::WeakKeyAudit),
            ("fingerprint" | "probe" | "weakkeys", "heavy") => read(m, s, d, StepData::Heavy),
            _ => return None,
        })
    }

    /// The record written back as JSON (what the stage would have written).
    pub fn to_value(&self) -> Value {
        fn v<T: Serialize>(t: &T) -> Value {
            serde_json::to_value(t).unwrap_or(Value::Null)
        }
        match self {
            StepData::Intake(x) => v(x),
            StepData::RouteLabel(x) => v(x),
            StepData::RouteBundleLabel(x) => v(x),
            StepData::RouteDecision(x) => v(x),
            StepData::OpensslCrosscheck(x) => v(x),
            StepData::TsharkCrosscheck(x) => v(x),
            StepData::Certificate(x) => v(x),
            StepData::Csr(x) => v(x),
            StepData::Crl(x) => v(x),
            StepData::KeyContainer(x) => v(x),
            StepData::Openssh(x) => v(x),
            StepData::Putty(x) => v(x),
            StepData::SshKeyFile(x) => v(x),
            StepData::Jose(x) => v(x),
            StepData::PemEncrypted(x) => v(x),
            StepData::Params(x) => v(x),
            StepData::Cms(x) => v(x),
            StepData::Pkcs12(x) => v(x),
            StepData::Bundle(x) => v(x),
            StepData::HashAudit(x) => v(x),
            StepData::Pqc(x) => v(x),
            StepData::PqcBundle(x) => v(x),
            StepData::Symmetric(x) => v(x),
            StepData::Hybrid(x) => v(x),
            StepData::Capture(x) => v(x),
            StepData::Libraries(x) => v(x),
            StepData::Object(x) => v(x),
            StepData::Constants(x) => v(x),
            StepData::Pem(x) => v(x),
            StepData::TextDecode(x) => v(x),
            StepData::Der(x) => v(x),
            StepData::Regions(x) => v(x),
            StepData::Triage(x) => v(x),
            StepData::CrossPair(x) => v(x),
            StepData::Ocsp(x) => v(x),
            StepData::Smime(x) => v(x),
            StepData::SignatureValue(x) => v(x),
            StepData::Pcap(x) => v(x),
            StepData::TlsRecords(x) => v(x),
            StepData::Openpgp(x) => v(x),
            StepData::Verify(x) => v(x),
            StepData::Decapsulate(x) => v(x),
            StepData::Deep(x) => v(x),
            StepData::WeakKeyAudit(x) => v(x),
            StepData::Heavy(x) => v(x),
        }
    }
}

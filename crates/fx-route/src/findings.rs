//! Accumulates what the sniffers saw: labels with confidences and signals,
//! and the container and encoding when a sniffer is certain of them.

use fx_core::vocab::{Basis, Container, Encoding, Label};
use serde::Serialize;

/// Confidence levels in permille, shared by the sniffers so that the same
/// strength of evidence gets the same number everywhere.
pub mod conf {
    /// A validated magic number or an explicit label (PEM `CERTIFICATE`).
    pub const CERTAIN: u16 = 950;
    /// Structure that matches on several independent points.
    pub const STRONG: u16 = 850;
    /// Structure that matches, with room for a look-alike.
    pub const LIKELY: u16 = 700;
    /// One signal that fits, among others that would fit too.
    pub const PLAUSIBLE: u16 = 500;
    /// A weak hint (a size that collides with many things).
    pub const WEAK: u16 = 250;
}

/// A container or encoding is reported only at or above this confidence.
pub const CERTAIN_ENOUGH: u16 = conf::STRONG;

/// One label with its confidence and the signals behind it: fx-facts'
/// record, written as it is in the `label` event.
pub use fx_facts::route::LabelScore;

/// What the sniffers found on one input.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    labels: Vec<LabelScore>,
    container: Option<(Container, u16)>,
    encoding: Option<(Encoding, u16)>,
}

/// Most signals kept per label (a file of ten thousand PEM blocks must not
/// grow the event).
const MAX_SIGNALS: usize = 16;

impl Findings {
    /// Records `signal` as evidence for `label` at `confidence` permille.
    pub fn add(&mut self, label: Label, confidence: u16, signal: impl Into<String>) {
        let confidence = confidence.min(1000);
        let signal = signal.into();
        match self.labels.iter_mut().find(|l| l.label == label) {
            Some(l) => {
                l.confidence = l.confidence.max(confidence);
                if l.signals.len() < MAX_SIGNALS && !l.signals.contains(&signal) {
                    l.signals.push(signal);
                }
            }
            None => self.labels.push(LabelScore {
                label,
                confidence,
                signals: vec![signal],
            }),
        }
    }

    /// Proposes the container; the most confident proposal wins, the first on a tie.
    pub fn container(&mut self, c: Container, confidence: u16) {
        if self.container.is_none_or(|(_, have)| confidence > have) {
            self.container = Some((c, confidence));
        }
    }

    /// Proposes the encoding; the most confident proposal wins, the first on a tie.
    pub fn encoding(&mut self, e: Encoding, confidence: u16) {
        if self.encoding.is_none_or(|(_, have)| confidence > have) {
            self.encoding = Some((e, confidence));
        }
    }

    /// The highest confidence of any label so far (0 when none).
    pub fn best(&self) -> u16 {
        self.labels.iter().map(|l| l.confidence).max().unwrap_or(0)
    }

    /// The highest confidence of any label other than `except`.
    pub fn best_except(&self, except: &[Label]) -> u16 {
        self.labels
            .iter()
            .filter(|l| !except.contains(&l.label))
            .map(|l| l.confidence)
            .max()
            .unwrap_or(0)
    }

    /// The confidence of `label` (0 when absent).
    pub fn confidence(&self, label: Label) -> u16 {
        self.labels
            .iter()
            .find(|l| l.label == label)
            .map_or(0, |l| l.confidence)
    }

    /// The encoding proposed so far, with its confidence.
    pub fn encoding_so_far(&self) -> Option<(Encoding, u16)> {
        self.encoding
    }

    /// Merges findings of a decoded layer: signals prefixed with `prefix`,
    /// confidences scaled by `permille`/1000. The container of the inner
    /// layer is kept, unscaled, when the outer has none (a base64 DER
    /// certificate is still an `x509_certificate`); the inner encoding is not.
    pub fn absorb(&mut self, inner: Findings, prefix: &str, permille: u16) {
        for l in inner.labels {
            let c = (u32::from(l.confidence) * u32::from(permille) / 1000) as u16;
            for s in l.signals {
                self.add(l.label, c, format!("{prefix}{s}"));
            }
        }
        // Decoding is exact: the inner container is as certain as it was.
        if let Some((c, k)) = inner.container
            && self.container.is_none()
        {
            self.container = Some((c, k));
        }
    }

    /// Concludes: labels sorted by confidence (highest first; on ties, the
    /// order the sniffers saw them, which is fixed), `unknown` when there is
    /// none, and the container and encoding only when certain enough.
    pub fn conclude(mut self, unknown_signal: &str) -> Verdict {
        if self.labels.is_empty() {
            self.add(Label::Unknown, conf::PLAUSIBLE, unknown_signal);
        }
        self.labels.sort_by_key(|l| std::cmp::Reverse(l.confidence));
        Verdict {
            labels: self.labels,
            container: self
                .container
                .filter(|&(_, k)| k >= CERTAIN_ENOUGH)
                .map(|(c, _)| c),
            encoding: self
                .encoding
                .filter(|&(_, k)| k >= CERTAIN_ENOUGH)
                .map(|(e, _)| e),
        }
    }
}

/// The router's conclusion on one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Every plausible label, most confident first; never empty.
    pub labels: Vec<LabelScore>,
    /// The container, when the sniff is certain of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<Container>,
    /// The encoding, when the sniff is certain of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
}

/// Signals that are guesses (statistics or size alone), not structure. A
/// decoded layer's signals carry its prefix (`base64>entropy:high`).
/// `hash:embedded_token…` is a hash-shaped token inside a larger text: it
/// says the text mentions a hash, not that the artifact is hash material.
const GUESS_SIGNALS: &[&str] = &[
    "entropy:",
    "text:",
    "nothing:",
    "pqc_size:",
    "size:",
    "hash:embedded_token",
];
/// `size:` signals that also check a structural byte (an EC point's prefix).
const STRUCTURAL_SIZE_SIGNALS: &[&str] =
    &["size:uncompressed_ec_point", "size:compressed_ec_point"];

/// True when `signal` is a guess (statistics or size alone).
pub fn is_guess_signal(signal: &str) -> bool {
    let inner = signal.rsplit('>').next().unwrap_or(signal);
    GUESS_SIGNALS.iter().any(|p| inner.starts_with(p))
        && !STRUCTURAL_SIZE_SIGNALS.iter().any(|s| inner.starts_with(s))
}

/// True when every signal of `signal`s is about size alone.
fn size_only(signals: &[String]) -> bool {
    signals.iter().all(|s| {
        let inner = s.rsplit('>').next().unwrap_or(s);
        (inner.starts_with("pqc_size:") || inner.starts_with("size:"))
            && !STRUCTURAL_SIZE_SIGNALS.iter().any(|p| inner.starts_with(p))
    })
}

/// What the router concludes (DESIGN §9, precision first): the labels it
/// stands behind, with the basis and the confidence of a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concluded {
    /// The labels concluded.
    pub labels: Vec<Label>,
    /// `structural` when a structural signal stands behind them, else
    /// `statistics`.
    pub basis: Basis,
    /// The confidence (permille) of a statistical guess.
    pub confidence: Option<u16>,
}

impl Verdict {
    /// The labels the router concludes, by the precision rule:
    ///
    /// * labels at [`conf::PLAUSIBLE`] or above with at least one structural
    ///   signal (magic, DER, PEM, SSH, JOSE, hash syntax, TLS) are concluded
    ///   with basis `structural`, and then alone;
    /// * otherwise the most confident label(s) at [`conf::PLAUSIBLE`] or
    ///   above from statistics (entropy, printable text, a hash-shaped token
    ///   inside a text) are concluded with basis `statistics` and their
    ///   confidence; size geometry alone is never concluded here (the
    ///   probe checks structure and statistics first) and stays a candidate
    ///   in the event data;
    /// * otherwise `unknown`, with basis `statistics`.
    pub fn concluded(&self) -> Concluded {
        let firm: Vec<Label> = self
            .labels
            .iter()
            .filter(|l| l.confidence >= conf::PLAUSIBLE && l.label != Label::Unknown)
            .filter(|l| l.signals.iter().any(|s| !is_guess_signal(s)))
            .map(|l| l.label)
            .collect();
        if !firm.is_empty() {
            return Concluded {
                labels: firm,
                basis: Basis::Structural,
                confidence: None,
            };
        }
        let guesses: Vec<&LabelScore> = self
            .labels
            .iter()
            .filter(|l| l.confidence >= conf::PLAUSIBLE && l.label != Label::Unknown)
            .filter(|l| !size_only(&l.signals))
            .collect();
        if guesses.is_empty() {
            return Concluded {
                labels: vec![Label::Unknown],
                basis: Basis::Statistics,
                confidence: None,
            };
        }
        // Only the most confident reading stands: two guesses are not
        // evidence for each other.
        let top = guesses.iter().map(|l| l.confidence).max();
        Concluded {
            labels: guesses
                .iter()
                .filter(|l| Some(l.confidence) == top)
                .map(|l| l.label)
                .collect(),
            basis: Basis::Statistics,
            confidence: top,
        }
    }

    /// The labels alone, most confident first.
    pub fn label_set(&self) -> Vec<Label> {
        self.labels.iter().map(|l| l.label).collect()
    }

    /// True when `label` is among the labels.
    pub fn has(&self, label: Label) -> bool {
        self.labels.iter().any(|l| l.label == label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_confidence_dedup_signals_and_order() {
        let mut f = Findings::default();
        f.add(Label::KeyMaterial, 300, "a");
        f.add(Label::Certificate, 900, "b");
        f.add(Label::KeyMaterial, 900, "c");
        f.add(Label::KeyMaterial, 100, "a");
        let v = f.conclude("none");
        assert_eq!(v.label_set(), vec![Label::KeyMaterial, Label::Certificate]);
        assert_eq!(v.labels[0].confidence, 900);
        assert_eq!(v.labels[0].signals, vec!["a", "c"]);
    }

    #[test]
    fn unknown_when_empty_and_uncertain_container_dropped() {
        let mut f = Findings::default();
        f.container(Container::PemBundle, 0);
        f.container(Container::Elf, 400);
        let v = f.conclude("nothing:fits");
        assert_eq!(v.label_set(), vec![Label::Unknown]);
        assert_eq!(v.labels[0].signals, vec!["nothing:fits"]);
        assert_eq!(v.container, None);
    }

    #[test]
    fn absorb_scales_and_prefixes() {
        let mut inner = Findings::default();
        inner.add(Label::Certificate, 1000, "der:x509");
        inner.container(Container::X509Certificate, 1000);
        let mut outer = Findings::default();
        outer.absorb(inner, "base64>", 900);
        let v = outer.conclude("-");
        assert_eq!(v.labels[0].confidence, 900);
        assert_eq!(v.labels[0].signals, vec!["base64>der:x509"]);
        assert_eq!(v.container, Some(Container::X509Certificate));
    }
}

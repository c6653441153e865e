//! Text that may not be valid UTF-8 (DESIGN §3 encoding rule).
//!
//! Valid UTF-8 is written as a plain JSON string; anything else as
//! `{"bytes": "<base64>"}`. Nothing is ever converted lossily.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// A string that came from the outside world (a path, a subject name, tool
/// output) and is kept byte-exact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Text {
    /// Valid UTF-8, written as a JSON string.
    Str(String),
    /// Bytes that are not valid UTF-8, written as `{"bytes": "<base64>"}`.
    Bytes {
        /// Standard base64 (RFC 4648, padded) of the raw bytes.
        bytes: String,
    },
}

impl Text {
    /// Wraps raw bytes: a plain string when they are UTF-8, base64 otherwise.
    pub fn from_bytes(raw: &[u8]) -> Text {
        match std::str::from_utf8(raw) {
            Ok(s) => Text::Str(s.to_owned()),
            Err(_) => Text::Bytes {
                bytes: STANDARD.encode(raw),
            },
        }
    }

    /// The raw bytes this text stands for (`None` if the base64 is invalid).
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        match self {
            Text::Str(s) => Some(s.as_bytes().to_vec()),
            Text::Bytes { bytes } => STANDARD.decode(bytes).ok(),
        }
    }

    /// The text when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Text::Str(s) => Some(s),
            Text::Bytes { .. } => None,
        }
    }

    /// Wraps an OS path byte-exactly (Unix paths are arbitrary bytes).
    #[cfg(unix)]
    pub fn from_path(path: &std::path::Path) -> Text {
        use std::os::unix::ffi::OsStrExt;
        Text::from_bytes(path.as_os_str().as_bytes())
    }

    /// A human-readable rendering for diagnostics (lossy; never evidence).
    pub fn display_lossy(&self) -> String {
        match self {
            Text::Str(s) => s.clone(),
            Text::Bytes { .. } => {
                String::from_utf8_lossy(&self.to_bytes().unwrap_or_default()).into_owned()
            }
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::Str(s.to_owned())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::Str(s)
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::Str(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_a_plain_string() {
        let t = Text::from_bytes(b"certs/a.pem");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"certs/a.pem\"");
    }

    #[test]
    fn non_utf8_round_trips_as_base64() {
        let raw = b"bad\xff\xfename";
        let t = Text::from_bytes(raw);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"bytes":"YmFk//5uYW1l"}"#);
        let back: Text = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_bytes().unwrap(), raw);
    }
}

//! Distinguished names as RFC 4514 strings, with a fixed table of attribute
//! short names (x509-cert's own `Display` searches the whole const-oid
//! database per attribute, which was a fifth of fx-inspect's time).

use der::{Tag, Tagged};
use x509_cert::name::Name;

fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => return None,
    })
}

fn escape(out: &mut String, s: &str) {
    let n = s.chars().count();
    for (i, c) in s.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i + 1 == n && c == ' ');
        if special {
            out.push('\\');
        }
        if c == '\0' {
            out.push_str("\\00");
        } else {
            out.push(c);
        }
    }
}

/// RFC 4514 rendering: RDNs last-first, `+` inside an RDN, string values
/// escaped, anything else as `#` + hex of its DER.
pub fn rfc4514(name: &Name) -> String {
    let mut out = String::new();
    let rdns: Vec<_> = name.iter_rdn().collect();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            let oid = atv.oid.to_string();
            out.push_str(short_name(&oid).unwrap_or(&oid));
            out.push('=');
            let v = atv.value.value();
            let text = match atv.value.tag() {
                Tag::Utf8String
                | Tag::PrintableString
                | Tag::Ia5String
                | Tag::TeletexString
                | Tag::VisibleString => std::str::from_utf8(v).ok().map(str::to_owned),
                Tag::BmpString if v.len() % 2 == 0 => {
                    let units: Vec<u16> = v
                        .chunks_exact(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16(&units).ok()
                }
                _ => None,
            };
            match text {
                Some(t) => escape(&mut out, &t),
                None => {
                    out.push('#');
                    let der = der::Encode::to_der(&atv.value).unwrap_or_default();
                    out.push_str(&hex::encode(der));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::str::FromStr;

    #[test]
    fn same_text_as_x509_cert_display() {
        for s in [
            "CN=fx test CA,O=fx fixtures,C=DE",
            "CN=a\\,b+UID=x,OU=unit 3,O=Org,DC=example,DC=com",
            "CN=\\ lead",
        ] {
            let n = Name::from_str(s).unwrap();
            assert_eq!(rfc4514(&n), n.to_string(), "{s}");
        }
        // emailAddress keeps OpenSSL's name (x509-cert says EMAIL).
        let n = Name::from_str("emailAddress=a@example.com,CN=x").unwrap();
        assert_eq!(rfc4514(&n), "emailAddress=a@example.com,CN=x");
    }
}

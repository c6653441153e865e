//! HTML escaping: every text fx puts in a page goes through [`esc`].

/// Escapes `s` for HTML text and quoted attribute values: `&`, `<`, `>`,
/// `"` and `'` become character references, and control characters other
/// than newline and tab are written as `\xNN` (so no byte of an artifact's
/// name or a certificate's subject can start markup or hide in the page).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes a link target that fx built from names it controls (page files,
/// blob references): the same as [`esc`], and a space as `%20`.
pub fn href(s: &str) -> String {
    esc(s).replace(' ', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            esc("<script>alert('x')</script>&\"\u{1}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\\x01"
        );
        assert_eq!(esc("caf\u{e9}\n"), "caf\u{e9}\n");
        assert_eq!(href("blobs/a b"), "blobs/a%20b");
    }
}

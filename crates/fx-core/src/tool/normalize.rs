//! Normalising what a tool prints that is not about the artifact, before
//! it becomes a blob (DESIGN §5: no pid, thread id, address, absolute temp
//! path or timing in evidence, including inside a tool's kept output).
//!
//! Two runs of the same tool on the same bytes differ in a few values that
//! belong to the process, not to the artifact; [`normalize`] writes a
//! fixed marker in their place:
//!
//! | what | streams | printed | kept |
//! |---|---|---|---|
//! | the run's workspace path (as created and canonical), also when the output cap cut it short at the end | stdout, stderr | `/tmp/fx-ws-Ab12Cd/object.der` | `$WS/object.der` |
//! | the thread id that starts an OpenSSL error line (OpenSSL 3: 16 hex digits, the id's bytes; 1.1: decimal) | stdout, stderr | `80CBF98DB57F0000:error:1608010C:STORE routines:…` | `$TID:error:1608010C:STORE routines:…` |
//! | a process address: `0x` and at most 16 hex digits whose value lies in 2^44 ≤ v < 2^48 (user-space stacks, heaps, libraries and PIE images on x86-64 and AArch64 under ASLR), zero-padded or not | stderr | `at 0x7ffd5e8c3a10`, `0x000055d4c3a2b000` | `at $ADDR`, `$ADDR` |
//! | a process id: `pid` then `=`, `:` or a space, then digits; the `==1234==` that starts sanitizer and valgrind lines | stderr | `[pid 4242]`, `==4242==ERROR` | `[pid $PID]`, `==$PID==ERROR` |
//! | a duration: a number with a time unit (`ns`, `us`, `µs`, `ms`, `s`, `sec`, `secs`, `seconds`; also `0m0.004s`) | stderr | `done in 0.004 s`, `took 12ms` | `done in $TIME`, `took $TIME` |
//!
//! Only stderr gets the last three: stdout is where a tool reports on the
//! artifact, and there the same shapes are evidence (radare2 and objdump
//! print the artifact's own addresses, tshark the capture's time deltas,
//! `openssl x509 -text` a serial as `(0x…)`). Low addresses (a non-PIE
//! heap, `0x1c4e010`) are left alone for the same reason: they cannot be
//! told from an address inside the artifact. Everything not matched is kept
//! byte for byte, invalid UTF-8 included, and normalising twice changes
//! nothing more.
//!
//! The output cap applies to the bytes the tool wrote; the stored blob is
//! those bytes normalised, so it may be a few bytes shorter or longer than
//! the cap (`ToolRun` byte counts say which is which).

use super::WS_MARK;

/// Written in place of an OpenSSL error line's thread id.
pub const TID: &str = "$TID";
/// Written in place of a process address.
pub const ADDR: &str = "$ADDR";
/// Written in place of a process id.
pub const PID: &str = "$PID";
/// Written in place of a duration.
pub const TIME: &str = "$TIME";

/// The stream of a tool run the bytes come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output: what the tool reports on the artifact.
    Stdout,
    /// Standard error: diagnostics.
    Stderr,
}

/// The kept bytes of one stream, normalised (see the module docs).
/// `workspace` holds the forms of the run's workspace path to replace by
/// `$WS`.
pub fn normalize(bytes: &[u8], stream: Stream, workspace: &[Vec<u8>]) -> Vec<u8> {
    let bytes = workspace_paths(bytes.to_vec(), workspace);
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let mut rest = line;
        if let Some(n) = openssl_thread_id(rest) {
            out.extend_from_slice(TID.as_bytes());
            rest = &rest[n..];
        }
        if stream == Stream::Stdout {
            out.extend_from_slice(rest);
            continue;
        }
        if let Some(n) = sanitizer_pid(rest) {
            out.extend_from_slice(b"==");
            out.extend_from_slice(PID.as_bytes());
            out.extend_from_slice(b"==");
            rest = &rest[n..];
        }
        diagnostics(rest, &mut out);
    }
    out
}

/// Replaces every occurrence of the workspace path by `$WS`, including a
/// prefix of it (8 bytes or more) cut off at the end of the kept bytes.
/// The longest form goes first, so a canonical path that contains the
/// other (`/private/tmp/…` and `/tmp/…`) is replaced whole.
fn workspace_paths(mut bytes: Vec<u8>, marks: &[Vec<u8>]) -> Vec<u8> {
    let mut marks: Vec<&Vec<u8>> = marks.iter().collect();
    marks.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for mark in marks {
        if mark.is_empty() {
            continue;
        }
        if memchr::memmem::find(&bytes, mark).is_some() {
            let mut out = Vec::with_capacity(bytes.len());
            let mut rest = &bytes[..];
            while let Some(i) = memchr::memmem::find(rest, mark) {
                out.extend_from_slice(&rest[..i]);
                out.extend_from_slice(WS_MARK.as_bytes());
                rest = &rest[i + mark.len()..];
            }
            out.extend_from_slice(rest);
            bytes = out;
        }
        let max = mark.len().min(bytes.len());
        for len in (8..max).rev() {
            if bytes.ends_with(&mark[..len]) {
                bytes.truncate(bytes.len() - len);
                bytes.extend_from_slice(WS_MARK.as_bytes());
                break;
            }
        }
    }
    bytes
}

/// Length of the thread id that starts an OpenSSL error line
/// (`<id>:error:`): 4 to 20 hex digits.
fn openssl_thread_id(line: &[u8]) -> Option<usize> {
    let n = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    ((4..=20).contains(&n) && line[n..].starts_with(b":error:")).then_some(n)
}

/// Length of a sanitizer or valgrind `==<pid>==` line prefix.
fn sanitizer_pid(line: &[u8]) -> Option<usize> {
    let digits = line.strip_prefix(b"==")?;
    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    ((1..=10).contains(&n) && digits[n..].starts_with(b"==")).then_some(n + 4)
}

/// Copies a stderr line into `out`, replacing addresses, pids and durations.
fn diagnostics(line: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < line.len() {
        let starts_word = i == 0 || !is_word(line[i - 1]) && line[i - 1] != b'.';
        if starts_word {
            if let Some(n) = address(&line[i..]) {
                out.extend_from_slice(ADDR.as_bytes());
                i += n;
                continue;
            }
            if let Some((keep, n)) = pid(&line[i..]) {
                out.extend_from_slice(&line[i..i + keep]);
                out.extend_from_slice(PID.as_bytes());
                i += n;
                continue;
            }
            if let Some(n) = duration(&line[i..]) {
                out.extend_from_slice(TIME.as_bytes());
                i += n;
                continue;
            }
        }
        out.push(line[i]);
        i += 1;
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when `s` ends a token here: its end, or a byte that is not part of
/// a word.
fn ends_token(s: &[u8]) -> bool {
    s.first().is_none_or(|&b| !is_word(b))
}

/// Length of a process address at the start of `s`: `0x` and up to 16 hex
/// digits whose value is in 2^44 ≤ v < 2^48.
fn address(s: &[u8]) -> Option<usize> {
    let hex = s.strip_prefix(b"0x").or_else(|| s.strip_prefix(b"0X"))?;
    let n = hex.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if n > 16 || !ends_token(&hex[n..]) {
        return None;
    }
    let significant = hex[..n].iter().skip_while(|&&b| b == b'0').count();
    (significant == 12).then_some(n + 2)
}

/// A process id at the start of `s`: `pid` (any case), then `=`, `:` or a
/// space (up to two of them), then digits. Returns the length kept (the word
/// and its separator) and the whole length.
fn pid(s: &[u8]) -> Option<(usize, usize)> {
    if s.len() < 4 || !s[..3].eq_ignore_ascii_case(b"pid") {
        return None;
    }
    let sep = s[3..]
        .iter()
        .take(2)
        .take_while(|&&b| matches!(b, b'=' | b':' | b' '))
        .count();
    if sep == 0 {
        return None;
    }
    let keep = 3 + sep;
    let n = s[keep..].iter().take_while(|b| b.is_ascii_digit()).count();
    let end = keep + n;
    let fraction = s.get(end) == Some(&b'.') && s.get(end + 1).is_some_and(u8::is_ascii_digit);
    ((1..=10).contains(&n) && ends_token(&s[end..]) && !fraction).then_some((keep, end))
}

/// Time units, longest first so that `secs` is not read as `s`.
const UNITS: &[&[u8]] = &[
    b"seconds",
    b"secs",
    b"sec",
    b"ms",
    b"us",
    "µs".as_bytes(),
    b"ns",
    b"s",
];

/// Length of a duration at the start of `s`: a number (with a fraction or
/// not; or `<minutes>m<seconds>`), an optional space, and a time unit.
fn duration(s: &[u8]) -> Option<usize> {
    let mut i = number(s)?;
    if s.get(i) == Some(&b'm') && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
        // `0m0.004s`, as time(1) prints it.
        let secs = number(&s[i + 1..])?;
        let end = i + 1 + secs;
        return (s.get(end) == Some(&b's') && ends_token(&s[end + 1..])).then_some(end + 1);
    }
    if s.get(i) == Some(&b' ') {
        i += 1;
    }
    UNITS.iter().find_map(|u| {
        (s[i..].starts_with(u) && ends_token(&s[i + u.len()..])).then_some(i + u.len())
    })
}

/// Length of a decimal number (`12`, `0.004`) at the start of `s`, not
/// followed by another `.` or digit (a version such as `3.0.19` is not one).
fn number(s: &[u8]) -> Option<usize> {
    let int = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    let mut i = int;
    if s.get(i) == Some(&b'.') {
        let frac = s[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if frac > 0 {
            i += 1 + frac;
        }
    }
    match s.get(i) {
        Some(b'.') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => None,
        _ => Some(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &[u8] = b"/tmp/fx-ws-Ab12Cd";

    fn err(s: &str) -> String {
        let marks = [WS.to_vec()];
        String::from_utf8(normalize(s.as_bytes(), Stream::Stderr, &marks)).expect("utf8")
    }

    fn out(s: &str) -> String {
        let marks = [WS.to_vec()];
        String::from_utf8(normalize(s.as_bytes(), Stream::Stdout, &marks)).expect("utf8")
    }

    /// `openssl x509 -inform DER -noout -serial -in …` on a certificate whose
    /// subject is not valid UTF-8, OpenSSL 3.0.19 (Debian 12), two runs: the
    /// thread id is all that differs.
    const OPENSSL3_X509: [&str; 2] = [
        "Could not read certificate from /tmp/fx-ws-Ab12Cd/object.der\n\
         809B8846F77F0000:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:149:\n\
         Unable to load certificate\n",
        "Could not read certificate from /tmp/fx-ws-Ab12Cd/object.der\n\
         807B426CFB7F0000:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:149:\n\
         Unable to load certificate\n",
    ];

    #[test]
    fn openssl_3_error_lines_lose_their_thread_id() {
        let want = "Could not read certificate from $WS/object.der\n\
                    $TID:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:149:\n\
                    Unable to load certificate\n";
        for run in OPENSSL3_X509 {
            assert_eq!(err(run), want);
        }
        // The PEM decoder's three lines (`openssl x509 -in broken.pem`).
        let pem = "80DBB7DF997F0000:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:149:\n\
                   80DBB7DF997F0000:error:1E08010C:DECODER routines:OSSL_DECODER_from_bio:unsupported:../crypto/encode_decode/decoder_lib.c:103:No supported data to decode. Input structure: Certificate\n";
        assert_eq!(
            err(pem),
            "$TID:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:149:\n\
             $TID:error:1E08010C:DECODER routines:OSSL_DECODER_from_bio:unsupported:../crypto/encode_decode/decoder_lib.c:103:No supported data to decode. Input structure: Certificate\n"
        );
        // `openssl asn1parse -inform DER` on `30 82 ff ff 02 01`, on either
        // stream, and with no final newline.
        let asn1 = "80DB8A454F7F0000:error:0680009B:asn1 encoding routines:ASN1_get_object:too long:../crypto/asn1/asn1_lib.c:95:";
        let want = "$TID:error:0680009B:asn1 encoding routines:ASN1_get_object:too long:../crypto/asn1/asn1_lib.c:95:";
        assert_eq!(err(asn1), want);
        assert_eq!(out(asn1), want);
    }

    #[test]
    fn openssl_1_1_decimal_thread_ids_too() {
        assert_eq!(
            err("unable to load certificate\n\
                 140735833556800:error:0909006C:PEM routines:get_name:no start line:crypto/pem/pem_lib.c:745:Expecting: TRUSTED CERTIFICATE\n"),
            "unable to load certificate\n\
             $TID:error:0909006C:PEM routines:get_name:no start line:crypto/pem/pem_lib.c:745:Expecting: TRUSTED CERTIFICATE\n"
        );
    }

    #[test]
    fn what_the_tool_says_about_the_artifact_is_kept() {
        for s in [
            // openssl x509 -serial / -text, asn1parse.
            "serial=1441231A00EE79B189A9FCFC6C1B62901C8464C2\n",
            "        Serial Number: 6863534542143577743 (0x5f3e2a1b4c6d7e8f)\n",
            "                Exponent: 65537 (0x10001)\n",
            "    0:d=0  hl=4 l= 392 cons: SEQUENCE          \n",
            "   77:d=3  hl=2 l=  13 prim: UTCTIME           :261123033419Z\n",
            // Addresses and times that are the artifact's own, on stdout.
            "0x7ffd5e8c3a10      55             push rbp\n",
            "3\t0.000123 s\tpid 4242\n",
            "Error in encoding\n",
        ] {
            assert_eq!(out(s), s, "stdout");
        }
        for s in [
            "OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)\n",
            "Running as user \"root\" and group \"root\". This could be dangerous.\n",
            "WARN: Relocs has not been applied at 0x00401000 (found 1 sections)\n",
            "rapid 5, pids 7, 2 s3cret, v1.2.3s, 0x1c4e010, 0x10001, 0x5f3e2a1b4c6d7e8f9\n",
            "abc:error:not a thread id\n",
            "1234:warning: not an error line\n",
        ] {
            assert_eq!(err(s), s, "stderr");
        }
    }

    #[test]
    fn stderr_loses_addresses_pids_and_durations() {
        assert_eq!(
            err(
                "==12345==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000011 at pc 0x55d4c3a2b2a0 bp 0x7ffd5e8c3a10 sp 0x00007ffd5e8c3a08\n"
            ),
            "==$PID==ERROR: AddressSanitizer: heap-buffer-overflow on address $ADDR at pc $ADDR bp $ADDR sp $ADDR\n"
        );
        assert_eq!(
            err("mmap at 0xffff8a2b1000 (aarch64), [pid 4242] PID=17 pid: 99.\n"),
            "mmap at $ADDR (aarch64), [pid $PID] PID=$PID pid: $PID.\n"
        );
        assert_eq!(
            err("done in 0.004 s; took 12ms, 3 secs, 1.5µs, real 0m0.003s\n"),
            "done in $TIME; took $TIME, $TIME, $TIME, real $TIME\n"
        );
    }

    #[test]
    fn workspace_paths_full_and_cut_short() {
        let marks = [WS.to_vec()];
        let ws = |s: &[u8]| normalize(s, Stream::Stdout, &marks);
        assert_eq!(ws(b"open /tmp/fx-ws-Ab12Cd/x failed"), b"open $WS/x failed");
        assert_eq!(ws(b"at /tmp/fx-ws-Ab"), b"at $WS");
        assert_eq!(ws(b"plain"), b"plain");
        // A canonical form of the path is a second mark.
        let two = [WS.to_vec(), b"/private/tmp/fx-ws-Ab12Cd".to_vec()];
        assert_eq!(
            normalize(
                b"/private/tmp/fx-ws-Ab12Cd/a /tmp/fx-ws-Ab12Cd/b",
                Stream::Stderr,
                &two
            ),
            b"$WS/a $WS/b"
        );
    }

    #[test]
    fn invalid_utf8_is_kept_and_normalising_twice_changes_nothing() {
        let marks = [WS.to_vec()];
        let raw =
            b"\xff\xfe 80CB:error: at 0x7ffd5e8c3a10 pid 3 in 2ms \xc3\n80CBF98DB57F0000:error:x\n";
        let once = normalize(raw, Stream::Stderr, &marks);
        assert_eq!(
            once,
            b"\xff\xfe 80CB:error: at $ADDR pid $PID in $TIME \xc3\n$TID:error:x\n"
        );
        assert_eq!(normalize(&once, Stream::Stderr, &marks), once);
        for s in OPENSSL3_X509 {
            let once = normalize(s.as_bytes(), Stream::Stderr, &marks);
            assert_eq!(normalize(&once, Stream::Stderr, &marks), once);
        }
    }
}

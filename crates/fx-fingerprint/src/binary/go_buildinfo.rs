//! Go build information (`.go.buildinfo`, Go ≥ 1.18 inline format): the Go
//! version and the module versions the binary was built from.

/// What a Go binary says about its build: fx-facts' record, filled here
/// (`deps` cut at [`MAX_DEPS`]).
pub use fx_facts::library::GoBuildInfo;

/// Module dependencies kept.
pub const MAX_DEPS: usize = 256;

fn uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, byte) in b.iter().take(10).enumerate() {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

fn varint_string(b: &[u8]) -> Option<(&[u8], usize)> {
    let (len, n) = uvarint(b)?;
    let len = usize::try_from(len).ok()?;
    let s = b.get(n..n.checked_add(len)?)?;
    Some((s, n + len))
}

/// Parses the build info blob starting at `off` (the magic).
pub fn parse(bytes: &[u8], off: usize) -> Option<GoBuildInfo> {
    let header = bytes.get(off..off.checked_add(32)?)?;
    let flags = header[15];
    if flags & 0x2 == 0 {
        return None; // pre-1.18 pointer format: needs address translation
    }
    let rest = bytes.get(off + 32..)?;
    let (version, used) = varint_string(rest)?;
    let (modinfo, _) = varint_string(rest.get(used..)?)?;
    let mut info = GoBuildInfo {
        go_version: String::from_utf8_lossy(version).into_owned(),
        ..GoBuildInfo::default()
    };
    // modinfo is framed by 16-byte sentinels
    let text = if modinfo.len() >= 33 {
        &modinfo[16..modinfo.len() - 16]
    } else {
        modinfo
    };
    for line in String::from_utf8_lossy(text).lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["path", p, ..] => info.path = Some((*p).to_string()),
            ["mod", _, v, ..] => info.main_version = Some((*v).to_string()),
            ["dep", p, v, ..] => {
                if info.deps.len() < MAX_DEPS {
                    info.deps.push(((*p).to_string(), (*v).to_string()));
                } else {
                    info.deps_capped = true;
                }
            }
            _ => {}
        }
    }
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_format() {
        let mut b = b"\xff Go buildinf:".to_vec();
        b.push(8);
        b.push(2);
        b.resize(32, 0);
        let v = b"go1.22.2";
        b.push(v.len() as u8);
        b.extend_from_slice(v);
        let mut m = vec![b'x'; 16];
        m.extend_from_slice(b"path\texample.com/x\nmod\texample.com/x\t(devel)\t\ndep\tgolang.org/x/crypto\tv0.21.0\th1:abc\n");
        m.extend_from_slice(&[b'y'; 16]);
        b.push(m.len() as u8);
        b.extend_from_slice(&m);
        let info = parse(&b, 0).expect("parses");
        assert_eq!(info.go_version, "go1.22.2");
        assert_eq!(
            info.deps,
            vec![("golang.org/x/crypto".to_string(), "v0.21.0".to_string())]
        );
        for cut in 0..b.len() {
            let _ = parse(&b[..cut], 0);
        }
    }
}

//! ELF, PE and Mach-O (thin and fat) structure with goblin: linkage,
//! imported and defined symbols, sections, build id.
//!
//! goblin is run under `catch_unwind` as well as checked for errors, so a
//! hostile header that trips a panic deep in a parser becomes a failure
//! shape instead of a crashed worker. Every list is capped.

use std::panic::{AssertUnwindSafe, catch_unwind};

use fx_facts::library::ObjectData;
use goblin::Object;
use serde::Serialize;

/// Symbols kept per list (imports, defined).
pub const MAX_SYMBOLS: usize = 200_000;
/// Sections kept.
pub const MAX_SECTIONS: usize = 4096;
/// Architectures of a fat Mach-O read.
pub const MAX_ARCHES: usize = 8;

/// Executable format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// ELF.
    Elf,
    /// PE/COFF.
    Pe,
    /// Mach-O, thin or fat.
    Macho,
}

impl Format {
    /// The format's name as events write it (`elf`, `pe`, `macho`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Elf => "elf",
            Format::Pe => "pe",
            Format::Macho => "macho",
        }
    }
}

/// Sniffs an executable format from the magic.
pub fn sniff(b: &[u8]) -> Option<Format> {
    let m = b.get(..4)?;
    match m {
        [0x7f, b'E', b'L', b'F'] => Some(Format::Elf),
        [b'M', b'Z', _, _] => Some(Format::Pe),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe] => Some(Format::Macho),
        [0xca, 0xfe, 0xba, 0xbe]
            if b.get(4..8)
                .is_some_and(|n| n[..3] == [0, 0, 0] && n[3] > 0 && n[3] < 32) =>
        {
            Some(Format::Macho)
        }
        _ => None,
    }
}

/// A section (file range) of the binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Section name (`.rodata`, `__TEXT,__const`, …).
    pub name: String,
    /// File offset.
    pub offset: u64,
    /// Bytes in the file.
    pub size: u64,
    /// True for executable code.
    pub code: bool,
}

/// What the structure parse found: the `object` step's data
/// ([`ObjectInfo::record`]) with the symbol and section lists the scan and
/// the candidates read.
#[derive(Clone, Debug, Default)]
pub struct ObjectInfo {
    /// Format.
    pub format: Option<Format>,
    /// Architecture names (one per slice of a fat file).
    pub arch: Vec<String>,
    /// Libraries needed at run time (DT_NEEDED, imported DLLs, dylibs).
    pub needed: Vec<String>,
    /// The file's own library name (ELF soname, PE export name, dylib id).
    pub soname: Option<String>,
    /// Imported (undefined) symbols.
    pub imports: Vec<String>,
    /// Defined symbols (exported or in the symbol table).
    pub defined: Vec<String>,
    /// Counts of `imports` and `defined`.
    pub import_count: usize,
    /// Defined symbol count.
    pub defined_count: usize,
    /// Sections in file order.
    pub sections: Vec<Section>,
    /// GNU build id (ELF note), hex.
    pub build_id: Option<String>,
    /// True when nothing is linked dynamically (no needed libraries, no interpreter).
    pub statically_linked: bool,
    /// True when a list hit its cap.
    pub capped: bool,
}

impl ObjectInfo {
    /// The `object` step's data as fx-facts records it: the structure with
    /// the section count (not the sections), without Go or Rust evidence
    /// (the scan adds those).
    pub fn record(&self) -> ObjectData {
        ObjectData {
            format: self.format.map(|f| f.as_str().to_owned()),
            arch: self.arch.clone(),
            needed: self.needed.clone(),
            soname: self.soname.clone(),
            import_count: self.import_count as u64,
            defined_count: self.defined_count as u64,
            sections: self.sections.len() as u64,
            build_id: self.build_id.clone(),
            statically_linked: self.statically_linked,
            capped: self.capped,
            go_buildinfo: None,
            rust: None,
        }
    }
}

/// Why the structure could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectError {
    /// goblin's message (deterministic text).
    pub detail: String,
    /// True when the header ends early.
    pub truncated: bool,
}

/// Parses the structure of an executable.
pub fn parse(bytes: &[u8]) -> Result<ObjectInfo, ObjectError> {
    match catch_unwind(AssertUnwindSafe(|| parse_inner(bytes))) {
        Ok(r) => r,
        Err(_) => Err(ObjectError {
            detail: "the object parser gave up on a malformed header".into(),
            truncated: false,
        }),
    }
}

fn err(e: goblin::error::Error) -> ObjectError {
    let detail = e.to_string();
    let truncated = detail.contains("too small")
        || detail.contains("TooBig")
        || detail.contains("offset")
        || detail.contains("end of");
    ObjectError {
        detail: one_line(&detail),
        truncated,
    }
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.chars().take(200).collect()
}

fn push_capped(list: &mut Vec<String>, v: &str, capped: &mut bool) {
    if v.is_empty() {
        return;
    }
    if list.len() >= MAX_SYMBOLS {
        *capped = true;
        return;
    }
    list.push(v.to_string());
}

fn parse_inner(bytes: &[u8]) -> Result<ObjectInfo, ObjectError> {
    let mut info = ObjectInfo::default();
    match Object::parse(bytes).map_err(err)? {
        Object::Elf(elf) => {
            info.format = Some(Format::Elf);
            info.arch
                .push(goblin::elf::header::machine_to_str(elf.header.e_machine).to_string());
            info.needed = elf.libraries.iter().map(|s| s.to_string()).collect();
            info.soname = elf.soname.map(str::to_string);
            for sym in elf.dynsyms.iter() {
                let name = elf.dynstrtab.get_at(sym.st_name).unwrap_or("");
                if sym.st_shndx == 0 {
                    push_capped(&mut info.imports, name, &mut info.capped);
                } else {
                    push_capped(&mut info.defined, name, &mut info.capped);
                }
            }
            for sym in elf.syms.iter() {
                let name = elf.strtab.get_at(sym.st_name).unwrap_or("");
                if sym.st_shndx != 0
                    && (sym.is_function() || sym.st_type() == goblin::elf::sym::STT_OBJECT)
                {
                    push_capped(&mut info.defined, name, &mut info.capped);
                } else if sym.st_shndx == 0 {
                    push_capped(&mut info.imports, name, &mut info.capped);
                }
            }
            for sh in elf.section_headers.iter().take(MAX_SECTIONS) {
                if sh.sh_type == goblin::elf::section_header::SHT_NOBITS {
                    continue;
                }
                info.sections.push(Section {
                    name: elf.shdr_strtab.get_at(sh.sh_name).unwrap_or("").to_string(),
                    offset: sh.sh_offset,
                    size: sh.sh_size,
                    code: sh.is_executable(),
                });
            }
            info.capped |= elf.section_headers.len() > MAX_SECTIONS;
            if let Some(notes) = elf.iter_note_sections(bytes, Some(".note.gnu.build-id")) {
                for note in notes.flatten() {
                    if note.n_type == goblin::elf::note::NT_GNU_BUILD_ID {
                        info.build_id = Some(hex::encode(note.desc));
                        break;
                    }
                }
            }
            info.statically_linked = elf.libraries.is_empty() && elf.interpreter.is_none();
        }
        Object::PE(pe) => {
            info.format = Some(Format::Pe);
            info.arch.push(
                goblin::pe::header::machine_to_str(pe.header.coff_header.machine).to_string(),
            );
            info.needed = pe.libraries.iter().map(|s| s.to_string()).collect();
            info.soname = pe.name.map(str::to_string);
            for imp in &pe.imports {
                push_capped(&mut info.imports, &imp.name, &mut info.capped);
            }
            for exp in &pe.exports {
                if let Some(n) = exp.name {
                    push_capped(&mut info.defined, n, &mut info.capped);
                }
            }
            for s in pe.sections.iter().take(MAX_SECTIONS) {
                info.sections.push(Section {
                    name: String::from_utf8_lossy(&s.name)
                        .trim_end_matches('\0')
                        .to_string(),
                    offset: u64::from(s.pointer_to_raw_data),
                    size: u64::from(s.size_of_raw_data),
                    code: s.characteristics & goblin::pe::section_table::IMAGE_SCN_MEM_EXECUTE != 0,
                });
            }
            info.statically_linked = pe.libraries.is_empty();
        }
        Object::Mach(goblin::mach::Mach::Binary(m)) => {
            info.format = Some(Format::Macho);
            macho_into(&m, 0, &mut info);
        }
        Object::Mach(goblin::mach::Mach::Fat(fat)) => {
            info.format = Some(Format::Macho);
            let arches: Vec<_> = fat.iter_arches().take(MAX_ARCHES).collect();
            for (i, arch) in arches.into_iter().enumerate() {
                let arch = arch.map_err(err)?;
                if let Ok(goblin::mach::SingleArch::MachO(m)) = fat.get(i) {
                    macho_into(&m, u64::from(arch.offset), &mut info);
                }
            }
            info.needed.sort();
            info.needed.dedup();
        }
        Object::TE(_) | Object::COFF(_) | Object::Archive(_) | Object::Unknown(_) => {
            return Err(ObjectError {
                detail: "not an ELF, PE or Mach-O executable".into(),
                truncated: false,
            });
        }
        _ => {
            return Err(ObjectError {
                detail: "unsupported object kind".into(),
                truncated: false,
            });
        }
    }
    info.sections.sort_by_key(|s| (s.offset, s.size));
    info.import_count = info.imports.len();
    info.defined_count = info.defined.len();
    Ok(info)
}

fn macho_into(m: &goblin::mach::MachO<'_>, base: u64, info: &mut ObjectInfo) {
    info.arch.push(
        goblin::mach::cputype::get_arch_name_from_types(m.header.cputype, m.header.cpusubtype)
            .unwrap_or("unknown")
            .to_string(),
    );
    for lib in m.libs.iter().skip(1) {
        info.needed.push(lib.to_string());
    }
    if info.soname.is_none() {
        info.soname = m.name.map(str::to_string);
    }
    for (name, nlist) in m.symbols().flatten() {
        if nlist.is_stab() {
            continue;
        }
        let name = name.strip_prefix('_').unwrap_or(name);
        if nlist.is_undefined() {
            push_capped(&mut info.imports, name, &mut info.capped);
        } else {
            push_capped(&mut info.defined, name, &mut info.capped);
        }
    }
    for seg in m.segments.iter() {
        let Ok(sections) = seg.sections() else {
            continue;
        };
        for (s, _) in sections {
            if info.sections.len() >= MAX_SECTIONS {
                info.capped = true;
                break;
            }
            let code = s.flags & 0x8000_0000 != 0 || s.flags & 0x400 != 0;
            info.sections.push(Section {
                name: format!("{},{}", s.segname().unwrap_or(""), s.name().unwrap_or("")),
                offset: base + u64::from(s.offset),
                size: s.size,
                code,
            });
        }
    }
    info.statically_linked = false;
}

/// The section holding file offset `off` (the first one in file order when
/// sections overlap).
pub fn section_at(sections: &[Section], off: u64) -> Option<&Section> {
    let idx = sections.partition_point(|s| s.offset <= off);
    sections[..idx]
        .iter()
        .rev()
        .take(64)
        .find(|s| off < s.offset.saturating_add(s.size))
}

//! The artifact pages, `reports/artifacts/NNNN.html`: [`PAGE_SIZE`]
//! artifacts each, by `artifact_seq` (page `NNNN` holds artifacts
//! `(NNNN - 1) * 1000` to `NNNN * 1000 - 1`). The jobs are streamed from
//! `telemetry/jobs.jsonl` (in `artifact_seq` order, as fx-seq writes it):
//! one job in memory at a time, each page written to a temporary name and
//! renamed when it is complete. While streaming, the entropy of every
//! artifact (fx-route's `label` step, read through fx-facts) is binned for
//! the index's histogram.

use std::io::{BufRead, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use fx_core::job::Job;
use fx_core::jsonl::JsonlReader;
use fx_core::run::RunDir;
use fx_facts::JobFacts;

use super::escape::esc;
use super::event_row;
use super::page;
use crate::findings::{JOBS_FILE, display_text};

/// Artifacts per page.
pub const PAGE_SIZE: u64 = 1000;
/// The artifact pages' directory, relative to `reports/`.
pub const DIR: &str = "artifacts";
/// Bins of the entropy histogram (half a bit per byte each, 0 to 8).
pub const ENTROPY_BINS: usize = 16;

/// The page number of an artifact (from 1).
pub fn page_of(artifact_seq: u64) -> u64 {
    artifact_seq / PAGE_SIZE + 1
}

/// The file name of a page (`0001.html`).
pub fn page_file(page: u64) -> String {
    format!("{page:04}.html")
}

/// The link from `reports/` to an artifact, or to one of its events.
pub fn link(artifact_seq: u64, event_seq: Option<u64>) -> String {
    let file = page_file(page_of(artifact_seq));
    match event_seq {
        Some(e) => format!("{DIR}/{file}#a{artifact_seq}-e{e}"),
        None => format!("{DIR}/{file}#a{artifact_seq}"),
    }
}

/// One written page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageEntry {
    /// Its number.
    pub page: u64,
    /// First and last artifact on it.
    pub first: u64,
    /// Last artifact on it.
    pub last: u64,
    /// Artifacts on it.
    pub artifacts: u64,
}

/// What writing the pages gathered for the index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pages {
    /// The pages, in order.
    pub pages: Vec<PageEntry>,
    /// Artifacts per entropy bin.
    pub entropy: [u64; ENTROPY_BINS],
    /// Artifacts fx-route measured.
    pub measured: u64,
}

/// The entropy bin of `millibits` per byte (0 to 8000).
pub fn entropy_bin(millibits: u32) -> usize {
    ((millibits / 500) as usize).min(ENTROPY_BINS - 1)
}

/// A page being written.
struct Open {
    entry: PageEntry,
    tmp: BufWriter<tempfile::NamedTempFile>,
}

/// Streams the jobs of `run` into pages under `reports/artifacts/`,
/// removing pages a previous report wrote that this one does not. Jobs
/// come in `artifact_seq` order from fx-seq and are rendered as read; jobs
/// in any other order (a file not written by fx-seq) are rendered from an
/// index of (`artifact_seq`, line offset) sorted first, so the pages are the
/// same bytes in any job order and memory still holds one job at a time.
pub fn write(run: &RunDir) -> anyhow::Result<Pages> {
    let dir = run.path().join("reports").join(DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
    let path = run.path().join(JOBS_FILE);
    let max_line = run.policy().limits.max_line_bytes as usize;
    let file = std::fs::File::open(&path)
        .with_context(|| format!("{} is missing (run fx-seq first)", path.display()))?;
    let mut reader = JsonlReader::new(std::io::BufReader::with_capacity(1 << 20, file), max_line);
    let in_order = render(&dir, run, || {
        reader
            .next_record::<Job>()
            .with_context(|| format!("{}", path.display()))
    })?;
    let pages = match in_order {
        Some(pages) => pages,
        None => {
            let index = sorted_index(&path, max_line)?;
            let mut file =
                std::fs::File::open(&path).with_context(|| format!("{}", path.display()))?;
            let mut at = index.into_iter();
            render(&dir, run, || {
                let Some((_, offset, len)) = at.next() else {
                    return Ok(None);
                };
                let mut line = vec![0u8; len];
                file.seek(SeekFrom::Start(offset))?;
                file.read_exact(&mut line)?;
                Ok(Some(serde_json::from_slice::<Job>(&line).with_context(
                    || format!("{} at byte {offset}", path.display()),
                )?))
            })?
            .with_context(|| format!("{}: an artifact_seq appears twice", path.display()))?
        }
    };
    remove_stale(&dir, &pages.pages)?;
    Ok(pages)
}

/// (`artifact_seq`, offset, length) of every job line, by `artifact_seq`.
fn sorted_index(path: &Path, max_line: usize) -> anyhow::Result<Vec<(u64, u64, usize)>> {
    #[derive(serde::Deserialize)]
    struct Seq {
        artifact_seq: u64,
    }
    #[derive(serde::Deserialize)]
    struct Head {
        artifact: Seq,
    }
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut r = std::io::BufReader::with_capacity(1 << 20, file);
    let mut out = Vec::new();
    let mut offset = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        let body = line.strip_suffix(b"\n").unwrap_or(&line);
        if body.len() > max_line {
            anyhow::bail!("{}: a line is longer than {max_line} bytes", path.display());
        }
        if !body.iter().all(u8::is_ascii_whitespace) {
            let h: Head = serde_json::from_slice(body)
                .with_context(|| format!("{} at byte {offset}", path.display()))?;
            out.push((h.artifact.artifact_seq, offset, body.len()));
        }
        offset += n as u64;
    }
    out.sort_unstable();
    Ok(out)
}

/// Renders jobs from `next` into pages; `None` (and nothing renamed into
/// place) when a job does not come after the one before it.
fn render(
    dir: &Path,
    run: &RunDir,
    mut next: impl FnMut() -> anyhow::Result<Option<Job>>,
) -> anyhow::Result<Option<Pages>> {
    let mut out = Pages::default();
    let mut open: Option<Open> = None;
    let mut last_seq: Option<u64> = None;
    let mut done: Vec<(PathBuf, tempfile::TempPath)> = Vec::new();
    while let Some(job) = next()? {
        let seq = job.artifact.artifact_seq;
        if last_seq.is_some_and(|l| seq <= l) {
            return Ok(None);
        }
        last_seq = Some(seq);
        let page = page_of(seq);
        if open.as_ref().is_some_and(|o| o.entry.page != page)
            && let Some(o) = open.take()
        {
            let (entry, tmp) = close(o, Some(page))?;
            done.push((dir.join(page_file(entry.page)), tmp));
            out.pages.push(entry);
        }
        if open.is_none() {
            open = Some(start(dir, run, page, out.pages.last().map(|p| p.page))?);
        }
        let facts = JobFacts::from_events(&job.events);
        if let Some(route) = facts.route_labels.first() {
            out.entropy[entropy_bin(route.fact.entropy_millibits)] += 1;
            out.measured += 1;
        }
        if let Some(o) = open.as_mut() {
            if o.entry.artifacts == 0 {
                o.entry.first = seq;
            }
            o.entry.last = seq;
            o.entry.artifacts += 1;
            o.tmp.write_all(artifact_section(&job, &facts).as_bytes())?;
        }
    }
    if let Some(o) = open.take() {
        let (entry, tmp) = close(o, None)?;
        done.push((dir.join(page_file(entry.page)), tmp));
        out.pages.push(entry);
    }
    // Every page is complete: rename them into place.
    for (target, tmp) in done {
        tmp.persist(&target)
            .with_context(|| format!("{}", target.display()))?;
    }
    Ok(Some(out))
}

fn start(dir: &Path, run: &RunDir, page: u64, prev: Option<u64>) -> anyhow::Result<Open> {
    let tmp = tempfile::Builder::new()
        .prefix(".fx-tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("{}", dir.display()))?;
    let mut w = BufWriter::with_capacity(1 << 16, tmp);
    let first = (page - 1) * PAGE_SIZE;
    w.write_all(
        page::head(&format!(
            "fx artifacts {first}–{} — run {}",
            first + PAGE_SIZE - 1,
            run.run_id()
        ))
        .as_bytes(),
    )?;
    let mut nav = String::from("<nav><a href=\"../report.html\">report.html (findings first)</a>");
    if let Some(p) = prev {
        nav.push_str(&format!("<a href=\"{}\">previous page</a>", page_file(p)));
    }
    nav.push_str("</nav>\n");
    w.write_all(nav.as_bytes())?;
    w.write_all(
        format!(
            "<h1>Artifacts, page {page}</h1>\n<p class=\"muted\">Run <code>{}</code>; artifacts {first} to {} by artifact_seq, each with its events.</p>\n",
            esc(run.run_id()),
            first + PAGE_SIZE - 1
        )
        .as_bytes(),
    )?;
    Ok(Open {
        entry: PageEntry {
            page,
            first,
            last: first,
            artifacts: 0,
        },
        tmp: w,
    })
}

/// Finishes a page: its closing navigation, flushed and synced to its
/// temporary file (renamed by the caller once every page is complete).
fn close(o: Open, next: Option<u64>) -> anyhow::Result<(PageEntry, tempfile::TempPath)> {
    let Open { entry, mut tmp } = o;
    let mut nav = String::from("<nav><a href=\"../report.html\">report.html</a>");
    if let Some(n) = next {
        nav.push_str(&format!("<a href=\"{}\">next page</a>", page_file(n)));
    }
    nav.push_str("</nav>\n");
    tmp.write_all(nav.as_bytes())?;
    tmp.write_all(page::FOOT.as_bytes())?;
    let tmp = tmp.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_data()?;
    Ok((entry, tmp.into_temp_path()))
}

/// Removes `NNNN.html` files of `dir` that are not among `pages` (a run
/// re-sequenced with fewer artifacts), and temporary files a killed report
/// left.
fn remove_stale(dir: &Path, pages: &[PageEntry]) -> anyhow::Result<()> {
    let keep: std::collections::BTreeSet<String> =
        pages.iter().map(|p| page_file(p.page)).collect();
    for e in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let is_page = name.ends_with(".html")
            && name.len() >= 9
            && name[..name.len() - 5].bytes().all(|b| b.is_ascii_digit());
        if (is_page && !keep.contains(&name)) || name.starts_with(".fx-tmp-") {
            std::fs::remove_file(e.path())?;
        }
    }
    Ok(())
}

/// A row of the key/value table: `field` with its value and the basis the
/// summary's `sources` gives for it.
fn kv(out: &mut String, job: &Job, facts: &JobFacts, name: &str, field: &str, value: &str) {
    use fx_facts::summary::FieldSource;
    let seq = job.artifact.artifact_seq;
    out.push_str(&format!("<tr><th>{}</th><td>{value}", esc(name)));
    let source = facts.summary.sources.as_ref().and_then(|s| s.get(field));
    let event_link = |i: u64| -> String {
        match job.events.get(i as usize).and_then(|e| e.event_seq) {
            Some(e) => format!("<a href=\"#a{seq}-e{e}\">event {e}</a>"),
            None => format!("event index {i}"),
        }
    };
    match source {
        Some(FieldSource::Single {
            basis,
            confidence,
            event,
        }) => {
            out.push_str(&format!(
                " <span class=\"muted\">— basis {}",
                esc(basis.as_str())
            ));
            if let Some(c) = confidence {
                out.push_str(&format!(", confidence {c}‰"));
            }
            out.push_str(&format!(", {}</span>", event_link(*event)));
        }
        Some(FieldSource::List { basis, events }) => {
            let links: Vec<String> = events.iter().map(|e| event_link(*e)).collect();
            out.push_str(&format!(
                " <span class=\"muted\">— basis {}, {}</span>",
                esc(basis.as_str()),
                links.join(", ")
            ));
        }
        None => {}
    }
    out.push_str("</td></tr>\n");
}

/// One artifact: what it is, what fx concluded and on what basis, and its
/// events.
fn artifact_section(job: &Job, facts: &JobFacts) -> String {
    let a = &job.artifact;
    let seq = a.artifact_seq;
    let s = &facts.summary;
    let path = display_text(&a.intake.path);
    let mut out = format!(
        "<section class=\"artifact\" id=\"a{seq}\">\n<h2>Artifact {seq}: <code>{}</code></h2>\n<table class=\"kv\">\n",
        esc(&path)
    );
    let row = |out: &mut String, k: &str, v: &str| {
        out.push_str(&format!("<tr><th>{}</th><td>{v}</td></tr>\n", esc(k)));
    };
    row(
        &mut out,
        "intake path",
        &format!("<code>{}</code>", esc(&path)),
    );
    row(
        &mut out,
        "artifact id",
        &format!("<code>{}</code>", esc(&a.artifact_id)),
    );
    row(
        &mut out,
        "artifact hash",
        &a.artifact_hash
            .as_deref()
            .map(|h| format!("<code>{}</code>", esc(h)))
            .unwrap_or_else(|| "<span class=\"muted\">nothing read</span>".into()),
    );
    row(
        &mut out,
        "size",
        &a.size
            .map(|n| format!("{n} bytes"))
            .unwrap_or_else(|| "—".into()),
    );
    row(
        &mut out,
        "case / tenant / source",
        &format!(
            "{} / {} / {}",
            esc(&a.intake.case),
            esc(&a.intake.tenant),
            esc(&a.intake.source)
        ),
    );
    if let Some(b) = &a.intake.bundle {
        row(&mut out, "bundle", &format!("<code>{}</code>", esc(b)));
    }
    if !s.labels.is_empty() {
        let v: Vec<&str> = s.labels.iter().map(|l| l.as_str()).collect();
        kv(
            &mut out,
            job,
            facts,
            "labels",
            "labels",
            &esc(&v.join(", ")),
        );
    }
    if let Some(c) = s.container {
        kv(
            &mut out,
            job,
            facts,
            "container",
            "container",
            &esc(c.as_str()),
        );
    }
    if let Some(e) = s.encoding {
        kv(
            &mut out,
            job,
            facts,
            "encoding",
            "encoding",
            &esc(e.as_str()),
        );
    }
    if let Some(x) = &s.algorithm {
        kv(&mut out, job, facts, "algorithm", "algorithm", &esc(x));
    }
    if let Some(x) = &s.oid {
        kv(&mut out, job, facts, "OID", "oid", &esc(x));
    }
    if let Some(x) = s.key_bits {
        kv(&mut out, job, facts, "key bits", "key_bits", &x.to_string());
    }
    if let Some(x) = &s.curve {
        kv(&mut out, job, facts, "curve", "curve", &esc(x));
    }
    if let Some(h) = &s.hash {
        kv(
            &mut out,
            job,
            facts,
            "password hash / KDF",
            "hash",
            &esc(&event_row::hash_text(h)),
        );
    }
    if let Some(p) = &s.pqc {
        kv(
            &mut out,
            job,
            facts,
            "post-quantum",
            "pqc",
            &esc(&event_row::pqc_text(p)),
        );
    }
    if let Some(t) = &s.tls {
        kv(
            &mut out,
            job,
            facts,
            "TLS",
            "tls",
            &esc(&event_row::tls_text(t)),
        );
    }
    if !s.libraries.is_empty() {
        let v: Vec<String> = s
            .libraries
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l.name,
                    l.version.as_deref().unwrap_or("(version unknown)")
                )
            })
            .collect();
        kv(
            &mut out,
            job,
            facts,
            "crypto libraries",
            "libraries",
            &esc(&v.join(", ")),
        );
    }
    if !s.members.is_empty() {
        let v: Vec<String> = s
            .members
            .iter()
            .map(|m| {
                let mut t = format!("#{} {}", m.index, m.container.as_str());
                for x in [m.algorithm.as_deref(), m.curve.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    t.push(' ');
                    t.push_str(x);
                }
                if let Some(b) = m.key_bits {
                    t.push_str(&format!(" {b} bits"));
                }
                t
            })
            .collect();
        kv(
            &mut out,
            job,
            facts,
            "members",
            "members",
            &esc(&v.join("; ")),
        );
    }
    if !s.failures.is_empty() {
        let v: Vec<&str> = s.failures.iter().map(|f| f.as_str()).collect();
        row(
            &mut out,
            "failures",
            &format!("<span class=\"bad\">{}</span>", esc(&v.join(", "))),
        );
    }
    if !s.key_weaknesses.is_empty() {
        row(
            &mut out,
            "key weaknesses",
            &format!(
                "<span class=\"bad\">{}</span>",
                esc(&s.key_weaknesses.join(", "))
            ),
        );
    }
    if !s.budgets_hit.is_empty() {
        row(&mut out, "budgets hit", &esc(&s.budgets_hit.join(", ")));
    }
    out.push_str("</table>\n<table class=\"events\">\n<tr><th>event</th><th>module</th><th>step</th><th>status</th><th>conclusion</th><th>tool</th></tr>\n");
    for (i, e) in job.events.iter().enumerate() {
        out.push_str(&event_row::row(seq, i, e));
    }
    out.push_str("</table>\n</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_bins() {
        assert_eq!(page_of(0), 1);
        assert_eq!(page_of(999), 1);
        assert_eq!(page_of(1000), 2);
        assert_eq!(page_file(3), "0003.html");
        assert_eq!(link(1234, Some(9)), "artifacts/0002.html#a1234-e9");
        assert_eq!(entropy_bin(0), 0);
        assert_eq!(entropy_bin(7999), 15);
        assert_eq!(entropy_bin(8000), 15);
        assert_eq!(entropy_bin(4250), 8);
    }
}

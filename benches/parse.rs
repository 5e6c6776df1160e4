//! Parsing benchmark: writes a generated Japanese/English pair of 100,000
//! entries and 100,000 references each, then measures load + parse + check on
//! one thread: throughput in MB/s and the allocator's peak (high-water mark)
//! against the input size.
//!
//! Run with `cargo bench --bench parse` (add `-- N` for another entry count,
//! `-- --repeat K` to run load + parse + check K times in the same process).
//!
//! The headline figures are the first run's, in a fresh process: every page
//! of heap the documents use is new to the process then, and on the machines
//! we measured (virtual machines) first touching memory costs about 0.5-0.7 ms per
//! MB. Later runs reuse the heap of the runs before; `--repeat` prints the
//! best of them too, which is the parsing and checking alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use citecheck::config::{Config, DocumentConfig};
use citecheck::model::Lang;

/// Counts live heap bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn generate(n: usize) -> (String, String) {
    let mut ja = String::from("サンプル研究所\n最終更新日: 2015年02月18日\n\n");
    let mut en = String::from("Sample Institute\nLast updated: February 18, 2015\n\n");
    for i in 1..=n {
        let (m, d) = (1 + i % 12, 1 + i % 28);
        let k = 10 + i % 900;
        let _ = writeln!(
            ja,
            "  • 2014年{m}月{d}日:第{i}回の日米会合を開催し、約{k}名が出席。協力の強化で一致した。 (脚注:{i})"
        );
        let _ = writeln!(
            en,
            "l\u{a0} {} {d}, 2014: The meeting number {i} was held and about {k} officials attended; they agreed to strengthen cooperation.[{i}]\n",
            month(m)
        );
    }
    ja.push_str("\n参考情報:\n\n");
    en.push_str("\nReferences:\n\n");
    for i in 1..=n {
        let (m, d) = (1 + i % 12, 1 + i % 28);
        let _ = writeln!(
            ja,
            "  {i}. 2014年{m}月{d}日付総務省「日米会合{i}の結果に係る共同記者発表」\n    http://www.soumu.go.jp/main_content/{i:09}.pdf"
        );
        let _ = writeln!(
            en,
            "[{i}] Ministry of Internal Affairs and Communications, “Joint Press Statement on meeting {i},” {} {d}, 2014, http://www.soumu.go.jp/main_content/{:09}.pdf.\n",
            month(m),
            if i % 100 == 0 { i + 1 } else { i }
        );
    }
    (ja, en)
}

fn month(m: usize) -> &'static str {
    citecheck::document::dates::MONTH_NAMES[m - 1]
}

/// The checks as the pipeline runs them: every check, then one sort.
fn check(docs: &[citecheck::document::Document]) -> Vec<citecheck::model::Finding> {
    let mut findings = citecheck::validate::run(docs);
    citecheck::run::sort(&mut findings, docs);
    findings
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(1);
    let n: usize = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || args[i - 1] != "--repeat")
        .find_map(|(_, a)| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let (ja, en) = generate(n);
    std::fs::write(dir.path().join("ja.txt"), &ja).expect("write");
    std::fs::write(dir.path().join("en.txt"), &en).expect("write");
    let input = ja.len() + en.len();
    drop((ja, en));

    let config = Config {
        documents: vec![
            DocumentConfig {
                path: dir.path().join("ja.txt"),
                lang: Some(Lang::Ja),
                format: None,
            },
            DocumentConfig {
                path: dir.path().join("en.txt"),
                lang: Some(Lang::En),
                format: None,
            },
        ],
        ..Config::default()
    };
    let specs = citecheck::pipeline::document_specs(&config).expect("specs");

    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let t0 = Instant::now();
    let docs = citecheck::pipeline::load_documents(&specs, &config).expect("load");
    let t1 = Instant::now();
    let after_load = LIVE.load(Ordering::Relaxed) - base;
    let peak_load = PEAK.load(Ordering::Relaxed) - base;
    let findings = check(&docs);
    let t2 = Instant::now();
    let peak = PEAK.load(Ordering::Relaxed) - base;

    let mb = input as f64 / 1e6;
    let total = (t2 - t0).as_secs_f64();
    println!("input: {n} entries + {n} references per language, {mb:.1} MB in 2 files");
    println!(
        "entries parsed: {}, references parsed: {}, findings: {}",
        docs.iter().map(|d| d.entries.len()).sum::<usize>(),
        docs.iter().map(|d| d.references.len()).sum::<usize>(),
        findings.len()
    );
    println!(
        "load + parse: {:.3} s, check: {:.3} s, total: {total:.3} s",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64()
    );
    println!(
        "heap: documents retained {:.1} MB, peak while loading {:.1} MB",
        after_load as f64 / 1e6,
        peak_load as f64 / 1e6
    );
    println!("throughput (one thread): {:.1} MB/s (target >= 40)", mb / total);
    println!(
        "peak heap during the run: {:.1} MB = {:.2}x the input (target < 3x)",
        peak as f64 / 1e6,
        peak as f64 / input as f64
    );
    if repeat > 1 {
        drop((docs, findings));
        let mut best = f64::MAX;
        for _ in 1..repeat {
            let t0 = Instant::now();
            let docs = citecheck::pipeline::load_documents(&specs, &config).expect("load");
            let findings = check(&docs);
            best = best.min(t0.elapsed().as_secs_f64());
            drop((docs, findings));
        }
        println!(
            "best of {} later runs in the same process (heap already mapped): {best:.3} s = {:.1} MB/s",
            repeat - 1,
            mb / best
        );
    }
    drop(dir);
    markdown(n);
    largest_fixture();
}

/// A prose Markdown document of `n` footnotes, each defined with a URL,
/// through the whole pipeline offline (parse, check, the run), then its JSON report.
fn markdown(n: usize) {
    let mut md = String::with_capacity(n * 110);
    md.push_str("# A long chapter\n\n");
    for i in 1..=n {
        let _ = write!(md, "Paragraph {i} cites a source.[^{i}]\n\n");
    }
    for i in 1..=n {
        let _ = writeln!(
            md,
            "[^{i}]: Publisher {i}, “Report {i},” 2014-02-03, https://example.org/r/{i}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("chapter.md"), &md).expect("write");
    // Named as a user names it, relative to where citecheck runs (the
    // reports repeat the path at every citation).
    let back = std::env::current_dir().expect("cwd");
    std::env::set_current_dir(dir.path()).expect("cd");
    let path = std::path::PathBuf::from("chapter.md");
    let input = md.len();
    drop(md);
    let mut config = Config {
        documents: vec![DocumentConfig {
            path,
            lang: Some(Lang::En),
            format: None,
        }],
        ..Config::default()
    };
    config.links.enabled = false;
    config.archive.mode = citecheck::config::ArchiveMode::None;
    let mut store = citecheck::store::Memory::default();

    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let t0 = Instant::now();
    let run = citecheck::run(&config, &mut store, &citecheck::links::Silent).expect("run");
    let elapsed = t0.elapsed().as_secs_f64();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    let json = citecheck::report::render(&run, citecheck::model::ReportFormat::Json);
    std::env::set_current_dir(back).expect("cd back");
    let mb = input as f64 / 1e6;
    println!();
    println!(
        "markdown: {n} footnotes with a URL each, {mb:.1} MB; {} references, {} markers, {} findings",
        run.documents[0].references.len(),
        run.documents[0].markers.len(),
        run.findings.len()
    );
    println!("markdown: parse + check + run, offline: {elapsed:.3} s (target <= 1 s)");
    println!(
        "markdown: peak heap {:.1} MB = {:.2}x the input (target <= 6x)",
        peak as f64 / 1e6,
        peak as f64 / input as f64
    );
    println!(
        "markdown: JSON report {:.1} MB = {:.2}x the input (target <= 3x)",
        json.len() as f64 / 1e6,
        json.len() as f64 / input as f64
    );
}

/// The largest real fixture, parsed and checked (best of 5: it is small
/// enough that one run is mostly noise).
fn largest_fixture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let (path, size) = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name().to_string_lossy().ends_with(".html") || e.file_name().to_string_lossy().ends_with(".md")
        })
        .filter(|e| e.file_name() != "SOURCES.md")
        .map(|e| (e.path(), e.metadata().map(|m| m.len()).unwrap_or(0)))
        .max_by_key(|(_, len)| *len)
        .expect("a fixture");
    let config = Config {
        documents: vec![DocumentConfig {
            path: path.clone(),
            lang: None,
            format: None,
        }],
        ..Config::default()
    };
    let specs = citecheck::pipeline::document_specs(&config).expect("specs");
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t0 = Instant::now();
        let docs = citecheck::pipeline::load_documents(&specs, &config).expect("load");
        let findings = check(&docs);
        best = best.min(t0.elapsed().as_secs_f64());
        drop((docs, findings));
    }
    println!();
    println!(
        "largest real fixture: {} ({:.2} MB): parse + check best of 5: {:.1} ms (target <= 50 ms)",
        path.file_name().unwrap_or_default().to_string_lossy(),
        size as f64 / 1e6,
        best * 1e3
    );
}

//! Shared helpers for the integration tests: a clean synthetic Japanese/English
//! pair that tests corrupt one defect at a time.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use citecheck::config::{ArchiveMode, Overlay};
use citecheck::model::{Finding, Kind, ReportFormat, Severity};
use citecheck::run::Run;

pub const JA: &str = "\
サンプル研究所
初版公開日: 2015年01月10日
最終更新日: 2015年02月18日

  • 2013年5月9~10日:第1回日米サイバー対話(東京)。約30名が出席。 (脚注:1)
  • 2014年2月3日:作業部会の会合を開催。 (脚注:2)
  • 2014年6月:ASEAN10カ国を対象に日本が15万ドルを拠出する方針。（脚注：３）
  • 2014年9月16~17日:第6回局長級会合を開催(ワシントンDC)。 (脚注:4)

参考情報:

  1. 2013年5月10日付外務省「日米サイバー対話 共同声明(仮訳)」
    http://www.mofa.go.jp/mofaj/area/page24_000009.html
  2. 2014年2月3日付時事通信「サイバー対処で初協議」
    http://www.jiji.com/jc/c?g=pol_30&k=2014020300635
  3. 2014年6月8日付共同通信「日米、サイバー捜査指導へ」
    http://www.okinawatimes.co.jp/article.php?id=72222
  4. 2014年9月17日付総務省「日米政策協力対話第6回局長級会合に係る共同記者発表」
    http://www.soumu.go.jp/main_content/000314311.pdf



※ 各会社名は各社の登録商標です。
";

pub const EN: &str = "\
Sample Institute
Last updated: February 18, 2015

l\u{a0} May 9 to 10, 2013: The first Japan-U.S. Cyber Dialogue in Tokyo. About 30 officials attended.[1]

l\u{a0} February 3, 2014: The working group held its meeting.[2]

l\u{a0} June 2014: Japan plans to support ten ASEAN countries with 150,000 U.S. dollars.[3]

l\u{a0} September 16 and 17, 2014: The sixth Director-General level meeting in Washington DC.[4]

References:

[1] Ministry of Foreign Affairs, “Joint Statement – Japan-U.S. Cyber Dialogue,” May 10, 2013, http://www.mofa.go.jp/mofaj/area/page24_000009.html.

[2] Jiji, “Saiba taisho de hatsu kyogi [first talks on cyber],” February 3, 2014, http://www.jiji.com/jc/c?g=pol_30&k=2014020300635.

[3] Kyodo News, “Nichi bei, saiba sosa shido he [cyber investigations],” June 8, 2014, http://www.okinawatimes.co.jp/article.php?id=72222, 2.

[4] Ministry of Internal Affairs and Communications, “Joint Press Statement – the Sixth Meeting,” September 17, 2014, http://www.soumu.go.jp/main_content/000314311.pdf.



※ 各会社名は各社の登録商標です。
";

/// What a test asks of a check, as the command line would.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub config: Option<PathBuf>,
    pub documents: Vec<PathBuf>,
    /// Where the reports go; none: they are only rendered in memory.
    pub out: Option<PathBuf>,
    pub offline: bool,
    pub max_cache_age: Option<Duration>,
    pub archive: Option<ArchiveMode>,
}

/// A run, and the reports written for it.
#[derive(Debug)]
pub struct Outcome {
    pub run: Run,
    pub written: Vec<PathBuf>,
}

/// Does what `citecheck check` does, in process: the config file with the
/// options over it, the pipeline with the config's caches, and (when `out` is
/// given) every report format written into `out` by the output module the
/// binary writes with.
pub fn check(o: &CheckOptions) -> citecheck::error::Result<Outcome> {
    let mut config = citecheck::config::load_or_default(o.config.as_deref())?;
    config.update(Overlay {
        documents: o.documents.clone(),
        offline: o.offline,
        max_cache_age: o.max_cache_age,
        archive_mode: o.archive,
        ..Overlay::default()
    });
    let mut store = citecheck::store::Sqlite::open(&config);
    let run = citecheck::run(&config, &mut store, &citecheck::links::Silent)?;
    let written = match &o.out {
        Some(dir) => citecheck::output::reports(&run, dir, &ReportFormat::ALL)?,
        None => Vec::new(),
    };
    Ok(Outcome { run, written })
}

/// A pair written to a temporary folder with a config that names it.
pub struct Pair {
    pub dir: tempfile::TempDir,
    pub ja: String,
    pub en: String,
}

impl Pair {
    pub fn new(ja: &str, en: &str) -> Pair {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("doc-ja.txt"), ja).expect("write ja");
        std::fs::write(dir.path().join("doc-en.txt"), en).expect("write en");
        std::fs::write(
            dir.path().join("citecheck.yaml"),
            "documents:\n  - path: doc-ja.txt\n    lang: ja\n  - path: doc-en.txt\n    lang: en\n",
        )
        .expect("write config");
        Pair {
            dir,
            ja: ja.to_string(),
            en: en.to_string(),
        }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("citecheck.yaml")
    }

    pub fn ja_path(&self) -> String {
        self.dir.path().join("doc-ja.txt").display().to_string()
    }

    pub fn en_path(&self) -> String {
        self.dir.path().join("doc-en.txt").display().to_string()
    }

    pub fn check(&self) -> Outcome {
        check(&CheckOptions {
            config: Some(self.config()),
            out: Some(self.dir.path().join("reports")),
            offline: true,
            ..CheckOptions::default()
        })
        .expect("check runs")
    }

    pub fn findings(&self) -> Vec<Finding> {
        self.check().run.findings
    }
}

/// Replaces exactly one occurrence of `from` (the test fails if it is not there once).
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur exactly once");
    text.replacen(from, to, 1)
}

/// The 1-based line of the first line containing `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        + 1
}

/// Asserts one finding of `kind` at `file:line` and returns it.
pub fn expect(findings: &[Finding], kind: Kind, file: &str, line: usize) -> Finding {
    findings
        .iter()
        .find(|f| f.kind == kind && f.file == file && f.line == line)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} at {file}:{line}; findings:\n{}", show(findings)))
}

pub fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  {}:{} {} {}\n", f.file, f.line, f.kind, f.message))
        .collect()
}

pub fn above_info(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.severity > Severity::Info).collect()
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the bundled pair and its config into `dir/data/`, as a repository would hold them.
pub fn copy_bundled(dir: &Path) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    for f in ["citecheck.yaml", "timeline-ja.txt", "timeline-en.txt"] {
        std::fs::copy(repo_root().join("data").join(f), dir.join("data").join(f)).unwrap();
    }
}

/// Sends a command's plain-HTTP requests to a fake web through `HTTP_PROXY`,
/// while loopback (where the fake archives listen) is reached directly.
pub fn behind_proxy<'a>(cmd: &'a mut std::process::Command, proxy: &str) -> &'a mut std::process::Command {
    cmd.env("HTTP_PROXY", proxy)
        .env("http_proxy", proxy)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
}

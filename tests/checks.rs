//! Every check, end to end: a clean synthetic pair yields nothing above info,
//! and each defect injected on its own is found with the right kind, file and line.

mod support;

use citecheck::model::{Kind, Severity};
use support::*;

#[test]
fn clean_pair_has_nothing_above_info() {
    let p = Pair::new(JA, EN);
    let out = p.check();
    let docs = &out.run.documents;
    assert_eq!(docs[0].entries.len(), 4);
    assert_eq!(docs[1].entries.len(), 4);
    assert_eq!(docs[0].references.len(), 4);
    assert_eq!(docs[1].references.len(), 4);
    assert_eq!(docs[0].published.map(|d| d.to_string()).as_deref(), Some("2015-02-18"));
    assert!(above_info(&out.run.findings).is_empty(), "{}", show(&out.run.findings));
    // An English citation's closing full stop after a URL is its own style, not a defect.
    assert!(
        !out.run.findings.iter().any(|f| f.kind == Kind::UrlTrailingPunctuation),
        "{}",
        show(&out.run.findings)
    );
    assert!(!out.run.failed());
}

// ---- numbering within one document -------------------------------------------------

#[test]
fn duplicate_reference_number() {
    let ja = edit(JA, "  4. 2014年9月17日", "  3. 2014年9月17日");
    let p = Pair::new(&ja, EN);
    let f = expect(
        &p.findings(),
        Kind::DuplicateReference,
        &p.ja_path(),
        line_of(&ja, "  3. 2014年9月17日"),
    );
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.footnote, Some(3));
}

#[test]
fn marker_without_reference() {
    let en = edit(EN, "in Washington DC.[4]", "in Washington DC.[4][5]");
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::MissingReference,
        &p.en_path(),
        line_of(&en, "[4][5]"),
    );
    assert_eq!(f.footnote, Some(5));
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn reference_never_cited() {
    let ja = edit(JA, "(ワシントンDC)。 (脚注:4)", "(ワシントンDC)。");
    let p = Pair::new(&ja, EN);
    let f = expect(
        &p.findings(),
        Kind::UncitedReference,
        &p.ja_path(),
        line_of(&ja, "  4. 2014年9月17日"),
    );
    assert_eq!(f.severity, Severity::Warning);
    // The pair no longer cites the same footnotes either.
    expect(
        &p.findings(),
        Kind::EntryFootnoteMismatch,
        &p.en_path(),
        line_of(EN, "September 16 and 17"),
    );
}

#[test]
fn gap_in_reference_numbers() {
    let ja = edit(JA, "  4. 2014年9月17日", "  5. 2014年9月17日");
    let ja = edit(&ja, "(脚注:4)", "(脚注:5)");
    let p = Pair::new(&ja, EN);
    let f = expect(
        &p.findings(),
        Kind::NumberingGap,
        &p.ja_path(),
        line_of(&ja, "  5. 2014年9月17日"),
    );
    assert!(f.message.contains("[4]"), "{}", f.message);
}

#[test]
fn first_citations_out_of_order() {
    let en = edit(EN, "held its meeting.[2]", "held its meeting.[3]");
    let en = edit(&en, "U.S. dollars.[3]", "U.S. dollars.[2] See also [3].");
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::CitationOrder,
        &p.en_path(),
        line_of(&en, "U.S. dollars.[2]"),
    );
    assert_eq!(f.footnote, Some(2));
    // A later re-citation of a lower number is fine: only one order finding.
    assert_eq!(p.findings().iter().filter(|f| f.kind == Kind::CitationOrder).count(), 1);
}

#[test]
fn absurd_marker_number() {
    let en = edit(EN, "held its meeting.[2]", "held its meeting.[2][99999999999999999999]");
    let p = Pair::new(JA, &en);
    expect(
        &p.findings(),
        Kind::InvalidNumber,
        &p.en_path(),
        line_of(&en, "99999999999999999999"),
    );
}

#[test]
fn document_without_reference_section() {
    let en = edit(EN, "References:\n", "\n");
    let p = Pair::new(JA, &en);
    let findings = p.findings();
    expect(&findings, Kind::NoReferenceSection, &p.en_path(), 1);
    assert!(p.check().run.documents[1].references.is_empty());
}

// ---- alignment between the languages ------------------------------------------------

#[test]
fn entry_cites_other_footnotes_than_its_counterpart() {
    let ja = edit(
        JA,
        "作業部会の会合を開催。 (脚注:2)",
        "作業部会の会合を開催。 (脚注:1) (脚注:2)",
    );
    let p = Pair::new(&ja, EN);
    let f = expect(
        &p.findings(),
        Kind::EntryFootnoteMismatch,
        &p.en_path(),
        line_of(EN, "February 3, 2014:"),
    );
    assert_eq!(f.related[0].file, p.ja_path());
    assert_eq!(f.related[0].line, line_of(&ja, "2014年2月3日:"));
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn entry_missing_in_one_language() {
    let en = edit(
        EN,
        "l\u{a0} June 2014: Japan plans to support ten ASEAN countries with 150,000 U.S. dollars.[3]\n",
        "",
    );
    let p = Pair::new(JA, &en);
    let findings = p.findings();
    expect(&findings, Kind::EntryUnpaired, &p.ja_path(), line_of(JA, "2014年6月:"));
    // The other entries still pair up: no date mismatch from a shifted alignment.
    assert!(
        !findings.iter().any(|f| f.kind == Kind::DateMismatch),
        "{}",
        show(&findings)
    );
}

#[test]
fn reference_only_in_one_language() {
    let ja = edit(
        JA,
        "    http://www.soumu.go.jp/main_content/000314311.pdf\n",
        "    http://www.soumu.go.jp/main_content/000314311.pdf\n  5. 2014年10月8日付防衛省「中間報告」\n    http://www.mod.go.jp/j/approach/anpo/sisin/houkoku_20141008.html\n",
    );
    let p = Pair::new(&ja, EN);
    let findings = p.findings();
    expect(
        &findings,
        Kind::ReferenceMissingInPair,
        &p.ja_path(),
        line_of(&ja, "  5. 2014年10月8日"),
    );
    expect(
        &findings,
        Kind::UncitedReference,
        &p.ja_path(),
        line_of(&ja, "  5. 2014年10月8日"),
    );
}

#[test]
fn source_on_another_host() {
    let en = edit(
        EN,
        "http://www.okinawatimes.co.jp/article.php?id=72222",
        "http://www.japantimes.co.jp/news/2014/06/08/cyber/",
    );
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::SourceHostMismatch,
        &p.en_path(),
        line_of(&en, "japantimes"),
    );
    assert_eq!(f.footnote, Some(3));
    assert_eq!(f.related[0].line, line_of(JA, "okinawatimes"));
}

#[test]
fn language_variant_on_same_host_is_info() {
    let en = edit(EN, "main_content/000314311.pdf", "main_content/000314312.pdf");
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::SourceLanguageVariant,
        &p.en_path(),
        line_of(&en, "000314312"),
    );
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn source_dated_differently() {
    let en = edit(
        EN,
        "September 17, 2014, http://www.soumu",
        "September 19, 2014, http://www.soumu",
    );
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::ReferenceDateMismatch,
        &p.en_path(),
        line_of(&en, "[4] Ministry"),
    );
    assert_eq!(f.severity, Severity::Warning);
    // A month-only date agrees with any day in it.
    let en = edit(
        EN,
        "June 8, 2014, http://www.okinawatimes",
        "June 2014, http://www.okinawatimes",
    );
    let p = Pair::new(JA, &en);
    assert!(
        !p.findings().iter().any(|f| f.kind == Kind::ReferenceDateMismatch),
        "{}",
        show(&p.findings())
    );
}

#[test]
fn extra_source_in_one_language() {
    let ja = edit(
        JA,
        "    http://www.jiji.com/jc/c?g=pol_30&k=2014020300635\n",
        "    http://www.jiji.com/jc/c?g=pol_30&k=2014020300635\n    2014年2月4日付毎日新聞「サイバー攻撃:日米で共同の対処策定へ」\n    http://mainichi.jp/select/news/20140205k0000m010119000c.html\n",
    );
    let p = Pair::new(&ja, EN);
    let f = expect(
        &p.findings(),
        Kind::SourceMissingInPair,
        &p.ja_path(),
        line_of(&ja, "2014年2月4日付毎日新聞"),
    );
    assert_eq!(f.footnote, Some(2));
}

// ---- dates and figures ---------------------------------------------------------------

#[test]
fn entry_dates_differ() {
    let en = edit(EN, "February 3, 2014: The working", "February 4, 2014: The working");
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::DateMismatch,
        &p.en_path(),
        line_of(&en, "February 4, 2014:"),
    );
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.related[0].line, line_of(JA, "2014年2月3日:"));
}

#[test]
fn japanese_range_differs_from_english_range() {
    let ja = edit(JA, "2014年9月16~17日", "2014年9月15～16日");
    let p = Pair::new(&ja, EN);
    expect(
        &p.findings(),
        Kind::DateMismatch,
        &p.en_path(),
        line_of(EN, "September 16 and 17"),
    );
}

#[test]
fn reversed_range_in_either_language() {
    let en = edit(EN, "September 16 and 17, 2014", "September 16 to 7, 2014");
    let p = Pair::new(JA, &en);
    let findings = p.findings();
    let f = expect(
        &findings,
        Kind::ReversedDateRange,
        &p.en_path(),
        line_of(&en, "September 16 to 7"),
    );
    assert_eq!(f.severity, Severity::Error);
    // The counterpart says what was meant.
    let m = expect(
        &findings,
        Kind::DateMismatch,
        &p.en_path(),
        line_of(&en, "September 16 to 7"),
    );
    assert!(m.suggestion.unwrap_or_default().contains("2014-09-16 to 2014-09-17"));

    let ja = edit(JA, "2014年9月16~17日", "2014年9月16~7日");
    let p = Pair::new(&ja, EN);
    expect(
        &p.findings(),
        Kind::ReversedDateRange,
        &p.ja_path(),
        line_of(&ja, "2014年9月16~7日"),
    );
}

#[test]
fn impossible_date() {
    let ja = edit(JA, "2014年2月3日:作業部会", "2014年2月30日:作業部会");
    let p = Pair::new(&ja, EN);
    expect(
        &p.findings(),
        Kind::InvalidDate,
        &p.ja_path(),
        line_of(&ja, "2014年2月30日"),
    );
}

#[test]
fn figures_differ() {
    let en = edit(EN, "About 30 officials attended", "About 20 officials attended");
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::FigureMismatch,
        &p.en_path(),
        line_of(&en, "About 20 officials"),
    );
    assert!(f.message.contains("20") && f.message.contains("30"), "{}", f.message);
    // Number words and 万 are read: ten countries = 10カ国, 150,000 dollars = 15万ドル.
    let en = edit(EN, "ten ASEAN countries", "nine ASEAN countries");
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::FigureMismatch,
        &p.en_path(),
        line_of(&en, "nine ASEAN"),
    );
    assert!(f.message.contains("countries"), "{}", f.message);
    let ja = edit(JA, "15万ドル", "16万ドル");
    let p = Pair::new(&ja, EN);
    expect(
        &p.findings(),
        Kind::FigureMismatch,
        &p.en_path(),
        line_of(EN, "ten ASEAN"),
    );
}

#[test]
fn quantity_without_counterpart_is_not_a_mismatch() {
    let ja = edit(
        JA,
        "日本が15万ドルを拠出する方針",
        "日本が15万ドル、米国が25万ドルの計40万ドルを拠出する方針",
    );
    let p = Pair::new(&ja, EN);
    assert!(
        !p.findings().iter().any(|f| f.kind == Kind::FigureMismatch),
        "{}",
        show(&p.findings())
    );
}

// ---- citation completeness and URL hygiene -------------------------------------------

#[test]
fn reference_without_url_date_or_title() {
    let en = edit(
        EN,
        "[1] Ministry of Foreign Affairs, “Joint Statement – Japan-U.S. Cyber Dialogue,” May 10, 2013, http://www.mofa.go.jp/mofaj/area/page24_000009.html.",
        "[1] Ministry of Foreign Affairs, Joint Statement – Japan-U.S. Cyber Dialogue.",
    );
    let p = Pair::new(JA, &en);
    let findings = p.findings();
    let line = line_of(&en, "[1] Ministry");
    expect(&findings, Kind::ReferenceWithoutUrl, &p.en_path(), line);
    expect(&findings, Kind::ReferenceWithoutDate, &p.en_path(), line);
    expect(&findings, Kind::ReferenceWithoutTitle, &p.en_path(), line);
}

#[test]
fn glued_punctuation_in_japanese_citation_is_reported() {
    let ja = edit(JA, "page24_000009.html\n", "page24_000009.html。\n");
    let p = Pair::new(&ja, EN);
    let findings = p.findings();
    let f = expect(
        &findings,
        Kind::UrlTrailingPunctuation,
        &p.ja_path(),
        line_of(&ja, "page24_000009.html。"),
    );
    assert_eq!(f.severity, Severity::Info);
    // The stripped URL is the one compared: the pair still cites the same page.
    assert!(
        !findings
            .iter()
            .any(|f| f.footnote == Some(1) && f.kind == Kind::SourceLanguageVariant)
    );
}

#[test]
fn url_run_into_next_word() {
    let en = edit(
        EN,
        "page24_000009.html.",
        "page24_000009.htmlThe statement was issued in Tokyo.",
    );
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::UrlRunIntoText,
        &p.en_path(),
        line_of(&en, ".htmlThe"),
    );
    assert!(f.suggestion.unwrap_or_default().contains("page24_000009.html The"));
    assert_eq!(
        f.url.as_deref(),
        Some("http://www.mofa.go.jp/mofaj/area/page24_000009.html")
    );
}

#[test]
fn invalid_url() {
    let en = edit(
        EN,
        "http://www.okinawatimes.co.jp/article.php?id=72222",
        "http://[okinawatimes/article.php?id=72222",
    );
    let p = Pair::new(JA, &en);
    let f = expect(
        &p.findings(),
        Kind::InvalidUrl,
        &p.en_path(),
        line_of(&en, "[okinawatimes"),
    );
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn same_url_under_two_numbers() {
    let ja = edit(
        JA,
        "http://www.soumu.go.jp/main_content/000314311.pdf",
        "http://www.okinawatimes.co.jp/article.php?id=72222",
    );
    let p = Pair::new(&ja, EN);
    let f = expect(
        &p.findings(),
        Kind::DuplicateUrl,
        &p.ja_path(),
        line_of(&ja, "  4. 2014年9月17日") + 1,
    );
    assert_eq!(f.footnote, Some(4));
    assert_eq!(f.related[0].line, line_of(&ja, "okinawatimes"));
}

#[test]
fn disabled_kinds_are_left_out() {
    let en = edit(EN, "main_content/000314311.pdf", "main_content/000314312.pdf");
    let p = Pair::new(JA, &en);
    std::fs::write(
        p.config(),
        "documents:\n  - path: doc-ja.txt\n    lang: ja\n  - path: doc-en.txt\n    lang: en\nchecks:\n  disable: [source_language_variant]\n",
    )
    .unwrap();
    assert!(!p.findings().iter().any(|f| f.kind == Kind::SourceLanguageVariant));
}

// ---- the footnote sequence between the languages ------------------------------------

#[test]
fn a_dropped_footnote_breaks_the_sequence() {
    let en = edit(EN, "held its meeting.[2]", "held its meeting.");
    let p = Pair::new(JA, &en);
    let findings = p.findings();
    let seq: Vec<_> = findings
        .iter()
        .filter(|f| f.kind == Kind::FootnoteSequenceMismatch)
        .collect();
    assert_eq!(seq.len(), 1, "one finding per pair\n{}", show(&findings));
    let f = seq[0];
    // Where the orders part: the English second reference is [3], the Japanese [2].
    assert_eq!(f.file, p.en_path());
    assert_eq!(f.line, line_of(&en, "ASEAN countries"));
    assert_eq!(f.related[0].line, line_of(JA, "作業部会"));
    assert!(f.message.contains("[2] is cited only in"), "{}", f.message);
}

#[test]
fn prose_with_other_paragraphs_but_the_same_footnotes_is_in_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let defs = "[^1]: 外務省「声明」2014年2月3日 https://a.example/1\n[^2]: 時事通信「会合」2014年2月3日 https://a.example/2\n[^3]: 共同通信「協力」2014年2月3日 https://a.example/3\n";
    let defs_en = "[^1]: MOFA, “Statement,” February 3, 2014, https://a.example/1\n[^2]: Jiji, “Meeting,” February 3, 2014, https://a.example/2\n[^3]: Kyodo, “Cooperation,” February 3, 2014, https://a.example/3\n";
    // One Japanese paragraph is two English ones.
    std::fs::write(
        d.join("ja.md"),
        format!("日本と米国は会談した。[^1]作業部会も開かれた。[^2]\n\n協力は続く。[^3]\n\n{defs}"),
    )
    .unwrap();
    let en_same =
        format!("Japan and the U.S. met.[^1]\n\nA working group met too.[^2]\n\nCooperation goes on.[^3]\n\n{defs_en}");
    let en_swapped =
        format!("Japan and the U.S. met.[^1]\n\nCooperation goes on.[^3]\n\nA working group met too.[^2]\n\n{defs_en}");
    let run = |en: &str| {
        std::fs::write(d.join("en.md"), en).unwrap();
        check(&CheckOptions {
            documents: vec![d.join("ja.md"), d.join("en.md")],
            offline: true,
            ..CheckOptions::default()
        })
        .unwrap()
        .run
        .findings
    };
    let same = run(&en_same);
    assert!(
        !same.iter().any(|f| f.kind == Kind::FootnoteSequenceMismatch),
        "{}",
        show(&same)
    );
    let swapped = run(&en_swapped);
    let f = swapped
        .iter()
        .find(|f| f.kind == Kind::FootnoteSequenceMismatch)
        .unwrap_or_else(|| panic!("{}", show(&swapped)));
    assert_eq!(f.line, 3, "the second English reference is the first out of order");
    assert_eq!(f.footnote, Some(3));
    assert!(f.message.contains("another order"), "{}", f.message);
}

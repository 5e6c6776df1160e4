//! A pair written in other conventions than the bundled one (full-width
//! markers, middle-dot bullets, era years, weekdays, `（N）` numbering, URLs on
//! unindented lines; English `N.` references, abbreviated months, en dashes):
//! the same checks find the same classes of defect.

mod support;

use citecheck::model::Kind;
use support::*;

const JA: &str = "\
研究レポート
公開日：平成27年3月1日

・平成26年2月3日（月）～4日：日米の担当者約３０名が会合に出席した。（脚注：１）
・2014年4月10日　第2回対話を開催（ワシントンDC）。［２］
・2014年6月：ASEAN10カ国を対象に40万ドルを拠出。（注3）

参考文献

（1）2014年2月3日付時事通信「サイバー対処で初協議」
http://www.jiji.com/jc/c?g=pol_30&k=2014020300635
（2）2014年4月9日付外務省「第2回日米サイバー対話の開催」
http://www.mofa.go.jp/mofaj/press/release/press4_000833.html
（3）2014年6月8日付共同通信「日米、サイバー捜査指導へ」
http://www.okinawatimes.co.jp/article.php?id=72222
";

const EN: &str = "\
Research Report
Published: March 1, 2015

* Feb. 3–4, 2014 (Mon.): About 20 officials from both governments attended.[1]
* Apr. 10, 2014: The second dialogue was held in Washington DC.[2]
* June 2014: A contribution of 400,000 dollars for ten ASEAN countries.[3]

Notes

1. Jiji, \"Saiba taisho de hatsu kyogi,\" Feb. 3, 2014, http://www.jiji.com/jc/c?g=pol_30&k=2014020300635.
2. Ministry of Foreign Affairs, \"The Second Japan-U.S. Cyber Dialogue,\" April 9, 2014, http://www.mofa.go.jp/press/release/press4e_000833.html.
3. Kyodo, \"Japan and U.S. to guide ASEAN cyber investigations,\" June 8, 2014, http://www.okinawatimes.co.jp/article.php?id=72222.
";

#[test]
fn other_conventions_parse_and_check_alike() {
    let p = Pair::new(JA, EN);
    let out = p.check();
    let (ja, en) = (&out.run.documents[0], &out.run.documents[1]);
    assert_eq!((ja.entries.len(), ja.references.len()), (3, 3));
    assert_eq!((en.entries.len(), en.references.len()), (3, 3));
    assert_eq!(
        ja.published.map(|d| d.to_string()).as_deref(),
        Some("2015-03-01"),
        "era date in the header"
    );
    assert_eq!(
        ja.entries[0].date.map(|d| d.to_string()).as_deref(),
        Some("2014-02-03 to 2014-02-04")
    );
    assert_eq!(
        en.entries[0].date.map(|d| d.to_string()).as_deref(),
        Some("2014-02-03 to 2014-02-04")
    );
    let fns: Vec<Vec<u32>> = ja.entries.iter().map(|e| e.footnotes.to_vec()).collect();
    assert_eq!(fns, vec![vec![1], vec![2], vec![3]]);
    assert_eq!(ja.references[0].sources[0].urls[0].line, line_of(JA, "jiji.com"));

    let f = &out.run.findings;
    // The one real defect: 約３０名 against "About 20 officials".
    expect(f, Kind::FigureMismatch, &p.en_path(), line_of(EN, "About 20 officials"));
    // Same host, another path: a language variant, nothing worse.
    expect(
        f,
        Kind::SourceLanguageVariant,
        &p.en_path(),
        line_of(EN, "press4e_000833"),
    );
    let serious: Vec<_> = above_info(f)
        .into_iter()
        .filter(|x| x.kind != Kind::FigureMismatch)
        .collect();
    assert!(serious.is_empty(), "{}", show(f));
}

#[test]
fn other_conventions_find_date_defects() {
    let en = edit(EN, "Apr. 10, 2014: The second", "Apr. 11, 2014: The second");
    let p = Pair::new(JA, &en);
    expect(
        &p.findings(),
        Kind::DateMismatch,
        &p.en_path(),
        line_of(&en, "Apr. 11, 2014"),
    );
    let ja = edit(JA, "平成26年2月3日（月）～4日", "平成26年2月3日（月）～1日");
    let p = Pair::new(&ja, EN);
    expect(
        &p.findings(),
        Kind::ReversedDateRange,
        &p.ja_path(),
        line_of(&ja, "平成26年2月3日"),
    );
}

//! Property tests: arbitrary text through every reader, the parser and the
//! checks, and arbitrary bytes through the loader, never panic.

use std::path::Path;

use citecheck::config::ParseConfig;
use citecheck::document::{load, read_lines, structure};
use citecheck::model::{Format, Lang};
use proptest::prelude::*;

/// Pieces of the citation grammar, so that random text often looks like a document.
const PIECES: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    " ",
    "\u{a0}",
    "  • ",
    "l\u{a0} ",
    "・",
    "- ",
    "参考情報:",
    "References",
    "1. ",
    "[2] ",
    "（３）",
    "(脚注:",
    "（脚注：",
    "）",
    ")",
    "[",
    "]",
    "[^1]",
    "[^1]: ",
    "2014年2月3~4日",
    "February 3 to 4, 2014",
    "October 18 to 10, 2012",
    "2月30日",
    "約30名",
    "ten countries",
    "15万ドル",
    "http://",
    "https://a.jp/x.htmlThe",
    "http://[::1",
    ".",
    "。",
    "「",
    "」",
    "“",
    "”",
    "\"",
    "<li id=\"fn1\">",
    "</li>",
    "<sup>",
    "</sup>",
    "<a href=\"#fn2\">",
    "<a href=\"http://b.jp\">",
    "</a>",
    "<br>",
    "<script>",
    "&amp;",
    "&#0;",
    "99999999999999999999",
    "0",
    "\u{FEFF}",
    "𝔘",
    "é",
    "\t",
];

fn doc_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![prop::sample::select(PIECES).prop_map(str::to_string), any::<String>()],
        0..60,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parsing_and_checking_never_panic(ja in doc_text(), en in doc_text()) {
        let cfg = ParseConfig::default();
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let a = structure::parse("ja", Lang::Ja, format, "UTF-8".into(), &read_lines(format, &ja), &cfg);
            let b = structure::parse("en", Lang::En, format, "UTF-8".into(), &read_lines(format, &en), &cfg);
            let findings = citecheck::validate::run(&[a, b]);
            for f in findings {
                prop_assert!(f.line >= 1);
            }
        }
    }

    #[test]
    fn loading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = load::decode(Path::new("x"), &bytes);
    }
}

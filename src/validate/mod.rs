//! Documents → findings.
//!
//! Each check is a plain function from parsed documents to [`Finding`]s:
//! [`numbering`] and [`hygiene`] look at one document, [`alignment`] at a
//! Japanese/English pair, [`consistency`] at dates within a document.

pub mod alignment;
pub mod consistency;
pub mod hygiene;
pub mod numbering;

use crate::document::Document;
use crate::model::{Finding, Lang};

/// Runs every check over a document set. Documents pair up in order: the
/// n-th Japanese document with the n-th English one. The findings come in
/// the order the checks make them; the run sorts all findings once.
pub fn run(docs: &[Document]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for doc in docs {
        findings.extend(numbering::check(doc));
        findings.extend(consistency::check(doc));
        findings.extend(hygiene::check(doc));
    }
    for (a, b) in pairs(docs) {
        findings.extend(alignment::check(a, b));
    }
    findings
}

/// The language pairs of a set, in config order (first of each pair as listed).
pub fn pairs(docs: &[Document]) -> Vec<(&Document, &Document)> {
    let ja: Vec<&Document> = docs.iter().filter(|d| d.lang == Lang::Ja).collect();
    let en: Vec<&Document> = docs.iter().filter(|d| d.lang == Lang::En).collect();
    ja.into_iter()
        .zip(en)
        .map(|(j, e)| {
            let jpos = docs.iter().position(|d| std::ptr::eq(d, j));
            let epos = docs.iter().position(|d| std::ptr::eq(d, e));
            if jpos <= epos { (j, e) } else { (e, j) }
        })
        .collect()
}

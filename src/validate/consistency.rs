//! Dates that cannot be right in any language: reversed ranges and days that
//! do not exist.

use crate::document::{AnomalyKind, Document};
use crate::model::{Finding, Kind};

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    let file = doc.path.as_str();
    for e in &doc.entries {
        if let Some(d) = e.date
            && d.is_reversed()
        {
            out.push(Finding::new(
                Kind::ReversedDateRange,
                file,
                e.line as usize,
                format!(
                    "the date range {:?} ends before it starts ({} to {})",
                    e.date_text.as_deref().unwrap_or_default(),
                    d.start,
                    d.end
                ),
            ));
        }
    }
    for r in &doc.references {
        for s in &r.sources {
            if let Some(d) = s.date
                && d.is_reversed()
            {
                out.push(
                    Finding::new(
                        Kind::ReversedDateRange,
                        file,
                        s.line,
                        format!(
                            "the source's date range ends before it starts ({} to {})",
                            d.start, d.end
                        ),
                    )
                    .footnote(r.number),
                );
            }
            if let Some(d) = s.date
                && !d.is_valid()
            {
                out.push(
                    Finding::new(
                        Kind::InvalidDate,
                        file,
                        s.line,
                        format!("the source's date {d} does not exist"),
                    )
                    .footnote(r.number),
                );
            }
        }
    }
    for a in doc.anomalies.iter().filter(|a| a.kind == AnomalyKind::InvalidDate) {
        out.push(Finding::new(
            Kind::InvalidDate,
            file,
            a.line,
            format!("the date {:?} does not exist", a.text),
        ));
    }
    out
}

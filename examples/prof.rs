use citecheck::document::*;
fn main() {
    let mut docs = Vec::new();
    let t = std::time::Instant::now();
    for (p, lang) in [("/tmp/gen/ja.txt", Lang::Ja), ("/tmp/gen/en.txt", Lang::En)] {
        let spec = DocumentSpec {
            path: p.into(),
            display: p.into(),
            lang: Some(lang),
            format: None,
        };
        docs.push(load_document(&spec, &Default::default()).unwrap());
    }
    let t1 = t.elapsed();
    let f = citecheck::validate::run(&docs, &Default::default());
    eprintln!("load {:?} check {:?} findings {}", t1, t.elapsed() - t1, f.len());
    std::mem::forget((docs, f));
}

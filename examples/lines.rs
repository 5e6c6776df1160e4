//! Prints the logical lines a reader makes of a document: `cargo run --example lines -- FILE [text|markdown|html]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: lines FILE [text|markdown|html]");
        std::process::exit(2);
    };
    let path = std::path::Path::new(path);
    let format = match args.get(2).map(String::as_str) {
        Some("markdown") => citecheck::model::Format::Markdown,
        Some("html") => citecheck::model::Format::Html,
        Some("text") => citecheck::model::Format::Text,
        _ => citecheck::model::Format::from_path(path),
    };
    let decoded = match citecheck::document::load::read(path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let read = citecheck::document::read_lines(format, &decoded.text);
    for (i, l) in read.iter().enumerate() {
        let mark = if read.reference_start == Some(i) { ">" } else { " " };
        println!("{mark}{:5} {}", l.number, l.text);
    }
}

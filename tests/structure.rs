//! The shape of the code, checked on its source: no import cycle, every
//! import pointing down the layers the README draws, and no printing or
//! writing in the library outside its output module.
//!
//! Edges come from every `crate::…`, `super::…` and `self::…` path in
//! non-test code: `use` lines, inline paths, and paths inside macro calls
//! (`format!("{}", crate::redact::url(u))`). A `mod` declaration is not an
//! edge, nor is a module's use of one of its ancestors (a child naming its
//! parent). Each edge is looked at below the nearest module the two ends
//! share: between two top-level modules, or between two sibling files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module path below the crate root: `["links", "client"]`.
type Module = Vec<String>;

/// One parsed source file and the module it is.
struct Source {
    module: Module,
    file: PathBuf,
    ast: syn::File,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The module a file under a crate's folder is (`a/mod.rs` and `a.rs` are `a`).
fn module_of(crate_dir: &Path, file: &Path, root_file: &str) -> Module {
    let rel = file.strip_prefix(crate_dir).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    if last != "mod.rs" && last != root_file {
        parts.push(last.trim_end_matches(".rs").to_string());
    }
    parts
}

fn rs_files(dir: &Path, skip: &[PathBuf], out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if skip.contains(&p) {
            continue;
        }
        if p.is_dir() {
            rs_files(&p, skip, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The library (`src/` less the binary's folder) or the binary (`src/bin/citecheck/`).
fn crate_sources(binary: bool) -> Vec<Source> {
    let src = root().join("src");
    let bin = src.join("bin");
    let (dir, skip, root_file) = if binary {
        (bin.join("citecheck"), vec![], "main.rs")
    } else {
        (src.clone(), vec![bin], "lib.rs")
    };
    let mut files = Vec::new();
    rs_files(&dir, &skip, &mut files);
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            Source {
                module: module_of(&dir, &file, root_file),
                file,
                ast,
            }
        })
        .collect()
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().contains("test"))
    })
}

/// Collects, from non-test code, every path that starts at `crate`, `super`
/// or `self`, the names of the macros called, and every other path.
#[derive(Default)]
struct Collect {
    /// Paths relative to the crate or the module, as their segments.
    module_paths: Vec<Vec<String>>,
    /// Every path, joined with `::` (for the no-writing check).
    all_paths: Vec<String>,
    macros: Vec<String>,
}

impl Collect {
    fn path(&mut self, segments: Vec<String>) {
        if segments.is_empty() {
            return;
        }
        self.all_paths.push(segments.join("::"));
        if matches!(segments[0].as_str(), "crate" | "super" | "self") {
            self.module_paths.push(segments);
        }
    }

    /// Paths written inside a macro call's tokens: `a :: b :: c`.
    fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        let mut current: Vec<String> = Vec::new();
        let mut colons = 0;
        for t in tokens {
            match t {
                proc_macro2::TokenTree::Ident(i) => {
                    if colons != 2 && !current.is_empty() {
                        self.path(std::mem::take(&mut current));
                    }
                    current.push(i.to_string());
                    colons = 0;
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' => colons += 1,
                proc_macro2::TokenTree::Group(g) => {
                    self.path(std::mem::take(&mut current));
                    self.tokens(g.stream());
                }
                _ => {
                    self.path(std::mem::take(&mut current));
                    colons = 0;
                }
            }
        }
        self.path(current);
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                if n.ident != "self" {
                    full.push(n.ident.to_string());
                }
                self.path(full);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.path(full);
            }
            syn::UseTree::Glob(_) => self.path(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collect {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_cfg_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_cfg_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if !is_cfg_test(&u.attrs) {
            self.use_tree(&mut Vec::new(), &u.tree);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.path(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if let Some(last) = m.path.segments.last() {
            self.macros.push(last.ident.to_string());
        }
        self.tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }
}

fn collect(ast: &syn::File) -> Collect {
    let mut c = Collect::default();
    c.visit_file(ast);
    c
}

/// The module a path from `from` names: the longest known module that the
/// path, made absolute, starts with.
fn target(from: &Module, path: &[String], modules: &BTreeSet<Module>) -> Module {
    let mut abs: Vec<String> = Vec::new();
    let mut rest = path;
    match path[0].as_str() {
        "crate" => rest = &path[1..],
        _ => {
            abs = from.clone();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => {
                        abs.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
    }
    abs.extend(rest.iter().cloned());
    while !abs.is_empty() && !modules.contains(&abs) {
        abs.pop();
    }
    abs
}

/// Edges between modules, each with a file that makes it.
fn edges(sources: &[Source]) -> BTreeMap<(Module, Module), PathBuf> {
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let mut out = BTreeMap::new();
    for s in sources {
        for p in collect(&s.ast).module_paths {
            let t = target(&s.module, &p, &modules);
            // A module naming itself or one of its ancestors is no edge.
            if s.module.starts_with(&t) {
                continue;
            }
            out.entry((s.module.clone(), t)).or_insert_with(|| s.file.clone());
        }
    }
    out
}

/// Each edge seen below the nearest module its two ends share: the pair of
/// that module's children it runs between (None when one end contains the other).
fn projected(from: &Module, to: &Module) -> Option<(Module, Module)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].to_vec(), to[..=common].to_vec()))
}

/// A cycle in a directed graph, if there is one (as the list of its nodes).
fn find_cycle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn dfs(
        n: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        state: &mut BTreeMap<Module, u8>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|x| x == m).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = dfs(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n).copied().unwrap_or(0) == 0
            && let Some(c) = dfs(n, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn show(m: &Module) -> String {
    if m.is_empty() {
        "crate".to_string()
    } else {
        m.join("::")
    }
}

/// Every cycle problem of a crate's sources, in words.
fn cycles(sources: &[Source]) -> Option<String> {
    let edges = edges(sources);
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    let mut why: BTreeMap<(Module, Module), String> = BTreeMap::new();
    for ((from, to), file) in &edges {
        if let Some((a, b)) = projected(from, to) {
            graph.entry(a.clone()).or_default().insert(b.clone());
            why.entry((a, b))
                .or_insert_with(|| format!("{} -> {} ({})", show(from), show(to), file.display()));
        }
    }
    // Every cycle is told: each found is broken at its first edge, and the search goes on.
    let mut told = Vec::new();
    while let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| why[&(w[0].clone(), w[1].clone())].clone())
            .collect();
        told.push(format!(
            "import cycle {}:\n  {}",
            cycle.iter().map(show).collect::<Vec<_>>().join(" -> "),
            steps.join("\n  ")
        ));
        if let Some(next) = graph.get_mut(&cycle[0]) {
            next.remove(&cycle[1]);
        }
    }
    (!told.is_empty()).then(|| told.join("\n"))
}

/// The library's layers, bottom first; a module may import only its own
/// layer's modules and those below (the README's Design section draws them).
const LAYERS: &[&[&str]] = &[
    &["redact", "error"],
    &["model"],
    &["config"],
    &["atomic", "store", "baseline", "net"],
    &["document"],
    &["validate"],
    &["links"],
    &["archive"],
    &["run"],
    &["pipeline", "report", "fix"],
    &["output"],
];

fn layer(top: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&top))
}

#[test]
fn the_library_and_the_binary_have_no_import_cycle() {
    for binary in [false, true] {
        let sources = crate_sources(binary);
        assert!(sources.len() >= 3, "sources found");
        if let Some(c) = cycles(&sources) {
            panic!("{}: {c}", if binary { "binary" } else { "library" });
        }
    }
}

#[test]
fn every_library_import_points_down_the_layers() {
    let sources = crate_sources(false);
    let mut wrong = Vec::new();
    for s in &sources {
        if let Some(top) = s.module.first() {
            assert!(
                layer(top).is_some(),
                "{top} is in no layer: add it to LAYERS and the README"
            );
        }
    }
    // Within a layer modules may import each other (the cycle test keeps that acyclic).
    for ((from, to), file) in edges(&sources) {
        let (Some(a), Some(b)) = (from.first(), to.first()) else {
            continue;
        };
        if a != b && layer(a) < layer(b) {
            wrong.push(format!("{} -> {} ({})", show(&from), show(&to), file.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up the layers:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn the_cycle_check_sees_use_lines_inline_paths_and_macro_paths() {
    let parse = |module: &[&str], text: &str| Source {
        module: module.iter().map(|s| s.to_string()).collect(),
        file: PathBuf::from(format!("{}.rs", module.join("/"))),
        ast: syn::parse_file(text).unwrap(),
    };
    // Top-level: a → b by a `use` line, b → a by a path inside a macro call.
    let sources = vec![
        parse(&[], "pub mod a; pub mod b;"),
        parse(&["a"], "use crate::b::Thing; pub struct Other;"),
        parse(
            &["b"],
            "pub struct Thing; fn f() -> String { format!(\"{}\", crate::a::Other) }",
        ),
    ];
    let c = cycles(&sources).expect("a cycle through a macro path");
    assert!(c.contains("a -> b") && c.contains("b -> a"), "{c}");
    // Siblings: x → y by an inline `super::` path, y → x by `use super::x`.
    let sources = vec![
        parse(&[], "pub mod p;"),
        parse(&["p"], "pub mod x; pub mod y; pub struct Shared;"),
        parse(&["p", "x"], "fn f() { let _ = super::y::g(); let _ = super::Shared; }"),
        parse(&["p", "y"], "use super::x; pub fn g() {}"),
    ];
    assert!(cycles(&sources).expect("a sibling cycle").contains("p::x"));
    // A child naming its parent, a parent its child, and test code are no edges.
    let sources = vec![
        parse(&[], "pub mod p;"),
        parse(&["p"], "pub mod x; pub mod y; use self::x::A; pub struct Shared;"),
        parse(&["p", "x"], "pub struct A; use super::Shared; use super::y::B;"),
        parse(
            &["p", "y"],
            "pub struct B; #[cfg(test)] mod tests { use super::super::x::A; }",
        ),
    ];
    assert_eq!(cycles(&sources), None);
}

/// Macros and calls that print or write, and the modules allowed them.
const PRINTING: &[&str] = &["print", "println", "eprint", "eprintln", "dbg"];
const WRITING: &[&str] = &[
    "fs::write",
    "File::create",
    "OpenOptions",
    "create_dir_all",
    "set_permissions",
    "fs::copy",
    "fs::rename",
    "remove_file",
    "tempfile",
    "stdout",
    "stderr",
];

/// What a library module does that it must not: print, write a file, or
/// call the atomic writer (only the output module and the store may).
fn side_effects(module: &Module, ast: &syn::File) -> Vec<String> {
    let c = collect(ast);
    let top = module.first().map(String::as_str).unwrap_or("");
    let mut out: Vec<String> = c
        .macros
        .iter()
        .filter(|m| PRINTING.contains(&m.as_str()))
        .map(|m| format!("{m}!"))
        .collect();
    // The output module writes for the binary; atomic is the one file-replacing primitive.
    if !matches!(top, "output" | "atomic") {
        for p in &c.all_paths {
            let segments: Vec<&str> = p.split("::").collect();
            let names = |w: &str| {
                let want: Vec<&str> = w.split("::").collect();
                segments.windows(want.len()).any(|s| s == want.as_slice())
            };
            if let Some(w) = WRITING.iter().find(|w| names(w)) {
                out.push(format!("{w} ({p})"));
            }
        }
    }
    if !matches!(top, "output" | "store" | "atomic") {
        for p in &c.module_paths {
            if p.iter().any(|s| s == "atomic") {
                out.push(format!("atomic ({})", p.join("::")));
            }
        }
    }
    out
}

#[test]
fn the_library_prints_nothing_and_writes_only_through_output_and_the_store() {
    let mut found = Vec::new();
    for s in crate_sources(false) {
        for what in side_effects(&s.module, &s.ast) {
            found.push(format!("{}: {what}", s.file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "the library prints or writes:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn only_the_binary_calls_the_output_module() {
    let sources = crate_sources(false);
    let users: Vec<String> = edges(&sources)
        .into_iter()
        .filter(|((from, to), _)| {
            to.first().is_some_and(|t| t == "output") && from.first().is_none_or(|f| f != "output")
        })
        .map(|((from, _), file)| format!("{} ({})", show(&from), file.display()))
        .collect();
    assert!(users.is_empty(), "library modules call output: {users:?}");
}

#[test]
fn the_side_effect_check_sees_what_it_forbids() {
    let m = |s: &str| vec![s.to_string()];
    let ast = syn::parse_file(
        "use std::fs::OpenOptions;
         fn a() { println!(\"x\"); std::fs::write(\"p\", b\"\").unwrap(); }
         fn b() { let _ = std::fs::File::create(\"p\"); eprintln!(\"{}\", 1); crate::atomic::write(p, b); }
         fn c() { let _ = std::fs::OpenOptions::new().append(true).open(\"p\"); }
         #[cfg(test)] mod tests { fn t() { println!(\"ok in tests\"); } }",
    )
    .unwrap();
    let found = side_effects(&m("links"), &ast);
    for w in [
        "println!",
        "eprintln!",
        "OpenOptions",
        "fs::write",
        "File::create",
        "atomic (crate::atomic::write)",
    ] {
        assert!(found.iter().any(|f| f.starts_with(w)), "{w} not seen in {found:?}");
    }
    assert_eq!(
        found.iter().filter(|f| f.starts_with("println!")).count(),
        1,
        "test code is not looked at"
    );
    assert!(
        found.iter().any(|f| f == "OpenOptions (std::fs::OpenOptions::new)"),
        "{found:?}"
    );
    let store = side_effects(
        &m("store"),
        &syn::parse_file("fn s() { crate::atomic::write(p, b); }").unwrap(),
    );
    assert!(store.is_empty(), "the store may write through atomic: {store:?}");
}

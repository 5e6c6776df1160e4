//! citecheck: validates the footnotes and references of bilingual documents.
//!
//! The library is one pure function, [`run`], plus renderers and edits of
//! its result; it prints nothing and writes nothing but the store its caller
//! hands it. Data flows one way, and a module imports only those below it:
//!
//! ```text
//! output                         writes reports and fixed files (the binary's)
//! pipeline                       run() in a few lines
//! report · fix                   render or edit a Run
//! run                            Run: every stage's output, assembled once
//! archive                        doubtful links → archived copies (by link id)
//! links                          documents → link results
//! validate                       documents → findings
//! document                       bytes → Document
//! store · baseline · atomic      kept results, known findings, file replacement
//! config                         typed options, the CLI overlay
//! model · error · redact         shared vocabulary: imports nothing of the stages
//! ```

pub mod archive;
pub mod atomic;
pub mod baseline;
pub mod config;
pub mod document;
pub mod error;
pub mod fix;
pub mod links;
pub mod model;
pub mod net;
pub mod output;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod run;
pub mod store;
pub mod validate;

pub use pipeline::run;

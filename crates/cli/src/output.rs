//! Output on stdout: plain lines, or one JSON object per line with `--json`.

use std::io::Write;

use serde::Serialize;

/// The output mode of one run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Output {
    /// Set by `--json`.
    pub json: bool,
}

impl Output {
    /// Prints `value` as one line of JSON on stdout.
    pub(crate) fn json_line(&self, value: &impl Serialize) {
        match serde_json::to_string(value) {
            Ok(line) => println!("{line}"),
            Err(error) => tracing::error!(%error, "a JSON output line could not be written"),
        }
    }

    /// Flushes stdout, so a line is seen before a slow step starts.
    pub(crate) fn flush(&self) {
        let _ = std::io::stdout().flush();
    }
}

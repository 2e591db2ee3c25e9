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
            Ok(line) => say!("{line}"),
            Err(error) => tracing::error!(%error, "a JSON output line could not be written"),
        }
    }

    /// Flushes stdout, so a line is seen before a slow step starts.
    pub(crate) fn flush(&self) {
        let _ = std::io::stdout().flush();
    }
}

/// Returns `text` with its control characters (tab, newline, escape and the others) written as
/// Rust escapes such as `\t` or `\u{1b}`, so that a name from the shared manifest, which any
/// client can write, cannot break a tab-separated line or send commands to the terminal.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        if character.is_control() {
            escaped.extend(character.escape_default());
        } else {
            escaped.push(character);
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// Writes `line` and a newline to standard output; see the `say!` macro. A closed pipe ends
/// the process with status 0, and any other write error is reported on standard error.
pub(crate) fn print_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{line}") {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("pers-assets: could not write to standard output: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("tab\there\nnew"), "tab\\there\\nnew");
        assert_eq!(printable("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(printable("café 写真.png"), "café 写真.png");
    }
}

//! Reading `<Code>` and `<Message>` from S3 XML error bodies.

/// Code and message of an S3 error body; either is `None` when absent.
pub(crate) struct S3Error {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
}

/// Extracts the first `<Code>` and `<Message>` elements with a string search. Bodies that are
/// not S3 XML yield `None` for both.
pub(crate) fn parse_s3_error(body: &[u8]) -> S3Error {
    let text = String::from_utf8_lossy(body);
    S3Error {
        code: element_text(&text, "Code"),
        message: element_text(&text, "Message"),
    }
}

fn element_text(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let length = xml[start..].find(&close)?;
    let value = unescape(xml[start..start + length].trim());
    (!value.is_empty()).then_some(value)
}

/// Replaces the five predefined XML entities.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

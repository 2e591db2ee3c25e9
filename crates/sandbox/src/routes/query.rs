//! Query string parsing that reports bad values as 400 problems.

use std::collections::HashMap;

use crate::problem::Problem;

/// Decodes a raw query string into name/value pairs; a repeated name keeps its last value.
pub(crate) fn query_params(raw: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Parses an optional `true`/`false` parameter.
pub(crate) fn optional_bool(
    params: &HashMap<String, String>,
    name: &str,
) -> Result<Option<bool>, Problem> {
    match params.get(name).map(String::as_str) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(Problem::validation(
            name,
            format!("{name} must be true or false"),
        )),
    }
}

/// Parses an optional integer parameter in `1..=max`.
pub(crate) fn optional_count(
    params: &HashMap<String, String>,
    name: &str,
    max: u64,
) -> Result<Option<u64>, Problem> {
    let Some(value) = params.get(name) else {
        return Ok(None);
    };
    match value.parse::<u64>() {
        Ok(number) if (1..=max).contains(&number) => Ok(Some(number)),
        _ => Err(Problem::validation(
            name,
            format!("{name} must be an integer from 1 to {max}"),
        )),
    }
}

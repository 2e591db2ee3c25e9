//! Turning an error response body into an [`ApiError`].
//!
//! PERS documents RFC 7807 problem bodies, but every field is optional here: a body that is not
//! a JSON object, or an object without any problem field, becomes
//! [`ApiError::UnexpectedResponse`] with a short excerpt.

use serde_json::{Map, Value};

use crate::error::{ApiError, BusinessOption, MULTIPLE_CONTEXT_CODE};
use crate::response::excerpt;

/// Problem fields, any of which marks a JSON object as a problem body.
const PROBLEM_FIELDS: [&str; 6] = ["status", "title", "detail", "message", "code", "error"];

/// Categories that PERS documents as never retryable.
const NON_RETRYABLE_CATEGORIES: [&str; 3] = ["VALIDATION", "SECURITY", "DOMAIN_RULE"];

/// Converts an error response (`status` is not 2xx) into an error.
pub(crate) fn error_from_body(status: u16, body: &[u8], path: &str) -> ApiError {
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) if is_problem(&object) => object,
        _ => {
            return ApiError::UnexpectedResponse {
                status,
                path: path.to_owned(),
                excerpt: excerpt(body),
            };
        }
    };
    let code = string_field(&object, "code");
    if code.as_deref() == Some(MULTIPLE_CONTEXT_CODE) {
        return ApiError::MultipleContextSelectionRequired {
            options: business_options(&object),
            correlation_id: string_field(&object, "correlationId"),
        };
    }
    ApiError::Problem {
        status,
        code,
        title: string_field(&object, "title"),
        detail: string_field(&object, "detail").or_else(|| string_field(&object, "message")),
        correlation_id: string_field(&object, "correlationId"),
        retryable: retryable(&object),
        path: path.to_owned(),
    }
}

fn is_problem(object: &Map<String, Value>) -> bool {
    PROBLEM_FIELDS
        .iter()
        .any(|field| object.contains_key(*field))
}

/// Returns a non-empty string field. Numbers are accepted too, because some servers send codes
/// as numbers.
pub(crate) fn string_field(object: &Map<String, Value>, field: &str) -> Option<String> {
    match object.get(field)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn retryable(object: &Map<String, Value>) -> Option<bool> {
    if let Some(flag) = object.get("retryable").and_then(Value::as_bool) {
        return Some(flag);
    }
    let category = string_field(object, "category")?;
    NON_RETRYABLE_CATEGORIES
        .contains(&category.as_str())
        .then_some(false)
}

/// Reads the options from `details.options`, else from a top-level `options` array.
fn business_options(object: &Map<String, Value>) -> Vec<BusinessOption> {
    let nested = object
        .get("details")
        .and_then(|details| details.get("options"));
    let options = nested.or_else(|| object.get("options"));
    let Some(Value::Array(entries)) = options else {
        tracing::warn!("MULTIPLE_CONTEXT_SELECTION_REQUIRED without an options array");
        return Vec::new();
    };
    entries.iter().filter_map(business_option).collect()
}

fn business_option(entry: &Value) -> Option<BusinessOption> {
    let object = entry.as_object()?;
    let business_id = string_field(object, "businessId").or_else(|| string_field(object, "id"));
    let Some(business_id) = business_id else {
        tracing::warn!("skipping a business option without businessId or id");
        return None;
    };
    Some(BusinessOption {
        business_id,
        display_name: string_field(object, "displayName").or_else(|| string_field(object, "name")),
        role: string_field(object, "role"),
    })
}

//! Which requests a fault applies to.

use serde::{Deserialize, Serialize};

/// A set of requests, by method and path.
///
/// `path` is the request path without the query, such as `/v2/campaigns`. A path ending in `*`
/// matches every path that starts with the part before the `*`, so `/v2/*` matches every API
/// operation. `method` is compared ignoring ASCII case; `None` matches every method.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// HTTP method such as `GET`, or `None` for every method.
    #[serde(default)]
    pub method: Option<String>,
    /// Exact path, or a prefix followed by `*`.
    pub path: String,
}

impl Route {
    /// Matches `method` requests to `path`.
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: Some(method.to_owned()),
            path: path.to_owned(),
        }
    }

    /// Matches requests of every method to `path`.
    pub fn any_method(path: &str) -> Self {
        Self {
            method: None,
            path: path.to_owned(),
        }
    }

    /// Matches `GET` requests to `path`.
    pub fn get(path: &str) -> Self {
        Self::new("GET", path)
    }

    /// Returns whether a request with `method` and `path` belongs to this route.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let method_matches = self
            .method
            .as_deref()
            .is_none_or(|expected| expected.eq_ignore_ascii_case(method));
        let path_matches = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        method_matches && path_matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_prefix_paths() {
        assert!(Route::get("/v2/tokens").matches("GET", "/v2/tokens"));
        assert!(Route::get("/v2/tokens").matches("get", "/v2/tokens"));
        assert!(!Route::get("/v2/tokens").matches("POST", "/v2/tokens"));
        assert!(!Route::get("/v2/tokens").matches("GET", "/v2/tokens/1"));
        assert!(Route::any_method("/v2/*").matches("PUT", "/v2/tenants"));
        assert!(!Route::any_method("/v2/*").matches("GET", "/identity/v1/x"));
    }
}

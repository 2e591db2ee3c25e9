//! The `pers-asset` URI scheme: serves cached thumbnails and previews to the webview, so image
//! bytes never cross the JSON IPC bridge.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::state::AppState;

/// Name of the URI scheme, registered on the builder.
pub const SCHEME: &str = "pers-asset";

/// Characters escaped in a key; the same set as JavaScript's `encodeURIComponent`.
const KEY_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*');

/// Builds the URL under which the webview loads the cached image `key`.
///
/// Windows and Android webviews reach custom schemes as `http://pers-asset.localhost/`, the
/// others as `pers-asset://localhost/`. The front end's `assetUrl` builds the same URLs.
pub fn asset_url(key: &str) -> String {
    let path = utf8_percent_encode(key, KEY_ESCAPES);
    if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost/{path}")
    } else {
        format!("{SCHEME}://localhost/{path}")
    }
}

/// Serves one request: 200 with the cached image and its content type, 404 when the key is not
/// cached (or the library is not open yet), 400 for a path that is not valid UTF-8.
pub fn handle<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = context.app_handle().clone();
    let path = request.uri().path().trim_start_matches('/').to_owned();

    tauri::async_runtime::spawn_blocking(move || {
        let response = match percent_decode_str(&path).decode_utf8() {
            Ok(key) => serve(&app, &key),
            Err(_) => status_response(StatusCode::BAD_REQUEST),
        };
        responder.respond(response);
    });
}

fn serve<R: Runtime>(app: &tauri::AppHandle<R>, key: &str) -> Response<Vec<u8>> {
    let Some(state) = app.try_state::<AppState>() else {
        return status_response(StatusCode::NOT_FOUND);
    };
    let Some(image) = state.library.cached_image(key) else {
        tracing::debug!(key, "asset not in the cache");
        return status_response(StatusCode::NOT_FOUND);
    };

    // Keys are content hashes, so a cached response never goes stale.
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, image.content_type)
        .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
        .body(image.bytes)
        .unwrap_or_else(|_| status_response(StatusCode::INTERNAL_SERVER_ERROR))
}

fn status_response(status: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(any(windows, target_os = "android")))]
    fn asset_url_encodes_like_the_front_end() {
        // Matches `assetUrl('campaign/c 1/a?b#c')` in ui/src/lib/assetUrl.ts.
        assert_eq!(
            asset_url("campaign/c 1/a?b#c"),
            "pers-asset://localhost/campaign%2Fc%201%2Fa%3Fb%23c"
        );
    }

    #[test]
    fn asset_url_round_trips_the_key() {
        let key = "previews/ab12 ünï";
        let url = asset_url(key);
        let path = url.rsplit('/').next().unwrap_or_default();

        assert_eq!(
            percent_decode_str(path).decode_utf8().ok().as_deref(),
            Some(key)
        );
    }
}

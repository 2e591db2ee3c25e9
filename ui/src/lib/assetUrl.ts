// URLs of images served by the shell's `pers-asset` URI scheme.

/** Name of the custom URI scheme registered by the shell. */
export const ASSET_SCHEME = 'pers-asset';

/**
 * Builds the URL under which the webview loads the cached image `key`.
 *
 * Linux and macOS webviews load custom schemes as `pers-asset://localhost/<key>`. WebView2 on
 * Windows (and Android) only allows them as `http://pers-asset.localhost/<key>`, which is what
 * Tauri maps them to there. The key is percent-encoded, so it may contain `/` or spaces.
 */
export function assetUrl(key: string, platform: 'windows' | 'other' = detectPlatform()): string {
  const path = encodeURIComponent(key);
  if (platform === 'windows') return `http://${ASSET_SCHEME}.localhost/${path}`;
  return `${ASSET_SCHEME}://localhost/${path}`;
}

function detectPlatform(): 'windows' | 'other' {
  const agent = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  return /Windows|Android/.test(agent) ? 'windows' : 'other';
}

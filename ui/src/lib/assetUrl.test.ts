import { describe, expect, it } from 'vitest';
import { assetUrl } from './assetUrl';

describe('assetUrl', () => {
  it('uses the custom scheme on Linux and macOS', () => {
    expect(assetUrl('thumb-abc123', 'other')).toBe('pers-asset://localhost/thumb-abc123');
  });

  it('uses the http form on Windows', () => {
    expect(assetUrl('thumb-abc123', 'windows')).toBe('http://pers-asset.localhost/thumb-abc123');
  });

  it('percent-encodes slashes, spaces and query characters in the key', () => {
    const url = assetUrl('campaign/c 1/a?b#c', 'other');

    expect(url).toBe('pers-asset://localhost/campaign%2Fc%201%2Fa%3Fb%23c');
    expect(decodeURIComponent(url.slice('pers-asset://localhost/'.length))).toBe(
      'campaign/c 1/a?b#c',
    );
  });
});

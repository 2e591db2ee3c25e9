import { describe, expect, it } from 'vitest';
import { deriveIdentityUrl } from './environments';

describe('deriveIdentityUrl', () => {
  it('keeps only the origin of the base URL', () => {
    expect(deriveIdentityUrl('http://127.0.0.1:41234/v2')).toBe(
      'http://127.0.0.1:41234/identity/v1/accounts:signInWithPassword',
    );
  });

  it('returns an empty string while the URL is incomplete', () => {
    expect(deriveIdentityUrl('staging.exa')).toBe('');
    expect(deriveIdentityUrl('')).toBe('');
  });
});

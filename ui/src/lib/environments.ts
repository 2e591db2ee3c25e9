// Connection defaults of the three environments on the sign-in screen.

import type { Environment } from './types';

/** Base URL of the production PERS API. */
export const PRODUCTION_BASE_URL = 'https://api.pers.ninja/v2';

/** Path of the identity provider's password sign-in, relative to the server's origin. */
export const IDENTITY_PATH = '/identity/v1/accounts:signInWithPassword';

/** Labels of the environment select, in display order. */
export const ENVIRONMENT_LABELS: Record<Environment, string> = {
  sandbox: 'Sandbox (local demo data)',
  production: 'Production',
  custom: 'Custom URL',
};

/**
 * Derives the identity provider URL of a custom server: the base URL's origin followed by
 * `IDENTITY_PATH`, which is where the sandbox serves it. Returns an empty string when `baseUrl`
 * is not an absolute URL yet (the user is still typing).
 */
export function deriveIdentityUrl(baseUrl: string): string {
  try {
    return new URL(baseUrl.trim()).origin + IDENTITY_PATH;
  } catch {
    return '';
  }
}

// Sign-in requests built from the form's fields, and the checks made before sending one.

import type { AuthType, BusinessChoice, Environment, SignInRequest } from './types';

/** Credential kind: email and password, or a token pasted from the tenant's identity provider. */
export type SignInMode = 'password' | 'token';

/**
 * The sign-in fields that the app keeps in memory to fill the form again after a session ends.
 * It never contains the password or the provider token.
 */
export interface SignInPrefill {
  environment: Environment;
  baseUrl: string;
  projectKey: string;
  identityUrl: string;
  email: string;
  kind: AuthType;
  mode: SignInMode;
}

/** Every field of the form, secrets included. It lives only in the sign-in screen's state. */
export interface SignInFields extends SignInPrefill {
  password: string;
  providerToken: string;
}

/** Returns the sentence asking for the first missing field, or `null` when none is missing. */
export function missingField(fields: SignInFields): string | null {
  if (!fields.baseUrl.trim()) return 'Enter the API base URL.';
  if (!fields.projectKey.trim()) return 'Enter the project key.';
  if (fields.mode === 'token') {
    if (!fields.providerToken.trim()) return 'Paste the token from your identity provider.';
    return null;
  }
  if (!fields.identityUrl.trim()) return 'Enter the identity provider URL.';
  if (!fields.email.trim()) return 'Enter your email address.';
  if (!fields.password) return 'Enter your password.';
  return null;
}

/**
 * Builds the request for `fields`, acting for `businessId` when one was chosen.
 *
 * In token mode the request carries the trimmed token and the optional email, and leaves the
 * password and identity URL empty, so nothing unused is sent. In password mode it carries no
 * token.
 */
export function buildSignInRequest(
  fields: SignInFields,
  businessId: string | null = null,
): SignInRequest {
  const common = {
    environment: fields.environment,
    baseUrl: fields.baseUrl.trim(),
    projectKey: fields.projectKey.trim(),
    email: fields.email.trim(),
    kind: fields.kind,
    businessId,
  };
  if (fields.mode === 'token') {
    return {
      ...common,
      identityUrl: '',
      password: '',
      providerToken: fields.providerToken.trim(),
    };
  }
  return {
    ...common,
    identityUrl: fields.identityUrl.trim(),
    password: fields.password,
    providerToken: null,
  };
}

/** Returns `fields` without the password and the provider token. */
export function prefillOf(fields: SignInFields): SignInPrefill {
  const { environment, baseUrl, projectKey, identityUrl, email, kind, mode } = fields;
  return { environment, baseUrl, projectKey, identityUrl, email, kind, mode };
}

/** Returns the name shown for a business: its display name, or its id when it has none. */
export function businessName(business: BusinessChoice): string {
  return business.displayName?.trim() || business.businessId;
}

/** Returns a role such as `OWNER` as `Owner`, or `null` when the server sent none. */
export function roleLabel(role: string | null | undefined): string | null {
  const trimmed = role?.trim();
  if (!trimmed) return null;
  const lower = trimmed.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

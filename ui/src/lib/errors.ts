// The one place that decides how an error reads on screen.

import { BackendError } from './backend';

/** Text shown for a failure, with whether trying again may help. */
export interface ShownError {
  message: string;
  retryable: boolean;
}

const RETRYABLE_CODES = new Set(['NETWORK', 'SERVER', 'SANDBOX_UNAVAILABLE']);

/** Shown on the sign-in screen when a command failed because the session is no longer valid. */
export const SESSION_ENDED_NOTICE = 'Your session ended. Sign in again.';

/** Returns the notice for a session that ended while `batches` upload batches were unfinished. */
export function sessionEndedWithUploadsNotice(batches: number): string {
  const which = batches === 1 ? 'Your upload waits' : `Your ${batches} uploads wait`;
  return `Your session ended. ${which}, with nothing lost, and go${batches === 1 ? 'es' : ''} on when you sign in again.`;
}

/**
 * Turns any thrown value into the text shown to the user.
 *
 * Backend messages are already plain sentences written for users, so they are shown unchanged.
 * A signed-out session gets a hint to sign in again, except on `sign_in` itself: there a
 * `NOT_SIGNED_IN` means the server rejected the credentials or token, as its message says. Anything that is not a `BackendError` is a
 * bug in the front end, so it gets a generic sentence and is logged to the console.
 */
export function describeError(error: unknown): ShownError {
  if (error instanceof BackendError) {
    if (error.code === 'NOT_SIGNED_IN' && error.command !== 'sign_in') {
      return { message: SESSION_ENDED_NOTICE, retryable: false };
    }
    return { message: error.message, retryable: RETRYABLE_CODES.has(error.code) };
  }

  console.error('unexpected error in the front end', error);
  return { message: 'Something went wrong in the app. Try again, or restart it.', retryable: true };
}

/**
 * Returns the sign-in screen's notice when the session saved by "remember me" could not be
 * resumed at start: expired when the server rejected it, and the reason otherwise.
 */
export function resumeFailedNotice(error: unknown): string {
  if (error instanceof BackendError && error.code === 'NOT_SIGNED_IN') {
    return 'Your saved session has expired. Sign in again.';
  }
  const { message } = describeError(error);
  const sentence = message.endsWith('.') ? message : `${message}.`;
  return `Your saved session could not be resumed: ${sentence} Sign in again.`;
}

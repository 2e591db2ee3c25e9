// @vitest-environment jsdom
// "Remember me": the checkbox, resuming at start, and a resume that fails.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { BackendError } from '../../lib/backend';
import { testIds } from '../../lib/testids';
import { TestBackend } from '../../lib/testBackend';
import type { SessionInfo } from '../../lib/types';

const SAVED: SessionInfo = {
  environment: 'sandbox',
  baseUrl: 'http://127.0.0.1:1/v2',
  email: 'admin@demo.pers.test',
  kind: 'tenant',
};

function byTestId(id: string): HTMLElement {
  return screen.getByTestId(id);
}

async function signIn(remember: boolean) {
  await fireEvent.input(byTestId(testIds.signInEmail), {
    target: { value: 'admin@demo.pers.test' },
  });
  await fireEvent.input(byTestId(testIds.signInPassword), { target: { value: 'demo-password' } });
  if (remember) await fireEvent.click(byTestId(testIds.signInRemember));
  await fireEvent.click(byTestId(testIds.signInSubmit));
  await screen.findByTestId(testIds.sessionUser);
}

/** Renders the app as a new start of it over `backend`. */
async function start(backend: TestBackend) {
  cleanup();
  render(App, { props: { backend } });
  await screen.findByTestId(/signin-form|session-header/);
}

describe('remember me', () => {
  it('is off unless checked', async () => {
    const backend = new TestBackend();
    await start(backend);
    expect((byTestId(testIds.signInRemember) as HTMLInputElement).checked).toBe(false);

    await signIn(false);

    expect(backend.signInRemember).toEqual([false]);
    expect(backend.remembered).toBeNull();
  });

  it('skips sign-in at the next start', async () => {
    const backend = new TestBackend();
    await start(backend);
    await signIn(true);
    expect(backend.signInRemember).toEqual([true]);

    backend.session = null;
    await start(backend);

    expect(byTestId(testIds.sessionUser).textContent).toContain('admin@demo.pers.test');
    expect(screen.queryByTestId(testIds.signInForm)).toBeNull();
  });

  it('is forgotten at sign-out', async () => {
    const backend = new TestBackend();
    await start(backend);
    await signIn(true);

    await fireEvent.click(byTestId(testIds.signOut));
    await start(backend);

    expect(byTestId(testIds.signInForm)).toBeTruthy();
    expect(screen.queryByTestId(testIds.signInSessionNotice)).toBeNull();
  });

  it('says when the saved session expired', async () => {
    const backend = new TestBackend();
    backend.remembered = SAVED;
    backend.resumeError = new BackendError('resume_session', 'NOT_SIGNED_IN', 'Expired.');

    await start(backend);

    const notice = byTestId(testIds.signInSessionNotice);
    expect(notice.textContent).toBe('Your saved session has expired. Sign in again.');
    expect(screen.queryByTestId(testIds.sessionHeader)).toBeNull();
  });

  it('gives the reason of another failure', async () => {
    const backend = new TestBackend();
    backend.remembered = SAVED;
    backend.resumeError = new BackendError('resume_session', 'NETWORK', 'The server is offline');

    await start(backend);

    expect(byTestId(testIds.signInSessionNotice).textContent).toBe(
      'Your saved session could not be resumed: The server is offline. Sign in again.',
    );
  });

  it('shows why the session was not saved', async () => {
    const backend = new TestBackend();
    backend.rememberError = 'The OS keychain is not available (no Secret Service)';
    await start(backend);

    await signIn(true);

    expect(byTestId(testIds.rememberNotice).textContent).toContain('no Secret Service');
    expect(backend.remembered).toBeNull();
  });

  it('is turned off without a keychain', async () => {
    const backend = new TestBackend();
    backend.keychainUnavailable = 'no Secret Service on the session bus';
    await start(backend);

    const checkbox = (await screen.findByTestId(testIds.signInRemember)) as HTMLInputElement;
    await screen.findByTestId(testIds.signInRememberUnavailable);
    expect(checkbox.disabled).toBe(true);
    expect(byTestId(testIds.signInRememberUnavailable).textContent).toContain(
      'no Secret Service on the session bus',
    );

    await signIn(false);
    expect(backend.signInRemember).toEqual([false]);
  });

  it('stays on with a keychain', async () => {
    const backend = new TestBackend();
    await start(backend);

    expect((byTestId(testIds.signInRemember) as HTMLInputElement).disabled).toBe(false);
    expect(screen.queryByTestId(testIds.signInRememberUnavailable)).toBeNull();
  });
});

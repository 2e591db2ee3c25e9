// @vitest-environment jsdom
// Returning to the sign-in screen when a command finds the session gone.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { testIds } from './lib/testids';
import { TestBackend } from './lib/testBackend';

function byTestId(id: string): HTMLElement {
  return screen.getByTestId(id);
}

function inputValue(id: string): string {
  return (byTestId(id) as HTMLInputElement).value;
}

async function type(id: string, value: string) {
  await fireEvent.input(byTestId(id), { target: { value } });
}

async function signedInApp(backend: TestBackend) {
  backend.entities.campaign = [{ entityType: 'campaign', id: 'c1', displayName: 'Spring' }];
  render(App, { props: { backend } });
  await screen.findByTestId(testIds.signInForm);
}

async function signInToCustomServer() {
  const environment = byTestId(testIds.signInEnvironment) as HTMLSelectElement;
  await fireEvent.change(environment, { target: { value: 'custom' } });
  await type(testIds.signInBaseUrl, 'http://127.0.0.1:4000/v2');
  await type(testIds.signInProjectKey, 'pk_test_custom');
  await type(testIds.signInEmail, 'admin@tenant.example');
  await type(testIds.signInPassword, 'secret-password');
  await fireEvent.click(byTestId(testIds.signInSubmit));
  await screen.findByTestId(testIds.sessionUser);
}

describe('ended session', () => {
  it('returns to sign-in with a notice', async () => {
    const backend = new TestBackend();
    await signedInApp(backend);
    await type(testIds.signInEmail, 'barista@demo.pers.test');
    await type(testIds.signInPassword, 'demo-password');
    await fireEvent.click(byTestId(testIds.signInSubmit));
    await screen.findByTestId(testIds.entityItem);

    // The core's session is gone: the next command fails with NOT_SIGNED_IN.
    backend.session = null;
    await fireEvent.click(byTestId(testIds.entityTabToken));

    const notice = await screen.findByTestId(testIds.signInSessionNotice);
    expect(notice.textContent).toBe('Your session ended. Sign in again.');
    expect(screen.queryByTestId(testIds.sessionHeader)).toBeNull();
    expect(inputValue(testIds.signInEmail)).toBe('barista@demo.pers.test');
    expect(inputValue(testIds.signInEnvironment)).toBe('sandbox');
    expect(inputValue(testIds.signInPassword)).toBe('');
    expect(backend.signOutCalls).toBe(1);
  });

  it('keeps a custom server filled in', async () => {
    const backend = new TestBackend();
    await signedInApp(backend);
    await signInToCustomServer();
    await screen.findByTestId(testIds.entityItem);

    backend.session = null;
    await fireEvent.click(byTestId(testIds.entityItem));

    await screen.findByTestId(testIds.signInSessionNotice);
    expect(inputValue(testIds.signInEnvironment)).toBe('custom');
    expect(inputValue(testIds.signInBaseUrl)).toBe('http://127.0.0.1:4000/v2');
    expect(inputValue(testIds.signInProjectKey)).toBe('pk_test_custom');
    expect(inputValue(testIds.signInEmail)).toBe('admin@tenant.example');
    expect(inputValue(testIds.signInPassword)).toBe('');
  });

  it('keeps token mode without the token', async () => {
    const backend = new TestBackend();
    await signedInApp(backend);
    await fireEvent.click(byTestId(testIds.signInModeToken));
    await type(testIds.signInProviderToken, 'eyJ.pasted.token');
    await type(testIds.signInEmail, 'staff@tenant.example');
    await fireEvent.click(byTestId(testIds.signInSubmit));
    await screen.findByTestId(testIds.entityItem);

    backend.session = null;
    await fireEvent.click(byTestId(testIds.entityTabToken));

    await screen.findByTestId(testIds.signInSessionNotice);
    expect(inputValue(testIds.signInProviderToken)).toBe('');
    expect(inputValue(testIds.signInEmail)).toBe('staff@tenant.example');
  });

  it('signing in again clears the notice', async () => {
    const backend = new TestBackend();
    await signedInApp(backend);
    await type(testIds.signInEmail, 'barista@demo.pers.test');
    await type(testIds.signInPassword, 'demo-password');
    await fireEvent.click(byTestId(testIds.signInSubmit));
    await screen.findByTestId(testIds.entityItem);
    backend.session = null;
    await fireEvent.click(byTestId(testIds.entityTabToken));
    await screen.findByTestId(testIds.signInSessionNotice);

    await type(testIds.signInPassword, 'demo-password');
    await fireEvent.click(byTestId(testIds.signInSubmit));
    await screen.findByTestId(testIds.sessionUser);
    await fireEvent.click(byTestId(testIds.signOut));

    await screen.findByTestId(testIds.signInForm);
    expect(screen.queryByTestId(testIds.signInSessionNotice)).toBeNull();
  });

  it('explicit sign-out shows no notice', async () => {
    const backend = new TestBackend();
    await signedInApp(backend);
    await type(testIds.signInEmail, 'barista@demo.pers.test');
    await type(testIds.signInPassword, 'demo-password');
    await fireEvent.click(byTestId(testIds.signInSubmit));
    await screen.findByTestId(testIds.sessionUser);

    await fireEvent.click(byTestId(testIds.signOut));

    await screen.findByTestId(testIds.signInForm);
    expect(screen.queryByTestId(testIds.signInSessionNotice)).toBeNull();
    expect(backend.signOutCalls).toBe(1);
  });
});

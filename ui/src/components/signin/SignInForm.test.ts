// @vitest-environment jsdom
// The sign-in screen inside the whole app, over the in-memory test backend.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { BackendError } from '../../lib/backend';
import { testIds } from '../../lib/testids';
import { TestBackend } from '../../lib/testBackend';
import type { BusinessChoice } from '../../lib/types';

const BUSINESSES: BusinessChoice[] = [
  { businessId: 'b-harbour', displayName: 'Harbour Roasters', role: 'OWNER' },
  { businessId: 'b-northside', displayName: 'Northside Bakery', role: 'ADMIN' },
];

function byTestId(id: string): HTMLElement {
  return screen.getByTestId(id);
}

async function type(id: string, value: string) {
  await fireEvent.input(byTestId(id), { target: { value } });
}

async function showApp(backend: TestBackend) {
  render(App, { props: { backend } });
  await screen.findByTestId(testIds.signInForm);
}

async function signInWithPassword(email = 'manager@demo.pers.test') {
  await type(testIds.signInEmail, email);
  await type(testIds.signInPassword, 'demo-password');
  await fireEvent.click(byTestId(testIds.signInSubmit));
}

function businessOption(businessId: string): HTMLElement {
  const option = screen
    .getAllByTestId(testIds.signInBusinessOption)
    .find((element) => element.dataset.businessId === businessId);
  if (!option) throw new Error(`no business option ${businessId}`);
  return option;
}

describe('business picker', () => {
  it('lists each business with its name and role', async () => {
    const backend = new TestBackend();
    backend.businesses = BUSINESSES;
    await showApp(backend);

    await signInWithPassword();

    const picker = await screen.findByTestId(testIds.signInBusinessPicker);
    const options = within(picker).getAllByTestId(testIds.signInBusinessOption);
    expect(options.map((option) => option.dataset.businessId)).toEqual([
      'b-harbour',
      'b-northside',
    ]);
    expect(options[0]?.textContent).toContain('Harbour Roasters');
    expect(options[0]?.textContent).toContain('Owner');
    expect(options[1]?.textContent).toContain('Northside Bakery');
    expect(options[1]?.textContent).toContain('Admin');
    expect(screen.queryByTestId(testIds.sessionUser)).toBeNull();
  });

  it('keeps Continue disabled until a business is chosen', async () => {
    const backend = new TestBackend();
    backend.businesses = BUSINESSES;
    await showApp(backend);
    await signInWithPassword();
    await screen.findByTestId(testIds.signInBusinessPicker);

    const continueButton = byTestId(testIds.signInBusinessContinue) as HTMLButtonElement;

    expect(continueButton.disabled).toBe(true);
    await fireEvent.click(within(businessOption('b-northside')).getByRole('radio'));
    expect(continueButton.disabled).toBe(false);
  });

  it('signs in again with the chosen business', async () => {
    const backend = new TestBackend();
    backend.businesses = BUSINESSES;
    await showApp(backend);
    await signInWithPassword();
    await screen.findByTestId(testIds.signInBusinessPicker);

    await fireEvent.click(within(businessOption('b-northside')).getByRole('radio'));
    await fireEvent.click(byTestId(testIds.signInBusinessContinue));

    const user = await screen.findByTestId(testIds.sessionUser);
    expect(user.textContent).toContain('Northside Bakery');
    expect(backend.signInRequests).toHaveLength(2);
    const [first, second] = backend.signInRequests;
    expect(first?.businessId).toBeNull();
    expect(second?.businessId).toBe('b-northside');
    expect(second?.email).toBe('manager@demo.pers.test');
    expect(second?.password).toBe('demo-password');
  });

  it('shows a rejected choice and stays on the picker', async () => {
    const backend = new TestBackend();
    backend.businesses = BUSINESSES;
    await showApp(backend);
    await signInWithPassword();
    await screen.findByTestId(testIds.signInBusinessPicker);
    await fireEvent.click(within(businessOption('b-harbour')).getByRole('radio'));
    backend.signInError = new BackendError('sign_in', 'NETWORK', 'The server is unreachable.');

    await fireEvent.click(byTestId(testIds.signInBusinessContinue));

    const error = await screen.findByTestId(testIds.signInError);
    expect(error.textContent).toBe('The server is unreachable.');
    expect(screen.getByTestId(testIds.signInBusinessPicker)).toBeTruthy();
  });

  it('goes back to the form with its fields kept', async () => {
    const backend = new TestBackend();
    backend.businesses = BUSINESSES;
    await showApp(backend);
    await signInWithPassword();
    await screen.findByTestId(testIds.signInBusinessPicker);

    await fireEvent.click(byTestId(testIds.signInBusinessBack));

    expect(screen.queryByTestId(testIds.signInBusinessPicker)).toBeNull();
    expect((byTestId(testIds.signInEmail) as HTMLInputElement).value).toBe(
      'manager@demo.pers.test',
    );
  });

  it('signs in without a picker for a single business', async () => {
    const backend = new TestBackend();
    backend.businesses = BUSINESSES.slice(0, 1);
    await showApp(backend);

    await signInWithPassword('barista@demo.pers.test');

    const user = await screen.findByTestId(testIds.sessionUser);
    expect(user.textContent).toContain('Harbour Roasters');
    expect(backend.signInRequests).toHaveLength(1);
  });
});

describe('provider token sign-in', () => {
  it('sends the pasted token instead of a password', async () => {
    const backend = new TestBackend();
    await showApp(backend);

    await fireEvent.click(byTestId(testIds.signInModeToken));
    expect(screen.queryByTestId(testIds.signInPassword)).toBeNull();
    expect(screen.queryByTestId(testIds.signInIdentityUrl)).toBeNull();
    await type(testIds.signInProviderToken, '  eyJ.pasted.token \n');
    await type(testIds.signInEmail, 'staff@tenant.example');
    await fireEvent.click(byTestId(testIds.signInSubmit));

    await screen.findByTestId(testIds.sessionUser);
    const [request] = backend.signInRequests;
    expect(request?.providerToken).toBe('eyJ.pasted.token');
    expect(request?.email).toBe('staff@tenant.example');
    expect(request?.password).toBe('');
    expect(request?.identityUrl).toBe('');
  });

  it('signs in without an email', async () => {
    const backend = new TestBackend();
    await showApp(backend);

    await fireEvent.click(byTestId(testIds.signInModeToken));
    await type(testIds.signInProviderToken, 'eyJ.pasted.token');
    await fireEvent.click(byTestId(testIds.signInSubmit));

    await screen.findByTestId(testIds.sessionUser);
    expect(backend.signInRequests[0]?.email).toBe('');
  });

  it('asks for the token when none was pasted', async () => {
    const backend = new TestBackend();
    await showApp(backend);

    await fireEvent.click(byTestId(testIds.signInModeToken));
    await fireEvent.click(byTestId(testIds.signInSubmit));

    const error = await screen.findByTestId(testIds.signInError);
    expect(error.textContent).toMatch(/paste the token/i);
    expect(backend.signInRequests).toHaveLength(0);
  });

  it('forgets the token when switching back to the password', async () => {
    const backend = new TestBackend();
    await showApp(backend);
    await fireEvent.click(byTestId(testIds.signInModeToken));
    await type(testIds.signInProviderToken, 'eyJ.pasted.token');

    await fireEvent.click(byTestId(testIds.signInModePassword));
    await fireEvent.click(byTestId(testIds.signInModeToken));

    expect((byTestId(testIds.signInProviderToken) as HTMLTextAreaElement).value).toBe('');
  });

  it('shows the server message for a rejected token', async () => {
    const backend = new TestBackend();
    backend.signInError = new BackendError(
      'sign_in',
      'NOT_SIGNED_IN',
      'The server rejected the token (401); sign in to your identity provider again.',
    );
    await showApp(backend);
    await fireEvent.click(byTestId(testIds.signInModeToken));
    await type(testIds.signInProviderToken, 'eyJ.expired.token');

    await fireEvent.click(byTestId(testIds.signInSubmit));

    const error = await screen.findByTestId(testIds.signInError);
    expect(error.textContent).toContain('rejected the token');
    expect(screen.queryByTestId(testIds.signInSessionNotice)).toBeNull();
  });

  it('offers the business picker after a token sign-in', async () => {
    const backend = new TestBackend();
    backend.businesses = BUSINESSES;
    await showApp(backend);
    await fireEvent.click(byTestId(testIds.signInModeToken));
    await type(testIds.signInProviderToken, 'eyJ.pasted.token');
    await fireEvent.click(byTestId(testIds.signInSubmit));
    await screen.findByTestId(testIds.signInBusinessPicker);

    await fireEvent.click(within(businessOption('b-harbour')).getByRole('radio'));
    await fireEvent.click(byTestId(testIds.signInBusinessContinue));

    await screen.findByTestId(testIds.sessionUser);
    expect(backend.signInRequests[1]?.providerToken).toBe('eyJ.pasted.token');
    expect(backend.signInRequests[1]?.businessId).toBe('b-harbour');
  });
});

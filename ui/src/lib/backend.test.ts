import { describe, expect, it } from 'vitest';
import { BackendError, TauriBackend, type InvokeFn } from './backend';
import { describeError } from './errors';

function rejectingInvoke(reason: unknown): InvokeFn {
  return <T>() => Promise.reject(reason) as Promise<T>;
}

async function caught(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackendError) return error;
    throw new Error(`expected a BackendError, got ${String(error)}`);
  }
  throw new Error('expected the call to fail');
}

describe('TauriBackend error rethrow', () => {
  it('keeps the command name and code of a CommandError', async () => {
    const backend = new TauriBackend(
      rejectingInvoke({ code: 'INVALID_CREDENTIALS', message: 'The email or password is wrong.' }),
    );

    const error = await caught(
      backend.signIn({
        environment: 'sandbox',
        baseUrl: 'http://127.0.0.1:1/v2',
        identityUrl: 'http://127.0.0.1:1/identity',
        projectKey: 'pk_test',
        email: 'a@b.test',
        password: 'x',
        kind: 'tenant',
      }),
    );

    expect(error.command).toBe('sign_in');
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(error.message).toBe('The email or password is wrong.');
  });

  it('turns a plain string rejection into INTERNAL with its text', async () => {
    const backend = new TauriBackend(rejectingInvoke('Command gallery not allowed by ACL'));

    const error = await caught(backend.gallery({ entityType: 'campaign', id: 'c1' }));

    expect(error.command).toBe('gallery');
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain('not allowed');
  });

  it('treats an unknown code as INTERNAL rather than trusting it', async () => {
    const backend = new TauriBackend(
      rejectingInvoke({ code: 'TEAPOT', message: 'short and stout' }),
    );

    const error = await caught(backend.listEntities('token'));

    expect(error.command).toBe('list_entities');
    expect(error.code).toBe('INTERNAL');
  });

  it('keeps the businesses of a business selection', async () => {
    const backend = new TauriBackend(
      rejectingInvoke({
        code: 'BUSINESS_SELECTION_REQUIRED',
        message: 'Choose a business.',
        businesses: [
          { businessId: 'b1', displayName: 'Harbour Roasters', role: 'OWNER' },
          { businessId: 'b2', displayName: null, role: null },
        ],
      }),
    );

    const error = await caught(backend.sessionInfo());

    expect(error.code).toBe('BUSINESS_SELECTION_REQUIRED');
    expect(error.businesses).toEqual([
      { businessId: 'b1', displayName: 'Harbour Roasters', role: 'OWNER' },
      { businessId: 'b2', displayName: null, role: null },
    ]);
  });

  it('drops malformed business entries', async () => {
    const backend = new TauriBackend(
      rejectingInvoke({
        code: 'BUSINESS_SELECTION_REQUIRED',
        message: 'Choose a business.',
        businesses: [{ businessId: 'b1' }, { displayName: 'no id' }, 'b3', { businessId: 7 }],
      }),
    );

    const error = await caught(backend.sessionInfo());

    expect(error.businesses).toEqual([{ businessId: 'b1' }]);
  });

  it('gives other errors no businesses', async () => {
    const backend = new TauriBackend(rejectingInvoke({ code: 'NETWORK', message: 'offline' }));

    const error = await caught(backend.sessionInfo());

    expect(error.businesses).toEqual([]);
  });

  it('passes camelCase arguments to the command', async () => {
    const calls: { command: string; args: unknown }[] = [];
    const invokeFn: InvokeFn = <T>(command: string, args?: unknown) => {
      calls.push({ command, args });
      return Promise.resolve('pers-asset://localhost/k' as T);
    };
    const backend = new TauriBackend(invokeFn);

    await backend.preview({ entityType: 'token', id: 't1' }, 'logo-ab12.png');

    expect(calls).toEqual([
      {
        command: 'preview',
        args: { entity: { entityType: 'token', id: 't1' }, fileName: 'logo-ab12.png' },
      },
    ]);
  });
});

describe('describeError', () => {
  it('shows the backend message as it is', () => {
    const shown = describeError(
      new BackendError('gallery', 'NETWORK', 'The server is unreachable.'),
    );

    expect(shown.message).toBe('The server is unreachable.');
    expect(shown.retryable).toBe(true);
  });

  it('asks to sign in again when the session has ended', () => {
    const shown = describeError(new BackendError('gallery', 'NOT_SIGNED_IN', 'not signed in'));

    expect(shown.message).toBe('Your session ended. Sign in again.');
  });

  it('shows the message of a rejected sign-in', () => {
    const shown = describeError(
      new BackendError('sign_in', 'NOT_SIGNED_IN', 'The server rejected the token.'),
    );

    expect(shown.message).toBe('The server rejected the token.');
  });
});

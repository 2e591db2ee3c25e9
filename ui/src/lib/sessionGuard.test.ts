import { describe, expect, it } from 'vitest';
import { BackendError } from './backend';
import { SessionGuard } from './sessionGuard';
import { TestBackend } from './testBackend';

function guarded() {
  const inner = new TestBackend();
  const ended: number[] = [];
  const guard = new SessionGuard(inner, () => ended.push(ended.length + 1));
  return { inner, guard, ended };
}

describe('SessionGuard', () => {
  it('reports NOT_SIGNED_IN and rethrows it', async () => {
    const { guard, ended } = guarded();

    await expect(guard.listEntities('campaign')).rejects.toMatchObject({
      code: 'NOT_SIGNED_IN',
      command: 'list_entities',
    });

    expect(ended).toHaveLength(1);
  });

  it('ignores other failures', async () => {
    const { inner, guard, ended } = guarded();
    inner.session = {
      environment: 'sandbox',
      baseUrl: 'http://127.0.0.1:1/v2',
      email: 'a',
      kind: 'tenant',
    };
    inner.gallery = () => Promise.reject(new BackendError('gallery', 'NETWORK', 'offline'));

    await expect(guard.gallery({ entityType: 'campaign', id: 'c1' })).rejects.toThrow('offline');

    expect(ended).toHaveLength(0);
  });

  it('does not watch signIn', async () => {
    const { inner, guard, ended } = guarded();
    inner.signInError = new BackendError('sign_in', 'NOT_SIGNED_IN', 'token rejected');

    await expect(
      guard.signIn({
        environment: 'sandbox',
        baseUrl: 'http://127.0.0.1:1/v2',
        identityUrl: '',
        projectKey: 'pk_test',
        email: '',
        password: '',
        providerToken: 'eyJ.x',
        kind: 'tenant',
      }),
    ).rejects.toThrow('token rejected');

    expect(ended).toHaveLength(0);
  });

  it('passes results through', async () => {
    const { inner, guard } = guarded();
    inner.pickedPaths = ['/data/a.jpg'];

    expect(await guard.pickFiles()).toEqual(['/data/a.jpg']);
  });
});

import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';

const BACKEND_KEY = Symbol('backend');

/** Makes `backend` available to every component below the caller. */
export function provideBackend(backend: Backend): void {
  setContext(BACKEND_KEY, backend);
}

/** Returns the backend provided by an ancestor; fails when none was, which is a wiring bug. */
export function useBackend(): Backend {
  const backend = getContext<Backend | undefined>(BACKEND_KEY);
  if (!backend) throw new Error('useBackend() called outside a component tree with a backend');
  return backend;
}

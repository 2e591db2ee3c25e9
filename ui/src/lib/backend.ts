// The only route from the front end to the Rust side. Components call a `Backend`. The Tauri
// implementation turns each call into an `invoke` of the command of the same name, and tests
// use `TestBackend` from `testBackend.ts` instead.

import { Channel, invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import type {
  KeychainStatus,
  BusinessChoice,
  CommandErrorPayload,
  EntityImageSupport,
  EntityRef,
  EntitySummary,
  EntityType,
  ErrorCode,
  FileId,
  Gallery,
  JobId,
  SandboxInfo,
  SessionInfo,
  SignInOutcome,
  SignInRequest,
  UploadEvent,
} from './types';

/** Native drag-and-drop of files over the window. Paths come from the OS, never file bytes. */
export type FileDragEvent =
  | { type: 'enter'; paths: string[] }
  | { type: 'over' }
  | { type: 'drop'; paths: string[] }
  | { type: 'leave' };

/** Every request the front end sends to the Rust side. */
export interface Backend {
  /** Waits until the embedded sandbox is running and returns how to reach it. */
  sandboxInfo(): Promise<SandboxInfo>;
  /**
   * Signs in. With `remember`, the shell also saves the session in the OS keychain for the next
   * start; without it, any saved session is wiped.
   */
  signIn(request: SignInRequest, remember?: boolean): Promise<SignInOutcome>;
  /** Signs out and wipes the session saved in the OS keychain. */
  signOut(): Promise<void>;
  /** Returns the current session, or `null` when no user is signed in. */
  sessionInfo(): Promise<SessionInfo | null>;
  /**
   * Resumes the session that "remember me" saved, or returns `null` when none is saved. Rejects
   * when the saved session is no longer accepted or cannot be read.
   */
  resumeSession(): Promise<SessionInfo | null>;
  /** Tells whether the OS keychain that "remember me" saves the session in can be opened. */
  keychainStatus(): Promise<KeychainStatus>;
  listEntities(entityType: EntityType): Promise<EntitySummary[]>;
  gallery(entity: EntityRef): Promise<Gallery>;
  /** Starts uploading `paths` to `entity`; `onEvent` receives every progress event of the job. */
  startUpload(
    entity: EntityRef,
    paths: string[],
    onEvent: (event: UploadEvent) => void,
  ): Promise<JobId>;
  /**
   * Resumes the jobs that an earlier run left unfinished and returns their ids. `onEvent`
   * receives the events of all of them, each job starting with `started` naming its entity.
   */
  resumeJobs(onEvent: (event: UploadEvent) => void): Promise<JobId[]>;
  /** Pauses a running job: no new step starts, and steps in flight finish. */
  pauseJob(jobId: JobId): Promise<void>;
  /** Resumes a paused job. */
  resumeJob(jobId: JobId): Promise<void>;
  /** Cancels every unfinished file of a job; each ends with a `CANCELLED` `fileFailed`. */
  cancelJob(jobId: JobId): Promise<void>;
  /** Cancels one file of a job. */
  cancelFile(jobId: JobId, fileId: FileId): Promise<void>;
  /** Opens the native file dialog and returns the chosen paths (empty when cancelled). */
  pickFiles(): Promise<string[]>;
  /** Returns a URL of the larger preview image of one gallery file. */
  preview(entity: EntityRef, fileName: string): Promise<string>;
  /** Returns whether the app can set the image field of `entityType`, with the reason if not. */
  entityImageSupport(entityType: EntityType): Promise<EntityImageSupport>;
  /**
   * Writes the URL of the stored file `fileName` into the entity's image field and returns the
   * entity as the server returned it after the update.
   */
  setEntityImage(entity: EntityRef, fileName: string): Promise<EntitySummary>;
  /** Subscribes to native file drag-and-drop; the returned function unsubscribes. */
  onFileDrag(handler: (event: FileDragEvent) => void): Promise<() => void>;
}

/**
 * A failed backend command, with the command's name and the shell's error code. `businesses` is
 * the list to choose from when the code is `BUSINESS_SELECTION_REQUIRED`, and empty otherwise.
 */
export class BackendError extends Error {
  readonly command: string;
  readonly code: ErrorCode;
  readonly businesses: readonly BusinessChoice[];

  constructor(
    command: string,
    code: ErrorCode,
    message: string,
    businesses: readonly BusinessChoice[] = [],
  ) {
    super(message);
    this.name = 'BackendError';
    this.command = command;
    this.code = code;
    this.businesses = businesses;
  }
}

const ERROR_CODES: readonly ErrorCode[] = [
  'NOT_SIGNED_IN',
  'INVALID_CREDENTIALS',
  'BUSINESS_SELECTION_REQUIRED',
  'NETWORK',
  'SERVER',
  'REJECTED',
  'INVALID_INPUT',
  'INTERNAL',
  'SANDBOX_UNAVAILABLE',
  'KEYCHAIN_FAILED',
];

function isCommandErrorPayload(value: unknown): value is CommandErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof message === 'string' && ERROR_CODES.includes(code as ErrorCode);
}

function isBusinessChoice(value: unknown): value is BusinessChoice {
  if (typeof value !== 'object' || value === null) return false;
  const { businessId, displayName, role } = value as Record<string, unknown>;
  const optionalString = (field: unknown) =>
    field === undefined || field === null || typeof field === 'string';
  return (
    typeof businessId === 'string' &&
    businessId !== '' &&
    optionalString(displayName) &&
    optionalString(role)
  );
}

/** Returns the well-formed entries of a payload's `businesses`, dropping any other value. */
function businessesOf(payload: CommandErrorPayload): BusinessChoice[] {
  if (!Array.isArray(payload.businesses)) return [];
  return payload.businesses.filter(isBusinessChoice);
}

/**
 * Converts whatever a rejected `invoke` carried into a `BackendError` for `command`.
 *
 * A `{code, message}` object keeps its code, and its `businesses` list when it has one. Anything
 * else (Tauri's own string errors, such as a
 * command missing from the capability) becomes `INTERNAL` with the original text as message.
 */
export function toBackendError(command: string, cause: unknown): BackendError {
  if (cause instanceof BackendError) return cause;
  if (isCommandErrorPayload(cause)) {
    return new BackendError(command, cause.code, cause.message, businessesOf(cause));
  }

  const text = cause instanceof Error ? cause.message : String(cause);
  return new BackendError(command, 'INTERNAL', text);
}

/** Signature of `invoke`, so tests can pass a scripted one to `TauriBackend`. */
export type InvokeFn = <T>(command: string, args?: InvokeArgs) => Promise<T>;

/** Calls `invoke` and rethrows any failure as a `BackendError` naming `command`. */
export async function call<T>(invokeFn: InvokeFn, command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invokeFn<T>(command, args);
  } catch (cause) {
    throw toBackendError(command, cause);
  }
}

/** `Backend` over Tauri IPC. Argument names are camelCase, as Tauri expects by default. */
export class TauriBackend implements Backend {
  private readonly invokeFn: InvokeFn;

  constructor(invokeFn: InvokeFn = invoke) {
    this.invokeFn = invokeFn;
  }

  sandboxInfo(): Promise<SandboxInfo> {
    return call(this.invokeFn, 'sandbox_info');
  }

  signIn(request: SignInRequest, remember = false): Promise<SignInOutcome> {
    return call(this.invokeFn, 'sign_in', { request, remember });
  }

  signOut(): Promise<void> {
    return call(this.invokeFn, 'sign_out');
  }

  sessionInfo(): Promise<SessionInfo | null> {
    return call(this.invokeFn, 'session_info');
  }

  resumeSession(): Promise<SessionInfo | null> {
    return call(this.invokeFn, 'resume_session');
  }

  keychainStatus(): Promise<KeychainStatus> {
    return call(this.invokeFn, 'keychain_status');
  }

  listEntities(entityType: EntityType): Promise<EntitySummary[]> {
    return call(this.invokeFn, 'list_entities', { entityType });
  }

  gallery(entity: EntityRef): Promise<Gallery> {
    return call(this.invokeFn, 'gallery', { entity });
  }

  startUpload(
    entity: EntityRef,
    paths: string[],
    onEvent: (event: UploadEvent) => void,
  ): Promise<JobId> {
    // The handler is set before the channel is sent, so no early event is lost.
    const channel = new Channel<UploadEvent>(onEvent);
    return call(this.invokeFn, 'start_upload', { entity, paths, onEvent: channel });
  }

  resumeJobs(onEvent: (event: UploadEvent) => void): Promise<JobId[]> {
    const channel = new Channel<UploadEvent>(onEvent);
    return call(this.invokeFn, 'resume_jobs', { onEvent: channel });
  }

  pauseJob(jobId: JobId): Promise<void> {
    return call(this.invokeFn, 'pause_job', { jobId });
  }

  resumeJob(jobId: JobId): Promise<void> {
    return call(this.invokeFn, 'resume_job', { jobId });
  }

  cancelJob(jobId: JobId): Promise<void> {
    return call(this.invokeFn, 'cancel_job', { jobId });
  }

  cancelFile(jobId: JobId, fileId: FileId): Promise<void> {
    return call(this.invokeFn, 'cancel_file', { jobId, fileId });
  }

  pickFiles(): Promise<string[]> {
    return call(this.invokeFn, 'pick_files');
  }

  preview(entity: EntityRef, fileName: string): Promise<string> {
    return call(this.invokeFn, 'preview', { entity, fileName });
  }

  entityImageSupport(entityType: EntityType): Promise<EntityImageSupport> {
    return call(this.invokeFn, 'entity_image_support', { entityType });
  }

  setEntityImage(entity: EntityRef, fileName: string): Promise<EntitySummary> {
    return call(this.invokeFn, 'set_entity_image', { entity, fileName });
  }

  async onFileDrag(handler: (event: FileDragEvent) => void): Promise<() => void> {
    return getCurrentWebview().onDragDropEvent(({ payload }) => {
      if (payload.type === 'enter' || payload.type === 'drop') {
        handler({ type: payload.type, paths: payload.paths });
      } else {
        handler({ type: payload.type });
      }
    });
  }
}

// Notices a session that ended while the app was using it, whichever command found out.

import { BackendError, type Backend, type FileDragEvent } from './backend';
import type {
  KeychainStatus,
  EntityImageSupport,
  EntityRef,
  EntitySummary,
  EntityType,
  FileId,
  Gallery,
  JobId,
  SandboxInfo,
  SessionInfo,
  SignInOutcome,
  SignInRequest,
  UploadEvent,
} from './types';

/**
 * A `Backend` that passes every call to `inner` and calls `onSessionEnded` when a call fails with
 * `NOT_SIGNED_IN`, before rethrowing the error, and when an upload job reports `sessionExpired`.
 * `signIn` and `resumeSession` are not watched, because their `NOT_SIGNED_IN` is a rejected credential that the sign-in screen shows itself.
 *
 * `onSessionEnded` may run several times when calls made together fail together, so it must be
 * idempotent.
 */
export class SessionGuard implements Backend {
  private readonly inner: Backend;
  private readonly onSessionEnded: () => void;

  constructor(inner: Backend, onSessionEnded: () => void) {
    this.inner = inner;
    this.onSessionEnded = onSessionEnded;
  }

  sandboxInfo(): Promise<SandboxInfo> {
    return this.watch(() => this.inner.sandboxInfo());
  }

  signIn(request: SignInRequest, remember = false): Promise<SignInOutcome> {
    return this.inner.signIn(request, remember);
  }

  signOut(): Promise<void> {
    return this.watch(() => this.inner.signOut());
  }

  sessionInfo(): Promise<SessionInfo | null> {
    return this.watch(() => this.inner.sessionInfo());
  }

  /** Not watched, because its `NOT_SIGNED_IN` is a saved session the server no longer accepts. */
  resumeSession(): Promise<SessionInfo | null> {
    return this.inner.resumeSession();
  }

  keychainStatus(): Promise<KeychainStatus> {
    return this.inner.keychainStatus();
  }

  listEntities(entityType: EntityType): Promise<EntitySummary[]> {
    return this.watch(() => this.inner.listEntities(entityType));
  }

  gallery(entity: EntityRef): Promise<Gallery> {
    return this.watch(() => this.inner.gallery(entity));
  }

  startUpload(
    entity: EntityRef,
    paths: string[],
    onEvent: (event: UploadEvent) => void,
  ): Promise<JobId> {
    return this.watch(() => this.inner.startUpload(entity, paths, this.watchEvents(onEvent)));
  }

  resumeJobs(onEvent: (event: UploadEvent) => void): Promise<JobId[]> {
    return this.watch(() => this.inner.resumeJobs(this.watchEvents(onEvent)));
  }

  pauseJob(jobId: JobId): Promise<void> {
    return this.watch(() => this.inner.pauseJob(jobId));
  }

  resumeJob(jobId: JobId): Promise<void> {
    return this.watch(() => this.inner.resumeJob(jobId));
  }

  cancelJob(jobId: JobId): Promise<void> {
    return this.watch(() => this.inner.cancelJob(jobId));
  }

  cancelFile(jobId: JobId, fileId: FileId): Promise<void> {
    return this.watch(() => this.inner.cancelFile(jobId, fileId));
  }

  pickFiles(): Promise<string[]> {
    return this.watch(() => this.inner.pickFiles());
  }

  preview(entity: EntityRef, fileName: string): Promise<string> {
    return this.watch(() => this.inner.preview(entity, fileName));
  }

  entityImageSupport(entityType: EntityType): Promise<EntityImageSupport> {
    return this.watch(() => this.inner.entityImageSupport(entityType));
  }

  setEntityImage(entity: EntityRef, fileName: string): Promise<EntitySummary> {
    return this.watch(() => this.inner.setEntityImage(entity, fileName));
  }

  onFileDrag(handler: (event: FileDragEvent) => void): Promise<() => void> {
    return this.inner.onFileDrag(handler);
  }

  /** Passes every event on, and reports the session ended when a job reports an expiry. */
  private watchEvents(onEvent: (event: UploadEvent) => void): (event: UploadEvent) => void {
    return (event) => {
      onEvent(event);
      if (event.event === 'sessionExpired') this.onSessionEnded();
    };
  }

  private async watch<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof BackendError && error.code === 'NOT_SIGNED_IN') this.onSessionEnded();
      throw error;
    }
  }
}

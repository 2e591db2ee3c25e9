// In-memory `Backend` for tests: scripted data, recorded calls, no Tauri.

import { BackendError, type Backend, type FileDragEvent } from './backend';
import type {
  KeychainStatus,
  BusinessChoice,
  EntityImageSupport,
  EntityRef,
  EntitySummary,
  EntityType,
  Gallery,
  JobId,
  SandboxInfo,
  SessionInfo,
  SignInOutcome,
  SignInRequest,
  UploadEvent,
} from './types';

/** One recorded `startUpload` call, with the handler the caller passed. */
export interface RecordedUpload {
  jobId: JobId;
  entity: EntityRef;
  paths: string[];
  emit: (event: UploadEvent) => void;
}

/** A `Backend` that returns plain fields a test sets and records the uploads it starts. */
export class TestBackend implements Backend {
  sandbox: SandboxInfo = {
    baseUrl: 'http://127.0.0.1:1/v2',
    identityUrl: 'http://127.0.0.1:1/identity/v1/accounts:signInWithPassword',
    projectKey: 'pk_test_demo',
    accounts: [],
  };
  session: SessionInfo | null = null;
  entities: Partial<Record<EntityType, EntitySummary[]>> = {};
  galleries = new Map<string, Gallery>();
  pickedPaths: string[] = [];
  /** When set, `signIn` rejects with it. */
  signInError: BackendError | null = null;
  /**
   * The businesses of the signing-in account. With two or more, `signIn` without a `businessId`
   * rejects with `BUSINESS_SELECTION_REQUIRED` and this list, as the shell does for staff of
   * several businesses, and `signIn` with an id outside it rejects with `REJECTED`.
   */
  businesses: BusinessChoice[] = [];
  /** Every `signIn` request, in order. */
  readonly signInRequests: SignInRequest[] = [];
  /** The `remember` flag of every `signIn`, in order. */
  readonly signInRemember: boolean[] = [];
  /** The session "remember me" saved, which `resumeSession` resumes; `signOut` wipes it. */
  remembered: SessionInfo | null = null;
  /** When set, `signIn` with `remember` returns it as `rememberError` and saves nothing. */
  rememberError: string | null = null;
  /** When set, `keychainStatus` reports the keychain unavailable for this reason. */
  keychainUnavailable: string | null = null;
  /** When set, `resumeSession` rejects with it. */
  resumeError: BackendError | null = null;
  /** How many times `signOut` was called. */
  signOutCalls = 0;
  readonly uploads: RecordedUpload[] = [];
  /** Jobs that `resumeJobs` reports as resumed; a test emits their events through `resumed`. */
  unfinishedJobs: JobId[] = [];
  /** The handler of every `resumeJobs` call, in order. */
  readonly resumed: ((event: UploadEvent) => void)[] = [];
  /** Every job control call, as `pause 3`, `resume 3`, `cancel 3` or `cancel 3/1`. */
  readonly jobControls: string[] = [];
  /** Every `setEntityImage` call, as `type/id/fileName`. */
  readonly imageUpdates: string[] = [];
  /** When set, `setEntityImage` rejects with it. */
  setImageError: BackendError | null = null;
  private dragHandlers: ((event: FileDragEvent) => void)[] = [];

  async sandboxInfo(): Promise<SandboxInfo> {
    return this.sandbox;
  }

  async signIn(request: SignInRequest, remember = false): Promise<SignInOutcome> {
    this.signInRequests.push(request);
    this.signInRemember.push(remember);
    if (this.signInError) throw this.signInError;
    const business = this.chooseBusiness(request.businessId ?? null);
    this.session = {
      environment: request.environment,
      baseUrl: request.baseUrl,
      email: request.email,
      kind: request.kind,
      businessId: business?.businessId ?? null,
      businessName: business?.displayName ?? null,
    };
    if (!remember) {
      this.remembered = null;
      return this.session;
    }
    if (this.rememberError) return { ...this.session, rememberError: this.rememberError };
    this.remembered = this.session;
    return this.session;
  }

  async signOut(): Promise<void> {
    this.signOutCalls += 1;
    this.session = null;
    this.remembered = null;
  }

  /** Signs in as the business staff demo account, with one campaign, c1 "Spring", to list. */
  signInStaffWithCampaign(): void {
    this.session = {
      environment: 'sandbox',
      baseUrl: 'http://127.0.0.1:1/v2',
      email: 'barista@demo.pers.test',
      kind: 'business',
    };
    this.entities.campaign = [{ entityType: 'campaign', id: 'c1', displayName: 'Spring' }];
  }

  async sessionInfo(): Promise<SessionInfo | null> {
    return this.session;
  }

  async resumeSession(): Promise<SessionInfo | null> {
    if (this.session) return this.session;
    if (this.resumeError) {
      this.remembered = null;
      throw this.resumeError;
    }
    this.session = this.remembered;
    return this.session;
  }

  async keychainStatus(): Promise<KeychainStatus> {
    return this.keychainUnavailable === null
      ? { available: true }
      : { available: false, reason: this.keychainUnavailable };
  }

  async listEntities(entityType: EntityType): Promise<EntitySummary[]> {
    this.requireSession('list_entities');
    return this.entities[entityType] ?? [];
  }

  async gallery(entity: EntityRef): Promise<Gallery> {
    this.requireSession('gallery');
    return (
      this.galleries.get(`${entity.entityType}/${entity.id}`) ?? { items: [], source: 'shared' }
    );
  }

  async startUpload(
    entity: EntityRef,
    paths: string[],
    onEvent: (event: UploadEvent) => void,
  ): Promise<JobId> {
    this.requireSession('start_upload');
    const jobId = this.uploads.length + 1;
    this.uploads.push({ jobId, entity, paths, emit: onEvent });
    return jobId;
  }

  async resumeJobs(onEvent: (event: UploadEvent) => void): Promise<JobId[]> {
    this.requireSession('resume_jobs');
    this.resumed.push(onEvent);
    return this.unfinishedJobs;
  }

  async pauseJob(jobId: JobId): Promise<void> {
    this.jobControls.push(`pause ${jobId}`);
  }

  async resumeJob(jobId: JobId): Promise<void> {
    this.jobControls.push(`resume ${jobId}`);
  }

  async cancelJob(jobId: JobId): Promise<void> {
    this.jobControls.push(`cancel ${jobId}`);
  }

  async cancelFile(jobId: JobId, fileId: number): Promise<void> {
    this.jobControls.push(`cancel ${jobId}/${fileId}`);
  }

  async pickFiles(): Promise<string[]> {
    return this.pickedPaths;
  }

  async preview(entity: EntityRef, fileName: string): Promise<string> {
    return `test://preview/${entity.entityType}/${entity.id}/${fileName}`;
  }

  /** Redemptions and the tenant can be set, as in the core. */
  async entityImageSupport(entityType: EntityType): Promise<EntityImageSupport> {
    if (entityType === 'redemption' || entityType === 'tenant') {
      return { entityType, available: true, reason: null };
    }
    return { entityType, available: false, reason: `A ${entityType} image cannot be set.` };
  }

  /**
   * Sets the scripted entity's `imageUrl` to `https://storage.test/{type}/{id}/{fileName}` and
   * returns it, or rejects with `setImageError`.
   */
  async setEntityImage(entity: EntityRef, fileName: string): Promise<EntitySummary> {
    this.requireSession('set_entity_image');
    this.imageUpdates.push(`${entity.entityType}/${entity.id}/${fileName}`);
    if (this.setImageError) throw this.setImageError;
    const list = this.entities[entity.entityType] ?? [];
    const index = list.findIndex((item) => item.id === entity.id);
    if (index < 0) {
      throw new BackendError(
        'set_entity_image',
        'REJECTED',
        `No ${entity.entityType} ${entity.id}.`,
      );
    }
    const imageUrl = `https://storage.test/${entity.entityType}/${entity.id}/${fileName}`;
    list[index] = { ...list[index], imageUrl };
    return list[index];
  }

  async onFileDrag(handler: (event: FileDragEvent) => void): Promise<() => void> {
    this.dragHandlers.push(handler);
    return () => {
      this.dragHandlers = this.dragHandlers.filter((h) => h !== handler);
    };
  }

  /** Sends `event` to every drag-and-drop subscriber, as the OS would. */
  emitDrag(event: FileDragEvent): void {
    for (const handler of this.dragHandlers) handler(event);
  }

  private chooseBusiness(businessId: string | null): BusinessChoice | null {
    if (businessId === null) {
      if (this.businesses.length > 1) {
        throw new BackendError(
          'sign_in',
          'BUSINESS_SELECTION_REQUIRED',
          'This account belongs to several businesses; choose one.',
          this.businesses,
        );
      }
      return this.businesses[0] ?? null;
    }
    const business = this.businesses.find((b) => b.businessId === businessId);
    if (!business) {
      throw new BackendError('sign_in', 'REJECTED', `No business ${businessId} for this account.`);
    }
    return business;
  }

  private requireSession(command: string): void {
    if (!this.session) throw new BackendError(command, 'NOT_SIGNED_IN', 'Sign in first.');
  }
}

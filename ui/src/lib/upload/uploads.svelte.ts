// The app's upload queue: every batch of this run, kept above the screens so that batches
// survive a sign-out and a new sign-in, and the route from the queue's buttons to the core.

import { getContext, setContext } from 'svelte';
import type { Backend } from '../backend';
import { entityKey } from '../entities';
import type { EntityRef, EntitySummary, FileId, JobId, UploadEvent } from '../types';
import {
  applyUploadEvent,
  emptyQueue,
  markCancelling,
  markRetried,
  removeFinished,
  removeRow,
  type QueueState,
  type UploadBatch,
  type UploadRow,
} from './queue';

const UPLOADS_KEY = Symbol('uploads');

/**
 * Shortest time between two gallery reloads while a batch stores files, so the gallery fills
 * during a long batch without a reload for every file.
 */
const GALLERY_RELOAD_INTERVAL_MS = 3000;

/** Upload batches and their controls; components read `queue` and call the methods. */
export class Uploads {
  // Raw state: every event replaces the queue with a new value that shares the unchanged rows.
  // Deep state proxied each new value again, so with 1,000 rows each event re-rendered them
  // all (37 s for a 1,000-file batch in LargeBatch.test.ts, 1.2 s as raw state).
  queue = $state.raw<QueueState>(emptyQueue);
  /** Bumped per entity (by `entityKey`) when one of its batches finishes, so its gallery reloads. */
  galleryVersions = $state<Record<string, number>>({});
  /** Batches resumed from the journal at the last sign-in, for a notice. */
  resumedJobs = $state<JobId[]>([]);
  /** Display names of the entities listed so far, by `entityKey`, to name a batch's entity. */
  entityNames = $state<Record<string, string>>({});

  private readonly backend: Backend;
  /** Milliseconds during which events are collected and then applied together; 0 applies each at once. */
  private readonly eventFrameMs: number;
  /** Events received and not applied yet. */
  private pending: UploadEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Creates the queue over `backend`. With `eventFrameMs` above 0, events that arrive within
   * that time are applied in one update. The core sends thousands of events a second for a
   * large batch, so the queue then re-renders a few dozen times a second, not once per event.
   */
  constructor(backend: Backend, options: { eventFrameMs?: number } = {}) {
    this.backend = backend;
    this.eventFrameMs = options.eventFrameMs ?? 0;
  }

  /**
   * Takes one event from the core. The first event after a quiet frame is applied at once, so
   * a single event shows without delay. The events that follow within the frame are applied
   * together when it ends.
   */
  handle = (event: UploadEvent): void => {
    if (this.eventFrameMs <= 0) {
      this.apply([event]);
      return;
    }
    if (this.flushTimer === null) {
      this.apply([event]);
      this.startFrame();
      return;
    }
    this.pending.push(event);
  };

  /** Applies the events collected so far; user actions call it first to keep the order. */
  flush(): void {
    const events = this.pending;
    this.pending = [];
    if (events.length > 0) this.apply(events);
  }

  /** Starts a frame, at whose end the collected events are applied, and another frame begins if there were any. */
  private startFrame(): void {
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      if (this.pending.length === 0) return;
      this.flush();
      this.startFrame();
    }, this.eventFrameMs);
  }

  private apply(events: readonly UploadEvent[]): void {
    let queue = this.queue;
    for (const event of events) queue = applyUploadEvent(queue, event);
    this.queue = queue;
    for (const event of events) {
      if (event.event === 'finished') {
        this.bumpGallery(event.jobId, 0);
      } else if (event.event === 'fileDone') {
        this.bumpGallery(event.jobId, GALLERY_RELOAD_INTERVAL_MS);
      }
    }
  }

  /** Time of each entity's last gallery reload request, by `entityKey`, in ms. */
  private readonly galleryBumpedAt = new Map<string, number>();

  /** Tells the gallery of the job's entity to reload, unless it did less than `minIntervalMs` ago. */
  private bumpGallery(jobId: JobId, minIntervalMs: number): void {
    const batch = this.queue.batches.find((each) => each.jobId === jobId);
    if (!batch) return;
    const key = entityKey(batch.entity);
    const now = Date.now();
    const last = this.galleryBumpedAt.get(key);
    if (last !== undefined && now - last < minIntervalMs) return;
    this.galleryBumpedAt.set(key, now);
    this.galleryVersions[key] = (this.galleryVersions[key] ?? 0) + 1;
  }

  /** Remembers the display names of `entities`, as the entity list loads them. */
  nameEntities(entities: readonly EntitySummary[]): void {
    for (const entity of entities) {
      if (entity.displayName) this.entityNames[entityKey(entity)] = entity.displayName;
    }
  }

  /** Names `entity` for a sentence: its display name when known, else its type and short id. */
  entityLabel(entity: EntityRef): string {
    const name = this.entityNames[entityKey(entity)];
    if (name) return name;
    const id = entity.id.length > 10 ? `${entity.id.slice(0, 8)}…` : entity.id;
    return `${entity.entityType} ${id}`;
  }

  /** Starts uploading `paths` to `entity`. Rejects when the core refuses the whole job. */
  async start(entity: EntityRef, paths: string[]): Promise<JobId> {
    return this.backend.startUpload(entity, paths, this.handle);
  }

  /**
   * Resumes the jobs an earlier run left unfinished; call it after each sign-in. Jobs running
   * in this run are left as they are by the core. A failure is logged and leaves the journal
   * as it was, so the next sign-in tries again.
   */
  async resumeUnfinished(): Promise<void> {
    try {
      this.resumedJobs = await this.backend.resumeJobs(this.handle);
    } catch (error) {
      console.warn('could not resume unfinished uploads', error);
    }
  }

  /** Starts a new job for a failed file and hides the old row's Retry button. */
  async retry(entity: EntityRef, jobId: JobId, row: UploadRow): Promise<JobId> {
    this.flush();
    this.queue = markRetried(this.queue, jobId, row.fileId);
    return this.start(entity, [row.path]);
  }

  /** Removes one finished row from the queue. */
  remove(jobId: JobId, row: UploadRow): void {
    this.flush();
    this.queue = removeRow(this.queue, jobId, row.fileId);
  }

  /** Removes every finished row of `batches`. */
  removeFinished(batches: readonly UploadBatch[]): void {
    this.flush();
    this.queue = removeFinished(this.queue, batches);
  }

  pause(jobId: JobId): Promise<void> {
    return this.backend.pauseJob(jobId);
  }

  resume(jobId: JobId): Promise<void> {
    return this.backend.resumeJob(jobId);
  }

  /** Cancels every unfinished file of a batch; each row shows it until its outcome arrives. */
  async cancel(jobId: JobId): Promise<void> {
    this.flush();
    this.queue = markCancelling(this.queue, jobId);
    await this.backend.cancelJob(jobId);
  }

  async cancelFile(jobId: JobId, fileId: FileId): Promise<void> {
    this.flush();
    this.queue = markCancelling(this.queue, jobId, fileId);
    await this.backend.cancelFile(jobId, fileId);
  }
}

/** Makes `uploads` available to every component below the caller. */
export function provideUploads(uploads: Uploads): void {
  setContext(UPLOADS_KEY, uploads);
}

/** Returns the uploads provided by an ancestor; fails when none was, which is a wiring bug. */
export function useUploads(): Uploads {
  const uploads = getContext<Uploads | undefined>(UPLOADS_KEY);
  if (!uploads) throw new Error('useUploads() called outside a component tree with uploads');
  return uploads;
}

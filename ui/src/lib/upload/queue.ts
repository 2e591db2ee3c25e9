// State of the upload queue, built from the shell's `UploadEvent`s by a pure reducer.

import type { Animation, EntityRef, FileId, FileStage, JobId, UploadEvent } from '../types';

/** Status of one file: waiting for its first stage, in a stage, or finished either way. */
export type RowStatus = 'waiting' | FileStage | 'done' | 'failed' | 'cancelled';

/** The output of one file: predicted from its header, or known after the `preparing` stage. */
export interface PreparedOutput {
  bytes: number;
  width: number;
  height: number;
  contentType: string;
  /** The treatment of an animated source; `null` for still images and predictions. */
  animation: Animation | null;
}

/**
 * The state of an unfinished batch: running, paused by the user, or waiting for the user to
 * sign in again after the session ended.
 */
export type BatchState = 'running' | 'paused' | 'waitingForSignIn';

/** One file of a batch, as the queue shows it. */
export interface UploadRow {
  fileId: FileId;
  name: string;
  path: string;
  sizeBytes: number | null;
  status: RowStatus;
  bytesSent: number;
  bytesTotal: number | null;
  /** Share of the file's work that is done, from 0 to 1. It never decreases. */
  progress: number;
  /** The expected output, from the file's header; `bytes` is an estimate. */
  predicted: PreparedOutput | null;
  /** The prepared output, once the file is prepared. */
  output: PreparedOutput | null;
  /** Stored file name, set when the file is done. */
  storedName: string | null;
  alreadyUploaded: boolean;
  /** Unset when only this computer's catalog lists the stored file (no shared manifest). */
  shared: boolean;
  /** Whether the user asked to cancel the file and its `fileFailed` has not come yet. */
  cancelling: boolean;
  error: { code: string; message: string; retryable: boolean } | null;
  /** Whether the user already started a retry of this failed file. */
  retried: boolean;
}

/** One upload job: the files dropped or picked together. */
export interface UploadBatch {
  jobId: JobId;
  entity: EntityRef;
  rows: UploadRow[];
  totalBytes: number | null;
  finished: boolean;
  state: BatchState;
}

/** All batches of this app run, oldest first. */
export interface QueueState {
  batches: UploadBatch[];
}

/** Totals of one batch for its summary line and progress bar. */
export interface BatchTotals {
  files: number;
  done: number;
  /** Failed files not retried yet. */
  failed: number;
  /** Failed files sent again in a new batch with Retry. */
  retried: number;
  cancelled: number;
  /** From 0 to 1; failed and cancelled files count as finished, so a finished batch is at 1. */
  progress: number;
}

/** The empty queue. */
export const emptyQueue: QueueState = { batches: [] };

// Progress a file has reached when it enters each stage. Uploading fills the span from its own
// value to the next one in proportion to the bytes sent, since sending is most of the time.
const STAGE_PROGRESS: Record<FileStage, number> = {
  preparing: 0.02,
  signing: 0.15,
  uploading: 0.2,
  verifying: 0.95,
  recording: 0.97,
};

type JobEvent = Extract<
  UploadEvent,
  { event: 'sessionExpired' | 'sessionResumed' | 'paused' | 'resumed' | 'finished' }
>;
type FileEvent = Exclude<UploadEvent, { event: 'started' } | JobEvent>;

/**
 * Applies one event of an upload job and returns the new state.
 *
 * Events of an unknown job or file are ignored, apart from `started`, which adds the batch for
 * the entity it names. A `started` of a batch already shown (a job resumed in the same run) is
 * ignored too, and the job's repeated outcomes land on its rows. A row's `progress` and
 * `bytesSent` only ever grow, even when the core resends a file from the start after a retry,
 * so bars never jump back.
 */
export function applyUploadEvent(state: QueueState, event: UploadEvent): QueueState {
  if (event.event === 'started') return addBatch(state, event);

  return {
    batches: state.batches.map((batch) => {
      if (batch.jobId !== event.jobId) return batch;
      if (isJobEvent(event)) return applyToBatch(batch, event);
      return {
        ...batch,
        rows: batch.rows.map((row) => (row.fileId === event.fileId ? applyToRow(row, event) : row)),
      };
    }),
  };
}

function isJobEvent(event: UploadEvent): event is JobEvent {
  return (
    event.event === 'sessionExpired' ||
    event.event === 'sessionResumed' ||
    event.event === 'paused' ||
    event.event === 'resumed' ||
    event.event === 'finished'
  );
}

function applyToBatch(batch: UploadBatch, event: JobEvent): UploadBatch {
  switch (event.event) {
    case 'finished':
      return { ...batch, finished: true, state: 'running' };
    case 'sessionExpired':
      return { ...batch, state: 'waitingForSignIn' };
    case 'paused':
      // A session that ends while paused still needs a sign-in first, so that wins.
      return batch.state === 'waitingForSignIn' ? batch : { ...batch, state: 'paused' };
    case 'sessionResumed':
    case 'resumed':
      return { ...batch, state: 'running' };
  }
}

function addBatch(
  state: QueueState,
  event: Extract<UploadEvent, { event: 'started' }>,
): QueueState {
  const { jobId, entity } = event;
  if (state.batches.some((batch) => batch.jobId === jobId)) return state;

  const rows = event.files.map((file): UploadRow => ({
    fileId: file.fileId,
    name: file.name,
    path: file.path,
    sizeBytes: file.sizeBytes ?? null,
    status: 'waiting',
    bytesSent: 0,
    bytesTotal: null,
    progress: 0,
    predicted: null,
    output: null,
    storedName: null,
    alreadyUploaded: false,
    shared: true,
    cancelling: false,
    error: null,
    retried: false,
  }));
  const batch: UploadBatch = {
    jobId,
    entity,
    rows,
    totalBytes: event.totalBytes ?? null,
    finished: false,
    state: 'running',
  };
  return { batches: [...state.batches, batch] };
}

function applyToRow(row: UploadRow, event: FileEvent): UploadRow {
  if (isFinishedRow(row)) return row;

  switch (event.event) {
    case 'fileStage':
      return advance({ ...row, status: event.stage }, STAGE_PROGRESS[event.stage]);
    case 'filePredicted': {
      const { estimatedBytes, width, height, contentType } = event;
      const predicted = { bytes: estimatedBytes, width, height, contentType, animation: null };
      return { ...row, predicted };
    }
    case 'filePrepared': {
      const { outputBytes, width, height, contentType } = event;
      const animation = event.animation ?? null;
      return { ...row, output: { bytes: outputBytes, width, height, contentType, animation } };
    }
    case 'fileProgress':
      return applyBytes(row, event.bytesSent, event.bytesTotal);
    case 'fileDone':
      return advance(
        {
          ...row,
          status: 'done',
          storedName: event.fileName,
          alreadyUploaded: event.alreadyUploaded,
          shared: event.shared,
          cancelling: false,
        },
        1,
      );
    case 'fileFailed': {
      const { code, message, retryable } = event;
      // A file the user cancelled ends as cancelled, not as a failure to retry.
      const status = code === 'CANCELLED' ? 'cancelled' : 'failed';
      return { ...row, status, cancelling: false, error: { code, message, retryable } };
    }
  }
}

function applyBytes(row: UploadRow, bytesSent: number, bytesTotal: number): UploadRow {
  const sent = Math.max(row.bytesSent, bytesSent);
  const share = bytesTotal > 0 ? Math.min(sent / bytesTotal, 1) : 0;
  const span = STAGE_PROGRESS.verifying - STAGE_PROGRESS.uploading;
  return advance(
    { ...row, status: 'uploading', bytesSent: sent, bytesTotal },
    STAGE_PROGRESS.uploading + span * share,
  );
}

function advance(row: UploadRow, progress: number): UploadRow {
  return { ...row, progress: Math.max(row.progress, progress) };
}

/** Marks the unfinished files of a batch, or one of them, as being cancelled. */
export function markCancelling(state: QueueState, jobId: JobId, fileId?: FileId): QueueState {
  return mapRows(state, jobId, (row) =>
    !isFinishedRow(row) && (fileId === undefined || row.fileId === fileId)
      ? { ...row, cancelling: true }
      : row,
  );
}

/** Marks a failed file as retried, so its Retry button goes away. */
export function markRetried(state: QueueState, jobId: JobId, fileId: FileId): QueueState {
  return mapRows(state, jobId, (row) => (row.fileId === fileId ? { ...row, retried: true } : row));
}

function mapRows(
  state: QueueState,
  jobId: JobId,
  change: (row: UploadRow) => UploadRow,
): QueueState {
  return {
    batches: state.batches.map((batch) =>
      batch.jobId === jobId ? { ...batch, rows: batch.rows.map(change) } : batch,
    ),
  };
}

/** Describes how an animated file was kept, or returns `null` for a still image. */
export function animationNote(output: PreparedOutput): string | null {
  const { animation } = output;
  if (!animation) return null;
  if (animation.kind === 'resized') return `${animation.frames} frames, all resized`;
  return `${animation.frames} frames, uploaded unchanged`;
}

/** Returns the output a row shows: the prepared one once known, else the prediction, else none. */
export function shownOutput(row: UploadRow): { output: PreparedOutput; estimated: boolean } | null {
  if (row.output) return { output: row.output, estimated: false };
  if (row.predicted) return { output: row.predicted, estimated: true };
  return null;
}

const BATCH_STATE_LABELS: Record<BatchState, string | null> = {
  running: null,
  paused: 'Paused',
  waitingForSignIn: 'Waiting for you to sign in again',
};

/** Returns the words shown for a batch's state, or `null` while it simply runs or is finished. */
export function batchStateLabel(batch: UploadBatch): string | null {
  return batch.finished ? null : BATCH_STATE_LABELS[batch.state];
}

/** Tells whether a row has reached its end: stored, failed or cancelled. */
export function isFinishedRow(row: UploadRow): boolean {
  return row.status === 'done' || row.status === 'failed' || row.status === 'cancelled';
}

/** Tells whether a failed row may be retried: its failure is retryable and not retried yet. */
export function canRetry(row: UploadRow): boolean {
  return row.status === 'failed' && row.error?.retryable === true && !row.retried;
}

/**
 * Removes one finished row. A row still in progress stays, so its events keep a place to land,
 * and a batch left without rows is dropped.
 */
export function removeRow(state: QueueState, jobId: JobId, fileId: FileId): QueueState {
  return withoutRows(
    state,
    (batch, row) => batch.jobId === jobId && row.fileId === fileId && isFinishedRow(row),
  );
}

/** Removes every finished row of `batches`, and the batches left without rows. */
export function removeFinished(state: QueueState, batches: readonly UploadBatch[]): QueueState {
  const jobIds = new Set(batches.map((batch) => batch.jobId));
  return withoutRows(state, (batch, row) => jobIds.has(batch.jobId) && isFinishedRow(row));
}

function withoutRows(
  state: QueueState,
  remove: (batch: UploadBatch, row: UploadRow) => boolean,
): QueueState {
  const batches = state.batches
    .map((batch) => ({ ...batch, rows: batch.rows.filter((row) => !remove(batch, row)) }))
    .filter((batch) => batch.rows.length > 0);
  return { batches };
}

/**
 * Counts a batch's files and computes its progress. Rows are weighted by their source size when
 * every size is known, and equally otherwise.
 */
export function batchTotals(batch: UploadBatch): BatchTotals {
  const done = batch.rows.filter((row) => row.status === 'done').length;
  const failed = batch.rows.filter((row) => row.status === 'failed' && !row.retried).length;
  const retried = batch.rows.filter((row) => row.status === 'failed' && row.retried).length;
  const cancelled = batch.rows.filter((row) => row.status === 'cancelled').length;

  const weighBySize = batch.rows.every((row) => row.sizeBytes !== null && row.sizeBytes > 0);
  const weight = (row: UploadRow) => (weighBySize ? (row.sizeBytes ?? 1) : 1);
  const rowShare = (row: UploadRow) =>
    row.status === 'failed' || row.status === 'cancelled' ? 1 : row.progress;

  const totalWeight = batch.rows.reduce((sum, row) => sum + weight(row), 0);
  const doneWeight = batch.rows.reduce((sum, row) => sum + weight(row) * rowShare(row), 0);
  if (totalWeight === 0) {
    return { files: 0, done, failed, retried, cancelled, progress: batch.finished ? 1 : 0 };
  }

  return {
    files: batch.rows.length,
    done,
    failed,
    retried,
    cancelled,
    progress: doneWeight / totalWeight,
  };
}

/**
 * Returns a batch's counts as a phrase, such as "3 of 5 uploaded, 1 failed, 1 cancelled". A
 * failed file sent again with Retry counts as retried, not failed, since the new batch shows how
 * it ended.
 */
export function countsLine(totals: BatchTotals): string {
  const parts = [`${totals.done} of ${totals.files} uploaded`];
  if (totals.failed > 0) parts.push(`${totals.failed} failed`);
  if (totals.retried > 0) parts.push(`${totals.retried} retried in a new batch`);
  if (totals.cancelled > 0) parts.push(`${totals.cancelled} cancelled`);
  return parts.join(', ');
}

const STATUS_LABELS: Record<RowStatus, string> = {
  waiting: 'Waiting',
  preparing: 'Preparing',
  signing: 'Requesting upload URL',
  uploading: 'Uploading',
  verifying: 'Verifying',
  recording: 'Adding to gallery',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Returns the words shown for a row's status. */
export function statusLabel(row: UploadRow): string {
  if (row.status === 'done' && row.alreadyUploaded) return 'Already in gallery';
  if (row.status === 'failed' && row.retried) return 'Retried in a new batch';
  if (row.cancelling) return 'Cancelling…';
  // A paused batch keeps prepared files at this stage until it resumes.
  if (row.status === 'preparing' && row.output) return 'Prepared';
  return STATUS_LABELS[row.status];
}

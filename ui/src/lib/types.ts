// Types that cross the IPC bridge. Each mirrors a serde type of `pers-library`, `pers-sandbox`
// or the shell (camelCase fields, lowercase enum values), so a change on the Rust side must be
// made here too.
// TODO: generate this file from the Rust types (ts-rs or specta) once the core's types settle.
// Until then a renamed Rust field shows up only at run time.

/** Environment the user signs in to. */
export type Environment = 'sandbox' | 'production' | 'custom';

/** `tenant` signs in as a tenant admin, `business` as business staff. The app offers no `user` sign-in. */
export type AuthType = 'tenant' | 'business' | 'user';

/** Kinds of PERS entity that files belong to, as the files endpoint names them. */
export type EntityType = 'campaign' | 'token' | 'redemption' | 'business' | 'tenant' | 'user';

/** Error codes the shell sends with every failed command (`CommandError.code`). */
export type ErrorCode =
  | 'NOT_SIGNED_IN'
  | 'INVALID_CREDENTIALS'
  | 'BUSINESS_SELECTION_REQUIRED'
  | 'NETWORK'
  | 'SERVER'
  | 'REJECTED'
  | 'INVALID_INPUT'
  | 'INTERNAL'
  | 'SANDBOX_UNAVAILABLE'
  | 'KEYCHAIN_FAILED'
  /** Only in `fileFailed` events: the user cancelled the file. */
  | 'CANCELLED';

/** A business that a staff account belongs to, offered when it must pick one at sign-in. */
export interface BusinessChoice {
  businessId: string;
  displayName?: string | null;
  /** The account's role there (`OWNER`, `ADMIN`, `EDITOR`, `VIEWER`), when the server sent it. */
  role?: string | null;
}

/**
 * Serialized `CommandError`: what a rejected `invoke` carries. `businesses` is present only with
 * `BUSINESS_SELECTION_REQUIRED`.
 */
export interface CommandErrorPayload {
  code: ErrorCode;
  message: string;
  businesses?: BusinessChoice[];
}

/** `pers_library::SignInRequest`. */
export interface SignInRequest {
  environment: Environment;
  baseUrl: string;
  /** Unused with a provider token. */
  identityUrl: string;
  projectKey: string;
  /** With a provider token, only shown as the session's name; may be empty. */
  email: string;
  /** Unused with a provider token. */
  password: string;
  /**
   * A token from the tenant's own identity provider, pasted by the user. When set, the core
   * exchanges it for a session and ignores the email, password and identity URL.
   */
  providerToken?: string | null;
  kind: AuthType;
  /** The business to act for, when the account belongs to several. */
  businessId?: string | null;
}

/** `pers_library::SessionInfo`: who is signed in, without any token. */
export interface SessionInfo {
  environment: Environment;
  baseUrl: string;
  email: string;
  kind: AuthType;
  businessId?: string | null;
  businessName?: string | null;
}

/**
 * What `sign_in` returns: the session, plus `rememberError` when "remember me" was set and the
 * session could not be saved in the OS keychain.
 */
export interface SignInOutcome extends SessionInfo {
  rememberError?: string | null;
}

/** Whether "remember me" can save a session in this computer's keychain, and why not. */
export interface KeychainStatus {
  available: boolean;
  reason?: string | null;
}

/** A demo account the embedded sandbox seeds. Its password is public demo data. */
export interface DemoAccount {
  email: string;
  password: string;
  kind: AuthType;
  label: string;
}

/** Connection details of the embedded sandbox, from the `sandbox_info` command. */
export interface SandboxInfo {
  baseUrl: string;
  identityUrl: string;
  projectKey: string;
  accounts: DemoAccount[];
}

/** `pers_library::EntityRef`. */
export interface EntityRef {
  entityType: EntityType;
  id: string;
}

/** `pers_library::EntitySummary`: one row of an entity list. */
export interface EntitySummary {
  entityType: EntityType;
  id: string;
  displayName: string;
  description?: string | null;
  imageUrl?: string | null;
  isActive?: boolean | null;
}

/** `pers_library::EntityImageSupport`: whether the app can set an entity type's image field. */
export interface EntityImageSupport {
  entityType: EntityType;
  available: boolean;
  /** Why it cannot, as a sentence to show; `null` when it can. */
  reason?: string | null;
}

/** `pers_library::GalleryItem`: one stored asset of an entity. */
export interface GalleryItem {
  fileName: string;
  originalName: string;
  contentType: string;
  sizeBytes: number;
  width?: number | null;
  height?: number | null;
  /** RFC 3339 timestamp. */
  uploadedAt: string;
  uploadedBy?: string | null;
  /** Key of the cached thumbnail, served by the `pers-asset` URI scheme. */
  thumbnailKey?: string | null;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  /** Why there is no thumbnail, when there is none. */
  thumbnailError?: string | null;
}

/** `pers_library::Gallery`. `local` means the shared manifest could not be read. */
export interface Gallery {
  items: GalleryItem[];
  source: 'shared' | 'local';
  notice?: string | null;
}

/** Identifier of one upload job (one batch of files), unique within one run of the app. */
export type JobId = number;

/** Index of one file within its upload job. */
export type FileId = number;

/** Pipeline stage of one file. */
export type FileStage = 'preparing' | 'signing' | 'uploading' | 'verifying' | 'recording';

/** One file announced by the `started` event. */
export interface StartedFile {
  fileId: FileId;
  name: string;
  path: string;
  sizeBytes?: number | null;
}

/**
 * `pers_library::Animation`: every frame of an animated source is kept, either resized and
 * re-encoded, or uploaded unchanged but for its metadata.
 */
export type Animation =
  { kind: 'resized'; frames: number } | { kind: 'passedThrough'; frames: number };

/** `pers_library::UploadEvent`, tagged by `event`. */
export type UploadEvent =
  | {
      event: 'started';
      jobId: JobId;
      /** The entity the job uploads to; a job resumed after a restart is placed by it. */
      entity: EntityRef;
      files: StartedFile[];
      totalBytes?: number | null;
    }
  | { event: 'fileStage'; jobId: JobId; fileId: FileId; stage: FileStage }
  | {
      /** The expected output, from the file's header, before it is prepared. */
      event: 'filePredicted';
      jobId: JobId;
      fileId: FileId;
      width: number;
      height: number;
      estimatedBytes: number;
      contentType: string;
    }
  | {
      event: 'filePrepared';
      jobId: JobId;
      fileId: FileId;
      outputBytes: number;
      width: number;
      height: number;
      contentType: string;
      /** The treatment of an animated source; absent or `null` for still images. */
      animation?: Animation | null;
    }
  | { event: 'fileProgress'; jobId: JobId; fileId: FileId; bytesSent: number; bytesTotal: number }
  | {
      event: 'fileDone';
      jobId: JobId;
      fileId: FileId;
      fileName: string;
      alreadyUploaded: boolean;
      /** Unset when the server did not store the shared manifest, so only this computer lists it. */
      shared: boolean;
    }
  | {
      event: 'fileFailed';
      jobId: JobId;
      fileId: FileId;
      code: ErrorCode;
      message: string;
      retryable: boolean;
    }
  /** The session ended; the job waits, dropping nothing, until the user signs in again. */
  | { event: 'sessionExpired'; jobId: JobId }
  | { event: 'sessionResumed'; jobId: JobId }
  | { event: 'paused'; jobId: JobId }
  | { event: 'resumed'; jobId: JobId }
  | { event: 'finished'; jobId: JobId; done: number; failed: number };

// Types that cross the IPC bridge. Each mirrors a serde type of `pers-library`, `pers-sandbox`
// or the shell (camelCase fields, lowercase enum values), so a change on the Rust side must be
// made here too.
// TODO: generate this file from the Rust types (ts-rs or specta) once the core's types settle.
// Until then a renamed Rust field shows up only at run time.

/** Environment the user signs in to. */
export type Environment = 'sandbox' | 'production' | 'custom';

/** `tenant` signs in as a tenant admin, `business` as business staff. */
export type AuthType = 'tenant' | 'business';

/** Kinds of PERS entity that carry images. The app lists campaigns and tokens for now. */
export type EntityType = 'campaign' | 'token' | 'redemption' | 'business' | 'tenant' | 'user';

/** Error codes the shell sends with every failed command (`CommandError.code`). */
export type ErrorCode =
  | 'NOT_SIGNED_IN'
  | 'INVALID_CREDENTIALS'
  | 'NETWORK'
  | 'SERVER'
  | 'REJECTED'
  | 'INVALID_INPUT'
  | 'INTERNAL'
  | 'SANDBOX_UNAVAILABLE';

/** Serialized `CommandError`: what a rejected `invoke` carries. */
export interface CommandErrorPayload {
  code: ErrorCode;
  message: string;
}

/** `pers_library::SignInRequest`. */
export interface SignInRequest {
  environment: Environment;
  baseUrl: string;
  identityUrl: string;
  projectKey: string;
  email: string;
  password: string;
  kind: AuthType;
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
}

/** `pers_library::Gallery`. `local` means the shared manifest could not be read. */
export interface Gallery {
  items: GalleryItem[];
  source: 'shared' | 'local';
  notice?: string | null;
}

// NOTE: the Rust `JobId` and file ids are assumed to serialize as strings. The queue reducer
// converts them with `String()` so a numeric id still works there.
/** Identifier of one upload job (one batch of files). */
export type JobId = string;

/** Identifier of one file within an upload job. */
export type FileId = string;

/** Pipeline stage of one file. */
export type FileStage = 'preparing' | 'signing' | 'uploading' | 'verifying' | 'recording';

/** One file announced by the `started` event. */
export interface StartedFile {
  fileId: FileId;
  name: string;
  path: string;
  sizeBytes?: number | null;
}

/** `pers_library::UploadEvent`, tagged by `event`. */
export type UploadEvent =
  | { event: 'started'; jobId: JobId; files: StartedFile[]; totalBytes?: number | null }
  | { event: 'fileStage'; jobId: JobId; fileId: FileId; stage: FileStage }
  | {
      event: 'filePrepared';
      jobId: JobId;
      fileId: FileId;
      outputBytes: number;
      width: number;
      height: number;
      contentType: string;
    }
  | { event: 'fileProgress'; jobId: JobId; fileId: FileId; bytesSent: number; bytesTotal: number }
  | { event: 'fileDone'; jobId: JobId; fileId: FileId; fileName: string; alreadyUploaded: boolean }
  | {
      event: 'fileFailed';
      jobId: JobId;
      fileId: FileId;
      code: string;
      message: string;
      retryable: boolean;
    }
  | { event: 'finished'; jobId: JobId; done: number; failed: number };

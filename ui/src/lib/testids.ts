// Test ids for end-to-end tests, used as `data-testid`. The WebDriver tests select elements by
// these strings, so renaming one breaks them: change both together.

export const testIds = {
  appLoading: 'app-loading',

  signInForm: 'signin-form',
  signInEnvironment: 'signin-environment',
  signInSandboxNotice: 'signin-sandbox-notice',
  signInSessionNotice: 'signin-session-notice',
  signInDemoAccount: 'signin-demo-account',
  signInBaseUrl: 'signin-base-url',
  signInProjectKey: 'signin-project-key',
  signInIdentityUrl: 'signin-identity-url',
  signInModePassword: 'signin-mode-password',
  signInModeToken: 'signin-mode-token',
  signInEmail: 'signin-email',
  signInPassword: 'signin-password',
  signInProviderToken: 'signin-provider-token',
  signInKindTenant: 'signin-kind-tenant',
  signInKindBusiness: 'signin-kind-business',
  signInSubmit: 'signin-submit',
  signInError: 'signin-error',
  signInBusinessPicker: 'signin-business-picker',
  signInBusinessOption: 'signin-business-option',
  signInBusinessContinue: 'signin-business-continue',
  signInBusinessBack: 'signin-business-back',

  sessionHeader: 'session-header',
  sessionUser: 'session-user',
  signOut: 'sign-out',

  entityTabCampaign: 'entity-tab-campaign',
  entityTabToken: 'entity-tab-token',
  entityTabRedemption: 'entity-tab-redemption',
  entityTabBusiness: 'entity-tab-business',
  entityTabTenant: 'entity-tab-tenant',
  entityTabUser: 'entity-tab-user',
  entitySearch: 'entity-search',
  entityList: 'entity-list',
  entityItem: 'entity-item',
  entityListError: 'entity-list-error',

  entityDetail: 'entity-detail',
  entityName: 'entity-name',
  entityDescription: 'entity-description',
  entityImageUrl: 'entity-image-url',
  entityImage: 'entity-image',
  entityNoImageField: 'entity-no-image-field',

  dropZone: 'drop-zone',
  addFiles: 'add-files',
  uploadError: 'upload-error',
  uploadQueue: 'upload-queue',
  uploadBatch: 'upload-batch',
  uploadBatchProgress: 'upload-batch-progress',
  uploadRow: 'upload-row',
  uploadRowName: 'upload-row-name',
  uploadRowStage: 'upload-row-stage',
  uploadRowProgress: 'upload-row-progress',
  uploadRowOutput: 'upload-row-output',
  uploadRowError: 'upload-row-error',
  uploadRowRetry: 'upload-row-retry',
  uploadRowRemove: 'upload-row-remove',
  uploadRemoveFinished: 'upload-remove-finished',

  gallery: 'gallery',
  galleryNotice: 'gallery-notice',
  galleryError: 'gallery-error',
  galleryEmpty: 'gallery-empty',
  galleryItem: 'gallery-item',

  previewModal: 'preview-modal',
  previewImage: 'preview-image',
  previewClose: 'preview-close',
} as const;

/** Any one of the test ids. */
export type TestId = (typeof testIds)[keyof typeof testIds];

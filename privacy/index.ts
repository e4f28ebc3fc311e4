// Privacy: erasure and subject access over every capability's customer data, and the erasure
// audit (docs/privacy.md). The keyed hash and the holder interface live in core/privacy/.
export { customerDataHolders, type HolderDeps } from './registry.js';
export { CustomerPrivacy, ErasureIncompleteError, type ErasureReport, type CustomerExport } from './customerPrivacy.js';
export { ErasureAudit, type ErasureRecord } from './erasureAudit.js';
export { privacyRoutes, type PrivacyRouteDeps } from './routes.js';

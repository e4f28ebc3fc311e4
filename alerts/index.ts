// The public surface of the alerts capability (see alerts/README.md).
export { createAlertService, type AlertService, type AlertServiceOptions } from './service.js';
export { alertRoutes, type AlertRouteDeps } from './routes.js';
export { AlertStore, SYSTEM_ACTOR, type AlertStoreOptions } from './alertStore.js';
export { AlertFeed, type FeedFilter } from './feed.js';
export { WebhookRegistry, signWebhook, verifyWebhookSignature, webhookCreateSchema, type VerifyWebhookSignature, type WebhookSubscriber } from './webhooks.js';
export { WebhookDelivery, type WebhookDeadLetter, type WebhookDeliveryOptions } from './delivery.js';
export { AlertArchive, ALERT_TABLES, alertRow, transitionRow } from './alertArchive.js';
export { applyTransition, ALLOWED_FROM, DISPOSITIONS_BY_TYPE, type TransitionError, type TransitionOutcome } from './lifecycle.js';
export { alertDedupKey, alertIdFor } from './identity.js';
export { alertKeys, type AlertKeys } from './keys.js';
export { createAlertMetrics, type AlertMetrics } from './metrics.js';
export * from './errors.js';
export * from './schema.js';
export { alertData } from './alertData.js';
export { VERDICTS_BY_TYPE, verdictFor, type Verdict } from './verdicts.js';

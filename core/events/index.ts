export * from './schema.js';
export * from './money.js';
export { parseEvent, describeIssues, type EventParseResult } from './parse.js';
export { eventCountry, moneyDirection, toWireEvent } from './fields.js';
export { addressNetwork } from './network.js';
export { CUSTOMER_REVIEW, TRIGGER_TYPES, customerReview, isReview, pseudonymousEventId, type CustomerReview, type RiskEvent } from './review.js';

export * from './schema.js';
export * from './money.js';
export { parseEvent, describeIssues, type EventParseResult } from './parse.js';
export { eventCountry, moneyDirection, toWireEvent } from './fields.js';

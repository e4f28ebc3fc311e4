export { pseudonymiser, loadPseudonymKey, isPseudonym, PSEUDONYM_HEX_CHARS, type Pseudonymise } from './pseudonym.js';
export type { CustomerDataHolder, ExportOptions, RemovedCounts } from './customerData.js';

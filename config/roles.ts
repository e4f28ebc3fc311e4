/**
 * `risk` works alerts; `risk-admin` changes what detection does (publishes rules) and reads what
 * risk reads, but does not work alerts: the two duties can be given to different people.
 */
export const API_ROLES = ['ingest', 'risk', 'risk-admin', 'marketing', 'sre', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

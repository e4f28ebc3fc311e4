export { loadConfig, ConfigError, type HttpSettings, type RetainedTable, type VigilConfig } from './config.js';
export { API_ROLES, type ApiIdentity, type ApiRole, derivedKeyName, envSchema } from './schema.js';

export { loadConfig, ConfigError, type EmbeddedEngineLimits, type HttpSettings, type OidcSettings, type RetainedTable, type UserSettings, type VigilConfig } from './config.js';
export { API_ROLES, type ApiIdentity, type ApiRole, derivedKeyName, envSchema } from './schema.js';

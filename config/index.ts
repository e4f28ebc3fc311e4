export { loadConfig, ConfigError, type VigilConfig, type RetainedTable } from './config.js';
export { API_ROLES, type ApiRole, envSchema } from './schema.js';

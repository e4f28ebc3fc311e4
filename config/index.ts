export { loadConfig, ConfigError, type VigilConfig } from './config.js';
export { API_ROLES, type ApiRole, envSchema } from './schema.js';

import type { Registry } from 'prom-client';

/**
 * The metric already registered under this name, or a new one. Capabilities register their
 * metrics on the process registry the engine passes in; a second service on the same registry
 * (tests, a process serving two prefixes) then reuses them instead of failing on a duplicate name.
 */
export function registerOnce<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

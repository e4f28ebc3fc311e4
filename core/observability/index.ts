export { createMetrics, type VigilMetrics } from './metrics.js';
export { createLogger, type Logger } from './logger.js';
export { registerOnce } from './registerOnce.js';
export { memoryBreakdown, type MemoryBreakdown } from './memory.js';

import { readFileSync } from 'node:fs';

const TICK_US = 1e6 / 100; // USER_HZ on Linux

/**
 * CPU a process has used so far (user + system), in microseconds, from /proc/<pid>/stat: what it
 * cost, whatever else runs on the shared cores (wall-clock figures are not).
 */
export function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

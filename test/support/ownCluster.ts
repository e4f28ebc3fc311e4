import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePorts } from './freePort.js';
import { waitUntilServing } from './ownRedis.js';

/**
 * A throwaway Redis Cluster on loopback: `masters` redis-server processes with cluster mode on
 * (and `replicasPerMaster` replicas each), joined with `redis-cli --cluster create`. Failover is
 * quick (cluster-node-timeout 1500 ms) so a test can kill a master and wait for its replica.
 */
export class OwnCluster {
  ports: number[] = [];
  private readonly processes = new Map<number, ChildProcess>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-'));

  constructor(private readonly opts: { masters: number; replicasPerMaster?: number }) {}

  /** REDIS_CLUSTER_NODES for Vigil: every node, so it finds the cluster whichever is down. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async start(): Promise<void> {
    // Each node also listens on its cluster bus port, port + 10000.
    this.ports = await freePorts(this.opts.masters * (1 + (this.opts.replicasPerMaster ?? 0)), { offsets: [10_000] });
    for (const port of this.ports) this.startNode(port);
    for (const port of this.ports) await waitUntilServing(port, this.processes.get(port));
    const created = spawnSync('redis-cli', [
      '--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(this.opts.replicasPerMaster ?? 0), '--cluster-yes',
    ], { encoding: 'utf8', timeout: 30_000 });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}\n${created.stderr}`);
    await this.waitUntilOk();
  }

  /** kill -9 of one node. */
  async kill(port: number): Promise<void> {
    const child = this.processes.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** The port of the master serving a key's slot. */
  async masterOf(key: string): Promise<number> {
    const probe = new Redis(this.ports.find((p) => this.alive(p))!, '127.0.0.1', { lazyConnect: true });
    await probe.connect();
    const slot = (await probe.call('CLUSTER', 'KEYSLOT', key)) as number;
    const slots = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
    probe.disconnect();
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return range[2][1];
  }

  /**
   * Resolves once every live node sees the whole cluster as serving all slots and every live
   * replica is linked to its master; throws after `timeoutMs`.
   */
  async waitUntilOk(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const live = this.ports.filter((p) => this.alive(p));
      const states = await Promise.all(live.map((p) => this.clusterState(p)));
      if (states.every((s) => s === 'ok')) return;
      if (Date.now() > deadline) throw new Error(`cluster not ok within ${timeoutMs} ms: ${states.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    for (const port of this.ports) await this.kill(port);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private alive(port: number): boolean {
    const child = this.processes.get(port);
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  private startNode(port: number): void {
    const child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
      '--cluster-node-timeout', '1500', '--dir', this.dir, '--save', '', '--appendonly', 'no',
    ], { stdio: 'ignore' });
    this.processes.set(port, child);
  }

  private async clusterState(port: number): Promise<string> {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      const info = String(await probe.call('CLUSTER', 'INFO'));
      const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
      if (state !== 'ok') return state;
      if (!/cluster_slots_ok:16384\b/.test(info)) return 'slots not all ok';
      const replication = String(await probe.info('replication'));
      if (/role:slave/.test(replication) && !/master_link_status:up/.test(replication)) return 'replica not linked';
      return 'ok';
    } catch {
      return 'unreachable';
    } finally {
      probe.disconnect();
    }
  }
}

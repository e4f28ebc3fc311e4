import type { Redis } from 'ioredis';

// Sessions live in Redis, not in the cookie: the cookie holds only a signed random id, every API
// process sees the same sessions, and signing out (or an administrator deleting the key) ends a
// session at once. Each record expires with the session.

type Callback = (err?: unknown) => void;
type SessionCallback = (err: unknown, session?: never) => void;

export class RedisSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:session:${id}`;
  }

  set(id: string, session: unknown, callback: Callback): void {
    this.redis.set(this.key(id), JSON.stringify(session), 'EX', this.ttlSeconds).then(() => callback(), callback);
  }

  get(id: string, callback: SessionCallback): void {
    this.redis.get(this.key(id)).then((json) => {
      // An unreadable record is no session (the user signs in again), never a request left hanging.
      let session: unknown = null;
      try {
        session = json ? JSON.parse(json) : null;
      } catch {
        session = null;
      }
      callback(null, session as never);
    }, (err: unknown) => callback(err));
  }

  destroy(id: string, callback: Callback): void {
    this.redis.del(this.key(id)).then(() => callback(), callback);
  }
}

import { UNKNOWN_USER_HASH, verifyPassword } from './passwords.js';
import type { LocalUser } from './settings.js';
import type { SessionUser } from './sessionUser.js';

/** Users who sign in with a name and password (VIGIL_LOCAL_USERS; the demo generates them). */
export class LocalDirectory {
  private readonly byName: Map<string, LocalUser>;

  constructor(users: readonly LocalUser[]) {
    this.byName = new Map(users.map((u) => [u.name.toLowerCase(), u]));
  }

  get enabled(): boolean {
    return this.byName.size > 0;
  }

  /** The user when the password matches; an unknown name costs the same hash check, so timing tells nothing. */
  async authenticate(name: string, password: string, nowMs = Date.now()): Promise<SessionUser | undefined> {
    const user = this.byName.get(name.trim().toLowerCase());
    const matches = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !matches) return undefined;
    return { name: user.name, roles: [...user.roles], via: 'local', signedInAt: nowMs };
  }
}

import * as client from 'openid-client';
import type { OidcSettings } from '../config/index.js';
import { VigilError } from '../core/errors.js';
import { rolesFromClaim, USER_NAME } from './settings.js';
import type { SessionUser } from './sessionUser.js';

export class SignInError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SIGN_IN_FAILED', message, 401, options);
  }
}

/**
 * Single sign-on through the bank's OpenID Connect provider with openid-client: authorization
 * code flow with PKCE, state and nonce; roles from a claim through the configured map. The
 * provider's metadata is discovered on first use and kept (a provider down at start does not stop
 * Vigil; the first sign-in after it returns succeeds).
 */
export class OidcSignIn {
  private discovered: Promise<client.Configuration> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  private configuration(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    // Plain http is accepted by the config for a provider on loopback only (tests).
    const insecure = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
    // client_secret_basic: OAuth's default, what identity providers register a confidential client with unless told otherwise.
    this.discovered ??= client.discovery(issuer, this.settings.clientId, this.settings.clientSecret, client.ClientSecretBasic(this.settings.clientSecret), { ...insecure, timeout: 10 }).catch((err: unknown) => {
      this.discovered = undefined;
      throw new SignInError('the identity provider could not be reached; try again shortly', { cause: err });
    });
    return this.discovered;
  }

  /** Where to send the browser, and what its session must keep until the callback. */
  async start(): Promise<{ url: string; pending: { state: string; nonce: string; codeVerifier: string } }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri, scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
      state: pending.state, nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Exchanges the callback's code and names the user; refuses a user whose claims give no role. */
  async finish(query: string, pending: { state: string; nonce: string; codeVerifier: string }, nowMs = Date.now()): Promise<SessionUser> {
    const config = await this.configuration();
    // The callback URL is rebuilt from configuration, never from the request's Host header.
    const current = new URL(this.settings.redirectUri);
    current.search = query;
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
      const idClaims: Record<string, unknown> = tokens.claims() ?? {};
      // Providers often put profile and group claims in userinfo rather than the ID token.
      const userInfo = await client.fetchUserInfo(config, tokens.access_token, String(idClaims.sub));
      claims = { ...userInfo, ...idClaims };
    } catch (err) {
      throw new SignInError('the identity provider did not confirm the sign-in; start again', { cause: err });
    }
    const name = String(claims[this.settings.nameClaim] ?? claims.email ?? claims.sub ?? '');
    if (!USER_NAME.test(name)) throw new SignInError(`the identity provider gave no usable name in claim ${this.settings.nameClaim}`);
    const roles = rolesFromClaim(claims[this.settings.rolesClaim], this.settings.roleMap);
    if (roles.length === 0) throw new SignInError(`${name} has no Vigil role: their ${this.settings.rolesClaim} claim matches nothing in VIGIL_OIDC_ROLE_MAP`);
    return { name, roles, via: 'oidc', signedInAt: nowMs };
  }
}

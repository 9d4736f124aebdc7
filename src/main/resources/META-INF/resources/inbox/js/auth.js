// Sign-in and token renewal. The access token lives in memory only (never in the URL or localStorage).
// OIDC: authorization code + PKCE. The verifier and state must survive the redirect to the IdP and back,
// so they sit in sessionStorage (this tab only) for that round trip and are removed as soon as the code
// is exchanged; a verifier is useless without the one-time code, and the token never goes there.
const PKCE_KEY = 'samtale.inbox.pkce';

function b64url(bytes) {
  let s = '';
  new Uint8Array(bytes).forEach((b) => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n) { return b64url(crypto.getRandomValues(new Uint8Array(n))); }

/** The token's exp (ms), read from its payload: only to schedule renewal, never trusted for anything else. */
function expiry(jwt) {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return payload.exp * 1000;
  } catch (e) {
    return Date.now() + 5 * 60 * 1000;
  }
}

export class Auth {
  constructor(settings) {
    this.settings = settings;
    this.token = null;
    this.refreshToken = null;
    this.demoLogin = null;
    this.timer = null;
    this.listeners = [];
  }

  redirectUri() { return `${location.origin}${location.pathname}`; }

  onRenewed(fn) { this.listeners.push(fn); }

  async discovery() {
    if (!this.metadata) {
      const issuer = this.settings.issuer.replace(/\/$/, '');
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error('discovery failed');
      this.metadata = await res.json();
    }
    return this.metadata;
  }

  /** Production: to the IdP with a fresh PKCE challenge. */
  async beginOidc() {
    const meta = await this.discovery();
    const verifier = random(48);
    const state = random(16);
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
    const url = new URL(meta.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: this.settings.clientId, redirect_uri: this.redirectUri(),
      scope: this.settings.scope, state, code_challenge: challenge, code_challenge_method: 'S256',
    }).toString();
    location.assign(url.toString());
  }

  /** Back from the IdP: exchange the code (once), then clean the URL. False when this is no callback. */
  async completeOidc() {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    if (!code) return false;
    const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
    sessionStorage.removeItem(PKCE_KEY);
    history.replaceState(null, '', this.redirectUri()); // the code never stays in the URL or history
    if (!saved || saved.state !== params.get('state')) throw new Error('state mismatch');
    await this.tokenRequest({
      grant_type: 'authorization_code', code, redirect_uri: this.redirectUri(), client_id: this.settings.clientId,
      code_verifier: saved.verifier,
    });
    return true;
  }

  async tokenRequest(form) {
    const meta = await this.discovery();
    const res = await fetch(meta.token_endpoint, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form),
    });
    if (!res.ok) throw new Error('token request failed');
    const json = await res.json();
    if (json.refresh_token) this.refreshToken = json.refresh_token;
    this.accept(json.access_token);
  }

  /** Demo build only: a token for a seeded caseworker from the demo's token endpoint. */
  async demo(login) {
    const res = await fetch(`/dev/tokens/${encodeURIComponent(login)}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error('demo token failed');
    this.demoLogin = login;
    this.accept((await res.json()).token);
  }

  accept(token) {
    const first = this.token === null;
    this.token = token;
    clearTimeout(this.timer);
    const renewAt = expiry(token) - this.settings.renewBeforeSeconds * 1000;
    this.timer = setTimeout(() => this.renew().catch(() => this.scheduleRetry()), Math.max(1000, renewAt - Date.now()));
    if (!first) this.listeners.forEach((fn) => fn());
  }

  scheduleRetry() { this.timer = setTimeout(() => this.renew().catch(() => this.scheduleRetry()), 5000); }

  /** A fresh token before the old one expires (refresh token, or the demo endpoint). */
  async renew() {
    if (this.settings.signIn === 'oidc') {
      if (!this.refreshToken) throw new Error('no refresh token');
      await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: this.refreshToken, client_id: this.settings.clientId });
    } else {
      await this.demo(this.demoLogin);
    }
  }

  signOut() {
    clearTimeout(this.timer);
    this.token = null;
    this.refreshToken = null;
  }
}

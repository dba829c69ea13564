// fetch with the API's conventions: JSON bodies, a bearer token that is
// renewed before it runs out, and application/problem+json errors turned
// into ApiError (whose code errors.js maps to Portuguese).

export class ApiError extends Error {
  constructor(status, code, retryAfter) {
    super(code || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = code || (status === 404 ? "not_found" : "internal");
    this.retryAfter = retryAfter;
  }
}

// request performs one call. body undefined sends none; a 204 returns null.
export async function request(method, path, { token, body } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const retry = Number(res.headers.get("Retry-After")) || undefined;
    throw new ApiError(res.status, data && data.code, retry);
  }
  return data;
}

// tokenExpiry reads a JWT's exp (seconds) as a Date, or null. The page only
// needs it to know when to forget a token; the server verifies it.
export function tokenExpiry(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const exp = JSON.parse(atob(part)).exp;
    return typeof exp === "number" ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}

// tokenSubject reads a JWT's sub, or "".
export function tokenSubject(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part)).sub || "";
  } catch {
    return "";
  }
}

// Session holds one bearer token and renews it while the person is active:
// renew(token) must return {token, expires_at} (or null when it cannot).
// onChange is told each new token so that the page can keep it.
export class Session {
  constructor({ token, expiresAt, renew, onChange }) {
    this.token = token;
    this.expiresAt = expiresAt ? new Date(expiresAt) : tokenExpiry(token);
    this.issuedAt = new Date();
    this.renewFn = renew;
    this.onChange = onChange || (() => {});
    this.lastActive = Date.now();
    this.renewing = null;
    this.timer = null;
  }

  // touch records activity (a key, a click): only an active session renews.
  touch() {
    this.lastActive = Date.now();
  }

  // watch renews in the background while the person was active recently.
  watch(activeWindowMs = 15 * 60 * 1000) {
    for (const type of ["keydown", "pointerdown"]) {
      document.addEventListener(type, () => this.touch(), { passive: true });
    }
    // Checked a few times per token life (at most every minute), so that
    // even a short-lived token is renewed before it runs out.
    const life = this.expiresAt ? this.expiresAt - Date.now() : 0;
    const every = Math.min(Math.max(life / 4, 1000), 60 * 1000);
    this.timer = setInterval(() => {
      if (Date.now() - this.lastActive < activeWindowMs) this.renewIfDue().catch(() => {});
    }, every);
  }

  stop() {
    clearInterval(this.timer);
  }

  // due: less than half of the token's life is left.
  due() {
    if (!this.expiresAt || !this.renewFn) return false;
    const life = this.expiresAt - this.issuedAt;
    return this.expiresAt - Date.now() < Math.max(life / 2, 60 * 1000);
  }

  async renewIfDue() {
    if (this.due()) await this.renew();
  }

  async renew() {
    if (!this.renewFn) return false;
    if (!this.renewing) {
      this.renewing = (async () => {
        try {
          const next = await this.renewFn(this.token);
          if (!next || !next.token) return false;
          this.token = next.token;
          this.issuedAt = new Date();
          this.expiresAt = next.expires_at ? new Date(next.expires_at) : tokenExpiry(next.token);
          this.onChange(this.token, this.expiresAt);
          return true;
        } finally {
          this.renewing = null;
        }
      })();
    }
    return this.renewing;
  }

  // call is request() with this session's token; an expired token is renewed
  // once and the call repeated.
  async call(method, path, body) {
    this.touch();
    await this.renewIfDue().catch(() => {});
    try {
      return await request(method, path, { token: this.token, body });
    } catch (err) {
      if (err instanceof ApiError && err.code === "token_expired" && (await this.renew().catch(() => false))) {
        return request(method, path, { token: this.token, body });
      }
      throw err;
    }
  }
}

// fragmentToken takes a token handed over in the URL fragment (#token=…)
// and removes it from the address bar, so that it is neither bookmarked nor
// shown. It returns "" when there is none.
export function fragmentToken() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token") || "";
  if (token) {
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  }
  return token;
}

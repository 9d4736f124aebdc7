// REST calls with the in-memory bearer token; failures become Errors carrying the problem's code.
export class Api {
  constructor(auth) { this.auth = auth; }

  async call(method, path, body) {
    const headers = { Accept: 'application/json', Authorization: `Bearer ${this.auth.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 204) return null;
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      const err = new Error((json && (json.detail || json.title)) || `HTTP ${res.status}`);
      err.status = res.status;
      err.code = json && json.code;
      err.errors = (json && json.errors) || [];
      throw err;
    }
    return json;
  }

  get(path) { return this.call('GET', path); }
  post(path, body) { return this.call('POST', path, body ?? {}); }
  put(path, body) { return this.call('PUT', path, body); }
  del(path) { return this.call('DELETE', path); }
}

// Every call the console makes goes through here: same origin, the session cookie, and the
// session's CSRF token on every change. Errors carry the API's code, message and field errors.

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly errors: string[] = [], readonly body: unknown = undefined) {
    super(message);
  }
}

export interface ApiAnswer<T> {
  status: number;
  data: T;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { contentType?: string } = {}): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    headers['content-type'] = opts.contentType ?? 'application/json';
    // Text and files (a model's .onnx) go as they are; anything else as JSON.
    payload = typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const d = (data ?? {}) as { error?: string; message?: string; errors?: string[] };
    throw new ApiError(res.status, d.error ?? `HTTP_${res.status}`, d.message ?? res.statusText, d.errors ?? [], data);
  }
  return { status: res.status, data: data as T };
}

export const get = async <T>(path: string) => (await request<T>('GET', path)).data;
export const post = <T>(path: string, body?: unknown, opts?: { contentType?: string }) => request<T>('POST', path, body ?? {}, opts);
export const put = <T>(path: string, body?: unknown, opts?: { contentType?: string }) => request<T>('PUT', path, body, opts);
export const del = <T>(path: string) => request<T>('DELETE', path);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** `?a=1&b=2` from the defined values. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]);
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

export const enc = encodeURIComponent;

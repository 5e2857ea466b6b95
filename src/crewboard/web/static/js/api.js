// Thin fetch wrapper for /api/v1: JSON in and out, errors as ApiError with the
// server's stable code and sentence.

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `Request failed (${status})`);
    this.status = status;
    this.code = err.code || "http_error";
    this.field = err.field;
    this.body = body;
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const opts = { method, headers: { Accept: "application/json", ...headers },
                 credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const reply = await fetch(`/api/v1${path}`, opts);
  const text = await reply.text();
  const data = text ? JSON.parse(text) : null;
  if (!reply.ok) throw new ApiError(reply.status, data);
  return data;
}

export const get = (path) => api(path);
export const post = (path, body = {}, headers) => api(path, { method: "POST", body, headers });
export const patch = (path, body) => api(path, { method: "PATCH", body });

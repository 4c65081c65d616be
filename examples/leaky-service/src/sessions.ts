import type { IncomingMessage } from 'node:http';

interface Session {
  user: string;
  startedAt: number;
}

/** Every session ever opened stays in the map: nothing deletes a session when it ends. */
class SessionStore {
  private readonly sessions = new Map<string, Session>();

  open(id: string, user: string): Session {
    const session = { user, startedAt: Date.now() };
    this.sessions.set(id, session);
    return session;
  }

  find(id: string): Session | undefined {
    return this.sessions.get(id);
  }
}

export const store = new SessionStore();

/** Parsed request metadata, cached per request object: the map keeps every request alive. */
const parsedHeaders = new Map<IncomingMessage, Record<string, string>>();

export function headersOf(req: IncomingMessage): Record<string, string> {
  let headers = parsedHeaders.get(req);
  if (!headers) {
    headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    parsedHeaders.set(req, headers);
  }
  return headers;
}

/**
 * A console user's browser, reduced to what the API sees: one session cookie and the CSRF
 * token from sign-in. For the console's API tests and the benchmark.
 */
import { CONSOLE_CSRF_HEADER, CONSOLE_SESSION_COOKIE } from '../../contract/console-protocol';

export interface ConsoleAnswer<T> {
  status: number;
  body: { ok: true; data: T } | { ok: false; error: { kind: string; message: string } };
  setCookie: string | null;
}

export class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(readonly url: string) {}

  async call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; csrf?: string | false; origin?: string } = {},
  ): Promise<ConsoleAnswer<T>> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = `${CONSOLE_SESSION_COOKIE}=${this.cookie}`;
    if (method !== 'GET' && options.csrf !== false)
      headers[CONSOLE_CSRF_HEADER] = options.csrf ?? this.csrf;
    if (options.origin) headers.origin = options.origin;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}/console/api${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const setCookie = response.headers.get('set-cookie');
    const match = setCookie
      ? new RegExp(`${CONSOLE_SESSION_COOKIE}=([^;]*)`).exec(setCookie)
      : null;
    if (match) this.cookie = match[1] ?? '';
    return {
      status: response.status,
      body: (await response.json()) as ConsoleAnswer<T>['body'],
      setCookie,
    };
  }

  /** The data of a successful answer (throws with HQ's message otherwise). */
  async data<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const answer = await this.call<T>(method, path, body === undefined ? {} : { body });
    if (!answer.body.ok) throw new Error(`${path}: ${answer.status} ${answer.body.error.message}`);
    return answer.body.data;
  }

  async signIn(email: string, password: string): Promise<ConsoleAnswer<{ csrfToken: string }>> {
    const answer = await this.call<{ csrfToken: string }>('POST', '/sign-in', {
      body: { email, password },
      csrf: false,
    });
    if (answer.body.ok) this.csrf = answer.body.data.csrfToken;
    return answer;
  }
}

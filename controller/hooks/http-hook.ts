// The client of dynamic (HTTP) hooks: one POST of the request as JSON, TLS verified against the
// system roots or the box's CA bundle, bounded by a timeout and a response size limit. Whatever
// goes wrong becomes a HookError whose message names the endpoint, and for an HTTP error the
// status code and the first 200 bytes of the body.
import http from 'node:http';
import https from 'node:https';
import { checkResponse, type HookRequest, type HookResponse } from './contract.ts';
import { HookError } from './hook-error.ts';

export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const BODY_EXCERPT = 200;

export interface HttpHookCall {
  readonly url: string;
  readonly request: HookRequest;
  readonly timeoutMs: number;
  /** PEM certificates that verify the server instead of the system roots. */
  readonly ca?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxResponseBytes?: number;
  readonly signal?: AbortSignal;
}

/** A 4xx says this request will fail again; 408 and 429 say "later", as do 5xx and network errors. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function excerpt(body: Buffer): string {
  const text = body.subarray(0, BODY_EXCERPT).toString('utf8').replace(/\s+/g, ' ').trim();
  return body.length > BODY_EXCERPT ? `${text}…` : text;
}

export function postHook(call: HttpHookCall): Promise<HookResponse> {
  const where = `hook POST ${call.url}`;
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    return Promise.reject(new HookError(`${where}: not a valid URL`, false, 'error'));
  }
  const limit = call.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const payload = Buffer.from(JSON.stringify(call.request));
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HookResponse>((resolve, reject) => {
    // The first outcome wins: a destroyed request still reports errors and ends afterwards.
    let settled = false;
    const fail = (err: HookError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(err);
    };
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers: {
          ...call.headers,
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': payload.length,
        },
        timeout: call.timeoutMs,
        ...(call.ca ? { ca: call.ca } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) fail(new HookError(`${where}: response larger than ${limit} bytes`, false, 'too_large'));
          else chunks.push(chunk);
        });
        res.on('error', (err) => fail(new HookError(`${where}: ${err.message}`, true, 'error')));
        res.on('end', () => {
          if (settled) return;
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            fail(
              new HookError(
                `${where} answered ${status} ${res.statusMessage ?? ''}: ${excerpt(body)}`.trimEnd(),
                retryableStatus(status),
                String(status),
              ),
            );
            return;
          }
          let json: unknown;
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            fail(new HookError(`${where} answered ${status} with invalid JSON: ${excerpt(body)}`, false, 'invalid'));
            return;
          }
          const checked = checkResponse(json);
          if ('invalid' in checked) fail(new HookError(`${where}: ${checked.invalid}`, false, 'invalid'));
          else {
            settled = true;
            resolve(checked.response);
          }
        });
      },
    );
    req.on('timeout', () => fail(new HookError(`${where}: no answer within ${call.timeoutMs} ms`, true, 'timeout')));
    req.on('error', (err) => fail(new HookError(`${where}: ${err.message}`, true, 'error')));
    req.end(payload);
  });
}

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ProbeResult {
  readonly status: number;
  readonly body: string;
}

/** A GET with a short timeout, for readiness probes. */
export function httpGet(url: string, options: { ca?: Buffer; token?: string } = {}): Promise<ProbeResult> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: options.ca,
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
        timeout: 2_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

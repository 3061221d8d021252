import { request } from 'node:http';

/**
 * A POST of a body in slices, as a client streaming its upload does, that stops sending once the
 * server has answered: the server answers 413 before the body is all sent and closes the
 * connection, and a client writing on (fetch) would see its write's EPIPE, not the answer.
 */
export function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: 'POST', headers }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (err) => { if (!answered) reject(err); });
    req.flushHeaders();
    void (async () => {
      for (let at = 0; at < body.length && !answered; at += 65536) {
        await new Promise((r) => setTimeout(r, 5)); // room for an answer between two slices
        if (answered || req.destroyed) return;
        await new Promise<void>((r) => req.write(body.subarray(at, at + 65536), () => r()));
      }
      if (!answered && !req.destroyed) req.end();
    })();
  });
}

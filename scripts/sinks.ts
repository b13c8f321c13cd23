/**
 * The local channel sinks of the development profile, in their own process (as real providers
 * would be): an SMTP server on SINK_SMTP_PORT and the HTTP provider sink on SINK_HTTP_PORT.
 * Captured mail is readable at GET /_mail/messages and /_mail/stats on the HTTP port.
 */
import { loadConfig } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { startSmtpSink } from '../channels/sinks/smtp-sink.ts';
import { startHttpSink } from '../channels/sinks/http-sink.ts';
import { exitWithParent, fatal } from './lib/defaults.ts';

const config = loadConfig();
const log = createLogger(config, 'sinks');

try {
  const smtp = await startSmtpSink({ port: config.SINK_SMTP_PORT }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`SINK_SMTP_PORT: cannot listen on ${config.SINK_SMTP_PORT}: ${err.code ?? err.message}`);
  });
  const http = await startHttpSink({
    port: config.SINK_HTTP_PORT,
    extra: (req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/_mail/messages' && path !== '/_mail/stats') return false;
      const payload = path === '/_mail/stats' ? smtp.stats() : smtp.messages().slice(-100);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
      return true;
    },
  }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`SINK_HTTP_PORT: cannot listen on ${config.SINK_HTTP_PORT}: ${err.code ?? err.message}`);
  });
  log.info({ smtp: `smtp://127.0.0.1:${smtp.port}`, http: `http://127.0.0.1:${http.port}` }, 'channel sinks listening');
  process.send?.({ type: 'ready' });
  const shutdown = async () => {
    await Promise.all([smtp.close(), http.close()]);
  };
  exitWithParent(shutdown);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void shutdown().finally(() => process.exit(0)));
} catch (err) {
  fatal(log, err);
}

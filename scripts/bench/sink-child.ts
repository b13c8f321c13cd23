/**
 * One channel sink in its own process for the send benchmark (as a real provider would be),
 * counters only (`keep: 0`). argv: `smtp` or `http`. Talks to the parent over IPC:
 * → { type: 'ready', port }; ← { type: 'stats' } → { type: 'stats', stats }; ← { type: 'reset' }.
 */
import { startSmtpSink } from '../../channels/sinks/smtp-sink.ts';
import { startHttpSink } from '../../channels/sinks/http-sink.ts';

const kind = process.argv[2];
if (kind !== 'smtp' && kind !== 'http') throw new Error('usage: sink-child.ts smtp|http');

const sink = kind === 'smtp' ? await startSmtpSink({ port: 0, keep: 0 }) : await startHttpSink({ port: 0, keep: 0 });

process.on('message', (m: { type?: string; id?: number }) => {
  if (m?.type === 'stats') process.send?.({ type: 'stats', id: m.id, stats: sink.stats() });
  if (m?.type === 'reset') {
    sink.reset();
    process.send?.({ type: 'reset', id: m.id });
  }
});
process.once('disconnect', () => void sink.close().finally(() => process.exit(0)));
process.send?.({ type: 'ready', port: sink.port });

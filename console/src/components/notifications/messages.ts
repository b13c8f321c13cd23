/** A notification in words a marketer reads, from its kind and payload (activities/campaign.ts `notify`). */
export interface NotificationLike {
  kind: string;
  payload: Record<string, unknown>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const fmt = (n: number) => n.toLocaleString();

export function campaignIdOf(n: NotificationLike): string | null {
  return str(n.payload.campaignId);
}

export function notificationText(n: NotificationLike): string {
  const name = str(n.payload.campaignName) ?? 'A campaign';
  const quoted = `“${name}”`;
  const counts = n.payload.counts as { sent?: unknown; failed?: unknown } | undefined;
  switch (n.kind) {
    case 'approval.requested':
      return `${quoted} waits for your approval`;
    case 'approval.reminder':
      return `Reminder: ${quoted} still waits for your approval`;
    case 'approval.expired':
      return `The approval request for ${quoted} expired; submit it again to send it`;
    case 'campaign.approved':
      return `${quoted} was approved`;
    case 'campaign.rejected': {
      const comment = str(n.payload.comment);
      return `${quoted} was rejected${comment ? `: “${comment}”` : ''}`;
    }
    case 'campaign.scheduled':
      return `${quoted} is scheduled`;
    case 'campaign.started':
      return `${quoted} started sending`;
    case 'campaign.paused': {
      const reason = str(n.payload.reason);
      return `${quoted} was paused${reason ? `: ${reason}` : ''}`;
    }
    case 'campaign.completed': {
      const sent = num(counts?.sent);
      const failed = num(counts?.failed);
      return `${quoted} completed${sent !== null ? `: ${fmt(sent)} sent` : ''}${failed ? `, ${fmt(failed)} failed` : ''}`;
    }
    case 'campaign.stopped':
      return `${quoted} was stopped`;
    case 'campaign.failure_rate': {
      const failed = num(n.payload.failed);
      const total = num(n.payload.total);
      return failed !== null && total ? `${quoted}: ${fmt(failed)} of ${fmt(total)} messages failed so far` : `${quoted}: many messages are failing`;
    }
    default:
      return `${quoted}: ${n.kind.replace(/[._]/g, ' ')}`;
  }
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

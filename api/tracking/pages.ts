/**
 * The few pages a message's recipient sees: plain, self-contained HTML (no scripts, no external
 * resources), every dynamic value escaped.
 */
import type { ChannelPreference } from '../../db/repositories/tracking-preferences.ts';

const CHANNEL_NAMES: Record<string, string> = { email: 'E-mail', sms: 'Text messages (SMS)', whatsapp: 'WhatsApp', push: 'Push notifications', webhook: 'Webhook' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}
button{font:inherit;padding:.5rem 1.25rem;border-radius:.375rem;border:1px solid #555;background:#222;color:#fff;cursor:pointer}
label{display:block;margin:.5rem 0}a{color:#0b57d0}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** What a tampered, unknown or expired link shows: it says nothing and goes nowhere. */
export function neutralPage(): string {
  return page('Link not available', '<p>This link is not valid or has expired.</p>');
}

export function unavailablePage(): string {
  return page('Please try again', '<p>We could not handle this request just now. Please try again in a moment.</p>');
}

export function tooManyRequestsPage(): string {
  return page('Too many requests', '<p>This link was used too often in a short time. Please wait a minute and try again.</p>');
}

export function unsubscribeConfirmPage(token: string): string {
  const t = escapeHtml(token);
  return page(
    'Unsubscribe',
    `<p>Do you want to stop receiving these messages?</p>
<form method="post" action="/t/u/${t}"><input type="hidden" name="confirm" value="1"><button type="submit">Unsubscribe</button></form>
<p><a href="/t/p/${t}">Choose which messages you receive instead</a></p>`,
  );
}

export function unsubscribedPage(token: string): string {
  return page('You are unsubscribed', `<p>You will not receive these messages any more.</p><p><a href="/t/p/${escapeHtml(token)}">Manage your preferences</a></p>`);
}

export function preferencesPage(token: string, channels: ChannelPreference[], saved: boolean): string {
  const rows = channels
    .map((c) => {
      const name = `${CHANNEL_NAMES[c.channel] ?? c.channel} (${c.address})`;
      const attrs = `${c.subscribed ? ' checked' : ''}${c.locked ? ' disabled' : ''}`;
      return `<label><input type="checkbox" name="channel" value="${escapeHtml(c.channel)}"${attrs}> ${escapeHtml(name)}${c.locked ? ' — blocked after a delivery problem or STOP' : ''}</label>`;
    })
    .join('\n');
  return page(
    'Your preferences',
    `${saved ? '<p role="status"><strong>Your preferences are saved.</strong></p>' : ''}
<p>Choose how we may contact you.</p>
<form method="post" action="/t/p/${escapeHtml(token)}">${rows || '<p>We have no way to contact you on record.</p>'}
<input type="hidden" name="save" value="1"><button type="submit">Save</button></form>`,
  );
}

/**
 * The message the send benchmark uses on both sides: a campaign e-mail of about 3.5 KB of HTML with
 * a few Liquid variables (Herald renders them per recipient), an SMS body, and the same content
 * pre-rendered for the raw loops (which substitute the name per message, as a mail-merge would).
 */

const PRODUCTS = [
  ['Trail runner shoes', 'Light, grippy and ready for wet spring mornings.', '89.00'],
  ['Merino base layer', 'Warm when you stop, cool when you move.', '64.00'],
  ['Packable rain shell', 'Fits in a pocket, keeps the storm out.', '129.00'],
];

const productRows = PRODUCTS.map(
  ([name, blurb, price]) => `
      <tr>
        <td style="padding:12px 16px;border-bottom:1px solid #e5e7eb;font-family:Helvetica,Arial,sans-serif;font-size:15px;color:#111827">
          <strong>${name}</strong><br><span style="color:#6b7280;font-size:13px">${blurb}</span>
        </td>
        <td style="padding:12px 16px;border-bottom:1px solid #e5e7eb;font-family:Helvetica,Arial,sans-serif;font-size:15px;color:#111827;text-align:right">$${price}</td>
      </tr>`,
).join('');

/** Liquid source: `contact.first_name`, `contact.tier`, `campaign.name`, `unsubscribe_url`. */
export const EMAIL_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{{ campaign.name }}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6">
    <tr><td align="center" style="padding:24px 12px">
    <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px;overflow:hidden">
      <tr><td style="background:#1f2937;padding:20px 24px;font-family:Helvetica,Arial,sans-serif;font-size:20px;color:#ffffff">Herald Outdoor &middot; Spring collection</td></tr>
      <tr><td style="padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:24px;color:#111827">
        <p style="margin:0 0 12px">Hi {{ contact.first_name }},</p>
        <p style="margin:0 0 12px">Spring is here and so is our new collection. As a {{ contact.tier }} member you get early access
        and free shipping on every order this week. Here is what our customers are loving right now:</p>
      </td></tr>
      <tr><td style="padding:0 8px">
      <table role="presentation" width="100%" cellpadding="0" cellspacing="0">${productRows}
      </table>
      </td></tr>
      <tr><td align="center" style="padding:24px">
        <a href="https://shop.herald.example/spring?utm_source=email&amp;utm_campaign=spring" style="display:inline-block;background:#2563eb;color:#ffffff;font-family:Helvetica,Arial,sans-serif;font-size:16px;padding:12px 28px;border-radius:6px;text-decoration:none">Shop the collection</a>
      </td></tr>
      <tr><td style="padding:16px 24px;background:#f9fafb;font-family:Helvetica,Arial,sans-serif;font-size:12px;line-height:18px;color:#6b7280">
        You receive this e-mail because you signed up for news from Herald Outdoor. Herald Outdoor, 1 Market Street, Springfield.
        <a href="{{ unsubscribe_url }}" style="color:#6b7280">Unsubscribe</a> at any time with one click.
      </td></tr>
    </table>
    </td></tr>
  </table>
</body></html>
`;

export const EMAIL_TEXT = `Hi {{ contact.first_name }},

Spring is here and so is our new collection. As a {{ contact.tier }} member you get early access and free shipping this week.
Shop: https://shop.herald.example/spring

Unsubscribe: {{ unsubscribe_url }}
`;

export const EMAIL_SUBJECT = 'Spring collection, {{ contact.first_name }}: early access inside';

export const SMS_BODY = 'Herald Outdoor: hi {{ contact.first_name }}, spring collection is live. {{ contact.tier }} members ship free this week: https://hrld.example/s Reply STOP to opt out';

export const SENDER = { fromEmail: 'news@herald.example', fromName: 'Herald Outdoor', replyTo: 'reply@herald.example', smsFrom: '+15550000000' };

/** The same content rendered by plain substitution, for the raw loops. */
export function renderPlain(source: string, vars: { firstName: string; tier: string; unsubscribeUrl: string; campaignName: string }): string {
  return source
    .replaceAll('{{ contact.first_name }}', vars.firstName)
    .replaceAll('{{ contact.tier }}', vars.tier)
    .replaceAll('{{ unsubscribe_url }}', vars.unsubscribeUrl)
    .replaceAll('{{ campaign.name }}', vars.campaignName);
}

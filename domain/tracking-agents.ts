/**
 * Who fetched a pixel or followed a link: a person's mail client, or a machine acting before (or
 * instead of) the person. Machine hits are still recorded, flagged `automated`, so open and click
 * rates count people only. The rules, and why each is there:
 *
 * Automated (flagged):
 * - Apple Mail Privacy Protection fetches every image of every message on delivery, whether or not it
 *   is read. Its fetches come from Apple's network (17.0.0.0/8) with the bare user agent
 *   `Mozilla/5.0`; either sign is enough.
 * - Link and attachment scanners of mail gateways (Microsoft Defender Safe Links / Exchange Online
 *   Protection, Mimecast, Proofpoint, Barracuda, Cisco IronPort, Symantec/Broadcom MessageLabs,
 *   Trend Micro, Sophos, Forcepoint, FireEye/Trellix, Zscaler, Check Point, Fortinet) follow every
 *   link of a message before it reaches the inbox. Known by user agent, or by Exchange Online
 *   Protection's published outbound ranges (40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14,
 *   104.47.0.0/17).
 * - Programs rather than browsers: an empty user agent, HTTP libraries (curl, wget, python-requests,
 *   Go-http-client, Java, okhttp, axios, node-fetch, undici, libwww), headless browsers, and anything
 *   calling itself a bot, crawler, spider, scanner or preview fetcher.
 * - (In SQL, where the send time is known: a hit within 2 s of the send is a scanner; see
 *   db/repositories/tracking-events.ts.)
 *
 * Not flagged, but named: Gmail's and Yahoo's image proxies fetch an image when the person opens
 * the message (then cache it), so their first fetch is a real open.
 */

export interface AgentVerdict {
  automated: boolean;
  /** A short name for what was recognised, stored with the event (never the raw user agent). */
  agent: string;
}

const SCANNERS: [RegExp, string][] = [
  [/mimecast/i, 'mimecast'],
  [/proofpoint|urldefense/i, 'proofpoint'],
  [/barracuda/i, 'barracuda'],
  [/ironport|cisco/i, 'cisco'],
  [/messagelabs|symantec|broadcom/i, 'symantec'],
  [/trend ?micro/i, 'trendmicro'],
  [/sophos/i, 'sophos'],
  [/forcepoint|websense/i, 'forcepoint'],
  [/fireeye|trellix/i, 'trellix'],
  [/zscaler/i, 'zscaler'],
  [/check ?point/i, 'checkpoint'],
  [/fortinet|fortiguard/i, 'fortinet'],
  [/safelinks|microsoft office protection|exchange online protection|bingpreview/i, 'microsoft'],
];

const PROGRAMS = /^(curl|wget|python-requests|python-urllib|aiohttp|go-http-client|java\/|okhttp|axios|node-fetch|undici|libwww-perl|apache-httpclient)|headlesschrome|phantomjs|(bot|crawler|spider)\b|\b(scanner|preview|prefetch|slurp)\b/i;

const PROXIES: [RegExp, string][] = [
  [/googleimageproxy/i, 'gmail-proxy'],
  [/yahoomailproxy/i, 'yahoo-proxy'],
];

/** IPv4 ranges as [network, prefix length, name]. */
const RANGES: [string, number, string][] = [
  ['17.0.0.0', 8, 'apple-mpp'],
  ['40.92.0.0', 15, 'microsoft'],
  ['40.107.0.0', 16, 'microsoft'],
  ['52.100.0.0', 14, 'microsoft'],
  ['104.47.0.0', 17, 'microsoft'],
];
const PARSED_RANGES = RANGES.map(([net, bits, name]) => ({ net: ipv4(net)!, mask: bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0, name }));

export function classifyAgent(userAgent: string | undefined, ip: string | undefined): AgentVerdict {
  const ua = (userAgent ?? '').trim();
  if (ip) {
    const n = ipv4(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
    if (n !== undefined) {
      for (const r of PARSED_RANGES) if (((n & r.mask) >>> 0) === r.net) return { automated: true, agent: r.name };
    }
  }
  if (ua === '') return { automated: true, agent: 'no-user-agent' };
  if (ua === 'Mozilla/5.0') return { automated: true, agent: 'apple-mpp' };
  for (const [re, name] of SCANNERS) if (re.test(ua)) return { automated: true, agent: name };
  for (const [re, name] of PROXIES) if (re.test(ua)) return { automated: false, agent: name };
  if (PROGRAMS.test(ua)) return { automated: true, agent: 'program' };
  return { automated: false, agent: 'client' };
}

/** The address as an unsigned 32-bit number, or undefined for anything but dotted IPv4. */
export function ipv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

import { describe, expect, it } from 'vitest';
import { classifyAgent, ipv4 } from './tracking-agents.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

describe('prefetcher and scanner detection', () => {
  it('counts a mail client as a person', () => {
    expect(classifyAgent(CHROME, '203.0.113.9')).toEqual({ automated: false, agent: 'client' });
  });

  it('flags Apple Mail Privacy Protection by its network or its bare user agent', () => {
    expect(classifyAgent(CHROME, '17.58.10.2')).toEqual({ automated: true, agent: 'apple-mpp' });
    expect(classifyAgent('Mozilla/5.0', '198.51.100.1')).toEqual({ automated: true, agent: 'apple-mpp' });
    expect(classifyAgent(CHROME, '::ffff:17.1.2.3').automated).toBe(true);
  });

  it('flags gateway scanners by name or by Microsoft EOP ranges', () => {
    expect(classifyAgent('Mozilla/5.0 (compatible; Mimecast URL Protect)', undefined)).toEqual({ automated: true, agent: 'mimecast' });
    expect(classifyAgent('Proofpoint urldefense', undefined).agent).toBe('proofpoint');
    expect(classifyAgent(CHROME, '40.107.22.5')).toEqual({ automated: true, agent: 'microsoft' });
    expect(classifyAgent(CHROME, '52.101.0.1').automated).toBe(true);
    expect(classifyAgent(CHROME, '52.104.0.1').automated).toBe(false);
  });

  it('flags programs and missing user agents, but not the Gmail image proxy', () => {
    for (const ua of ['', 'curl/8.5.0', 'python-requests/2.31', 'Go-http-client/1.1', 'Mozilla/5.0 (compatible; Googlebot/2.1)', 'Mozilla/5.0 HeadlessChrome/120']) {
      expect(classifyAgent(ua, undefined).automated, ua).toBe(true);
    }
    expect(classifyAgent('Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)', '66.249.84.1')).toEqual({ automated: false, agent: 'gmail-proxy' });
  });

  it('parses only dotted IPv4', () => {
    expect(ipv4('10.0.0.1')).toBe(167772161);
    expect(ipv4('256.0.0.1')).toBeUndefined();
    expect(ipv4('2001:db8::1')).toBeUndefined();
  });
});

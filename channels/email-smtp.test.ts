import { describe, expect, it } from 'vitest';
import { classifySmtpError } from './email-smtp.ts';
import { ChannelConfigError, ChannelUnavailableError } from './errors.ts';

const err = (code: string, responseCode?: number, response?: string) => Object.assign(new Error(response ?? code), { code, responseCode, response });

describe('SMTP replies', () => {
  it('a refused recipient or message is permanent; 4xx, 503 and connection trouble are retryable', () => {
    expect(classifySmtpError(err('EENVELOPE', 550, '550 5.1.1 no such user'))).toMatchObject({ kind: 'permanent', code: 'smtp_550' });
    expect(classifySmtpError(err('EENVELOPE', 553, '553 5.1.3 bad address'))).toMatchObject({ kind: 'permanent', code: 'smtp_553' });
    expect(classifySmtpError(err('EMESSAGE', 552, '552 too big'))).toMatchObject({ kind: 'permanent', code: 'smtp_552' });
    expect(classifySmtpError(err('EENVELOPE', 451, '451 try later'))).toMatchObject({ kind: 'retryable', code: 'smtp_451' });
    expect(classifySmtpError(err('EENVELOPE', 503, '503 bad sequence'))).toMatchObject({ kind: 'retryable' });
    expect(classifySmtpError(err('EPROTOCOL', 554, '554 no service'))).toMatchObject({ kind: 'retryable', code: 'smtp_554' });
    for (const code of ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'ETLS']) expect(classifySmtpError(err(code))).toMatchObject({ kind: 'retryable', code });
  });

  it('throws when the relay refuses Herald’s credentials', () => {
    expect(() => classifySmtpError(err('EAUTH', 535, '535 5.7.8 bad credentials'))).toThrow(ChannelConfigError);
  });

  it('a temporary login refusal (454) is the relay being unavailable, worded as such, not a misconfiguration', () => {
    const refusal = () => classifySmtpError(err('EAUTH', 454, '454 4.7.0 Temporary authentication failure'));
    expect(refusal).toThrow(ChannelUnavailableError);
    expect(refusal).not.toThrow(ChannelConfigError);
    expect(refusal).toThrow('email: SMTP relay could not log Herald in just now (454, temporary); the batch will be retried: 454 4.7.0 Temporary authentication failure');
  });
});

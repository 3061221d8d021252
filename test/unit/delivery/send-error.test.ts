import { describe, expect, it } from 'vitest';
import { classifySendError, describeSendError } from '../../../src/transports/send-error.js';

const smtpError = (responseCode: number, command: string, response = `${responseCode} x`, code = 'EENVELOPE') => Object.assign(new Error(response), { responseCode, command, response, code });

describe('classifySendError', () => {
  it('4xx replies are temporary', () => {
    for (const code of [421, 450, 451, 452]) expect(classifySendError(smtpError(code, 'RCPT TO'))).toBe('temporary');
  });

  it('5xx replies are permanent; refused recipients are hard bounces', () => {
    const rcpt = describeSendError(smtpError(550, 'RCPT TO', '550 5.1.1 Mailbox does not exist'));
    expect(rcpt).toMatchObject({ class: 'permanent', hardBounce: true, responseCode: 550, enhancedCode: '5.1.1', command: 'RCPT TO', code: 'EENVELOPE' });
    // Rejected content is permanent for this message, but says nothing bad about the address.
    expect(describeSendError(smtpError(554, 'DATA', '554 5.7.1 Message rejected as spam', 'EMESSAGE'))).toMatchObject({ class: 'permanent', hardBounce: false });
    // Some servers refuse unknown users only after DATA: the status code says it is the address.
    expect(describeSendError(smtpError(550, 'DATA', '550 5.1.1 No such user', 'EMESSAGE'))).toMatchObject({ class: 'permanent', hardBounce: true });
  });

  it('reads the code from the response text when responseCode is missing', () => {
    expect(describeSendError(Object.assign(new Error('x'), { response: '550-5.1.1 The email account does not exist', command: 'RCPT TO' }))).toMatchObject({ class: 'permanent', responseCode: 550, enhancedCode: '5.1.1' });
  });

  it('authentication failures are temporary: our credentials, not the recipient', () => {
    expect(classifySendError(smtpError(535, 'AUTH PLAIN', '535 5.7.8 Authentication credentials invalid', 'EAUTH'))).toBe('temporary');
    expect(classifySendError(smtpError(530, 'MAIL FROM', '530 5.7.0 Authentication required'))).toBe('temporary');
  });

  it('connection errors and unknown errors are temporary', () => {
    const errors = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET', errno: -111, syscall: 'connect' }),
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT', command: 'CONN' }),
      Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT', command: 'CONN' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }),
      new Error('something else'),
      'a string',
      null,
    ];
    for (const err of errors) expect(classifySendError(err), String(err)).toBe('temporary');
  });
});

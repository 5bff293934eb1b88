// The login conversation with the controller: login-begin {ext} -> login-challenge {nonce} ->
// login {ext, hmac} -> login-result. The PIN only enters pinResponse (firmware/signalling/pin-auth.ts);
// what goes on the wire is the HMAC. A controller that cannot log the extension in at all answers
// login-begin with a login-result straight away (unknown extension, locked, redirect, ...).
import type { LoginResult, Message } from '../signalling/messages.ts';
import { pinResponse } from '../signalling/pin-auth.ts';
import type { PinBuffer } from './pin-buffer.ts';

export interface LoginPort {
  request(msg: Message): Promise<Message>;
}

/** A controller answered with a message that has no place in the login conversation. */
export class LoginProtocolError extends Error {
  override readonly name = 'LoginProtocolError';
}

export async function loginExchange(link: LoginPort, ext: string, pin: PinBuffer, mac: string): Promise<LoginResult> {
  const first = await link.request({ type: 'login-begin', ext });
  if (first.type === 'login-result') return first;
  if (first.type !== 'login-challenge') throw new LoginProtocolError(`login-begin answered by ${first.type}`);
  const hmac = pin.use((digits) => pinResponse(first.nonce, ext, mac, digits));
  const second = await link.request({ type: 'login', ext, hmac });
  if (second.type !== 'login-result') throw new LoginProtocolError(`login answered by ${second.type}`);
  return second;
}

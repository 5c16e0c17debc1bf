import type { Socket } from 'node:net';

/** How long a closing connection still reads (and drops) what the client sends. */
const LINGER_MS = 2000;

/**
 * A reply sent before `100 Continue` (a refusal: 409 with X-Partial-Size, 507, 401) ends its
 * connection: Node keeps no such connection, as the client may be sending its body anyway (ours
 * starts after a second without an answer, and a take-over alone takes that long). Closed with
 * body bytes unread, the kernel answers them with a reset, and a client still writing gets EPIPE
 * before it has read the reply: a resumable 409 becomes a cut try. So the close lingers, as
 * Apache's and nginx's do: the reply and a FIN go out, what still arrives is read and dropped
 * until the client closes or LINGER_MS pass, then the socket is destroyed.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket) {
    this.end();
    this.resume();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('end', () => this.destroy());
    this.once('close', () => clearTimeout(timer));
  };
}

/**
 * Accept headers Apollo Server answers as it answers none. Apollo negotiates the media type of
 * every answer with `negotiator` (a parse and sort of the header: 10-20 µs a request, on the path
 * of every answer) unless the request has no accept header, which it answers with
 * `application/json; charset=utf-8`. Its choice depends on the header alone, so a header it once
 * answered that way with a 200 (fetch's and curl's any-type, `application/json`) is left out of
 * what the edge hands it from then on, and it answers the same without negotiating. Answers other
 * than a 200 say nothing (a 406 for an unacceptable header is written as JSON too).
 */
const PLAIN_JSON = 'application/json; charset=utf-8';

export class PlainJsonAccepts {
  private readonly known = new Set<string>();

  /** `max`: distinct headers remembered; the ones seen first are kept. */
  constructor(private readonly max = 32) {}

  /** Whether Apollo answers `accept` as it answers a request without one. */
  has(accept: string | undefined): boolean {
    return accept !== undefined && this.known.has(accept);
  }

  /** What Apollo answered a request with `accept`: its status and content type. */
  learn(accept: string | undefined, status: number, contentType: string | undefined): void {
    if (accept === undefined || status !== 200 || contentType !== PLAIN_JSON) return;
    if (this.known.size < this.max) this.known.add(accept);
  }

  get size(): number {
    return this.known.size;
  }
}

/**
 * One DNS message in, one out (RFC 1035 wire format through dns-packet): decode the
 * query, answer its question with lookup(), and encode the response — echoing the ID,
 * question and RD bit, adding an OPT record when the client sent one (EDNS0), and
 * truncating UDP answers that exceed the client's buffer (TC set, so it retries on TCP).
 */
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Packet } from 'dns-packet';
import { lookup } from './lookup.js';
import type { LookupConfig, LookupResult, Rcode } from './lookup.js';
import type { DnsSource } from './source.js';

const RCODES: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const QR_AA = dnsPacket.AUTHORITATIVE_ANSWER;
const QR_TC = dnsPacket.TRUNCATED_RESPONSE;
const QR_RD = dnsPacket.RECURSION_DESIRED;
/** Plain DNS over UDP (RFC 1035 §4.2.1). */
const CLASSIC_UDP_SIZE = 512;
/** What we advertise and cap clients to, the DNS flag day 2020 value CoreDNS also uses. */
const EDNS_UDP_SIZE = 1232;

export type Transport = 'udp' | 'tcp';

export interface Handled {
  response: Buffer;
  /** For logs and metrics. */
  qname?: string;
  qtype?: string;
  rcode: Rcode;
}

function requestOpt(q: DecodedPacket): OptAnswer | undefined {
  return q.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
}

function encode(query: DecodedPacket | undefined, id: number, rcode: Rcode, result: Omit<LookupResult, 'rcode'>, transport: Transport): Buffer {
  const opt = query ? requestOpt(query) : undefined;
  const rd = query?.flag_rd ? QR_RD : 0;
  const optOut: Answer[] = opt ? [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [];
  const packet: Packet = {
    type: 'response',
    id,
    flags: (result.authoritative ? QR_AA : 0) | rd | RCODES[rcode],
    questions: query?.questions?.slice(0, 1) ?? [],
    answers: result.answers,
    authorities: result.authorities,
    additionals: [...result.additionals, ...optOut],
  };
  const buf = dnsPacket.encode(packet);
  const limit = opt ? Math.min(Math.max(opt.udpPayloadSize, CLASSIC_UDP_SIZE), EDNS_UDP_SIZE) : CLASSIC_UDP_SIZE;
  if (transport === 'tcp' || buf.length <= limit) return buf;
  // Keep as many answers as fit (miekg/dns's Truncate, which CoreDNS uses) and set TC so the client may retry over TCP.
  const truncated = (n: number) => dnsPacket.encode({ ...packet, flags: (packet.flags ?? 0) | QR_TC, answers: result.answers.slice(0, n), authorities: [], additionals: optOut });
  let lo = 0;
  let hi = result.answers.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (truncated(mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return truncated(lo);
}

const EMPTY = { authoritative: false, answers: [], authorities: [], additionals: [] };

/** Answers one query message; undefined when it cannot even be read as a DNS header (dropped, as servers do). */
export function handleMessage(msg: Buffer, transport: Transport, source: DnsSource, cfg: LookupConfig): Handled | undefined {
  if (msg.length < 12) return undefined;
  const id = msg.readUInt16BE(0);
  if (msg[2] & 0x80) return undefined; // a response, not a query
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return { response: encode(undefined, id, 'FORMERR', EMPTY, transport), rcode: 'FORMERR' };
  }
  const opcode = (query as DecodedPacket & { opcode?: string }).opcode;
  if (opcode !== undefined && opcode !== 'QUERY') return { response: encode(query, id, 'NOTIMP', EMPTY, transport), rcode: 'NOTIMP' };
  const question = query.questions?.[0];
  if (!question || (query.questions?.length ?? 0) > 1) return { response: encode(query, id, 'FORMERR', EMPTY, transport), rcode: 'FORMERR' };
  if (question.class && question.class !== 'IN' && question.class !== 'ANY') {
    return { response: encode(query, id, 'REFUSED', EMPTY, transport), qname: question.name, qtype: question.type, rcode: 'REFUSED' };
  }
  let result: LookupResult;
  try {
    result = lookup(question.name, question.type, source, cfg);
  } catch {
    result = { rcode: 'SERVFAIL', ...EMPTY };
  }
  return { response: encode(query, id, result.rcode, result, transport), qname: question.name, qtype: question.type, rcode: result.rcode };
}

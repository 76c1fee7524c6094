/**
 * A tiny DNS server on UDP for process-level tests of `npm run setup -- --domain NAME` (its `SETUP_DNS_SERVER`):
 * it answers A records for the names it is given, an empty answer (NODATA) for their other record types, and
 * NXDOMAIN for every other name. It records each question. Only what a resolver's plain query needs: one
 * question, no compression in it, answers pointing back at it.
 * @see https://www.rfc-editor.org/rfc/rfc1035#section-4
 */
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";

export interface DnsQuestion {
  name: string;
  /** 1 A, 5 CNAME, 28 AAAA, … */
  type: number;
}

export interface DnsResponder {
  /** `127.0.0.1:PORT`, for SETUP_DNS_SERVER. */
  server: string;
  questions: DnsQuestion[];
  close(): Promise<void>;
}

const A = 1;
const NXDOMAIN = 3;

/** The question's name, type, and where the question section ends. */
function readQuestion(query: Buffer): DnsQuestion & { end: number } {
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const length = query[at] as number;
    labels.push(query.subarray(at + 1, at + 1 + length).toString("ascii"));
    at += 1 + length;
  }
  const type = query.readUInt16BE(at + 1);
  return { name: labels.join(".").toLowerCase(), type, end: at + 5 };
}

function answerA(ip: string): Buffer {
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  record.writeUInt16BE(A, 2);
  record.writeUInt16BE(1, 4); // class IN
  record.writeUInt32BE(60, 6); // TTL
  record.writeUInt16BE(4, 10);
  for (const [i, part] of ip.split(".").entries()) record.writeUInt8(Number(part), 12 + i);
  return record;
}

function respond(query: Buffer, records: ReadonlyMap<string, string[]>, questions: DnsQuestion[]): Buffer {
  const question = readQuestion(query);
  questions.push({ name: question.name, type: question.type });
  const ips = records.get(question.name);
  const answers = ips === undefined || question.type !== A ? [] : ips.map(answerA);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  const rd = (query[2] as number) & 0x01;
  header.writeUInt8(0x84 | rd, 2); // QR, AA, the query's RD
  header.writeUInt8(0x80 | (ips === undefined ? NXDOMAIN : 0), 3); // RA, rcode
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, question.end), ...answers]);
}

/** Starts the server; `records` maps a name (any case) to its IPv4 addresses. */
export async function startDnsResponder(records: Record<string, string[]>): Promise<DnsResponder> {
  const known = new Map(Object.entries(records).map(([name, ips]) => [name.toLowerCase(), ips]));
  const questions: DnsQuestion[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (query, peer) => {
    if (query.length < 17) return;
    socket.send(respond(query, known, questions), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    questions,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

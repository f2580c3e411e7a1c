/**
 * Reads the Go struct field tags of every protobuf-tagged struct out of a Go ELF binary (kubectl), from the
 * runtime type information Go keeps for reflection (internal/abi: Type, structType, StructField, Name).
 *
 * Why: generated.proto says nothing about how Go's encoding/json writes a field, and the two differ:
 *   - pointer fields (`Replicas *int32`) are only on the wire when set, so a 0 there is meaningful and stays;
 *     value fields (`MinReadySeconds int32`) are always on the wire, and `omitempty` drops their zero in JSON;
 *   - `json:",inline"` fields (Volume.VolumeSource) are a nested message in protobuf but flattened in JSON.
 * The tags (`json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"`) and the field kinds give both.
 *
 * Layout assumed (Go 1.2x, amd64, non-PIE static ELF; checked against kubectl v1.34): abi.Type is 48 bytes with
 * Kind at +23 and Str (nameOff from the start of .rodata) at +40; structType = Type, PkgPath Name, Fields slice;
 * the UncommonType (PkgPath nameOff at +0) follows the 80-byte structType; StructField = {Name, Typ, Offset}.
 */

export interface GoField {
  /** Go field name, e.g. `Replicas`. */
  goName: string;
  /** The protobuf field number from the `protobuf:"..."` tag. */
  number: number;
  /** JSON name from the `json:"..."` tag; '' for `json:",inline"`. */
  jsonName: string;
  omitEmpty: boolean;
  inline: boolean;
  pointer: boolean;
}

/** Go type path (`k8s.io/api/apps/v1.DeploymentSpec`) -> its protobuf-tagged fields. */
export type GoStructs = Map<string, GoField[]>;

const KIND_MASK = 0x1f;
const KIND_PTR = 22;
const KIND_STRUCT = 25;
const TFLAG_UNCOMMON = 1;
const TFLAG_EXTRA_STAR = 2;

interface Segment { off: number; vaddr: number; size: number }

class Elf {
  readonly segments: Segment[] = [];
  readonly rodata: Segment;

  constructor(readonly bin: Buffer) {
    if (bin.readUInt32BE(0) !== 0x7f454c46 || bin[4] !== 2 || bin[5] !== 1) throw new Error('not a 64-bit little-endian ELF');
    const phoff = Number(bin.readBigUInt64LE(0x20));
    const phentsize = bin.readUInt16LE(0x36);
    for (let k = 0; k < bin.readUInt16LE(0x38); k++) {
      const b = phoff + k * phentsize;
      if (bin.readUInt32LE(b) !== 1) continue; // PT_LOAD
      this.segments.push({ off: Number(bin.readBigUInt64LE(b + 8)), vaddr: Number(bin.readBigUInt64LE(b + 16)), size: Number(bin.readBigUInt64LE(b + 32)) });
    }
    const shoff = Number(bin.readBigUInt64LE(0x28));
    const shentsize = bin.readUInt16LE(0x3a);
    const shnum = bin.readUInt16LE(0x3c);
    const strtab = shoff + bin.readUInt16LE(0x3e) * shentsize;
    const strOff = Number(bin.readBigUInt64LE(strtab + 0x18));
    let rodata: Segment | undefined;
    for (let k = 0; k < shnum; k++) {
      const b = shoff + k * shentsize;
      const nameEnd = bin.indexOf(0, strOff + bin.readUInt32LE(b));
      if (bin.toString('latin1', strOff + bin.readUInt32LE(b), nameEnd) !== '.rodata') continue;
      rodata = { vaddr: Number(bin.readBigUInt64LE(b + 0x10)), off: Number(bin.readBigUInt64LE(b + 0x18)), size: Number(bin.readBigUInt64LE(b + 0x20)) };
    }
    if (!rodata) throw new Error('no .rodata section');
    this.rodata = rodata;
  }

  /** File offset of a virtual address, or -1. */
  offsetOf(va: number): number {
    for (const s of this.segments) if (va >= s.vaddr && va < s.vaddr + s.size) return va - s.vaddr + s.off;
    return -1;
  }

  u64(off: number): number {
    return Number(this.bin.readBigUInt64LE(off));
  }

  private varint(p: number): [number, number] {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.bin[p++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return [v, p];
    }
  }

  /** Decodes an abi.Name (flags byte, varint length, bytes, then an optional varint-prefixed tag). */
  name(off: number): { name: string; tag: string } | undefined {
    if (off < 0 || off >= this.bin.length) return undefined;
    const [len, p] = this.varint(off + 1);
    if (len > 1024) return undefined;
    const name = this.bin.toString('latin1', p, p + len);
    let tag = '';
    if (this.bin[off] & 2) {
      const [tlen, q] = this.varint(p + len);
      if (tlen > 4096) return undefined;
      tag = this.bin.toString('latin1', q, q + tlen);
    }
    return { name, tag };
  }

  /** The name at a nameOff (relative to the start of the type data, which is the start of .rodata). */
  nameAtOff(nameOff: number): string | undefined {
    return this.name(this.rodata.off + nameOff)?.name;
  }
}

function tagValue(tag: string, key: string): string | undefined {
  return new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tag)?.[1];
}

function parseField(goName: string, tag: string, kind: number): GoField | undefined {
  const proto = tagValue(tag, 'protobuf');
  if (proto === undefined) return undefined;
  const number = Number(proto.split(',')[1]);
  if (!Number.isInteger(number)) return undefined; // `protobuf:"-"` (metav1.Time, MicroTime: custom marshalling)
  const [jsonName = goName, ...opts] = (tagValue(tag, 'json') ?? goName).split(',');
  return { goName, number, jsonName, omitEmpty: opts.includes('omitempty'), inline: opts.includes('inline'), pointer: kind === KIND_PTR };
}

/**
 * Finds every struct type with at least one protobuf-tagged field: scans .rodata for a structType's Fields slice
 * header (ptr, len, cap with len == cap) sitting 56 bytes after a Type whose kind is struct.
 */
export function readGoStructs(bin: Buffer): GoStructs {
  const elf = new Elf(bin);
  const { off: start, size } = elf.rodata;
  const end = start + size;
  const out: GoStructs = new Map();
  for (let o = start + 56; o + 24 <= end; o += 8) {
    const len = elf.u64(o + 8);
    if (len < 1 || len > 400 || len !== elf.u64(o + 16)) continue;
    const arr = elf.offsetOf(elf.u64(o));
    if (arr < start || arr + len * 24 > end) continue;
    const t = o - 56;
    if ((bin[t + 23] & KIND_MASK) !== KIND_STRUCT || !(bin[t + 20] & TFLAG_UNCOMMON)) continue;
    const fields: GoField[] = [];
    let valid = true;
    for (let k = 0; k < len && valid; k++) {
      const e = arr + 24 * k;
      const name = elf.name(elf.offsetOf(elf.u64(e)));
      const typ = elf.offsetOf(elf.u64(e + 8));
      if (!name || typ < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.name)) {
        valid = false;
        break;
      }
      const field = parseField(name.name, name.tag, bin[typ + 23] & KIND_MASK);
      if (field) fields.push(field);
    }
    if (!valid || fields.length === 0) continue;
    const tflag = bin[t + 20];
    let typeName = elf.nameAtOff(bin.readInt32LE(t + 40));
    const pkgPath = elf.nameAtOff(bin.readInt32LE(t + 80));
    if (!typeName || !pkgPath) continue;
    if (tflag & TFLAG_EXTRA_STAR) typeName = typeName.slice(1);
    const key = `${pkgPath}.${typeName.slice(typeName.lastIndexOf('.') + 1)}`;
    out.set(key, fields);
  }
  return out;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeValue } from './store-explorer.js';

describe('decodeValue: a store value as the store view shows it', () => {
  it('pretty-prints JSON objects', () => {
    const { encoding, text } = decodeValue(Buffer.from('{"kind":"Pod","spec":{"x":1}}'));
    assert.equal(encoding, 'json');
    assert.equal(text, '{\n  "kind": "Pod",\n  "spec": {\n    "x": 1\n  }\n}');
  });

  it('shows values encrypted at rest as stored: the provider prefix, then base64 of nonce, ciphertext and tag', () => {
    const sealed = Buffer.concat([Buffer.from('k8s:enc:aesgcm:v1:key1:'), Buffer.from([0, 1, 2, 0xff, 0x3a, 0x3a])]);
    const { encoding, text } = decodeValue(sealed);
    assert.equal(encoding, 'encrypted');
    assert.equal(text, `k8s:enc:aesgcm:v1:key1:${Buffer.from([0, 1, 2, 0xff, 0x3a, 0x3a]).toString('base64')}`);
  });

  it('shows other text as is and binary as hex', () => {
    assert.deepEqual(decodeValue(Buffer.from('10.96.0.0/12')), { encoding: 'text', text: '10.96.0.0/12' });
    assert.deepEqual(decodeValue(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff])), { encoding: 'binary', text: '6b3873000aff' });
  });
});

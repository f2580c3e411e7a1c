import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySchemaDefaults } from './defaults.js';

test('structural schema defaults fill absent fields, recursively, and keep given ones', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        default: {},
        properties: {
          replicas: { type: 'integer', default: 1 },
          mode: { type: 'string', default: 'fast' },
          ports: { type: 'array', items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' } } } },
          extra: { type: 'object', additionalProperties: { type: 'object', properties: { on: { type: 'boolean', default: true } } } },
        },
      },
    },
  };
  const empty: Record<string, unknown> = {};
  applySchemaDefaults(schema, empty);
  assert.deepEqual(empty, { spec: { replicas: 1, mode: 'fast' } });
  const obj = { spec: { replicas: 3, ports: [{}, { protocol: 'UDP' }], extra: { a: {}, b: { on: false } } } };
  applySchemaDefaults(schema, obj);
  assert.deepEqual(obj, { spec: { replicas: 3, mode: 'fast', ports: [{ protocol: 'TCP' }, { protocol: 'UDP' }], extra: { a: { on: true }, b: { on: false } } } });
});

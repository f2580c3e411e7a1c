import { describe, expect, it } from 'vitest';
import { createYamlMethods, objectYaml } from './yaml-render';
import { atLeastChars } from './yaml-size';

const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'kubectl' }] }, data: { a: 'x' } };

describe('YAML for the detail panes (the YAML worker)', () => {
  it('hides managedFields unless asked, as kubectl does', () => {
    expect(objectYaml(obj)).not.toContain('managedFields');
    expect(objectYaml(obj)).toContain('name: c');
    expect(objectYaml(obj, true)).toContain('manager: kubectl');
  });

  it('serves stringify and the apply helpers by name', () => {
    const m = createYamlMethods();
    expect(m.draftToSend('kind: ConfigMap\nmetadata:\n  name: c\n  uid: u\n  resourceVersion: "3"\n', 'apply')).toBe('kind: ConfigMap\nmetadata:\n  name: c\n');
    expect(m.placeCauses('spec:\n  replicas: -1\n', [{ code: 422, reason: 'Invalid', message: 'x', causes: [{ field: 'spec.replicas', message: 'bad' }] }])).toEqual([{ line: 2, message: 'spec.replicas: bad' }]);
  });

  it('tells big objects from small ones without walking all of a big one', () => {
    expect(atLeastChars(obj, 1000)).toBe(false);
    expect(atLeastChars({ data: { big: 'x'.repeat(2000) } }, 1000)).toBe(true);
    const huge = { items: Array.from({ length: 100_000 }, (_, i) => ({ name: `n${i}` })) };
    expect(atLeastChars(huge, 1000)).toBe(true);
  });
});

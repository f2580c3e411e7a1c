import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildKeyTree } from './store-tree';

describe('buildKeyTree', () => {
  const tree = buildKeyTree([
    '/registry/pods/default/web-1',
    '/registry/pods/default/web-2',
    '/registry/pods/kube-system/dns',
    '/registry/namespaces/default',
    '/registry/apiregistration.k8s.io/apiservices/v1.',
    '/other/ignored',
  ]);

  it('counts keys per prefix', () => {
    expect(tree.count).toBe(5);
    const pods = tree.children.find((c) => c.name === 'pods');
    expect(pods).toMatchObject({ path: '/registry/pods/', count: 3, leaf: false });
    expect(pods?.children.map((c) => [c.name, c.count])).toEqual([
      ['default', 2],
      ['kube-system', 1],
    ]);
  });

  it('sorts folders before keys, and keeps full keys on the leaves', () => {
    const web = tree.children.find((c) => c.name === 'pods')?.children[0].children;
    expect(web?.map((c) => c.path)).toEqual(['/registry/pods/default/web-1', '/registry/pods/default/web-2']);
    expect(web?.every((c) => c.leaf)).toBe(true);
  });
});

describe('ancestorsOf', () => {
  it('lists the folders above a key, outermost first', () => {
    expect(ancestorsOf('/registry/deployments/default/web')).toEqual(['/registry/', '/registry/deployments/', '/registry/deployments/default/']);
    expect(ancestorsOf('/elsewhere/x')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { draftToSend } from './apply-draft';
import { lineOfField, parseFieldPath, placeCauses } from './yaml-fields';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  template:
    spec:
      containers:
        - name: web
          image: nginx
        - name: side
          image: ""
`;

describe('placing field causes in the YAML', () => {
  it('parses field.Path strings', () => {
    expect(parseFieldPath('spec.template.spec.containers[1].image')).toEqual(['spec', 'template', 'spec', 'containers', 1, 'image']);
    expect(parseFieldPath('metadata.labels[app.kubernetes.io/name]')).toEqual(['metadata', 'labels', 'app.kubernetes.io/name']);
  });

  it('finds the line of a field, or of the deepest part the document has', () => {
    expect(lineOfField(deployment, 'spec.replicas')).toBe(6);
    expect(lineOfField(deployment, 'spec.template.spec.containers[1].image')).toBe(13);
    expect(lineOfField(deployment, 'spec.selector')).toBe(5);
    expect(lineOfField(deployment, 'nothing.here')).toBeNull();
  });

  it('places the causes of the document each error belongs to', () => {
    const two = `${deployment}---\nkind: ConfigMap\ndata:\n  k: v\n`;
    const placed = placeCauses(two, [null, { code: 422, reason: 'Invalid', message: 'bad', causes: [{ field: 'data.k', message: 'no' }] }]);
    expect(placed).toEqual([{ line: 17, message: 'data.k: no' }]);
  });
});

describe('draftToSend', () => {
  const live = 'metadata:\n  name: web\n  uid: u1\n  resourceVersion: "7"\nspec:\n  replicas: 2\nstatus:\n  replicas: 2\n';
  it('drops server-owned fields and, for server-side apply, the resourceVersion', () => {
    expect(draftToSend(live, 'apply')).toBe('metadata:\n  name: web\nspec:\n  replicas: 2\n');
  });
  it('keeps the resourceVersion for an update, so a stale edit gets 409 Conflict', () => {
    expect(draftToSend(live, 'update')).toBe('metadata:\n  name: web\n  resourceVersion: "7"\nspec:\n  replicas: 2\n');
  });
});

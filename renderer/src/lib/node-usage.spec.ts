import { describe, expect, it } from 'vitest';
import type { ApiObject } from '../../../electron/preload/api';
import { formatCpu, formatMemory, metricsUsage, percent, podRequests, quantityValue } from './node-usage';

const pod = (spec: object, phase = 'Running'): ApiObject => ({ metadata: { name: 'p' }, spec, status: { phase } }) as ApiObject;
const c = (cpu?: string, memory?: string) => ({ name: 'c', resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } });

describe('quantities', () => {
  it('reads Kubernetes notation', () => {
    expect(quantityValue('250m')).toBe(0.25);
    expect(quantityValue('2')).toBe(2);
    expect(quantityValue('128Mi')).toBe(128 * 2 ** 20);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('24581692Ki')).toBe(24581692 * 1024);
    expect(quantityValue('bogus')).toBeNaN();
  });
  it('formats for people', () => {
    expect(formatCpu(350)).toBe('350m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatMemory(256 * 2 ** 20)).toBe('256Mi');
    expect(formatMemory(1.5 * 2 ** 30)).toBe('1.5Gi');
    expect(percent(1, 4)).toBe(25);
    expect(percent(1, 0)).toBe(0);
  });
});

describe('podRequests', () => {
  it('adds the containers, takes the larger init container, and skips finished pods', () => {
    const total = podRequests([
      pod({ containers: [c('100m', '64Mi'), c('50m')] }),
      pod({ containers: [c('100m', '10Mi')], initContainers: [c('500m', '5Mi')] }),
      pod({ containers: [c('1', '1Gi')] }, 'Succeeded'),
      pod({ containers: [{ name: 'none' }] }),
    ]);
    expect(total).toEqual({ cpu: 650, memory: 74 * 2 ** 20 });
  });
  it('reads NodeMetrics usage', () => {
    const used = metricsUsage({ usage: { cpu: '12345678n', memory: '80Mi' } } as unknown as ApiObject);
    expect(used.cpu).toBeCloseTo(12.345678, 6);
    expect(used.memory).toBe(80 * 2 ** 20);
  });
});

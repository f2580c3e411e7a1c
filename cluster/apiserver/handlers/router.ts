/**
 * Dispatches a resource request to its handler by verb and subresource, after the
 * server has authenticated and authorized it.
 */
import { methodNotAllowed, notFound, StatusError } from '../../api/status.js';
import type { HandlerContext } from './context.js';
import { handleCreate, handleDelete, handleDeleteCollection, handleGet, handleList, handlePatch, handleUpdate } from './rest.js';
import type { ApiRequest } from './request.js';
import { handleBinding, handleEviction, handleFinalize, handleNodeBacked, handleScale } from './subresources.js';
import { handleWatch } from './watch.js';

export type VirtualHandler = (ctx: HandlerContext, r: ApiRequest) => Promise<void>;

const NODE_BACKED = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

export async function routeResource(ctx: HandlerContext, r: ApiRequest, virtual: ReadonlyMap<string, VirtualHandler>): Promise<void> {
  const { info, served } = r;
  const sub = info.subresource;
  const v = virtual.get(`${served.info.group}/${served.info.resource}${sub ? '/' + sub : ''}`);
  if (v) return v(ctx, r);
  if (served.info.virtual) throw methodNotAllowed(`${info.verb} is not supported on ${served.info.resource}`);
  if (sub) {
    if (!served.info.subresources.includes(sub as never)) throw notFound(served.info.group, `${served.info.resource}/${sub}`, info.name ?? '');
    if (sub === 'scale') return handleScale(ctx, r);
    if (sub === 'binding' && info.verb === 'create') return handleBinding(ctx, r, info.name!);
    if (sub === 'eviction' && info.verb === 'create') return handleEviction(ctx, r);
    if (sub === 'finalize' && info.verb === 'update') return handleFinalize(ctx, r);
    if (NODE_BACKED.has(sub)) return handleNodeBacked(ctx, r);
    if (sub === 'status' || sub === 'ephemeralcontainers' || sub === 'resize' || sub === 'approval') {
      if (info.verb === 'get') return handleGet(ctx, r);
      if (info.verb === 'update') return handleUpdate(ctx, r);
      if (info.verb === 'patch') return handlePatch(ctx, r);
    }
    throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
  if (!served.info.verbs.includes(info.verb as never) && info.verb !== 'watch') {
    throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
  switch (info.verb) {
    case 'get':
      return handleGet(ctx, r);
    case 'list':
      return handleList(ctx, r);
    case 'watch':
      return handleWatch(ctx, r);
    case 'create':
      if (info.name) throw methodNotAllowed('the server does not allow this method on the requested resource');
      return handleCreate(ctx, r);
    case 'update':
      return handleUpdate(ctx, r);
    case 'patch':
      return handlePatch(ctx, r);
    case 'delete':
      return handleDelete(ctx, r);
    case 'deletecollection':
      return handleDeleteCollection(ctx, r);
    default:
      throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
}

/** The logs view's search, off the main thread: lib/log-search behind the worker RPC. */
import { createLogSearch } from '../lib/log-search';
import { serveRpc } from '../lib/worker-rpc';

serveRpc(createLogSearch());

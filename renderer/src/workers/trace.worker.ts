/** The trace correlation, off the main thread: lib/trace-session behind the worker RPC. */
import { createTraceMethods } from '../lib/trace-session';
import { serveRpc } from '../lib/worker-rpc';

serveRpc(createTraceMethods());

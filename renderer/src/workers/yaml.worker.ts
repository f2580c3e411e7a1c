/** YAML stringify, highlight and the editor's apply helpers, off the main thread: lib/yaml-render behind the worker RPC. */
import { createYamlMethods } from '../lib/yaml-render';
import { serveRpc } from '../lib/worker-rpc';

serveRpc(createYamlMethods());

/**
 * Where the project's data files live (resources/: OpenAPI definitions, protobuf
 * descriptors, node image inputs). The Electron main process sets
 * KUBARIUM_RESOURCES_DIR (bundled code no longer sits beside resources/); elsewhere
 * it is the repository's resources/ folder.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export function resourcePath(...parts: string[]): string {
  const base = process.env.KUBARIUM_RESOURCES_DIR ?? fileURLToPath(new URL('../resources/', import.meta.url));
  return join(base, ...parts);
}

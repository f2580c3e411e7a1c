import { StatusError } from '../api/status.js';

/** Resolves the object, or undefined when the API answers 404 (apierrors.IsNotFound). */
export async function getOrUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return undefined;
    throw err;
  }
}

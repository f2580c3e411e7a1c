/**
 * An error the kubelet server answers with a status code and a plain-text body, as the
 * kubelet does (its errors are not Status objects; kubectl shows the text, e.g.
 * `unable to upgrade connection: container not found ("app")`).
 */
export class KubeletHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubeletHttpError';
  }
}

/** Requests started before the app runs (early.ts), kept on the window until the app takes them, once. */

declare global {
  interface Window {
    tokenledgerEarly?: Map<string, Promise<Response>>;
  }
}

export const JSON_REQUEST: RequestInit = {
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
};

export function startEarly(paths: readonly string[]): void {
  window.tokenledgerEarly = new Map(paths.map((p) => [p, fetch(p, JSON_REQUEST)]));
}

/** The early request of `path`, if one was started and not taken yet. */
export function takeEarly(path: string): Promise<Response> | undefined {
  const early = window.tokenledgerEarly;
  const res = early?.get(path);
  early?.delete(path);
  return res;
}

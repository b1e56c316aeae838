/**
 * Fetches a JSON endpoint again whenever its path or the live counter changes. The request starts (or
 * the early one is taken) as soon as the component is in the page, in a layout effect: a plain effect
 * waits for the next paint, a frame or more before the answer can be used.
 */
import { useLayoutEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; data: T };

export function useJson<T>(path: string, refresh: number): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useLayoutEffect(() => {
    let current = true;
    getJson<T>(path).then(
      (data) => current && setLoaded({ state: 'ok', data }),
      (error: unknown) =>
        current &&
        setLoaded({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [path, refresh]);
  return loaded;
}

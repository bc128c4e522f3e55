/** Calling the API from a screen: unwrap the result, or show its message and return undefined. */
import { useCallback } from 'react';
import { useNotice } from './context';

type Result<T> = { ok: true; data: T } | { ok: false; error: { kind: string; message: string } };

export class ApiError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export function useCall() {
  const { notify } = useNotice();
  return useCallback(
    async <T>(
      promise: Promise<Result<T>>,
      options: { quiet?: boolean } = {},
    ): Promise<{ ok: true; data: T } | { ok: false; error: ApiError }> => {
      let result: Result<T>;
      try {
        result = await promise;
      } catch (error) {
        const message = `The till database did not answer (${error instanceof Error ? error.message : String(error)}). Nothing was changed.`;
        if (!options.quiet) notify('error', message);
        return { ok: false, error: new ApiError('unavailable', message) };
      }
      if (result.ok) return result;
      if (!options.quiet) notify('error', result.error.message);
      return { ok: false, error: new ApiError(result.error.kind, result.error.message) };
    },
    [notify],
  );
}

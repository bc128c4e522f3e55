/** Calling the API from a screen: unwrap the result, or show its message and return undefined. */
import { useCallback } from 'react';
import { ErrorKind, getErrorMessage, type Result } from '../../contract/errors';
import { useNotice } from './context';

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
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
        const message = `The till database did not answer (${getErrorMessage(error)}). Nothing was changed.`;
        if (!options.quiet) notify('error', message);
        return { ok: false, error: new ApiError(ErrorKind.unavailable, message) };
      }
      if (result.ok) return result;
      if (!options.quiet) notify('error', result.error.message);
      return { ok: false, error: new ApiError(result.error.kind, result.error.message) };
    },
    [notify],
  );
}

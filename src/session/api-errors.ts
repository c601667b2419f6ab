//! The errors the host API throws for its caller's mistakes, each with a
//! stable `code` (as Node's `ERR_...` errors have) so that an embedder can
//! test for one without matching English messages. The table says which
//! JavaScript class each code is thrown as.
//!
//! It does not cover what a program does: a `Trap` (`ERR_REJIT_TRAP`), a
//! `CompileError` (`ERR_REJIT_COMPILE`) and an `InternalError`
//! (`ERR_REJIT_INTERNAL`) carry their own codes.

/** Every host API error code and the class it is thrown as. */
export const API_ERRORS = {
  /** No top-level function or global of that name. */
  ERR_REJIT_NO_SUCH_NAME: Error,
  /** A call with the wrong number of arguments. */
  ERR_REJIT_ARGUMENT_COUNT: TypeError,
  /** A value of the wrong JavaScript type for its Rejit type (`host-values.ts`). */
  ERR_REJIT_VALUE_TYPE: TypeError,
  /** A number that its Rejit type cannot hold (not an integer, or out of range). */
  ERR_REJIT_VALUE_RANGE: RangeError,
  /** A reference handle of another session, or of another class or array type. */
  ERR_REJIT_WRONG_REFERENCE: TypeError,
  /** A reference handle to an object or array that has been deleted. */
  ERR_REJIT_DELETED_REFERENCE: Error,
  /** An array type that the host cannot make here (see `Session.newArray`). */
  ERR_REJIT_ARRAY_TYPE: TypeError,
  /** The session is closed. */
  ERR_REJIT_SESSION_CLOSED: Error,
  /** A run is already in progress, or the session is not in the state a call needs. */
  ERR_REJIT_SESSION_BUSY: Error,
  /** A thread number or a thread count out of range. */
  ERR_REJIT_THREAD: RangeError,
  /** An option out of range (a deadline, for example). */
  ERR_REJIT_OPTION: RangeError,
} as const;

/** A host API error code. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error of the host API: an `Error`, `TypeError` or `RangeError` (per `API_ERRORS`) with its `code`. */
export type ApiError = Error & { readonly code: ApiErrorCode };

/** The error `code` with `message`, as the class the table gives. */
export function apiError(code: ApiErrorCode, message: string): ApiError {
  const e = new API_ERRORS[code](message) as Error & { code: ApiErrorCode };
  e.code = code;
  return e;
}

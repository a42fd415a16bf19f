import type { Static, TSchema } from 'typebox';
import type {
  AvailabilityAnswer,
  AvailabilityRequest,
  ErrorAnswer,
  JwtAnswer,
  SetupAnswer,
} from 'genesys-handoff-servicedesk';
import { AvailabilityBody, AvailabilityReply } from '../src/routes/availability';
import { ErrorReply } from '../src/routes/error-reply';
import { JwtReply } from '../src/routes/jwt';
import { SetupReply } from '../src/routes/setup';
import { testApp, useTestEmulator } from './helpers';

/**
 * The middleware's wire shapes are declared once, in the client (`packages/servicedesk/src/middleware-wire.ts`,
 * published with its types); the server's route schemas are bound to them here. The check is made by `tsc` (this
 * file is type-checked with the repository, not part of the server's build): a schema that drifts from the
 * client's type, a field added, dropped, renamed, made optional or given another type on either side, fails the
 * type check. The tests then check that a running server's answers carry exactly those fields.
 */

/** `T` with every level written out as one object type, so that two spellings of one shape compare equal. */
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
/** True only when `A` and `B` are the same type: the same fields (optional ones too), optionality and types. */
type Same<A, B> = (<X>() => X extends Flat<A> ? 1 : 2) extends <X>() => X extends Flat<B> ? 1 : 2 ? true : false;
type Bound<S extends TSchema, T> = Same<Static<S>, T>;

const contract: {
  setup: Bound<typeof SetupReply, SetupAnswer>;
  availabilityRequest: Bound<typeof AvailabilityBody, AvailabilityRequest>;
  availabilityAnswer: Bound<typeof AvailabilityReply, AvailabilityAnswer>;
  jwt: Bound<typeof JwtReply, JwtAnswer>;
  error: Bound<typeof ErrorReply, ErrorAnswer>;
} = { setup: true, availabilityRequest: true, availabilityAnswer: true, jwt: true, error: true };

/** Every key of `T`, checked complete by the compiler. */
const keysOf =
  <T>() =>
  <K extends ReadonlyArray<keyof T>>(...keys: K & ([keyof T] extends [K[number]] ? unknown : never)) =>
    [...keys].sort();

const emulator = useTestEmulator();

it('binds every route schema to the client’s wire type', () => {
  expect(Object.values(contract).every(Boolean)).toBe(true);
});

it('answers /setup, /availability and errors with exactly the fields of the wire types', async () => {
  const app = await testApp(emulator());
  const setup = await app.inject({ method: 'GET', url: '/setup' });
  expect(Object.keys(setup.json()).sort()).toEqual(
    keysOf<SetupAnswer>()(
      'org_id',
      'deployment_id',
      'queue_target',
      'channel',
      'environment',
      'guest_api_base_url',
      'features',
    ),
  );
  const availability = await app.inject({
    method: 'POST',
    url: '/availability',
    payload: { queue_name: 'Chat Queue' } satisfies AvailabilityRequest,
  });
  expect(Object.keys(availability.json()).sort()).toEqual(
    keysOf<AvailabilityAnswer>()(
      'estimatedWaitTime',
      'estimatedWaitSeconds',
      'positionInQueue',
      'waitingInQueue',
      'numberOfOnQueueAgents',
      'agentsOnline',
      'updatedAt',
    ),
  );
  const refused = await app.inject({ method: 'POST', url: '/jwt' });
  expect(Object.keys(refused.json()).sort()).toEqual(keysOf<ErrorAnswer>()('statusCode', 'code', 'error', 'message'));
  await app.close();
});

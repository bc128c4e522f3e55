/**
 * The declarative wrapper every till API handler is written with. A handler states
 *   - its input schema (contract/till-api/<area>.ts `<Area>Input`): the renderer is untrusted
 *     input, so this is THE validation of the till path; what `run` receives is typed and trusted, and
 *     the db/checkout functions it calls do not validate again (one validation per trust
 *     boundary, docs/app.md);
 *   - who may call it: anyone ('none'), a logged-in staff member ('any'), or a manager
 *     ('manager': a cashier then names a manager in `managerId` and gives their PIN in
 *     `managerPin`, checked and counted towards that manager's PIN lockout);
 *   - whether it records a change that must reach HQ (`records`): the sync loop is nudged and
 *     the new pending count is pushed to the screens before the answer goes back;
 * and `run`, the work itself. The wrapper turns every outcome into a `Result` (contract/
 * errors.ts): a business error never rejects (comlink would lose its kind), and unexpected
 * database failures are logged with their stack.
 */
import type { z } from 'zod';
import { ErrorKind, ok, type Result } from '../../contract/errors';
import type { StaffMember } from '../../contract/till-api/session';
import { createTillContext, type TillContext } from '../../db/checkout/context';
import { managerApproval } from '../../db/checkout/shared';
import { ForbiddenError, ValidationError, errorResult } from '../../db/errors';
import type { TillHost } from '../host';

export type StaffRequirement = 'none' | 'any' | 'manager';

/** One window's (or tab's) connection: who is logged in on it, and the till it talks to. */
export interface Connection {
  readonly host: () => Promise<TillHost>;
  /** The till's checkout context; fails while the till has no store yet (first run). */
  readonly till: () => Promise<TillContext>;
  readonly staff: () => StaffMember | null;
  readonly setStaff: (member: StaffMember | null) => void;
}

/** What `run` gets besides its input. */
export interface CallContext<R extends StaffRequirement> {
  readonly host: TillHost;
  readonly till: () => Promise<TillContext>;
  /** The staff member logged in on this connection (always set unless staff is 'none'). */
  readonly staff: R extends 'none' ? StaffMember | null : StaffMember;
  /** 'manager': the manager who approved (the one logged in, or the one whose PIN was given). */
  readonly approvedBy: R extends 'manager' ? string : null;
  /** Log this connection in or out. */
  readonly setStaff: (member: StaffMember | null) => void;
}

type InputOf<S> = S extends z.ZodType ? z.output<S> : undefined;
type ArgOf<S> = S extends z.ZodType ? z.input<S> : undefined;

export interface HandlerSpec<S extends z.ZodType | undefined, R extends StaffRequirement, T> {
  input?: S;
  staff: R;
  /** staff 'manager': what a cashier who gave no manager PIN is told. */
  approval?: R extends 'manager' ? string : never;
  /** The call writes to the outbox (a change HQ must receive). */
  records?: boolean;
  run: (ctx: CallContext<R>, input: InputOf<S>) => Promise<T>;
}

/** A defined handler: called with the connection, the method's name (for logs) and raw input. */
export interface Handler<A, T> {
  call(connection: Connection, name: string, input: unknown): Promise<Result<T>>;
  /** Type only: what the renderer passes. */
  readonly argument?: A;
}

/** The first issue, in words a cashier can act on; the full detail goes with the cause. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ValidationError(first?.message ?? 'Invalid input', { cause: parsed.error });
  }
  return parsed.data;
}

/** The approval fields a 'manager' handler's input may carry (contract/till-api/<area>.ts). */
function approvalOf(input: unknown): { managerId?: string; managerPin?: string } {
  const given = (input ?? {}) as { managerId?: unknown; managerPin?: unknown };
  return {
    ...(typeof given.managerId === 'string' ? { managerId: given.managerId } : {}),
    ...(typeof given.managerPin === 'string' ? { managerPin: given.managerPin } : {}),
  };
}

export function define<
  S extends z.ZodType | undefined = undefined,
  R extends StaffRequirement = 'none',
  T = unknown,
>(spec: HandlerSpec<S, R, T>): Handler<ArgOf<S>, T> {
  return {
    call: async (connection, name, raw) => {
      try {
        const input = (spec.input ? parseInput(spec.input, raw) : undefined) as InputOf<S>;
        const host = await connection.host();
        const staff = connection.staff();
        if (spec.staff !== 'none' && !staff) throw new ForbiddenError('Log in with your PIN first');
        let approvedBy: string | null = null;
        if (spec.staff === 'manager' && staff) {
          approvedBy = await managerApproval(await connection.till(), {
            actor: staff,
            ...approvalOf(input),
            why: spec.approval ?? 'A manager PIN is required',
          });
        }
        const context = {
          host,
          till: connection.till,
          staff,
          approvedBy,
          setStaff: connection.setStaff,
        } as CallContext<R>;
        const result = await spec.run(context, input);
        if (spec.records) await host.sync.recorded();
        return ok(result);
      } catch (error) {
        const result = errorResult(error);
        if (result.error.kind === ErrorKind.database || result.error.kind === ErrorKind.corrupt) {
          const host = await connection.host().catch(() => undefined);
          host?.logger.error(
            {
              what: name,
              error: error instanceof Error ? (error.stack ?? error.message) : String(error),
            },
            'api call failed',
          );
        }
        return result;
      }
    },
  };
}

/** The connection state of one API object (one per window or tab). */
export function connect(hostPromise: Promise<TillHost>): Connection {
  let staff: StaffMember | null = null;
  let tillPromise: Promise<TillContext> | undefined;
  return {
    host: () => hostPromise,
    till: async () => {
      const host = await hostPromise;
      tillPromise ??= createTillContext({
        db: host.db,
        journal: host.journal,
        logger: host.logger,
        isOnline: () => host.sync.isOnline(),
        clock: host.clock,
        ids: host.ids,
      });
      try {
        const till = await tillPromise;
        host.onStoreReady(till.identity.storeId);
        return till;
      } catch (error) {
        tillPromise = undefined; // not set up yet: try again after enrollment
        throw error;
      }
    },
    staff: () => staff,
    setStaff: (member) => {
      staff = member;
    },
  };
}

/** Handlers as methods: `(input) => Promise<Result<T>>`, input optional when it may be empty. */
export type Methods<M> = {
  [K in keyof M]: M[K] extends Handler<infer A, infer T>
    ? undefined extends A
      ? () => Promise<Result<T>>
      : object extends A
        ? (input?: A) => Promise<Result<T>>
        : (input: A) => Promise<Result<T>>
    : never;
};

/** Bind every handler of `handlers` to one connection. */
export function bind<M extends Record<string, Handler<unknown, unknown>>>(
  handlers: M,
  connection: Connection,
): Methods<M> {
  const methods: Record<string, (input?: unknown) => Promise<Result<unknown>>> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    methods[name] = (input?: unknown) => handler.call(connection, name, input);
  }
  return methods as Methods<M>;
}

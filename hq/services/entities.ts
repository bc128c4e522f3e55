/**
 * How each synced central table becomes the entities of the pull feed and snapshots
 * (contract/sync-protocol/changes.ts Changes). PostgreSQL builds the JSON itself (json_build_object), so a page
 * of 50,000 rows goes from the database to the response body as text, never parsed and
 * re-serialised in between. Money leaves as integer cents computed exactly in numeric.
 *
 * Contract: every query runs inside withTenant for the device's store; store-scoped tables
 * are additionally filtered by `store_id = $1` (the tenant key and the filter agree; the
 * filter lets the planner use the keys). Categories are shared reference data.
 */
import type { Changes } from '../../contract/sync-protocol/changes';
import {
  SYNCED_ENTITIES,
  hqJsonSql,
  keyTextSql,
  type SyncedEntity,
  type SyncedEntityName,
} from '../../db/synced/registry';

export type ChangeEntity = SyncedEntityName;

export interface EntitySpec {
  entity: ChangeEntity;
  /** Field of Changes / Deletes this entity travels in. */
  field: keyof Changes;
  table: string;
  /** The change_log key as text, over alias t. */
  keyText: string;
  /** Matches keys given as $2 text[] (the feed). */
  keyIn: string;
  /** Order of a snapshot (a unique key). */
  orderBy: string;
  /** Rows after the key given as $2 text (a snapshot page). */
  keyAfter: string;
  /**
   * Whether a text is a key of this entity: a snapshot token's key is checked with it before
   * it reaches keyAfter's cast (a forged token's non-UUID key was a 500).
   */
  isKey: (key: string) => boolean;
  storeScoped: boolean;
  json: string;
}

const PG_TYPE = { text: 'text', int: 'int', uuid: 'uuid' } as const;

/** How HQ finds rows by their change-log keys, from the registry's key columns. */
function keySql(e: SyncedEntity): Pick<EntitySpec, 'keyIn' | 'orderBy' | 'keyAfter'> {
  const [first, second, ...rest] = e.key;
  if (!first) throw new Error(`${e.entity} has no key`);
  if (!second) {
    const type = PG_TYPE[first.type];
    return {
      keyIn: `t.${first.column} = ANY($2::${type}[])`,
      orderBy: `t.${first.column}`,
      keyAfter: type === 'text' ? `t.${first.column} > $2` : `t.${first.column} > $2::${type}`,
    };
  }
  // `<uuid>/<text>`: a UUID is 36 characters, the second part starts at character 38.
  if (first.type !== 'uuid' || second.type !== 'text' || rest.length > 0) {
    throw new Error(`${e.entity}: composite keys are (uuid, text)`);
  }
  const pair = `(t.${first.column}, t.${second.column})`;
  return {
    keyIn: `${pair} IN (
        SELECT split_part(k, '/', 1)::uuid, substr(k, 38) FROM unnest($2::text[]) AS k)`,
    orderBy: `t.${first.column}, t.${second.column}`,
    keyAfter: `${pair} > (split_part($2, '/', 1)::uuid, substr($2, 38))`,
  };
}

/** Dependency order: a row's references are applied before it (and deleted after it). */
export const ENTITY_SPECS: readonly EntitySpec[] = SYNCED_ENTITIES.map((e) => ({
  entity: e.entity,
  field: e.field,
  table: e.table,
  keyText: keyTextSql(e),
  ...keySql(e),
  isKey: e.isKey,
  storeScoped: e.storeScoped,
  json: hqJsonSql(e),
}));

export const SPEC_BY_ENTITY: ReadonlyMap<string, EntitySpec> = new Map(
  ENTITY_SPECS.map((s) => [s.entity, s]),
);

function storeFilter(spec: EntitySpec): string {
  return spec.storeScoped ? 't.store_id = $1' : '$1::text IS NOT NULL';
}

/**
 * Current rows for the given keys: their JSON array (text) and the keys found. A key not
 * found is a row HQ no longer has (a tombstone for the till).
 */
export function rowsByKeySql(spec: EntitySpec): string {
  return `SELECT coalesce(json_agg(${spec.json} ORDER BY ${spec.orderBy}), '[]')::text AS json,
                 coalesce(array_agg(${spec.keyText}), '{}') AS keys
            FROM ${spec.table} t
           WHERE ${storeFilter(spec)} AND ${spec.keyIn}`;
}

/** One snapshot page: up to $3 rows after key $2 (NULL: from the start), in key order. */
export function rowsAfterSql(spec: EntitySpec, fromStart: boolean): string {
  // $2 is always referenced so its type is known either way.
  const after = fromStart ? ' AND $2::text IS NULL' : ` AND ${spec.keyAfter}`;
  return `SELECT coalesce(json_agg(s.j ORDER BY s.rn), '[]')::text AS json,
                 count(*)::int AS n,
                 (array_agg(s.k ORDER BY s.rn DESC))[1] AS last
            FROM (SELECT ${spec.json} AS j, ${spec.keyText} AS k,
                         row_number() OVER (ORDER BY ${spec.orderBy}) AS rn
                    FROM ${spec.table} t
                   WHERE ${storeFilter(spec)}${after}
                   ORDER BY ${spec.orderBy}
                   LIMIT $3) s`;
}

export function countSql(spec: EntitySpec): string {
  return `SELECT count(*)::int AS n FROM ${spec.table} t WHERE ${storeFilter(spec)}`;
}

/** A Changes object as JSON text, from per-field JSON arrays (missing fields are empty). */
export function changesJson(parts: ReadonlyMap<keyof Changes, string>): string {
  return `{${ENTITY_SPECS.map((s) => `"${s.field}":${parts.get(s.field) ?? '[]'}`).join(',')}}`;
}

/**
 * The registry against the contract: each synced entity's fields are exactly its entity
 * schema's (contract/catalog.ts), the change log knows exactly these entities, and every
 * amount in cents is a money column (numeric at both ends, exact cents on the wire).
 */
import { describe, expect, it } from 'vitest';
import { Changes, Deletes } from '../../contract/sync-protocol/changes';
import { FEED_ENTITIES } from '../central/feed-log';
import { SYNCED_ENTITIES, allColumns, hqJsonSql, keyFromJsonSql, keyTextSql } from './registry';

describe('the registry of synced entities', () => {
  it('has the fields of each entity schema, no more and no fewer', () => {
    expect(SYNCED_ENTITIES.map((e) => e.field).sort()).toEqual(Object.keys(Changes.shape).sort());
    for (const entity of SYNCED_ENTITIES) {
      const schema = Changes.shape[entity.field].element;
      const fields = [...allColumns(entity).map((c) => c.field), 'version'];
      expect(fields.sort(), entity.entity).toEqual(Object.keys(schema.shape).sort());
    }
  });

  it('names the entities of the change log, and every deletable field', () => {
    expect(SYNCED_ENTITIES.map((e) => e.entity)).toEqual(
      FEED_ENTITIES.filter((e) => e !== 'device_ack'),
    );
    const fields = new Set<string>(SYNCED_ENTITIES.map((e) => e.field));
    for (const field of Object.keys(Deletes.shape)) expect(fields.has(field), field).toBe(true);
  });

  it('sends every amount in cents as exact cents and reads it back as numeric', () => {
    for (const entity of SYNCED_ENTITIES) {
      for (const c of allColumns(entity).filter((c) => c.field.endsWith('Cents'))) {
        expect(c.out, c.field).toBe(`(t.${c.column} * 100)::bigint`);
        expect(c.in, c.field).toContain('numeric(12,2)');
      }
    }
  });

  it('keys rows the same way from a table row and from its JSON', () => {
    const embedding = SYNCED_ENTITIES.find((e) => e.entity === 'embedding')!;
    expect(keyTextSql(embedding)).toBe(`t.product_id::text || '/' || t.embedding_model`);
    expect(keyFromJsonSql(embedding)).toBe(`(e->>'productId') || '/' || (e->>'embeddingModel')`);
    const register = SYNCED_ENTITIES.find((e) => e.entity === 'register')!;
    expect(keyTextSql(register)).toBe('t.register_id');
    expect(hqJsonSql(register)).toBe(
      `json_build_object('registerId', t.register_id, 'registerName', t.register_name, 'isActive', t.is_active, 'version', t.version)`,
    );
  });
});

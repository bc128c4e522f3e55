/**
 * Catalog: a store's products (search by name, SKU or barcode), a new price for one product in
 * one or several stores at once (all or nothing), deactivation, new products and deletion
 * (CatalogForms.tsx, with the chain's categories for administrators). Analysts only look.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { z } from 'zod';
import {
  ConsolePriceEdit,
  ConsolePriceEditResult,
  ConsoleProduct,
  type ConsoleUser,
} from '../../../contract/console-protocol';
import { PriceImportForm } from './PriceImport';
import { ScheduledPricesPanel } from './ScheduledPrices';
import {
  ConsoleScheduledPriceCreate,
  ConsoleScheduledPriceCreated,
} from '../../../contract/console-prices';
import { CategoriesPanel, NewProductForm, useCategories } from './CatalogForms';
import { api, ApiError } from '../api';
import { centsFromInput, downloadCsv, fieldErrors, money, type FieldErrors } from '../forms';
import type { Store } from '../model';
import { FieldError, TextField } from '../components/TextField';
import { ScreenMessages } from '../components/ScreenMessages';

const ProductList = z.object({ products: z.array(ConsoleProduct) });

export function CatalogScreen({ stores, user }: { stores: Store[]; user: ConsoleUser }) {
  const [storeId, setStoreId] = useState('');
  const [search, setSearch] = useState('');
  const [products, setProducts] = useState<ConsoleProduct[]>([]);
  const [editing, setEditing] = useState<ConsoleProduct | undefined>();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  // Bumped when a price change was scheduled, so the list of scheduled changes is read again.
  const [scheduledVersion, setScheduledVersion] = useState(0);
  const canEdit = user.role !== 'analyst';
  const store = stores.find((s) => s.storeId === storeId) ?? stores[0];
  const { categories, reload: reloadCategories } = useCategories();

  // Only the answer to the latest request is shown (typing or switching stores quickly must
  // not leave an earlier answer on screen).
  const latest = useRef(0);
  // Resolves once the list on screen is the fresh one (a notice about a change is shown only
  // then, never beside the old price).
  const load = useCallback((): Promise<void> => {
    if (!store) return Promise.resolve();
    const request = ++latest.current;
    return api(ProductList, '/products', {
      query: { storeId: store.storeId, ...(search ? { search } : {}) },
    })
      .then((r) => {
        if (request !== latest.current) return;
        setProducts(r.products);
        setError('');
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [store, search]);
  useEffect(() => {
    void load();
  }, [load]);

  const setActive = (p: ConsoleProduct, active: boolean) => {
    api(ConsoleProduct, `/stores/${p.storeId}/products/${p.productId}/active`, {
      method: 'POST',
      body: { active },
    })
      .then(() => load())
      .then(() =>
        setNotice(
          `${p.productName} is ${active ? 'on sale again' : 'no longer sold'} at ${store?.storeName ?? ''}`,
        ),
      )
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  };

  const remove = (p: ConsoleProduct) => {
    if (!window.confirm(`Delete ${p.productName} from ${store?.storeName ?? ''}?`)) return;
    api(z.unknown(), `/stores/${p.storeId}/products/${p.productId}/delete`, { method: 'POST' })
      .then(() => load())
      .then(() => setNotice(`${p.productName} is deleted from ${store?.storeName ?? ''}`))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  };

  if (!store) return <p>No stores to show.</p>;
  // Every product of the store (not only the 100 shown), columns sku,price,store first as the
  // price import reads them.
  const exportCatalog = async (): Promise<void> => {
    try {
      const { products: all } = await api(ProductList, '/products/export', {
        query: { storeId: store.storeId },
      });
      downloadCsv(`catalog-${store.storeId}.csv`, [
        ['sku', 'price', 'store', 'product', 'barcode', 'category', 'active'],
        ...all.map((p) => [
          p.sku,
          (p.priceCents / 100).toFixed(2),
          p.storeId,
          p.productName,
          p.barcode ?? '',
          categories.find((c) => c.categoryId === p.categoryId)?.categoryName ?? '',
          p.isActive ? 'yes' : 'no',
        ]),
      ]);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <section>
      <h2>Catalog</h2>
      <div className="filters">
        <label>
          Store
          <select
            value={store.storeId}
            onChange={(e) => setStoreId(e.target.value)}
            data-testid="catalog-store"
          >
            {stores.map((s) => (
              <option key={s.storeId} value={s.storeId}>
                {s.storeName}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input
            value={search}
            placeholder="Name, SKU or barcode"
            onChange={(e) => setSearch(e.target.value)}
            data-testid="catalog-search"
          />
        </label>
      </div>
      <ScreenMessages notice={notice} error={error} testId="catalog-notice" />
      {editing && (
        <PriceForm
          product={editing}
          stores={stores}
          onDone={(message) => {
            setEditing(undefined);
            setScheduledVersion((v) => v + 1);
            void load().then(() => setNotice(message));
          }}
          onCancel={() => setEditing(undefined)}
        />
      )}
      <ScheduledPricesPanel
        store={store}
        canEdit={canEdit}
        version={scheduledVersion}
        onNotice={setNotice}
      />
      {canEdit && <PriceImportForm currency={store.currency} onApplied={() => void load()} />}
      {canEdit && (
        <NewProductForm
          storeId={store.storeId}
          categories={categories}
          onCreated={(p) => {
            setSearch(p.sku);
            setNotice(`${p.productName} is on sale at ${store.storeName}`);
          }}
        />
      )}
      {user.role === 'admin' && (
        <CategoriesPanel categories={categories} onChanged={() => void reloadCategories()} />
      )}
      <button type="button" onClick={() => void exportCatalog()} data-testid="export-catalog">
        Export catalog CSV
      </button>
      <table data-testid="product-table">
        <thead>
          <tr>
            <th>Product</th>
            <th>SKU</th>
            <th>Barcode</th>
            <th className="num">Price</th>
            <th>Status</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {products.map((p) => (
            <tr key={p.productId} data-testid="product-row" data-sku={p.sku}>
              <td>{p.productName}</td>
              <td>{p.sku}</td>
              <td>{p.barcode ?? ''}</td>
              <td className="num" data-testid="product-price">
                {money(p.priceCents, store.currency)}
              </td>
              <td>{p.isActive ? 'On sale' : 'Not sold'}</td>
              {canEdit && (
                <td className="actions">
                  <button type="button" onClick={() => setEditing(p)} data-testid="edit-price">
                    Change price
                  </button>
                  <button type="button" onClick={() => setActive(p, !p.isActive)}>
                    {p.isActive ? 'Stop selling' : 'Sell again'}
                  </button>
                  <button type="button" onClick={() => remove(p)} data-testid="delete-product">
                    Delete
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function PriceForm(props: {
  product: ConsoleProduct;
  stores: Store[];
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const { product } = props;
  const currency = props.stores.find((s) => s.storeId === product.storeId)?.currency ?? 'USD';
  const [price, setPrice] = useState((product.priceCents / 100).toFixed(2));
  const [storeIds, setStoreIds] = useState<string[]>([product.storeId]);
  // Empty: the price changes now; else each store's own wall-clock time it takes effect at.
  const [effectiveAt, setEffectiveAt] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const schedule = (cents: number) => {
    const parsed = ConsoleScheduledPriceCreate.safeParse({
      sku: product.sku,
      priceCents: cents,
      storeIds,
      effectiveAt: effectiveAt.trim().replace(' ', 'T'),
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setBusy(true);
    api(ConsoleScheduledPriceCreated, '/scheduled-prices', { method: 'POST', body: parsed.data })
      .then((r) =>
        props.onDone(
          `${product.productName} will cost ${money(cents, currency)} from ${parsed.data.effectiveAt.replace('T', ' ')} (each store's time) in ${r.scheduled.length} store${r.scheduled.length === 1 ? '' : 's'}`,
        ),
      )
      .catch((e: unknown) => {
        const message = e instanceof ApiError ? e.message : String(e);
        // HQ judges the moment by its clock (validation) and which stores sell the SKU.
        if (e instanceof ApiError && e.kind === 'validation') setErrors({ effectiveAt: message });
        else if (e instanceof ApiError && e.kind === 'not_found') setErrors({ storeIds: message });
        else setErrors({ form: message });
      })
      .finally(() => setBusy(false));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cents = centsFromInput(price.trim().startsWith('-') ? price.trim().slice(1) : price);
    if (Number.isNaN(cents)) return setErrors({ priceCents: 'Enter a price like 12.99' });
    if (price.trim().startsWith('-'))
      return setErrors({ priceCents: 'A price cannot be negative' });
    if (effectiveAt.trim() !== '') return schedule(cents);
    const parsed = ConsolePriceEdit.safeParse({ sku: product.sku, priceCents: cents, storeIds });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setBusy(true);
    api(ConsolePriceEditResult, '/prices', { method: 'POST', body: parsed.data })
      .then((r) =>
        props.onDone(
          r.updated.length === 0
            ? `${product.productName} already costs ${money(cents, currency)} there`
            : `${product.productName} now costs ${money(cents, currency)} in ${r.updated.length} store${r.updated.length === 1 ? '' : 's'}`,
        ),
      )
      .catch((e: unknown) => setErrors({ form: e instanceof ApiError ? e.message : String(e) }))
      .finally(() => setBusy(false));
  };

  const toggle = (id: string) =>
    setStoreIds((ids) => (ids.includes(id) ? ids.filter((s) => s !== id) : [...ids, id]));

  return (
    <form className="card" onSubmit={submit} noValidate data-testid="price-form">
      <h3>New price for {product.productName}</h3>
      <TextField
        label="Price"
        value={price}
        onChange={setPrice}
        inputMode="decimal"
        error={errors.priceCents}
        testId="price-input"
      />
      <TextField
        label="Takes effect (each store's time; empty: now)"
        type="datetime-local"
        value={effectiveAt}
        onChange={setEffectiveAt}
        error={errors.effectiveAt}
        testId="price-effective"
      />
      <fieldset>
        <legend>Stores</legend>
        <button type="button" onClick={() => setStoreIds(props.stores.map((s) => s.storeId))}>
          All stores
        </button>
        {props.stores.map((s) => (
          <label key={s.storeId} className="check">
            <input
              type="checkbox"
              checked={storeIds.includes(s.storeId)}
              onChange={() => toggle(s.storeId)}
            />
            {s.storeName}
          </label>
        ))}
        <FieldError error={errors.storeIds} />
      </fieldset>
      {errors.form && (
        <p className="error" role="alert" data-testid="price-error">
          {errors.form}
        </p>
      )}
      <button type="submit" disabled={busy} data-testid="price-save">
        {effectiveAt.trim() === '' ? 'Save price' : 'Schedule price'}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

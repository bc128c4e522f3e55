/**
 * Tax: a store's own rate and each category's rate there (contract/console-tax.ts), and forms
 * that change the store rate or a category's rate in one, several or every store at once (all
 * or nothing). A category without its own rate is taxed at the store's. Checked by the
 * contract's schemas before anything is sent; HQ checks again. Analysts only look.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ConsoleUser } from '../../../contract/console-protocol';
import {
  ConsoleCategoryTaxRate,
  ConsoleStoreTaxRate,
  ConsoleTaxChanged,
  ConsoleTaxRates,
  percentFromPpm,
  ppmFromPercent,
} from '../../../contract/console-tax';
import type { CategoryEntity } from '../../../contract/catalog';
import { api, ApiError } from '../api';
import { fieldErrors, type FieldErrors } from '../forms';
import type { Store } from '../model';
import { FieldError, TextField } from '../components/TextField';
import { ScreenMessages } from '../components/ScreenMessages';
import { useCategories } from './CatalogForms';

const messageOf = (e: unknown): string => (e instanceof ApiError ? e.message : String(e));
const storesWord = (n: number): string => `${n} store${n === 1 ? '' : 's'}`;

export function TaxScreen({ stores, user }: { stores: Store[]; user: ConsoleUser }) {
  const [storeId, setStoreId] = useState('');
  const [rates, setRates] = useState<ConsoleTaxRates | undefined>();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const { categories } = useCategories();
  const store = stores.find((s) => s.storeId === storeId) ?? stores[0];
  const canEdit = user.role !== 'analyst';

  const load = useCallback((): Promise<void> => {
    if (!store) return Promise.resolve();
    return api(ConsoleTaxRates, `/stores/${store.storeId}/tax-rates`)
      .then((r) => {
        setRates(r);
        setError('');
      })
      .catch((e: unknown) => setError(messageOf(e)));
  }, [store]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!store) return <p>No stores to show.</p>;
  const done = (message: string) => {
    void load().then(() => setNotice(message));
  };
  const own = new Map(rates?.categoryRates.map((r) => [r.categoryId, r.ratePpm]) ?? []);

  return (
    <section>
      <h2>Tax</h2>
      <div className="filters">
        <label>
          Store
          <select
            value={store.storeId}
            onChange={(e) => setStoreId(e.target.value)}
            data-testid="tax-store"
          >
            {stores.map((s) => (
              <option key={s.storeId} value={s.storeId}>
                {s.storeName}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ScreenMessages notice={notice} error={error} testId="tax-notice" />
      {rates && (
        <>
          <p data-testid="tax-store-rate">
            {rates.components
              ? `${store.storeName} charges several taxes; their rates are set per tax.`
              : `${store.storeName} charges ${percentFromPpm(rates.storeRatePpm)} unless a category has its own rate.`}
          </p>
          <table>
            <thead>
              <tr>
                <th>Category</th>
                <th>Rate here</th>
              </tr>
            </thead>
            <tbody>
              {categories
                .filter((c) => c.isActive || own.has(c.categoryId))
                .map((c) => {
                  const rate = own.get(c.categoryId);
                  return (
                    <tr key={c.categoryId} data-testid="tax-row" data-category={c.categoryId}>
                      <td>{c.categoryName}</td>
                      <td data-testid="tax-rate">
                        {rate === undefined
                          ? `${percentFromPpm(rates.storeRatePpm)} (the store's rate)`
                          : percentFromPpm(rate)}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </>
      )}
      {canEdit && (
        <>
          <StoreRateForm stores={stores} storeId={store.storeId} onDone={done} />
          <CategoryRateForm
            stores={stores}
            storeId={store.storeId}
            categories={categories}
            onDone={done}
          />
        </>
      )}
    </section>
  );
}

function StoresField(props: {
  stores: Store[];
  storeIds: string[];
  setStoreIds: (f: (ids: string[]) => string[]) => void;
  error: string | undefined;
  testId: string;
}) {
  const toggle = (id: string) =>
    props.setStoreIds((ids) => (ids.includes(id) ? ids.filter((s) => s !== id) : [...ids, id]));
  return (
    <fieldset data-testid={props.testId}>
      <legend>Stores</legend>
      <button
        type="button"
        onClick={() => props.setStoreIds(() => props.stores.map((s) => s.storeId))}
      >
        All stores
      </button>
      {props.stores.map((s) => (
        <label key={s.storeId} className="check">
          <input
            type="checkbox"
            checked={props.storeIds.includes(s.storeId)}
            onChange={() => toggle(s.storeId)}
          />
          {s.storeName}
        </label>
      ))}
      <FieldError error={props.error} />
    </fieldset>
  );
}

function StoreRateForm(props: { stores: Store[]; storeId: string; onDone: (m: string) => void }) {
  const [rate, setRate] = useState('');
  const [storeIds, setStoreIds] = useState<string[]>([props.storeId]);
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => setStoreIds([props.storeId]), [props.storeId]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ratePpm = ppmFromPercent(rate);
    if (Number.isNaN(ratePpm)) return setErrors({ ratePpm: 'Enter a rate like 8.25' });
    const parsed = ConsoleStoreTaxRate.safeParse({ storeIds, ratePpm });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(ConsoleTaxChanged, '/tax/store-rate', { method: 'POST', body: parsed.data })
      .then((r) =>
        props.onDone(
          `Store rate ${percentFromPpm(ratePpm)} in ${storesWord(r.updated.length + r.unchanged.length)}`,
        ),
      )
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  return (
    <form className="card" onSubmit={submit} noValidate data-testid="store-rate-form">
      <h3>Store rate</h3>
      <TextField
        label="Rate (%)"
        value={rate}
        inputMode="decimal"
        onChange={setRate}
        error={errors.ratePpm}
        testId="store-rate-input"
      />
      <StoresField
        stores={props.stores}
        storeIds={storeIds}
        setStoreIds={setStoreIds}
        error={errors.storeIds}
        testId="store-rate-stores"
      />
      {errors.form && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" data-testid="store-rate-save">
        Save store rate
      </button>
    </form>
  );
}

function CategoryRateForm(props: {
  stores: Store[];
  storeId: string;
  categories: CategoryEntity[];
  onDone: (m: string) => void;
}) {
  const [categoryId, setCategoryId] = useState('');
  const [rate, setRate] = useState('');
  const [storeIds, setStoreIds] = useState<string[]>([props.storeId]);
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => setStoreIds([props.storeId]), [props.storeId]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Empty: the category goes back to the store's rate.
    const ratePpm = rate.trim() === '' ? null : ppmFromPercent(rate);
    if (ratePpm !== null && Number.isNaN(ratePpm)) {
      return setErrors({ ratePpm: 'Enter a rate like 8.25, or leave it empty for the store rate' });
    }
    const parsed = ConsoleCategoryTaxRate.safeParse({
      storeIds,
      categoryId: categoryId === '' ? 0 : Number(categoryId),
      ratePpm,
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    const name = props.categories.find(
      (c) => c.categoryId === parsed.data.categoryId,
    )?.categoryName;
    api(ConsoleTaxChanged, '/tax/category-rate', { method: 'POST', body: parsed.data })
      .then((r) =>
        props.onDone(
          `${name ?? 'The category'} is taxed at ${ratePpm === null ? "the store's rate" : percentFromPpm(ratePpm)} in ${storesWord(r.updated.length + r.unchanged.length)}`,
        ),
      )
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  return (
    <form className="card" onSubmit={submit} noValidate data-testid="category-rate-form">
      <h3>Category rate</h3>
      <label>
        Category
        <select
          value={categoryId}
          onChange={(e) => setCategoryId(e.target.value)}
          data-testid="category-rate-category"
        >
          <option value="">Choose…</option>
          {props.categories
            .filter((c) => c.isActive)
            .map((c) => (
              <option key={c.categoryId} value={c.categoryId}>
                {c.categoryName}
              </option>
            ))}
        </select>
        <FieldError error={errors.categoryId} />
      </label>
      <TextField
        label="Rate (%), empty = the store's rate"
        value={rate}
        inputMode="decimal"
        onChange={setRate}
        error={errors.ratePpm}
        testId="category-rate-input"
      />
      <StoresField
        stores={props.stores}
        storeIds={storeIds}
        setStoreIds={setStoreIds}
        error={errors.storeIds}
        testId="category-rate-stores"
      />
      {errors.form && (
        <p className="error" role="alert" data-testid="category-rate-error">
          {errors.form}
        </p>
      )}
      <button type="submit" data-testid="category-rate-save">
        Save category rate
      </button>
    </form>
  );
}

/**
 * Catalog forms beside the product list: a new product in the chosen store, and the chain's
 * categories (administrators: new category, rename, stop or restart using one). Checked by the
 * contract's schemas (contract/console-catalog.ts) before anything is sent; HQ checks again.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CategoryEntity } from '../../../contract/catalog';
import {
  ConsoleCategoryCreate,
  ConsoleCategoryList,
  ConsoleCategoryUpdate,
  ConsoleProductCreate,
} from '../../../contract/console-catalog';
import { ConsoleProduct } from '../../../contract/console-protocol';
import { api, ApiError } from '../api';
import { centsFromInput, fieldErrors, type FieldErrors } from '../forms';
import { TextField } from '../components/TextField';

const messageOf = (e: unknown): string => (e instanceof ApiError ? e.message : String(e));

/** The chain's categories, loaded once per mount; `reload` after a change. */
export function useCategories(): { categories: CategoryEntity[]; reload: () => Promise<void> } {
  const [categories, setCategories] = useState<CategoryEntity[]>([]);
  const reload = useCallback(
    () =>
      api(ConsoleCategoryList, '/categories')
        .then((r) => setCategories(r.categories))
        .catch(() => undefined),
    [],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  return { categories, reload };
}

export function NewProductForm(props: {
  storeId: string;
  categories: CategoryEntity[];
  onCreated: (p: ConsoleProduct) => void;
}) {
  const [sku, setSku] = useState('');
  const [barcode, setBarcode] = useState('');
  const [productName, setProductName] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [price, setPrice] = useState('');
  const [reorderPoint, setReorderPoint] = useState('0');
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const priceCents = centsFromInput(price);
    if (Number.isNaN(priceCents)) return setErrors({ priceCents: 'Enter a price like 12.99' });
    const parsed = ConsoleProductCreate.safeParse({
      storeId: props.storeId,
      sku,
      barcode: barcode.trim() === '' ? null : barcode,
      productName,
      categoryId: categoryId === '' ? null : Number(categoryId),
      priceCents,
      reorderPoint: /^\s*\d+\s*$/.test(reorderPoint) ? Number(reorderPoint) : Number.NaN,
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(ConsoleProduct, '/products', { method: 'POST', body: parsed.data })
      .then((created) => {
        setSku('');
        setBarcode('');
        setProductName('');
        setPrice('');
        props.onCreated(created);
      })
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="product-form">
      <TextField
        label="New product"
        value={productName}
        placeholder="Name"
        onChange={setProductName}
        error={errors.productName}
        testId="new-product-name"
      />
      <TextField
        label="SKU"
        value={sku}
        onChange={setSku}
        error={errors.sku}
        testId="new-product-sku"
      />
      <TextField
        label="Barcode"
        value={barcode}
        onChange={setBarcode}
        error={errors.barcode}
        testId="new-product-barcode"
      />
      <label>
        Category
        <select
          value={categoryId}
          onChange={(e) => setCategoryId(e.target.value)}
          data-testid="new-product-category"
        >
          <option value="">None</option>
          {props.categories
            .filter((c) => c.isActive)
            .map((c) => (
              <option key={c.categoryId} value={c.categoryId}>
                {c.categoryName}
              </option>
            ))}
        </select>
      </label>
      <TextField
        label="Price"
        value={price}
        inputMode="decimal"
        onChange={setPrice}
        error={errors.priceCents}
        testId="new-product-price"
      />
      <TextField
        label="Reorder at"
        value={reorderPoint}
        inputMode="numeric"
        onChange={setReorderPoint}
        error={errors.reorderPoint}
        testId="new-product-reorder"
      />
      <button type="submit" data-testid="new-product-save">
        Add product
      </button>
      {errors.form && <p className="error">{errors.form}</p>}
    </form>
  );
}

export function CategoriesPanel(props: { categories: CategoryEntity[]; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ConsoleCategoryCreate.safeParse({ categoryName: name, parentCategoryId: null });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(CategoryEntity, '/categories', { method: 'POST', body: parsed.data })
      .then(() => {
        setName('');
        props.onChanged();
      })
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  const update = (c: CategoryEntity, change: { categoryName?: string; isActive?: boolean }) => {
    const parsed = ConsoleCategoryUpdate.safeParse({
      categoryName: change.categoryName ?? c.categoryName,
      parentCategoryId: c.parentCategoryId,
      isActive: change.isActive ?? c.isActive,
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(CategoryEntity, `/categories/${c.categoryId}`, { method: 'POST', body: parsed.data })
      .then(props.onChanged)
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  const rename = (c: CategoryEntity) => {
    const next = window.prompt(`New name for ${c.categoryName}`, c.categoryName);
    if (next !== null) update(c, { categoryName: next });
  };
  return (
    <details className="card" data-testid="categories-panel">
      <summary>Categories (every store)</summary>
      <table>
        <tbody>
          {props.categories.map((c) => (
            <tr key={c.categoryId} data-testid="category-row" data-name={c.categoryName}>
              <td>{c.categoryName}</td>
              <td data-testid="category-status">{c.isActive ? 'In use' : 'Retired'}</td>
              <td className="actions">
                <button type="button" onClick={() => rename(c)}>
                  Rename
                </button>
                <button
                  type="button"
                  onClick={() => update(c, { isActive: !c.isActive })}
                  data-testid="category-toggle"
                >
                  {c.isActive ? 'Retire' : 'Use again'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={create} noValidate data-testid="category-form">
        <TextField
          label="New category"
          value={name}
          onChange={setName}
          error={errors.categoryName}
          testId="new-category-name"
        />
        <button type="submit" data-testid="new-category-save">
          Add category
        </button>
        {errors.form && <p className="error">{errors.form}</p>}
      </form>
    </details>
  );
}

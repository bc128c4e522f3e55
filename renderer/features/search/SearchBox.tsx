/**
 * The checkout's one input: type to search as you go, Enter to add the highlighted product or
 * to look up a typed code, arrows to move through results. Out-of-stock results show similar
 * in-stock items of this store.
 *
 * Speed: each keystroke starts one search at once (the first after a pause, 8 ms later);
 * responses that arrive after a newer keystroke are dropped. Keys that arrive at scanner speed (< 25 ms apart) do not start
 * searches: the scan itself is coming and the till database serves one query at a time.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { SearchHit } from '../../../contract/till-api/catalog';
import { formatMoney } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';

export interface SearchBoxHandle {
  focus(): void;
  clear(): void;
  readonly text: string;
}

const MAX_QUERY = 200;
const SCANNER_GAP_MS = 25;
const FIRST_KEY_WAIT_MS = 8;
const IDLE_MS = 500;
const SUBSTITUTES_AFTER_MS = 300;

export const SearchBox = forwardRef<
  SearchBoxHandle,
  {
    currency: string;
    onPick: (hit: SearchHit) => void;
    /** A typed code (Enter with no result chosen); resolves true when it added a line. */
    onCode: (code: string) => Promise<boolean>;
    onAdjust: (by: number) => void;
  }
>(function SearchBox({ currency, onPick, onCode, onAdjust }, ref) {
  const api = useApi();
  const call = useCall();
  const { notify } = useNotice();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  /** Closest categories when nothing matched ("no match" is an answer, not an error). */
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [resultQuery, setResultQuery] = useState('');
  const [active, setActive] = useState(-1);
  const [similar, setSimilar] = useState<{ productId: string; hits: SearchHit[] } | null>(null);
  const serial = useRef(0);
  const lastKey = useRef(0);
  const afterBurst = useRef(false);
  const deferred = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useImperativeHandle(ref, () => ({
    focus: () => input.current?.focus(),
    clear: () => {
      setText('');
      setHits([]);
      setResultQuery('');
      setActive(-1);
    },
    get text() {
      return text;
    },
  }));

  const runSearch = (query: string): void => {
    serial.current += 1;
    const mine = serial.current;
    if (query.trim() === '') {
      setHits([]);
      setResultQuery(query);
      setActive(-1);
      return;
    }
    void api.search({ query, limit: 8 }).then((result) => {
      if (mine !== serial.current) return; // a newer keystroke won
      if (!result.ok) {
        notify('error', result.error.message);
        return;
      }
      setHits(result.data.hits);
      setSuggestions(result.data.noMatch?.suggestions.map((c) => c.name) ?? []);
      setResultQuery(query);
      setActive(result.data.hits.length > 0 ? 0 : -1);
    });
  };

  const onChange = (value: string): void => {
    setText(value);
    clearTimeout(deferred.current);
    const now = performance.now();
    const gap = now - lastKey.current;
    const fast = gap < SCANNER_GAP_MS;
    lastKey.current = now;
    if (fast) {
      serial.current += 1; // invalidate in-flight results of the burst's first key
      afterBurst.current = true;
      deferred.current = setTimeout(() => runSearch(value), SCANNER_GAP_MS * 2);
    } else if (gap > IDLE_MS || afterBurst.current) {
      // A first key after a pause (or after a scan) may open a scanner burst: wait a few ms for
      // the next key, so no search is queued ahead of the scan's lookup.
      afterBurst.current = false;
      deferred.current = setTimeout(() => runSearch(value), FIRST_KEY_WAIT_MS);
    } else {
      runSearch(value);
    }
  };

  useEffect(() => () => clearTimeout(deferred.current), []);

  // Substitutes follow the first out-of-stock result; they join the list so arrows reach them.
  // Asked for once typing pauses: they are for a cashier reading the results, and a query per
  // keystroke would delay the next keystroke's search (one connection serves both).
  const outOfStock = hits.find((h) => h.onHand <= 0);
  const outOfStockId = outOfStock?.productId;
  useEffect(() => {
    if (!outOfStockId) return;
    const timer = setTimeout(() => {
      void call(api.substitutes({ productId: outOfStockId, limit: 4 }), { quiet: true }).then(
        (r) => {
          if (r.ok) setSimilar({ productId: outOfStockId, hits: r.data });
        },
      );
    }, SUBSTITUTES_AFTER_MS);
    return () => clearTimeout(timer);
  }, [outOfStockId, api, call]);
  const shown = new Set(hits.map((h) => h.productId));
  const similarHits =
    similar && similar.productId === outOfStockId
      ? similar.hits.filter((h) => !shown.has(h.productId))
      : [];
  const options: Array<{ hit: SearchHit; similarTo: string | null }> = [
    ...hits.map((hit) => ({ hit, similarTo: null })),
    ...similarHits.map((hit) => ({ hit, similarTo: outOfStock?.productName ?? null })),
  ];
  const activeHit = active >= 0 ? options[active]?.hit : undefined;

  const pick = (hit: SearchHit): void => {
    onPick(hit);
    setText('');
    setHits([]);
    setResultQuery('');
    setActive(-1);
    serial.current += 1;
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowDown' && options.length > 0) {
      e.preventDefault();
      setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (e.key === 'ArrowUp' && options.length > 0 && active > 0) {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const hit = activeHit && resultQuery === text ? activeHit : undefined;
      if (hit) pick(hit);
      else if (text.trim() !== '') {
        const typed = text;
        void onCode(text.trim()).then((added) => {
          if (added && input.current?.value === typed) {
            setText('');
            setHits([]);
            setResultQuery('');
            setActive(-1);
          }
        });
      }
    } else if (e.key === 'Escape' && text !== '') {
      e.preventDefault();
      setText('');
      setHits([]);
      setResultQuery('');
      setActive(-1);
      serial.current += 1;
    } else if ((e.key === '+' || e.key === '-') && text === '') {
      e.preventDefault();
      onAdjust(e.key === '+' ? 1 : -1);
    }
  };

  return (
    <div className="search">
      <label className="field search-field" htmlFor="scan-input">
        <span className="field-label">Scan or search (F2)</span>
        <input
          ref={input}
          id="scan-input"
          autoFocus
          data-testid="scan-input"
          role="combobox"
          aria-expanded={hits.length > 0}
          aria-controls="search-results"
          aria-activedescendant={activeHit ? `hit-${activeHit.productId}` : undefined}
          autoComplete="off"
          spellCheck={false}
          maxLength={MAX_QUERY}
          value={text}
          placeholder="Barcode, SKU or words: running shoes, usb c charger 65w…"
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = e.clipboardData.getData('text');
            if (pasted.length > MAX_QUERY) {
              e.preventDefault();
              notify(
                'error',
                `The pasted text is too long (${pasted.length.toLocaleString('en-US')} characters); search takes at most ${MAX_QUERY}. The cart was not changed.`,
              );
            }
          }}
        />
      </label>
      {hits.length > 0 && resultQuery === text ? (
        <ul
          id="search-results"
          className="search-results"
          role="listbox"
          aria-label="Search results"
          data-query={resultQuery}
          data-testid="search-results"
        >
          {options.map(({ hit, similarTo }, i) => (
            <li
              key={hit.productId}
              id={`hit-${hit.productId}`}
              role="option"
              aria-selected={i === active}
              className={['hit', i === active ? 'active' : '', similarTo ? 'similar' : '']
                .filter(Boolean)
                .join(' ')}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(hit);
              }}
            >
              <span className="hit-name">
                {similarTo ? <span className="badge">Similar, in stock</span> : null}
                {hit.productName}
              </span>
              <span className="hit-meta">
                {hit.sku} ·{' '}
                {hit.onHand > 0 ? (
                  `${hit.onHand} in stock`
                ) : (
                  <strong className="warn">out of stock</strong>
                )}
                {hit.matchedBy.length > 0 ? ` · ${hit.matchedBy.join(', ')}` : null}
              </span>
              <span className="hit-price">{formatMoney(hit.priceCents, currency)}</span>
            </li>
          ))}
        </ul>
      ) : text.trim() !== '' && resultQuery === text ? (
        <p className="search-empty" data-testid="search-results" data-query={resultQuery}>
          No products match "{text.slice(0, 40)}". Press Enter to try it as a code.
          {suggestions.length > 0 ? ` Closest departments: ${suggestions.join(', ')}.` : null}
        </p>
      ) : null}
    </div>
  );
});

/**
 * Keyboard layers: every screen or dialog registers a layer with its function-key actions
 * (shown on screen in the key bar and bound to the keys) and, optionally, what a barcode scan
 * means there. Only the top layer gets keys; a scan goes to the nearest layer that takes scans.
 *
 * The scanner wedge runs in the capture phase on window, before any field sees the key, so a
 * scan works whichever field has focus: the burst's characters are undone from that field and
 * the Enter that ends it is swallowed (it never submits a form or presses a button).
 */
import { scanFailedCue } from './cue';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useNotice } from './context';
import { DEFAULT_SCAN_OPTIONS, ScanDetector } from './scanner';

export interface KeyAction {
  /** 'F2', 'Shift+F6', 'Ctrl+L', 'Escape', 'Delete', ... */
  key: string;
  label: string;
  run: () => void;
  /** Shown in the key bar (default true); hidden actions still work. */
  show?: boolean;
  disabled?: boolean;
}

export interface LayerSpec {
  actions: KeyAction[];
  /** What a completed barcode scan does here; undefined passes it to the layer below. */
  onScan?: ((code: string) => void) | undefined;
}

interface Layer {
  id: number;
  spec: React.RefObject<LayerSpec>;
}

interface KeysApi {
  register: (layer: Layer) => () => void;
  topActions: KeyAction[];
  /** Re-read the top layer's actions (after a layer's actions changed). */
  bump: () => void;
}

const KeysContext = createContext<KeysApi | null>(null);

export function keyName(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>,
): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('Ctrl');
  if (e.altKey) parts.push('Alt');
  // Shift matters for named keys (Shift+F6) but is part of the character for printable keys.
  if (e.shiftKey && e.key.length > 1) parts.push('Shift');
  parts.push(e.key.length === 1 ? e.key.toUpperCase() : e.key);
  return parts.join('+');
}

const FUNCTION_KEY = /^F([1-9]|1[0-2])$/;

type Editable = HTMLInputElement | HTMLTextAreaElement;

function editableTarget(el: Element | null): Editable | null {
  if (el instanceof HTMLTextAreaElement) return el;
  if (
    el instanceof HTMLInputElement &&
    !['checkbox', 'radio', 'button', 'submit'].includes(el.type)
  )
    return el;
  return null;
}

/** Set a React-controlled field's value the way typing would (React listens for 'input'). */
export function setFieldValue(el: Editable, value: string): void {
  const proto =
    el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  // React tracks the value through the prototype's setter; assigning el.value would bypass it.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  setter?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export function KeysProvider({ children }: { children: ReactNode }) {
  const layers = useRef<Layer[]>([]);
  const [topActions, setTopActions] = useState<KeyAction[]>([]);
  const { notify } = useNotice();
  const bump = useCallback(
    () => setTopActions(layers.current[layers.current.length - 1]?.spec.current.actions ?? []),
    [],
  );

  const register = useCallback(
    (layer: Layer) => {
      layers.current = [...layers.current, layer];
      bump();
      return () => {
        layers.current = layers.current.filter((l) => l.id !== layer.id);
        bump();
      };
    },
    [bump],
  );

  useEffect(() => {
    const detector = new ScanDetector(DEFAULT_SCAN_OPTIONS);
    let snapshot: { el: Editable; value: string; start: number | null; end: number | null } | null =
      null;
    // Keys kept out of the field while a burst looked like a scanner, and where they were going.
    let swallowed: { el: Element | null; text: string } | null = null;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;

    const restore = (): void => {
      if (snapshot && snapshot.el.isConnected && snapshot.el.value !== snapshot.value) {
        setFieldValue(snapshot.el, snapshot.value);
        try {
          snapshot.el.setSelectionRange(snapshot.start, snapshot.end);
        } catch {
          // number/email inputs have no selection API
        }
      }
      snapshot = null;
      swallowed = null;
    };

    /** Not a scan after all: type the swallowed keys into the field they were meant for. */
    const putBack = (): void => {
      const pending = swallowed;
      swallowed = null;
      const el = pending ? editableTarget(pending.el) : null;
      if (!pending || !el || !el.isConnected) return;
      const start = el.selectionStart ?? el.value.length;
      const end = el.selectionEnd ?? start;
      const value = el.value.slice(0, start) + pending.text + el.value.slice(end);
      setFieldValue(el, value.slice(0, el.maxLength > 0 ? el.maxLength : undefined));
      try {
        el.setSelectionRange(start + pending.text.length, start + pending.text.length);
      } catch {
        // number/email inputs have no selection API
      }
    };

    const dispatchScan = (code: string): void => {
      for (let i = layers.current.length - 1; i >= 0; i--) {
        const onScan = layers.current[i]?.spec.current.onScan;
        if (onScan) {
          onScan(code);
          return;
        }
      }
      notify('error', `Scanned ${code}, but nothing here takes a scan`);
      scanFailedCue();
    };

    const onCapture = (e: KeyboardEvent): void => {
      if (e.isComposing) return;
      const decision = detector.key({
        key: e.key,
        time: e.timeStamp,
        ctrlKey: e.ctrlKey,
        altKey: e.altKey,
        metaKey: e.metaKey,
      });
      if (decision.type === 'char') {
        if (decision.burstStart) {
          putBack();
          const el = editableTarget(document.activeElement);
          snapshot = el
            ? { el, value: el.value, start: el.selectionStart, end: el.selectionEnd }
            : null;
        }
        if (decision.swallow) {
          e.preventDefault();
          e.stopImmediatePropagation();
          swallowed = {
            el: swallowed?.el ?? document.activeElement,
            text: (swallowed?.text ?? '') + e.key,
          };
        }
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => {
          const broken = detector.idle(performance.now());
          if (broken !== null) {
            restore();
            notify(
              'error',
              `Incomplete scan "${broken.slice(0, 24)}" was ignored. Scan the item again.`,
            );
            scanFailedCue();
          } else {
            putBack();
          }
        }, DEFAULT_SCAN_OPTIONS.incompleteAfterMs + 10);
        return;
      }
      clearTimeout(idleTimer);
      if (decision.type === 'scan') {
        e.preventDefault();
        e.stopImmediatePropagation();
        restore();
        dispatchScan(decision.code);
        return;
      }
      // Any other key ends the burst: keys held back go to the field first, in order.
      putBack();
      snapshot = null;
      // Browsers bind most function keys (reload, find, fullscreen...); the till owns them.
      if (FUNCTION_KEY.test(e.key)) e.preventDefault();
    };

    const onBubble = (e: KeyboardEvent): void => {
      if (e.defaultPrevented && !FUNCTION_KEY.test(e.key)) return;
      const top = layers.current[layers.current.length - 1];
      if (!top) return;
      const name = keyName(e);
      const action = top.spec.current.actions.find((a) => a.key === name);
      if (!action || action.disabled) return;
      e.preventDefault();
      action.run();
    };

    window.addEventListener('keydown', onCapture, true);
    window.addEventListener('keydown', onBubble);
    return () => {
      clearTimeout(idleTimer);
      window.removeEventListener('keydown', onCapture, true);
      window.removeEventListener('keydown', onBubble);
    };
  }, [notify]);

  const value = useMemo(() => ({ register, topActions, bump }), [register, topActions, bump]);
  return <KeysContext.Provider value={value}>{children}</KeysContext.Provider>;
}

let layerSerial = 0;

/** Register a keyboard layer for as long as the component is mounted. */
export function useKeyLayer(spec: LayerSpec): void {
  const ctx = useContext(KeysContext);
  if (!ctx) throw new Error('useKeyLayer outside KeysProvider');
  const ref = useRef<LayerSpec>(spec);
  const labels = spec.actions
    .map((a) => `${a.key}:${a.label}:${a.disabled ? 1 : 0}:${a.show === false ? 0 : 1}`)
    .join('|');
  const { register, bump } = ctx;
  useEffect(() => {
    ref.current = spec;
  });
  useEffect(() => {
    layerSerial += 1;
    return register({ id: layerSerial, spec: ref });
  }, [register]);
  // Re-render the key bar when this layer's visible actions change.
  useEffect(() => {
    bump();
  }, [labels, bump]);
}

/** The function keys of the top layer, for the on-screen key bar. */
export function useTopActions(): KeyAction[] {
  const ctx = useContext(KeysContext);
  if (!ctx) throw new Error('useTopActions outside KeysProvider');
  return ctx.topActions;
}

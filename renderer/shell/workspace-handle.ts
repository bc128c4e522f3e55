/**
 * What a screen gets from the shell (Workspace.tsx): the sale in progress, the shift, the shell's
 * function keys and panels. A module of its own so a screen names the handle without importing
 * the shell that renders it (no import cycle).
 */
import type { Dispatch } from 'react';
import type { SaleResult } from '../../contract/till-api/sale';
import type { ShiftSummary } from '../../contract/till-api/shift';
import type { CartAction, CartState } from '../features/checkout/cart';
import type { KeyAction } from './keys';

/** The shell's function keys. */
export interface ShellKeys {
  help: KeyAction;
  receipts: KeyAction;
  void: KeyAction;
  returns: KeyAction;
  shift: KeyAction;
  noSale: KeyAction;
  sync: KeyAction;
  logout: KeyAction;
}

/** The panels the shell opens over any screen. */
export type ShellPanel =
  null | 'help' | 'receipts' | 'void' | 'shift' | 'noSale' | 'sync' | 'logout';

/** What a screen gets from the shell. */
export interface WorkspaceHandle {
  /** The sale in progress (shared by checkout and returns). */
  cart: CartState;
  dispatch: Dispatch<CartAction>;
  /** The open shift; null when none is open, undefined while loading. */
  shift: ShiftSummary | null | undefined;
  /** The shell's function keys, for the screen's key layer (the screen places them). */
  keys: ShellKeys;
  openPanel: (panel: ShellPanel) => void;
  /** A sale, return or exchange went through: show its receipt (and remember its number). */
  completed: (result: SaleResult, title: string) => void;
  /**
   * Where focus goes when a panel or the receipt closes (the screen's scan box). Returns the
   * function that takes it back.
   */
  registerFocus: (focus: () => void) => () => void;
  /** Give focus back to the screen once no dialog is open. */
  focusSoon: () => void;
}

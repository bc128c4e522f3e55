/**
 * An amount field of the shift panel: the text typed, and its value in cents once it parses
 * (a parse failure is told to the cashier in words and gives null).
 */
import { useState } from 'react';
import { parseAmount } from '../../shell/amounts';
import { useNotice } from '../../shell/context';

export function useAmountField() {
  const { notify } = useNotice();
  const [text, setText] = useState('');
  const cents = (): number | null => {
    const parsed = parseAmount(text);
    if (!parsed.ok) {
      notify('error', parsed.message);
      return null;
    }
    return parsed.cents;
  };
  return { text, setText, cents };
}
